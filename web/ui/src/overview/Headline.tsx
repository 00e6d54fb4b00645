import { api, type Coverage, type FindingsSummary } from "../api";
import { Card, ErrorState, Skeleton, Stat } from "../components";
import {
  addDays,
  DASH,
  formatChangePercent,
  formatCount,
  formatDay,
  formatMoney,
  formatMoneyWhole,
  formatShare,
} from "../format";
import { type Loaded, routeHash, useApi } from "../hooks";
import type { Span } from "./span";

/* ---------- headline figures and tag coverage ---------- */

export function Headline(props: { span: Span; first: string; summary: Loaded<FindingsSummary> }) {
  const { from, to, days } = props.span;
  const previousFrom = addDays(from, -days);
  const hasPrevious = previousFrom >= props.first;
  const coverage = useApi(`coverage:${from}:${to}`, (signal) => api.coverage(from, to, signal));
  const previous = useApi(hasPrevious ? `coverage:${previousFrom}:${from}` : null, (signal) =>
    api.coverage(previousFrom, from, signal),
  );
  const summary = props.summary;

  const total = coverage.data?.total;
  const change =
    total !== undefined && previous.data && previous.data.total > 0
      ? ((total - previous.data.total) / previous.data.total) * 100
      : null;
  // Counted once per resource (the one action taken), not the sum of what overlapping rules claim.
  const savings = summary.data?.total.savings;
  const findings = summary.data?.total.count;
  const overlap = summary.data?.total.overlappingFindings
    ? `${formatCount(summary.data.total.overlappingFindings)} findings overlap on ${formatCount(summary.data.total.overlappingResources)} resources: counted once (the rules claim ${formatMoneyWhole(summary.data.total.grossSavings)})`
    : undefined;

  return (
    <div className="grid grid-4">
      <Card testId="stat-spend" busy={coverage.loading}>
        {coverage.error ? (
          <ErrorState error={coverage.error} onRetry={coverage.reload} compact />
        ) : total === undefined ? (
          <Skeleton height="stat" />
        ) : (
          <Stat
            label={`Spend, ${formatDay(from)} – ${formatDay(addDays(to, -1))}`}
            value={formatMoneyWhole(total)}
            detail={
              change === null ? (
                hasPrevious ? (
                  DASH
                ) : (
                  <span className="muted">No billing for the {days} days before</span>
                )
              ) : (
                <>
                  <span className={change > 0 ? "text-up" : "text-down"}>
                    {change > 0 ? "↑" : "↓"} {formatChangePercent(change)}
                  </span>{" "}
                  vs the previous {days} days
                </>
              )
            }
          />
        )}
      </Card>
      <Card testId="stat-daily" busy={coverage.loading}>
        {total === undefined ? (
          coverage.error ? null : (
            <Skeleton height="stat" />
          )
        ) : (
          <Stat
            label="Average per day"
            value={formatMoneyWhole(total / Math.max(1, days))}
            detail={`about ${formatMoneyWhole((total / Math.max(1, days)) * 30)} a month`}
          />
        )}
      </Card>
      <Card testId="stat-savings" busy={summary.loading}>
        {summary.error ? (
          <ErrorState error={summary.error} onRetry={summary.reload} compact />
        ) : savings === undefined ? (
          <Skeleton height="stat" />
        ) : (
          <Stat
            label="Potential savings"
            value={
              <>
                {formatMoneyWhole(savings)}
                <span className="stat-unit"> / month</span>
              </>
            }
            detail={
              findings ? (
                <a href={routeHash("findings")} title={overlap} data-testid="savings-overlap">
                  {formatCount(findings)} open findings{overlap ? ", counted once per resource" : ""} →
                </a>
              ) : (
                <span className="muted">
                  No open findings: run <code>finops analyze</code>
                </span>
              )
            }
          />
        )}
      </Card>
      <Card testId="tag-coverage" busy={coverage.loading}>
        {coverage.error ? null : !coverage.data ? (
          <Skeleton height="stat" />
        ) : (
          <TagCoverage {...coverage.data} />
        )}
      </Card>
    </div>
  );
}

/** The share of spend with a team (none when nothing was spent: share null), as a meter. */
function TagCoverage(props: Coverage) {
  const share = Math.min(1, Math.max(0, props.share ?? 0));
  return (
    <div className="stat">
      <p className="stat-label">Tag coverage</p>
      <p className="stat-value">
        {formatShare(share)}
        <span className="stat-unit"> of spend has a team</span>
      </p>
      <div className="meter" aria-hidden="true">
        <div className="meter-fill" style={{ width: `${share * 100}%` }} />
      </div>
      <p className="stat-detail meter-legend">
        <span>
          <span className="dot dot-allocated" /> {formatMoney(props.allocated)} allocated
        </span>
        <span>
          <span className="dot dot-unallocated" /> {formatMoney(props.unallocated)} without a team
        </span>
      </p>
    </div>
  );
}
