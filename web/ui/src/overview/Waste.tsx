import { api, type FindingsSummary, type SummaryRow } from "../api";
import { Card, EmptyState, ErrorState, Skeleton } from "../components";
import { namesOf } from "../findings/names";
import { type Loaded, navigate, routeHash, useApi } from "../hooks";
import { BreakdownBars, ChartSlot } from "../lazy";

/**
 * The 15 biggest savings of a summary as bars; the key is the filter a click opens the findings with, the
 * label what people read (a rule's title).
 */
function toBars(rows: SummaryRow[], label: (key: string) => string) {
  return [...rows]
    .sort((a, b) => b.savings - a.savings)
    .slice(0, 15)
    .map((row) => ({
      key: row.key,
      label: label(row.key),
      value: row.savings,
      count: row.count,
      monthlyCost: row.monthlyCost,
    }));
}

/** Waste per month by rule and by team, from the findings summary the overview loads once. */
export function Waste(props: { summary: Loaded<FindingsSummary> }) {
  const summary = props.summary;
  const rules = useApi("rules", (signal) => api.rules(signal));
  const names = namesOf(rules.data, summary.data?.noTeamLabel);
  const open = (filter: "rule" | "team") => (key: string) =>
    key && navigate(routeHash("findings", [], { [filter]: key }));
  const body = (rows: SummaryRow[] | undefined, filter: "rule" | "team") => {
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
        <BreakdownBars
          label={`Bar chart: estimated savings per month of the open findings by ${filter}, the 15 largest; press a bar to see its findings`}
          rows={toBars(rows, filter === "rule" ? names.rule : (key) => key)}
          onSelect={open(filter)}
        />
      </ChartSlot>
    );
  };
  return (
    <div className="section">
      <div className="section-header">
        <h2 className="section-title">Waste</h2>
        <p className="section-note">
          Estimated savings per month of the open findings: by rule, what each rule's findings claim; by team,
          each resource counted once. Click a bar, or press Enter on it, to see them
        </p>
      </div>
      <div className="grid grid-2">
        <Card title="By rule" testId="waste-by-rule" busy={summary.loading}>
          {body(summary.data?.byRule, "rule")}
        </Card>
        <Card title="By team" testId="waste-by-team" busy={summary.loading}>
          {body(summary.data?.byTeam, "team")}
        </Card>
      </div>
    </div>
  );
}
