import { useCallback, useEffect, useRef, useState } from "react";
import { forgetReadToken, onReadRefused, type ReadRefusal, readToken } from "./api";
import { Findings } from "./Findings";
import { type Page, RefreshContext, routeHash, useRoute } from "./hooks";
import { Overview } from "./Overview";
import { Remediation } from "./Remediation";
import { SignIn } from "./SignIn";

const TABS: { page: Page; label: string }[] = [
  { page: "overview", label: "Overview" },
  { page: "findings", label: "Findings" },
  { page: "remediation", label: "Remediation" },
];

/** A tab left alone this long reloads its data when it is looked at again. */
const STALE_AFTER_MS = 10 * 60_000;

const time = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hour12: false });

export function App() {
  const route = useRoute();
  const [refresh, setRefresh] = useState(0);
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const loadedAtRef = useRef(loadedAt);
  loadedAtRef.current = loadedAt;

  const reload = useCallback(() => {
    setRefresh((n) => n + 1);
    setLoadedAt(Date.now());
  }, []);

  // A server beyond loopback refuses reads without its token: the sign-in box replaces the page until one works.
  const [refusal, setRefusal] = useState<ReadRefusal | null>(null);
  const [signedIn, setSignedIn] = useState(() => readToken() !== null);
  useEffect(
    () =>
      onReadRefused((refused) => {
        // A kept token refused (403) is no use any more: forgotten, and asked again.
        if (refused.status === 403) forgetReadToken();
        setSignedIn(readToken() !== null);
        setRefusal((shown) => shown ?? refused);
      }),
    [],
  );
  const signIn = useCallback(() => {
    setRefusal(null);
    setSignedIn(true);
    reload();
  }, [reload]);
  const forget = useCallback(() => {
    forgetReadToken();
    setSignedIn(false);
    // The next reads go without it: a server that needs one refuses them, and the box asks again.
    reload();
  }, [reload]);

  // No timer polls the server: data reloads on demand, or on return to a tab that sat hidden a while.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === "visible" && Date.now() - loadedAtRef.current > STALE_AFTER_MS)
        reload();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [reload]);

  const heading = TABS.find((t) => t.page === route.page)?.label ?? "Overview";
  useEffect(() => {
    document.title = `${heading} · finops`;
  }, [heading]);

  return (
    <RefreshContext.Provider value={refresh}>
      <div className="app">
        <header className="topbar">
          <div className="topbar-inner">
            <a className="brand" href={routeHash("overview")}>
              <span className="brand-mark" aria-hidden="true">
                <svg viewBox="0 0 24 24" width="22" height="22" role="presentation">
                  <rect x="3" y="12" width="4" height="9" rx="1" />
                  <rect x="10" y="7" width="4" height="14" rx="1" />
                  <rect x="17" y="3" width="4" height="18" rx="1" />
                </svg>
              </span>
              <span className="brand-name">finops</span>
              <span className="brand-tag">AWS cost &amp; cleanup</span>
            </a>
            <nav className="tabs" aria-label="Sections">
              {TABS.map((tab) => (
                <a
                  key={tab.page}
                  href={routeHash(tab.page)}
                  className={route.page === tab.page ? "tab tab-active" : "tab"}
                  aria-current={route.page === tab.page ? "page" : undefined}
                  data-testid={`tab-${tab.page}`}
                >
                  {tab.label}
                </a>
              ))}
            </nav>
            <div className={signedIn ? "topbar-end topbar-signed-in" : "topbar-end"}>
              <span className="updated" title="When the data on this page was loaded">
                Updated {time.format(loadedAt)}
              </span>
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={reload}
                data-testid="refresh"
              >
                Refresh
              </button>
              {signedIn && (
                <button
                  type="button"
                  className="button button-ghost button-small"
                  onClick={forget}
                  data-testid="forget-token"
                >
                  Forget token
                </button>
              )}
            </div>
          </div>
        </header>
        <main className="main" key={route.page}>
          {/* Each page's one h1: the tab's name (a plan's id is its page's h2). */}
          <h1 className="page-title" data-testid="page-title">
            {heading}
          </h1>
          {refusal && <SignIn refusal={refusal} onSignedIn={signIn} />}
          {!refusal && route.page === "overview" && <Overview route={route} />}
          {!refusal && route.page === "findings" && <Findings route={route} />}
          {!refusal && route.page === "remediation" && <Remediation route={route} />}
        </main>
      </div>
    </RefreshContext.Provider>
  );
}
