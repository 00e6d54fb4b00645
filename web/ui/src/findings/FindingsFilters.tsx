import { FINDING_SORTS, type FindingFilterValues, type FindingSort, type FindingsSummary } from "../api";
import { Card } from "../components";
import { type Loaded, navigate, routeHash } from "../hooks";
import type { Names } from "./names";
import { SORT_LABELS, sortDirectionLabel } from "./sorting";

export const FILTERS = [
  { param: "rule", label: "Rule", values: (f: FindingFilterValues) => f.rules },
  { param: "team", label: "Team", values: (f: FindingFilterValues) => f.teams },
  { param: "severity", label: "Severity", values: (f: FindingFilterValues) => f.severities },
  { param: "account", label: "Account", values: (f: FindingFilterValues) => f.accounts },
  { param: "region", label: "Region", values: (f: FindingFilterValues) => f.regions },
] as const;

/** A change to the hash's parameters (undefined removes one); the page goes back to 1 unless told. */
export type SetParams = (changes: Record<string, string | number | undefined>, resetPage?: boolean) => void;

/**
 * The filter, status and sort menus over the findings table, and "Clear filters" once one is set. Rules are
 * listed by title; teams as the summary names them (no team: tags.noTeamLabel).
 */
export function FindingsFilters(props: {
  params: URLSearchParams;
  summary: Loaded<FindingsSummary>;
  status: "open" | "resolved";
  sort: FindingSort;
  order: "asc" | "desc";
  filtered: boolean;
  setParams: SetParams;
  names: Names;
}) {
  const { params, summary, status, sort, order, filtered, setParams, names } = props;
  return (
    <Card className="filters-card">
      <div className="filters" data-testid="findings-filters">
        {FILTERS.map((filter) => {
          const current = params.get(filter.param) ?? "";
          const values = summary.data ? [...filter.values(summary.data.filters)] : [];
          if (filter.param === "rule") values.sort((a, b) => names.rule(a).localeCompare(names.rule(b)));
          if (current && !values.includes(current)) values.unshift(current);
          return (
            <label key={filter.param} className="field">
              <span>{filter.label}</span>
              <select
                data-testid={`filter-${filter.param}`}
                value={current}
                disabled={!summary.data && !summary.error}
                onChange={(event) => setParams({ [filter.param]: event.target.value || undefined })}
              >
                <option value="">All</option>
                {values.map((value) => (
                  <option key={value} value={value}>
                    {filter.param === "rule"
                      ? names.rule(value)
                      : filter.param === "account"
                        ? names.account(value)
                        : value}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
        <label className="field">
          <span>Status</span>
          <select
            data-testid="filter-status"
            value={status}
            onChange={(event) =>
              setParams({ status: event.target.value === "resolved" ? "resolved" : undefined })
            }
          >
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <label className="field">
          <span>Sort by</span>
          <select
            data-testid="sort"
            value={`${sort}:${order}`}
            onChange={(event) => {
              const [column = "savings", direction = "desc"] = event.target.value.split(":");
              setParams({ sort: column, order: direction });
            }}
          >
            {FINDING_SORTS.flatMap((column) =>
              (["desc", "asc"] as const).map((direction) => (
                <option key={`${column}:${direction}`} value={`${column}:${direction}`}>
                  {SORT_LABELS[column]} {sortDirectionLabel(column, direction)}
                </option>
              )),
            )}
          </select>
        </label>
        <div className="filters-end">
          {filtered && (
            <button
              type="button"
              className="button button-ghost"
              data-testid="filters-clear"
              onClick={() =>
                navigate(
                  routeHash("findings", [], { sort: params.get("sort"), order: params.get("order") }),
                  {
                    replace: true,
                  },
                )
              }
            >
              Clear filters
            </button>
          )}
        </div>
      </div>
      {summary.error && (
        <p className="field-error">The filter lists could not be loaded: {summary.error.message}</p>
      )}
    </Card>
  );
}
