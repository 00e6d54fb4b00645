import { useEffect, useState } from "react";
import { ApiError, api, FINDING_SORTS, type Finding, type FindingParams, type FindingSort } from "./api";
import { Card, EmptyState, ErrorState, Skeleton, Spinner } from "./components";
import { FindingPanel } from "./findings/FindingPanel";
import { FindingsFilters, type SetParams } from "./findings/FindingsFilters";
import { FindingsTable } from "./findings/FindingsTable";
import { namesOf } from "./findings/names";
import { Pagination } from "./findings/Pagination";
import { DEFAULT_ORDER, PAGE_SIZES } from "./findings/sorting";
import { formatCount, formatMoney } from "./format";
import { navigate, type Route, routeHash, useApi } from "./hooks";
import { prefetchCharts } from "./lazy";

/** The address's parameters that are the page's own (which page, how many rows); the rest go to the API. */
const PAGE_PARAMS = new Set(["page", "size"]);
/** What sorts and pages the list; the rest of the API's parameters filter it. */
const ORDER_PARAMS = new Set(["sort", "order", "limit", "offset"]);

export function Findings(props: { route: Route }) {
  const { params } = props.route;
  const sort = (FINDING_SORTS as readonly string[]).includes(params.get("sort") ?? "")
    ? (params.get("sort") as FindingSort)
    : "savings";
  const order =
    params.get("order") === "asc" ? "asc" : params.get("order") === "desc" ? "desc" : DEFAULT_ORDER[sort];
  const size = PAGE_SIZES.includes(Number(params.get("size"))) ? Number(params.get("size")) : 50;
  const page = Math.max(1, Math.floor(Number(params.get("page")) || 1));
  const status = params.get("status") === "resolved" ? "resolved" : "open";

  // Every parameter of the address goes to the API as it is (a mistyped rule, a parameter it does not
  // take): its 400 is shown, never an empty list that reads as "no findings".
  const given = [...params.entries()].filter(([key]) => !PAGE_PARAMS.has(key));
  const filters: FindingParams = Object.fromEntries(given.filter(([key]) => !ORDER_PARAMS.has(key)));
  const query: FindingParams = {
    ...filters,
    sort: params.get("sort") ?? sort,
    order: params.get("order") ?? order,
    limit: size,
    offset: (page - 1) * size,
  };
  const findings = useApi(`findings:${JSON.stringify(query)}`, (signal) => api.findings(query, signal), {
    keepPrevious: true,
  });
  const totals = useApi(
    `findings-totals:${JSON.stringify(filters)}`,
    (signal) => api.findingsTotals(filters, signal),
    { keepPrevious: true },
  );
  const summary = useApi("summary", (signal) => api.findingsSummary(signal));
  const rules = useApi("rules", (signal) => api.rules(signal));
  const names = namesOf(rules.data, summary.data?.noTeamLabel, summary.data?.accountNames);
  const [selected, setSelected] = useState<Finding | null>(null);

  const filtered = given.some(([key]) => key !== "sort" && key !== "order");
  // The API refused the address's parameters: its words, not a table of the last good answer.
  const refusal = [findings.error, totals.error].find(
    (error): error is ApiError => error instanceof ApiError && error.status === 400,
  );
  const setParams: SetParams = (changes, resetPage = true) => {
    const next: Record<string, string | number | undefined> = Object.fromEntries(params.entries());
    Object.assign(next, changes);
    if (resetPage) next.page = undefined;
    navigate(routeHash("findings", [], next), { replace: true });
  };
  const sortBy = (column: FindingSort) =>
    setParams({
      sort: column,
      order: column === sort ? (order === "asc" ? "desc" : "asc") : DEFAULT_ORDER[column],
    });

  const total = findings.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / size));
  const rows = findings.data?.findings ?? [];

  // The side panel's chart: its code is fetched once the table shows, so a click opens it at once.
  const shown = findings.data !== undefined;
  useEffect(() => {
    if (shown) prefetchCharts();
  }, [shown]);

  // A page past the end (filters narrowed the list): go to the last page.
  useEffect(() => {
    if (findings.data && !findings.loading && !findings.error && page > pages) {
      navigate(routeHash("findings", [], { ...Object.fromEntries(params.entries()), page: pages }), {
        replace: true,
      });
    }
  }, [findings.data, findings.loading, findings.error, page, pages, params]);

  return (
    <div className="page">
      <FindingsFilters
        params={params}
        summary={summary}
        status={status}
        sort={sort}
        order={order}
        filtered={filtered}
        setParams={setParams}
        names={names}
      />

      <Card
        className="card-flush"
        title={
          <>
            {status === "open" ? "Open findings" : "Resolved findings"}{" "}
            {findings.data && !refusal && (
              <span className="count" data-testid="findings-total">
                {formatCount(total)}
              </span>
            )}
          </>
        }
        subtitle={
          totals.data && !refusal && totals.data.count > 0 ? (
            <span data-testid="findings-savings">
              {formatCount(totals.data.count)} {totals.data.count === 1 ? "finding" : "findings"} on{" "}
              {formatCount(totals.data.resources)} {totals.data.resources === 1 ? "resource" : "resources"}:{" "}
              {formatMoney(totals.data.savings)} a month of estimated savings, each resource counted once
              {totals.data.overlappingFindings > 0 &&
                ` (the rules claim ${formatMoney(totals.data.grossSavings)}: ${formatCount(totals.data.overlappingFindings)} findings overlap on ${formatCount(totals.data.overlappingResources)} resources)`}
            </span>
          ) : undefined
        }
        actions={findings.loading && findings.data ? <Spinner label="Loading findings" /> : undefined}
        busy={findings.loading}
      >
        {refusal ? (
          <ErrorState error={refusal} />
        ) : findings.error && !findings.data ? (
          <ErrorState error={findings.error} onRetry={findings.reload} />
        ) : !findings.data ? (
          <div className="card-pad">
            <Skeleton lines={10} />
          </div>
        ) : total === 0 && rows.length === 0 ? (
          filtered ? (
            <EmptyState title="No findings match these filters">
              Widen the filters, or clear them to see every open finding.
            </EmptyState>
          ) : (
            <EmptyState title="No open findings" commands={["finops collect", "finops analyze"]}>
              Collect the inventory and utilization, then run the waste rules.
            </EmptyState>
          )
        ) : (
          <>
            {findings.error && <ErrorState error={findings.error} onRetry={findings.reload} compact />}
            <div className={findings.loading ? "table-wrap is-stale" : "table-wrap"}>
              <FindingsTable
                rows={rows}
                names={names}
                sort={sort}
                order={order}
                onSort={sortBy}
                selectedId={selected?.id}
                onOpen={setSelected}
              />
            </div>
            <Pagination
              page={Math.min(page, pages)}
              pages={pages}
              size={size}
              total={total}
              shown={rows.length}
              onPage={(next) => setParams({ page: next > 1 ? next : undefined }, false)}
              onSize={(next) => setParams({ size: next === 50 ? undefined : next })}
            />
          </>
        )}
      </Card>
      {selected && <FindingPanel finding={selected} names={names} onClose={() => setSelected(null)} />}
    </div>
  );
}
