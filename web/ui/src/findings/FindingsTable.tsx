import type { Finding, FindingSort } from "../api";
import { Badge, Evidence, Money, ResourceId, SeverityBadge } from "../components";
import { describeAction } from "../format";
import type { Names } from "./names";

/** One page of findings, sortable by its column headers; a row opens its finding in the side panel. */
export function FindingsTable(props: {
  rows: Finding[];
  names: Names;
  sort: FindingSort;
  order: "asc" | "desc";
  onSort: (column: FindingSort) => void;
  selectedId: string | undefined;
  onOpen: (finding: Finding) => void;
}) {
  const { rows, sort, order } = props;
  const sortBy = props.onSort;
  return (
    <table className="table table-findings table-cards" data-testid="findings-table">
      <thead>
        <tr>
          <th scope="col">Resource</th>
          <SortHeader column="rule" label="Rule" sort={sort} order={order} onSort={sortBy} />
          <SortHeader column="team" label="Team" sort={sort} order={order} onSort={sortBy} />
          <SortHeader column="severity" label="Severity" sort={sort} order={order} onSort={sortBy} />
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
          <SortHeader column="savings" label="Savings/mo" sort={sort} order={order} onSort={sortBy} numeric />
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
            names={props.names}
            selected={props.selectedId === finding.id}
            onOpen={() => props.onOpen(finding)}
          />
        ))}
      </tbody>
    </table>
  );
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

function FindingRow(props: { finding: Finding; names: Names; selected: boolean; onOpen: () => void }) {
  const f = props.finding;
  const names = props.names;
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
      <td className="nowrap cell-rule" data-label="Rule">
        {names.rule(f.rule)}
        <span className="cell-sub mono">{f.rule}</span>
      </td>
      <td data-label="Team">{names.team(f.team)}</td>
      <td data-label="Severity">
        <SeverityBadge severity={f.severity} />
      </td>
      <td className="nowrap" data-label="Account">
        <span className="mono">{names.account(f.account)}</span>
        <span className="cell-sub">{f.region}</span>
      </td>
      <td className="cell-reason" data-label="Reason">
        {f.reason}
      </td>
      <td className="num" data-label="Cost/mo">
        <Money value={f.monthlyCost} note={f.monthlyCostNote} />
      </td>
      <td className="num strong" data-label="Savings/mo">
        <Money value={f.estimatedMonthlySavings} />
      </td>
      <td className="cell-action col-action" data-label="Action">
        {describeAction(f.action)}
      </td>
      <td className="cell-evidence col-evidence" data-label="Evidence">
        <Evidence evidence={names.evidence(f.evidence)} max={3} />
      </td>
    </tr>
  );
}
