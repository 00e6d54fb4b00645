import { useEffect, useState } from "react";
import { api, FINDING_SORTS, type Finding, type FindingQuery, type FindingSort } from "./api";
import { Card, EmptyState, ErrorState, Skeleton, Spinner } from "./components";
import { FindingPanel } from "./findings/FindingPanel";
import { FILTERS, FindingsFilters, type SetParams } from "./findings/FindingsFilters";
import { FindingsTable } from "./findings/FindingsTable";
import { Pagination } from "./findings/Pagination";
import { DEFAULT_ORDER, PAGE_SIZES } from "./findings/sorting";
import { formatCount, formatMoney } from "./format";
import { navigate, type Route, routeHash, useApi } from "./hooks";
import { prefetchCharts } from "./lazy";

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

  const query: FindingQuery = {
    rule: params.get("rule") ?? undefined,
    team: params.get("team") ?? undefined,
    severity: params.get("severity") ?? undefined,
    account: params.get("account") ?? undefined,
    region: params.get("region") ?? undefined,
    status,
    sort,
    order,
    limit: size,
    offset: (page - 1) * size,
  };
  const queryKey = JSON.stringify(query);
  const findings = useApi(`findings:${queryKey}`, (signal) => api.findings(query, signal), {
    keepPrevious: true,
  });
  const summary = useApi("summary", (signal) => api.findingsSummary(signal));
  const [selected, setSelected] = useState<Finding | null>(null);

  const filtered = FILTERS.some((filter) => params.get(filter.param)) || status !== "open";
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
    if (findings.data && !findings.loading && page > pages) {
      navigate(routeHash("findings", [], { ...Object.fromEntries(params.entries()), page: pages }), {
        replace: true,
      });
    }
  }, [findings.data, findings.loading, page, pages, params]);

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
      />

      <Card
        className="card-flush"
        title={
          <>
            {status === "open" ? "Open findings" : "Resolved findings"}{" "}
            {findings.data && (
              <span className="count" data-testid="findings-total">
                {formatCount(total)}
              </span>
            )}
          </>
        }
        subtitle={
          findings.data && rows.length > 0
            ? `Estimated savings on this page: ${formatMoney(rows.reduce((sum, f) => sum + (f.estimatedMonthlySavings ?? 0), 0))} a month`
            : undefined
        }
        actions={findings.loading && findings.data ? <Spinner label="Loading findings" /> : undefined}
        busy={findings.loading}
      >
        {findings.error && !findings.data ? (
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
      {selected && <FindingPanel finding={selected} onClose={() => setSelected(null)} />}
    </div>
  );
}
