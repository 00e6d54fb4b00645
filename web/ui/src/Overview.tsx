import { useMemo, useState } from "react";
import { api, type CostDimension, type FindingsSummary, type HotspotDimension, type SummaryRow } from "./api";
import { Card, Change, EmptyState, ErrorState, Money, Segmented, Skeleton, Stat } from "./components";
import {
  addDays,
  DASH,
  daysBetween,
  formatChangePercent,
  formatCount,
  formatDay,
  formatMoney,
  formatMoneyWhole,
  formatShare,
  isDay,
} from "./format";
import { type Loaded, navigate, type Route, routeHash, useApi } from "./hooks";
import { BreakdownBars, ChartSlot, SpendChart } from "./lazy";
import { OTHER_COLOR, seriesColor } from "./palette";

type Preset = "30" | "90" | "custom";

/** The selected window: from inclusive, to exclusive (as the API takes it), and how the user chose it. */
interface Span {
  preset: Preset;
  from: string;
  to: string;
  days: number;
  invalid?: string;
}

const BILLING_COMMANDS = ["finops ingest FILE", "finops collect --only billing"];

export function Overview(props: { route: Route }) {
  const range = useApi("range", (signal) => api.range(signal));
  if (range.error && !range.data) return <ErrorState error={range.error} onRetry={range.reload} />;
  if (!range.data) return <OverviewSkeleton />;
  const { first, last } = range.data;
  if (!first || !last) {
    return (
      <Card>
        <EmptyState title="No billing data yet" commands={BILLING_COMMANDS}>
          Load a FOCUS or CUR 2.0 export, or collect Cost Explorer data, then reload this page.
        </EmptyState>
      </Card>
    );
  }
  return <OverviewWithData route={props.route} range={{ first, last }} />;
}

function selectWindow(params: URLSearchParams, range: { first: string; last: string }): Span {
  const end = addDays(range.last, 1);
  const preset = (params.get("range") ?? "30") as Preset;
  if (preset === "custom") {
    const from = params.get("from");
    const through = params.get("to");
    if (isDay(from) && isDay(through)) {
      const to = addDays(through, 1);
      const days = daysBetween(from, to);
      return {
        preset,
        from,
        to,
        days,
        invalid: days <= 0 ? "The start date is after the end date." : undefined,
      };
    }
  }
  const days = preset === "90" ? 90 : 30;
  return { preset: preset === "90" ? "90" : "30", from: addDays(end, -days), to: end, days };
}

function OverviewWithData(props: { route: Route; range: { first: string; last: string } }) {
  const { params } = props.route;
  const span = selectWindow(params, props.range);
  const summary = useApi("summary", (signal) => api.findingsSummary(signal));
  const by =
    (["service", "team", "account"] as const).find((value) => value === params.get("by")) ?? "service";

  const setParams = (changes: Record<string, string | undefined>) => {
    const next: Record<string, string | undefined> = Object.fromEntries(params.entries());
    Object.assign(next, changes);
    navigate(routeHash("overview", [], next), { replace: true });
  };

  return (
    <div className="page">
      <div className="toolbar" data-testid="range-bar">
        <div className="toolbar-group">
          <Segmented<Preset>
            label="Date range"
            testId="range-preset"
            value={span.preset}
            options={[
              { value: "30", label: "Last 30 days" },
              { value: "90", label: "Last 90 days" },
              { value: "custom", label: "Custom" },
            ]}
            onChange={(preset) =>
              setParams(
                preset === "custom"
                  ? { range: "custom", from: span.from, to: addDays(span.to, -1) }
                  : { range: preset, from: undefined, to: undefined },
              )
            }
          />
          <label className="field field-inline">
            <span>From</span>
            <input
              type="date"
              data-testid="range-from"
              value={span.from}
              min={props.range.first}
              max={props.range.last}
              onChange={(event) =>
                isDay(event.target.value) &&
                setParams({ range: "custom", from: event.target.value, to: addDays(span.to, -1) })
              }
            />
          </label>
          <label className="field field-inline">
            <span>To</span>
            <input
              type="date"
              data-testid="range-to"
              value={addDays(span.to, -1)}
              min={props.range.first}
              max={props.range.last}
              onChange={(event) =>
                isDay(event.target.value) &&
                setParams({ range: "custom", from: span.from, to: event.target.value })
              }
            />
          </label>
        </div>
        <p className="toolbar-note">
          Billing from {formatDay(props.range.first)} to {formatDay(props.range.last)}
        </p>
      </div>

      {span.invalid ? (
        <Card>
          <ErrorState error={new Error(span.invalid)} compact />
        </Card>
      ) : (
        <>
          <Headline span={span} first={props.range.first} summary={summary} />
          <SpendCard span={span} by={by} onBy={(value) => setParams({ by: value })} />
          <Hotspots to={span.to} />
          <Waste summary={summary} />
        </>
      )}
    </div>
  );
}

