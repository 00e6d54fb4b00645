import { useEffect, useRef, useState } from "react";
import {
  api,
  FINDING_SORTS,
  type Finding,
  type FindingFilterValues,
  type FindingQuery,
  type FindingSort,
} from "./api";
import {
  Badge,
  Card,
  EmptyState,
  ErrorState,
  Evidence,
  Money,
  ResourceId,
  SeverityBadge,
  Skeleton,
  Spinner,
} from "./components";
import { describeAction, formatCount, formatDay, formatMoney } from "./format";
import { navigate, type Route, routeHash, useApi, useEscape } from "./hooks";
import { ChartSlot, prefetchCharts, ResourceCostChart } from "./lazy";

const FILTERS = [
  { param: "rule", label: "Rule", values: (f: FindingFilterValues) => f.rules },
  { param: "team", label: "Team", values: (f: FindingFilterValues) => f.teams },
  { param: "severity", label: "Severity", values: (f: FindingFilterValues) => f.severities },
  { param: "account", label: "Account", values: (f: FindingFilterValues) => f.accounts },
  { param: "region", label: "Region", values: (f: FindingFilterValues) => f.regions },
] as const;

const SORT_LABELS: Record<FindingSort, string> = {
  savings: "Savings",
  monthlyCost: "Monthly cost",
  rule: "Rule",
  team: "Team",
  severity: "Severity",
  account: "Account",
  region: "Region",
  firstSeen: "First seen",
};

/** Text sorts read best A→Z, money and severity biggest first. */
const DEFAULT_ORDER: Record<FindingSort, "asc" | "desc"> = {
  savings: "desc",
  monthlyCost: "desc",
  severity: "desc",
  firstSeen: "desc",
  rule: "asc",
  team: "asc",
  account: "asc",
  region: "asc",
};

