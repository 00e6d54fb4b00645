import type { ReactNode } from "react";
import { ApiError } from "./api";
import { DASH, formatChangePercent, formatEvidenceValue, formatMoney, formatSignedMoney } from "./format";

export function Card(props: {
  title?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  busy?: boolean;
}) {
  return (
    <section
      className={`card${props.className ? ` ${props.className}` : ""}`}
      data-testid={props.testId}
      aria-busy={props.busy || undefined}
    >
      {(props.title || props.actions) && (
        <header className="card-header">
          <div>
            {props.title && <h2 className="card-title">{props.title}</h2>}
            {props.subtitle && <p className="card-subtitle">{props.subtitle}</p>}
          </div>
          {props.actions && <div className="card-actions">{props.actions}</div>}
        </header>
      )}
      {props.children}
    </section>
  );
}

export function Spinner(props: { label?: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="sr-only">{props.label ?? "Loading"}</span>
    </span>
  );
}

/** Grey placeholder blocks in the shape of what is coming. */
export function Skeleton(props: { lines?: number; height?: "chart" | "stat" | "row" | "bar" }) {
  const height = props.height ?? "row";
  return (
    <div className="skeleton-group" role="status" aria-label="Loading">
      {Array.from({ length: props.lines ?? 1 }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
        <div key={index} className={`skeleton skeleton-${height}`} />
      ))}
    </div>
  );
}

export function ErrorState(props: { error: Error; onRetry?: () => void; compact?: boolean }) {
  const status = props.error instanceof ApiError ? props.error.status : undefined;
  return (
    <div
      className={`state state-error${props.compact ? " state-compact" : ""}`}
      role="alert"
      data-testid="error"
    >
      <div className="state-icon" aria-hidden="true">
        !
      </div>
      <div>
        <p className="state-title">{status ? `The server answered ${status}` : "Something went wrong"}</p>
        <p className="state-text">{props.error.message}</p>
      </div>
      {props.onRetry && (
        <button type="button" className="button button-secondary" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** No data yet: says which command fills it. */
export function EmptyState(props: {
  title: string;
  children?: ReactNode;
  commands?: string[];
  compact?: boolean;
}) {
  return (
    <div className={`state state-empty${props.compact ? " state-compact" : ""}`} data-testid="empty">
      <div className="state-icon" aria-hidden="true">
        ∅
      </div>
      <div>
        <p className="state-title">{props.title}</p>
        {props.children && <p className="state-text">{props.children}</p>}
        {props.commands && props.commands.length > 0 && (
          <ul className="command-list">
            {props.commands.map((command) => (
              <li key={command}>
                <code>{command}</code>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** Week-over-week change: cost up is red (↑), down is green (↓). */
export function Change(props: { change: number; percent: number | null; previous?: number }) {
  const direction = Math.abs(props.change) < 0.005 ? "flat" : props.change > 0 ? "up" : "down";
  const arrow = direction === "up" ? "↑" : direction === "down" ? "↓" : "→";
  const text =
    props.percent === null
      ? props.change > 0
        ? "new"
        : DASH
      : direction === "flat"
        ? "0%"
        : formatChangePercent(props.percent);
  return (
    <span
      className={`change change-${direction}`}
      title={`${formatSignedMoney(props.change)}${props.previous !== undefined ? ` vs ${formatMoney(props.previous)}` : ""}`}
    >
      <span aria-hidden="true">{arrow}</span>
      <span className="sr-only">
        {direction === "up" ? "up" : direction === "down" ? "down" : "unchanged"}
      </span>{" "}
      {text}
    </span>
  );
}

export function SeverityBadge(props: { severity: string }) {
  return <span className={`badge badge-severity badge-${props.severity}`}>{props.severity}</span>;
}

export function Badge(props: { tone?: "neutral" | "accent" | "good" | "warn" | "bad"; children: ReactNode }) {
  return <span className={`badge badge-${props.tone ?? "neutral"}`}>{props.children}</span>;
}

/**
 * key: value pairs: one line each in a table cell (`max` of them), in full in the side panel. A finding's
 * evidence is a JSON object of its rule's keys, or null (a dash).
 */
export function Evidence(props: { evidence: unknown; max?: number }) {
  const entries =
    typeof props.evidence === "object" && props.evidence !== null ? Object.entries(props.evidence) : [];
  if (entries.length === 0) return <span className="muted">{DASH}</span>;
  if (props.max) {
    const shown = entries.slice(0, props.max);
    return (
      <ul
        className="evidence-compact"
        title={entries.map(([k, v]) => `${k}: ${formatEvidenceValue(v)}`).join("\n")}
      >
        {shown.map(([key, value]) => (
          <li key={key}>
            <span className="evidence-key">{key}:</span> {formatEvidenceValue(value)}
          </li>
        ))}
        {entries.length > props.max && <li className="evidence-more">+{entries.length - props.max} more</li>}
      </ul>
    );
  }
  return (
    <dl className="evidence">
      {entries.map(([key, value]) => (
        <div key={key} className="evidence-pair">
          <dt>{key}</dt>
          <dd>{formatEvidenceValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A segmented switch (30d | 90d | Custom, Service | Team | Account). */
export function Segmented<T extends string>(props: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
  testId?: string;
}) {
  return (
    <fieldset className="segmented" data-testid={props.testId}>
      <legend className="sr-only">{props.label}</legend>
      {props.options.map((option) => (
        <button
          key={option.value}
          type="button"
          className={option.value === props.value ? "segment segment-active" : "segment"}
          aria-pressed={option.value === props.value}
          onClick={() => props.onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </fieldset>
  );
}

/** A headline figure. */
export function Stat(props: { label: string; value: ReactNode; detail?: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={props.testId}>
      <p className="stat-label">{props.label}</p>
      <p className="stat-value">{props.value}</p>
      {props.detail && <p className="stat-detail">{props.detail}</p>}
    </div>
  );
}

/** Money, right-aligned with tabular figures by the .num class of its cell. */
export function Money(props: { value: number | null | undefined; note?: string | null }) {
  if (props.value === null || props.value === undefined) {
    return (
      <span className="muted" title={props.note ?? "unknown"}>
        {DASH}
      </span>
    );
  }
  return <>{formatMoney(props.value)}</>;
}

/** A resource id on one line; only a long one (an ARN) may break anywhere. */
export function ResourceId(props: { id: string }) {
  return (
    <span className={props.id.length > 30 ? "mono id-long" : "mono nowrap"} title={props.id}>
      {props.id}
    </span>
  );
}
