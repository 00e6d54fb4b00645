import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";

/* ---------- data loading ---------- */

/** Bumped by the header's Refresh button (and on return to a tab left alone a while): every view reloads. */
export const RefreshContext = createContext(0);

export interface Loaded<T> {
  /** The answer for this key; see `keepPrevious` for what shows while a new key loads. */
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` whenever `key` changes (null: load nothing). A newer request aborts the older one, and
 * leaving the view aborts what is in flight: nothing piles up in a tab left open for days.
 * A reload of the same key keeps its data on screen meanwhile. Under a new key the old data is dropped
 * (another plan's items must never show under this plan's address), unless `keepPrevious` says the new key
 * is the same list seen differently (another page, another date range), which then dims instead of blanking.
 */
export function useApi<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  options: { keepPrevious?: boolean } = {},
): Loaded<T> {
  const keepPrevious = options.keepPrevious ?? false;
  const refresh = useContext(RefreshContext);
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<{ key: string | null; data?: T; error?: Error; loading: boolean }>({
    key: null,
    loading: key !== null,
  });
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh and nonce are reload triggers.
  useEffect(() => {
    if (key === null) {
      setState({ key, loading: false });
      return;
    }
    const controller = new AbortController();
    const kept = (previous: { key: string | null; data?: T }) =>
      previous.key === key || keepPrevious ? previous.data : undefined;
    setState((previous) => ({ key, data: kept(previous), loading: true }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, data, loading: false });
      },
      (error: Error) => {
        if (!controller.signal.aborted)
          setState((previous) => ({ key, data: kept(previous), error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [key, refresh, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  if (state.key !== key && !keepPrevious) {
    // The render between a key change and its effect: nothing of the old key shows.
    return { data: undefined, error: undefined, loading: key !== null, reload };
  }
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/* ---------- hash navigation: #/page/part?param=value ---------- */

export const PAGES = ["overview", "findings", "remediation"] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  /** Path parts after the page: #/remediation/PLAN_ID → ["PLAN_ID"]. */
  parts: string[];
  params: URLSearchParams;
}

const ROUTE_EVENT = "finops:route";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  window.addEventListener(ROUTE_EVENT, onChange);
  return () => {
    window.removeEventListener("hashchange", onChange);
    window.removeEventListener(ROUTE_EVENT, onChange);
  };
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const [path = "", query = ""] = raw.split("?", 2);
  const [first = "", ...rest] = path.split("/").filter(Boolean);
  const page = (PAGES as readonly string[]).includes(first) ? (first as Page) : "overview";
  return { page, parts: rest.map((part) => decodeURIComponent(part)), params: new URLSearchParams(query) };
}

export function routeHash(
  page: Page,
  parts: string[] = [],
  params: Record<string, string | number | null | undefined> = {},
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const path = [page, ...parts.map((part) => encodeURIComponent(part))].join("/");
  const query = search.toString();
  return `#/${path}${query ? `?${query}` : ""}`;
}

/** Goes to a hash. `replace`: no new history entry (a filter change, not a new page). */
export function navigate(hash: string, options: { replace?: boolean } = {}): void {
  if (hash === window.location.hash) return;
  if (options.replace) {
    window.history.replaceState(window.history.state, "", hash);
    window.dispatchEvent(new Event(ROUTE_EVENT));
  } else {
    window.location.hash = hash;
  }
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  // parseHash is cheap; memoising on the string keeps params referentially stable for effects.
  const cache = useRef<{ hash: string; route: Route } | null>(null);
  if (cache.current?.hash !== hash) cache.current = { hash, route: parseHash(hash) };
  return cache.current.route;
}

/* ---------- small helpers ---------- */

/** Closes on Escape while `active`. */
export function useEscape(active: boolean, onEscape: () => void): void {
  const ref = useRef(onEscape);
  ref.current = onEscape;
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") ref.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active]);
}

/** A clock for "expires in 3 days": ticks once a minute, not every render. */
export function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
