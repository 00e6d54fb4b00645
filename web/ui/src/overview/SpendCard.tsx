import { useMemo, useState } from "react";
import { api, type CostDimension } from "../api";
import { Card, EmptyState, ErrorState, Segmented, Skeleton } from "../components";
import { formatMoneyWhole, formatShare } from "../format";
import { useApi } from "../hooks";
import { ChartSlot, SpendChart } from "../lazy";
import { OTHER_COLOR, seriesColor } from "../palette";
import type { Span } from "./span";

/* ---------- spend over time ---------- */

const BY_LABEL: Record<CostDimension, string> = { service: "Service", team: "Team", account: "Account" };

export function SpendCard(props: { span: Span; by: CostDimension; onBy: (by: CostDimension) => void }) {
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