/* ---------- headline figures and tag coverage ---------- */

function Headline(props: { span: Span; first: string; summary: Loaded<FindingsSummary> }) {
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

function TagCoverage(props: { total: number; allocated: number; unallocated: number; share: number }) {
  const share = Math.min(1, Math.max(0, props.share));
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

/* ---------- spend over time ---------- */

const BY_LABEL: Record<CostDimension, string> = { service: "Service", team: "Team", account: "Account" };

function SpendCard(props: { span: Span; by: CostDimension; onBy: (by: CostDimension) => void }) {
  const { from, to } = props.span;
  const daily = useApi(
    `daily:${props.by}:${from}:${to}`,
    (signal) => api.dailyCosts(props.by, from, to, 8, signal),
    { keepPrevious: true },
  );
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setHidden((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const totals = useMemo(() => {
    const series = daily.data?.series ?? [];
    const all = series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);
    return series.map((s, index) => {
      const total = s.values.reduce((a, b) => a + b, 0);
      return { key: s.key, index, total, share: all > 0 ? total / all : 0 };
    });
  }, [daily.data]);

  const empty = daily.data && (daily.data.days.length === 0 || daily.data.series.length === 0);
  return (
    <Card
      title="Spend over time"
      subtitle={`Effective cost per day by ${props.by}: the top 8, the rest as Other`}
      busy={daily.loading}
      actions={
        <Segmented<CostDimension>
          label="Group by"
          testId="spend-by"
          value={props.by}
          options={(["service", "team", "account"] as const).map((value) => ({
            value,
            label: BY_LABEL[value],
          }))}
          onChange={(by) => {
            setHidden(new Set());
            props.onBy(by);
          }}
        />
      }
    >
      <div data-testid="spend-chart" className="chart-area">
        {daily.error ? (
          <ErrorState error={daily.error} onRetry={daily.reload} />
        ) : !daily.data ? (
          <Skeleton height="chart" />
        ) : empty ? (
          <EmptyState title="No spend in this range" compact>
            Pick another range: billing covers other days.
          </EmptyState>
        ) : (
          <>
            <div className={daily.loading ? "chart-body is-stale" : "chart-body"}>
              <ChartSlot>
                <SpendChart
                  days={daily.data.days}
                  series={daily.data.series}
                  total={daily.data.total}
                  hidden={hidden}
                />
              </ChartSlot>
            </div>
            <ul className="legend" aria-label="Series">
              {totals.map((entry) => (
                <li key={entry.key}>
                  <button
                    type="button"
                    className={hidden.has(entry.key) ? "legend-item legend-off" : "legend-item"}
                    aria-pressed={!hidden.has(entry.key)}
                    title={hidden.has(entry.key) ? "Show this series" : "Hide this series"}
                    onClick={() => toggle(entry.key)}
                  >
                    <span
                      className="swatch"
                      style={{
                        background: hidden.has(entry.key) ? OTHER_COLOR : seriesColor(entry.key, entry.index),
                      }}
                    />
                    <span className="legend-key">{entry.key}</span>
                    <span className="legend-value">{formatMoneyWhole(entry.total)}</span>
                    <span className="legend-share">{formatShare(entry.share)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </Card>
  );
}

/* ---------- hotspots: the biggest spenders of the last 7 days, with week-over-week change ---------- */

const HOTSPOTS: { by: HotspotDimension; title: string; none: string }[] = [
  { by: "service", title: "Top services", none: "(no service)" },
  { by: "team", title: "Top teams", none: "(no team)" },
  { by: "account", title: "Top accounts", none: "(no account)" },
  { by: "resource", title: "Top resources", none: "(not per resource)" },
];

function Hotspots(props: { to: string }) {
  return (
    <div className="section">
      <div className="section-header">
        <h2 className="section-title">Hotspots</h2>
        <p className="section-note">
          The 7 days to {formatDay(addDays(props.to, -1))} against the 7 days before
        </p>
      </div>
      <div className="grid grid-2">
        {HOTSPOTS.map((hotspot) => (
          <HotspotTable key={hotspot.by} {...hotspot} to={props.to} />
        ))}
      </div>
    </div>
  );
}

function HotspotTable(props: { by: HotspotDimension; title: string; none: string; to: string }) {
  const rows = useApi(`hotspots:${props.by}:${props.to}`, (signal) =>
    api.hotspots(props.by, props.to, 7, 10, signal),
  );
  return (
    <Card title={props.title} testId={`hotspots-${props.by}`} busy={rows.loading} className="card-flush">
      {rows.error ? (
        <ErrorState error={rows.error} onRetry={rows.reload} compact />
      ) : !rows.data ? (
        <div className="card-pad">
          <Skeleton lines={6} />
        </div>
      ) : rows.data.length === 0 ? (
        <EmptyState title="No spend in these two weeks" compact />
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">
                  {props.by === "resource" ? "Resource" : props.by[0]?.toUpperCase() + props.by.slice(1)}
                </th>
                <th scope="col" className="num">
                  Last 7 days
                </th>
                <th scope="col" className="num">
                  Previous
                </th>
                <th scope="col" className="num">
                  Change
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.data.map((row) => (
                <tr key={row.key ?? "(none)"} data-testid="hotspot-row">
                  <td className="cell-key" title={row.key ?? props.none}>
                    {row.key ?? <span className="muted">{props.none}</span>}
                  </td>
                  <td className="num">
                    <Money value={row.current} />
                  </td>
                  <td className="num muted">
                    <Money value={row.previous} />
                  </td>
                  <td className="num">
                    <Change change={row.change} percent={row.changePercent} previous={row.previous} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/* ---------- waste per month by rule and team ---------- */

function toBars(rows: SummaryRow[], none: string) {
  return [...rows]
    .sort((a, b) => b.savings - a.savings)
    .slice(0, 15)
    .map((row) => ({
      key: row.key ?? "",
      label: row.key ?? none,
      value: row.savings,
      count: row.count,
      monthlyCost: row.monthlyCost,
    }));
}

function Waste(props: { summary: Loaded<FindingsSummary> }) {
  const summary = props.summary;
  const open = (filter: "rule" | "team") => (key: string) =>
    key && navigate(routeHash("findings", [], { [filter]: key }));
  const body = (rows: SummaryRow[] | undefined, filter: "rule" | "team", none: string) => {
    if (summary.error) return <ErrorState error={summary.error} onRetry={summary.reload} compact />;
    if (!rows) return <Skeleton height="bar" />;
    if (rows.length === 0) {
      return (
        <EmptyState title="No open findings" commands={["finops analyze"]} compact>
          Run the waste rules over the collected inventory and billing.
        </EmptyState>
      );
    }
    return (
      <ChartSlot height="bar">
        <BreakdownBars rows={toBars(rows, none)} onSelect={open(filter)} />
      </ChartSlot>
    );
  };
  return (
    <div className="section">
      <div className="section-header">
        <h2 className="section-title">Waste</h2>
        <p className="section-note">
          Estimated savings per month of the open findings: by rule, what each rule's findings claim; by team,
          each resource counted once. Click a bar to see them
        </p>
      </div>
      <div className="grid grid-2">
        <Card title="By rule" testId="waste-by-rule" busy={summary.loading}>
          {body(summary.data?.byRule, "rule", "(no rule)")}
        </Card>
        <Card title="By team" testId="waste-by-team" busy={summary.loading}>
          {body(summary.data?.byTeam, "team", "(no team)")}
        </Card>
      </div>
    </div>
  );
}

function OverviewSkeleton() {
  return (
    <div className="page">
      <div className="grid grid-4">
        {[0, 1, 2, 3].map((index) => (
          <Card key={index}>
            <Skeleton height="stat" />
          </Card>
        ))}
      </div>
      <Card title="Spend over time">
        <Skeleton height="chart" />
      </Card>
    </div>
  );
}
