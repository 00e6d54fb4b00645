import { useEffect, useRef } from "react";
import { api, type Finding } from "../api";
import { Badge, EmptyState, ErrorState, Evidence, SeverityBadge, Skeleton } from "../components";
import { describeAction, formatCount, formatDay, formatMoney } from "../format";
import { routeHash, useApi, useEscape } from "../hooks";
import { ChartSlot, ResourceCostChart } from "../lazy";
import type { Names } from "./names";

/* ---------- the side panel: one finding, its resource's daily cost and the whole evidence ---------- */

export function FindingPanel(props: { finding: Finding; names: Names; onClose: () => void }) {
  const f = props.finding;
  const names = props.names;
  const costs = useApi(`resource-costs:${f.resourceId}`, (signal) =>
    api.resourceCosts(f.resourceId, 90, signal),
  );
  const close = useRef<HTMLButtonElement>(null);
  useEscape(true, props.onClose);
  // Focus goes back to the row that opened the panel when it closes.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => opener?.focus();
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves to the panel when another finding opens.
  useEffect(() => {
    close.current?.focus();
  }, [f.id]);

  const total = costs.data?.values.reduce((sum, value) => sum + value, 0) ?? 0;
  return (
    <>
      <div className="panel-backdrop" onClick={props.onClose} aria-hidden="true" />
      <aside className="panel" data-testid="finding-panel" aria-label={`Finding on ${f.resourceId}`}>
        <header className="panel-header">
          <div>
            <p className="panel-eyebrow">
              {f.resourceType} · {names.rule(f.rule)}
            </p>
            <h2 className="panel-title mono">{f.resourceId}</h2>
            <p className="panel-badges">
              <SeverityBadge severity={f.severity} />
              <Badge tone={f.status === "open" ? "warn" : "good"}>{f.status}</Badge>
              {f.protected && <Badge tone="accent">protected: never acted on</Badge>}
            </p>
          </div>
          <button
            ref={close}
            type="button"
            className="button button-ghost panel-close"
            onClick={props.onClose}
          >
            <span aria-hidden="true">✕</span>
            <span className="sr-only">Close</span>
          </button>
        </header>
        <div className="panel-body">
          <p className="panel-reason">{f.reason}</p>
          <div className="panel-figures">
            <div>
              <p className="stat-label">Cost / month</p>
              <p className="panel-figure">{formatMoney(f.monthlyCost)}</p>
            </div>
            <div>
              <p className="stat-label">Savings / month</p>
              <p className="panel-figure accent">{formatMoney(f.estimatedMonthlySavings)}</p>
            </div>
            <div>
              <p className="stat-label">Action</p>
              <p className="panel-figure">{describeAction(f.action)}</p>
            </div>
          </div>
          {(f.monthlyCostSource || f.monthlyCostNote) && (
            <p className="panel-note">
              Cost from {f.monthlyCostSource ?? "unknown source"}
              {f.monthlyCostNote ? `: ${f.monthlyCostNote}` : ""}
            </p>
          )}
          {f.overlaps.length > 0 && (
            <p className="panel-note" data-testid="finding-overlaps">
              Also flagged by {f.overlaps.map((o) => names.rule(o.rule)).join(", ")}: one action is taken on a
              resource, so its savings count once in every total (the largest figure, never more than its
              cost).
            </p>
          )}

          <h3 className="panel-section">Daily cost, last 90 days</h3>
          <div data-testid="resource-cost-chart">
            {costs.error ? (
              <ErrorState error={costs.error} onRetry={costs.reload} compact />
            ) : !costs.data ? (
              <Skeleton height="bar" />
            ) : costs.data.days.length === 0 || total === 0 ? (
              <EmptyState title="No billing names this resource" compact>
                Its cost comes from {f.monthlyCostSource ?? "an estimate"}, not from billing rows.
              </EmptyState>
            ) : (
              <>
                <ChartSlot height="bar">
                  <ResourceCostChart days={costs.data.days} values={costs.data.values} />
                </ChartSlot>
                <p className="panel-note">
                  {formatMoney(total)} over {formatCount(costs.data.days.length)} days
                </p>
              </>
            )}
          </div>

          <h3 className="panel-section">Evidence</h3>
          <Evidence evidence={names.evidence(f.evidence)} />

          <h3 className="panel-section">Details</h3>
          <dl className="details">
            <dt>Rule</dt>
            <dd className="mono">{f.rule}</dd>
            <dt>Team</dt>
            <dd>{names.team(f.team)}</dd>
            <dt>Account</dt>
            <dd className="mono">{names.account(f.account)}</dd>
            <dt>Region</dt>
            <dd>{f.region}</dd>
            <dt>First seen</dt>
            <dd>{formatDay(f.firstSeen)}</dd>
            <dt>Last seen</dt>
            <dd>{formatDay(f.lastSeen)}</dd>
            {f.resolvedAt && (
              <>
                <dt>Resolved</dt>
                <dd>{formatDay(f.resolvedAt)}</dd>
              </>
            )}
            <dt>Finding id</dt>
            <dd className="mono">{f.id}</dd>
          </dl>
          {f.action && f.action !== "notify" && !f.protected && f.status === "open" && (
            <p className="panel-hint">
              To clean it up: <code>finops plan --rule {f.rule}</code>, then review and approve the plan under{" "}
              <a href={routeHash("remediation")}>Remediation</a>.
            </p>
          )}
        </div>
      </aside>
    </>
  );
}
