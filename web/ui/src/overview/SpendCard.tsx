import { useMemo, useState } from "react";
import { api, type CostDimension, type DailySeries } from "../api";
import { Card, EmptyState, ErrorState, Segmented, Skeleton } from "../components";
import { addDays, formatDay, formatMoneyWhole, formatShare } from "../format";
import { useApi } from "../hooks";
import { ChartSlot, SpendChart } from "../lazy";
import { OTHER_COLOR, seriesColor } from "../palette";
import type { Span } from "./span";

/* ---------- spend over time ---------- */

const BY_LABEL: Record<CostDimension, string> = {
  service: "Service",
  team: "Team",
  account: "Account",
  cluster: "Cluster",
  namespace: "Namespace",
};
export const SPEND_DIMENSIONS = Object.keys(BY_LABEL) as CostDimension[];

const isKubernetes = (by: CostDimension) => by === "cluster" || by === "namespace";
/** The bill outside Kubernetes would dwarf the clusters: hidden until its legend entry is pressed. */
const hiddenAtFirst = (series: DailySeries) => series.kubernetes === false;

export function SpendCard(props: { span: Span; by: CostDimension; onBy: (by: CostDimension) => void }) {
  const { from, to } = props.span;
  const daily = useApi(
    `daily:${props.by}:${from}:${to}`,
    (signal) => api.dailyCosts(props.by, from, to, 8, signal),
    { keepPrevious: true },
  );
  // The legend entries pressed since the grouping was chosen: each flips its series from how it starts.
  const [flipped, setFlipped] = useState<ReadonlySet<string>>(new Set());
  const hidden = useMemo(
    () =>
      new Set(
        (daily.data?.series ?? []).filter((s) => hiddenAtFirst(s) !== flipped.has(s.key)).map((s) => s.key),
      ),
    [daily.data, flipped],
  );
  const toggle = (key: string) =>
    setFlipped((current) => {
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
      return { series: s, key: s.key, index, total, share: all > 0 ? total / all : 0 };
    });
  }, [daily.data]);

  const empty = daily.data && (daily.data.days.length === 0 || daily.data.series.length === 0);
  const kubernetes = isKubernetes(props.by);
  return (
    <Card
      title="Spend over time"
      subtitle={
        kubernetes
          ? `Effective cost per day by ${props.by}: the top 8, the rest as Other; each cluster's idle node capacity its own series (sand), never in Other`
          : `Effective cost per day by ${props.by}: the top 8, the rest as Other`
      }
      busy={daily.loading}
      actions={
        <Segmented<CostDimension>
          label="Group by"
          testId="spend-by"
          value={props.by}
          options={SPEND_DIMENSIONS.map((value) => ({
            value,
            label: BY_LABEL[value],
          }))}
          onChange={(by) => {
            setFlipped(new Set());
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
        ) : daily.data.split === false ? (
          <NoSplitData by={props.by} />
        ) : empty ? (
          <EmptyState title="No spend in this range" compact>
            Pick another range: billing covers other days.
          </EmptyState>
        ) : (
          <>
            <div className={daily.loading ? "chart-body is-stale" : "chart-body"}>
              <ChartSlot>
                <SpendChart
                  label={`Stacked area chart: effective cost per day by ${props.by}, ${formatDay(from)} to ${formatDay(addDays(to, -1))}`}
                  days={daily.data.days}
                  series={daily.data.series}
                  total={daily.data.total}
                  hidden={hidden}
                />
              </ChartSlot>
            </div>
            <ul className="legend" aria-label="Series">
              {totals.map((entry) => (
                <li
                  key={entry.key}
                  data-testid="legend-entry"
                  data-idle={entry.series.idle ? "true" : undefined}
                >
                  <button
                    type="button"
                    className={`legend-item${entry.series.idle ? " legend-idle" : ""}${hidden.has(entry.key) ? " legend-off" : ""}`}
                    aria-pressed={!hidden.has(entry.key)}
                    title={hidden.has(entry.key) ? "Show this series" : "Hide this series"}
                    onClick={() => toggle(entry.key)}
                  >
                    <span
                      className="swatch"
                      style={{
                        background: hidden.has(entry.key)
                          ? OTHER_COLOR
                          : seriesColor(entry.series, entry.index),
                      }}
                    />
                    <span className="legend-key">{entry.key}</span>
                    {entry.series.idle && <span className="legend-tag">idle</span>}
                    <span className="legend-value">{formatMoneyWhole(entry.total)}</span>
                    <span className="legend-share">{formatShare(entry.share)}</span>
                  </button>
                </li>
              ))}
            </ul>
            {kubernetes && <IdleNote series={daily.data.series} />}
          </>
        )}
      </div>
    </Card>
  );
}

/** Cost by cluster and namespace needs the bill's split cost allocation data: how to get it. */
function NoSplitData(props: { by: CostDimension }) {
  return (
    <EmptyState title="No split cost allocation data in this range" compact>
      Cost by {props.by} divides each EKS node's cost among its pods, from the split cost allocation data of a
      CUR 2.0 export: enable split cost allocation data for EKS in the CUR 2.0 export, then load the export
      again (finops ingest or finops collect --only billing).
    </EmptyState>
  );
}

/** The clusters' idle capacity in the range, against what the clusters cost: always in view. */
function IdleNote(props: { series: DailySeries[] }) {
  const sumOf = (list: DailySeries[]) =>
    list.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);
  const clusters = sumOf(props.series.filter((s) => s.kubernetes !== false));
  const idle = sumOf(props.series.filter((s) => s.idle));
  const outside = sumOf(props.series.filter((s) => s.kubernetes === false));
  return (
    <p className="chart-note" data-testid="idle-note">
      Idle node capacity: <strong>{formatMoneyWhole(idle)}</strong>
      {clusters > 0 && (
        <>
          {" "}
          ({formatShare(idle / clusters)} of the clusters' {formatMoneyWhole(clusters)})
        </>
      )}
      . The rest of the bill, not Kubernetes: {formatMoneyWhole(outside)}.
    </p>
  );
}
