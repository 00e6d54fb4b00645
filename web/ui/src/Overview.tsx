import { api } from "./api";
import { Card, EmptyState, ErrorState, Segmented, Skeleton } from "./components";
import { addDays, formatDay, isDay } from "./format";
import { navigate, type Route, routeHash, useApi } from "./hooks";
import { Commitments } from "./overview/Commitments";
import { Headline } from "./overview/Headline";
import { Hotspots } from "./overview/Hotspots";
import { SPEND_DIMENSIONS, SpendCard } from "./overview/SpendCard";
import { type Preset, selectWindow } from "./overview/span";
import { Waste } from "./overview/Waste";

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

function OverviewWithData(props: { route: Route; range: { first: string; last: string } }) {
  const { params } = props.route;
  const span = selectWindow(params, props.range);
  const summary = useApi("summary", (signal) => api.findingsSummary(signal));
  const by = SPEND_DIMENSIONS.find((value) => value === params.get("by")) ?? "service";

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
          <Hotspots
            to={span.to}
            noTeamLabel={summary.data?.noTeamLabel ?? "(no team)"}
            accountNames={summary.data?.accountNames ?? {}}
          />
          <Commitments span={span} />
          <Waste summary={summary} />
        </>
      )}
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