const PAGE_SIZES = [25, 50, 100];

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
  const setParams = (changes: Record<string, string | number | undefined>, resetPage = true) => {
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
      <Card className="filters-card">
        <div className="filters" data-testid="findings-filters">
          {FILTERS.map((filter) => {
            const current = params.get(filter.param) ?? "";
            const values = summary.data ? [...filter.values(summary.data.filters)] : [];
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
                      {value}
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
              <table className="table table-findings" data-testid="findings-table">
                <thead>
                  <tr>
                    <th scope="col">Resource</th>
                    <SortHeader column="rule" label="Rule" sort={sort} order={order} onSort={sortBy} />
                    <SortHeader column="team" label="Team" sort={sort} order={order} onSort={sortBy} />
                    <SortHeader
                      column="severity"
                      label="Severity"
                      sort={sort}
                      order={order}
                      onSort={sortBy}
                    />
                    <SortHeader column="account" label="Account" sort={sort} order={order} onSort={sortBy} />
                    <th scope="col">Reason</th>
                    <SortHeader
                      column="monthlyCost"
                      label="Cost/mo"
                      sort={sort}
                      order={order}
                      onSort={sortBy}
                      numeric
                    />
                    <SortHeader
                      column="savings"
                      label="Savings/mo"
                      sort={sort}
                      order={order}
                      onSort={sortBy}
                      numeric
                    />
                    <th scope="col" className="col-action">
                      Action
                    </th>
                    <th scope="col" className="col-evidence">
                      Evidence
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((finding) => (
                    <FindingRow
                      key={finding.id}
                      finding={finding}
                      selected={selected?.id === finding.id}
                      onOpen={() => setSelected(finding)}
                    />
                  ))}
                </tbody>
              </table>
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

function sortDirectionLabel(column: FindingSort, direction: "asc" | "desc"): string {
  if (column === "savings" || column === "monthlyCost")
    return direction === "desc" ? "(highest first)" : "(lowest first)";
  if (column === "severity") return direction === "desc" ? "(high first)" : "(low first)";
  if (column === "firstSeen") return direction === "desc" ? "(newest first)" : "(oldest first)";
  return direction === "asc" ? "(A–Z)" : "(Z–A)";
}

function SortHeader(props: {
  column: FindingSort;
  label: string;
  sort: FindingSort;
  order: "asc" | "desc";
  onSort: (column: FindingSort) => void;
  numeric?: boolean;
}) {
  const active = props.sort === props.column;
  return (
    <th
      scope="col"
      className={props.numeric ? "num" : undefined}
      aria-sort={active ? (props.order === "asc" ? "ascending" : "descending") : "none"}
    >
      <button
        type="button"
        className={active ? "sort sort-active" : "sort"}
        data-testid={`sort-${props.column}`}
        onClick={() => props.onSort(props.column)}
      >
        {props.label}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (props.order === "asc" ? "▲" : "▼") : "▼"}
        </span>
      </button>
    </th>
  );
}

function FindingRow(props: { finding: Finding; selected: boolean; onOpen: () => void }) {
  const f = props.finding;
  return (
    <tr
      data-testid="finding-row"
      className={props.selected ? "row-link row-selected" : "row-link"}
      onClick={props.onOpen}
      onKeyDown={(event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          props.onOpen();
        }
      }}
      tabIndex={0}
      aria-label={`${f.resourceId}: ${f.reason}`}
    >
      <td className="cell-resource">
        <ResourceId id={f.resourceId} />
        <span className="cell-sub">
          {f.resourceType}
          {f.protected && (
            <>
              {" "}
              <Badge tone="accent">protected</Badge>
            </>
          )}
        </span>
      </td>
      <td className="nowrap cell-rule">{f.rule}</td>
      <td>{f.team ?? <span className="muted">(none)</span>}</td>
      <td>
        <SeverityBadge severity={f.severity} />
      </td>
      <td className="nowrap">
        <span className="mono">{f.account}</span>
        <span className="cell-sub">{f.region}</span>
      </td>
      <td className="cell-reason">{f.reason}</td>
      <td className="num">
        <Money value={f.monthlyCost} note={f.monthlyCostNote} />
      </td>
      <td className="num strong">
        <Money value={f.estimatedMonthlySavings} />
      </td>
      <td className="cell-action col-action">{describeAction(f.action)}</td>
      <td className="cell-evidence col-evidence">
        <Evidence evidence={f.evidence} max={3} />
      </td>
    </tr>
  );
}

function Pagination(props: {
  page: number;
  pages: number;
  size: number;
  total: number;
  shown: number;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
}) {
  const first = props.total === 0 ? 0 : (props.page - 1) * props.size + 1;
  const last = Math.min(props.total, first + props.shown - 1);
  return (
    <nav className="pagination" data-testid="pagination" aria-label="Pages">
      <span className="pagination-info" data-testid="pagination-info">
        {formatCount(first)}–{formatCount(last)} of {formatCount(props.total)}
      </span>
      <label className="field field-inline">
        <span>Rows</span>
        <select value={props.size} onChange={(event) => props.onSize(Number(event.target.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <div className="pagination-buttons">
        <button
          type="button"
          className="button button-secondary"
          data-testid="page-prev"
          disabled={props.page <= 1}
          onClick={() => props.onPage(props.page - 1)}
        >
          ← Previous
        </button>
        <span className="pagination-page">
          Page {formatCount(props.page)} of {formatCount(props.pages)}
        </span>
        <button
          type="button"
          className="button button-secondary"
          data-testid="page-next"
          disabled={props.page >= props.pages}
          onClick={() => props.onPage(props.page + 1)}
        >
          Next →
        </button>
      </div>
    </nav>
  );
}

/* ---------- the side panel: one finding, its resource's daily cost and the whole evidence ---------- */

function FindingPanel(props: { finding: Finding; onClose: () => void }) {
  const f = props.finding;
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
              {f.resourceType} · {f.rule}
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
              Also flagged by {f.overlaps.map((o) => o.rule).join(", ")}: one action is taken on a resource,
              so its savings count once in every total (the largest figure, never more than its cost).
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
          <Evidence evidence={f.evidence} />

          <h3 className="panel-section">Details</h3>
          <dl className="details">
            <dt>Team</dt>
            <dd>{f.team ?? "(none)"}</dd>
            <dt>Account</dt>
            <dd className="mono">{f.account}</dd>
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
