import { sqlLiteral } from "../../core/sql.js";
import { MONEY, SPLIT_COLUMNS, type SplitColumn } from "../../store/billing-columns.js";
import { sourceText } from "./commitment-rules.js";
import { isoTimestamp } from "./file-reader.js";
import { ident, type LoadCheckContext, type RowRule, type SourceColumns } from "./format.js";

/**
 * Split cost allocation data (EKS pods, ECS tasks) in the billing table's x_Split* columns, whatever
 * the file's format: CUR 2.0 names them split_line_item_*, a FOCUS file carries them as custom x_
 * columns under the billing table's own names. One mechanism for both, so that both load the same
 * way and refuse the same bad rows.
 *
 * A split row (a pod's CPU or memory row) names its parent, the node, in the parent column. It bills
 * nothing: the node's own row keeps the full cost, and per node and charge period Σ over its pods' rows
 * of split cost + unused cost is that node's cost. The split amounts live only in the x_ columns, never
 * in BilledCost, EffectiveCost or ListCost, so every total stays the invoice. A row whose parent is
 * itself is not a split row (its split values are dropped).
 */
export interface SplitSpec {
  /** The format whose rows the rules judge (x_Source): a load can hold files of several formats. */
  readonly format: "focus" | "cur2";
  /** The file's column for each x_ split column. */
  readonly columns: Readonly<Record<SplitColumn, string>>;
  /** The file's columns for the row's own resource id and the start of its charge period. */
  readonly resourceId: string;
  readonly chargePeriodStart: string;
  /** What one charge period is called in messages ("hour" for CUR 2.0's hourly rows). */
  readonly period: string;
  /** The file's tag columns, in the order a message names them, and the cluster tag's keys in them. */
  readonly tagColumns: readonly string[];
  readonly clusterTagKeys: readonly string[];
  /** A column holding the cluster tag alone (a legacy CUR's resource_tags_aws_eks_cluster_name). */
  readonly clusterTagColumn?: string;
}

/** Typed in the reader, so a bad value is named like any other (BillingFormat.sourceTypes). */
export function splitSourceTypes(spec: SplitSpec): Record<string, string> {
  return Object.fromEntries(
    (Object.entries(spec.columns) as [SplitColumn, string][])
      .filter(([column]) => column !== "x_SplitParentResourceId")
      .map(([column, source]) => [source, SPLIT_COLUMNS[column]]),
  );
}

/** The x_ select list, for a file that has split data (its parent column); none otherwise. */
export function splitSelect(spec: SplitSpec, columns: SourceColumns): Partial<Record<SplitColumn, string>> {
  if (!columns.has(spec.columns.x_SplitParentResourceId)) return {};
  const split = isSplitRow(spec, columns);
  const list: Partial<Record<SplitColumn, string>> = {};
  for (const [column, source] of Object.entries(spec.columns) as [SplitColumn, string][]) {
    const type = SPLIT_COLUMNS[column];
    const value = !columns.has(source)
      ? "NULL"
      : type === "VARCHAR"
        ? sourceText(columns, source)
        : `CAST(${ident(source)} AS ${type === MONEY ? MONEY : "DOUBLE"})`;
    list[column] = `CASE WHEN ${split} THEN ${value} END`;
  }
  return list;
}

/** A pod's or task's row: it names a parent other than itself. */
export function isSplitRow(spec: SplitSpec, columns: SourceColumns): string {
  if (!columns.has(spec.columns.x_SplitParentResourceId)) return "false";
  const parent = sourceText(columns, spec.columns.x_SplitParentResourceId);
  return `(${parent} IS NOT NULL AND ${parent} IS DISTINCT FROM ${sourceText(columns, spec.resourceId)})`;
}

/** An EKS pod row without its cluster tag: it could be put in no cluster. */
export function splitRowRules(spec: SplitSpec, columns: SourceColumns): RowRule[] {
  const keys = spec.clusterTagKeys.map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const clusterTag = (name: string) =>
    columns.has(name)
      ? `coalesce(regexp_matches(CAST(${ident(name)} AS VARCHAR), ${sqlLiteral(`(${keys})"?\\s*[:=]\\s*"?[^",}\\s]`)}), false)`
      : "false";
  const legacy = spec.clusterTagColumn ? [`${sourceText(columns, spec.clusterTagColumn)} IS NOT NULL`] : [];
  const hasTag = `(${[...spec.tagColumns.map(clusterTag), ...legacy].join(" OR ")})`;
  const column = spec.tagColumns.find((name) => columns.has(name)) ?? spec.tagColumns[0] ?? "Tags";
  return [
    {
      billing: `x_Source = ${sqlLiteral(spec.format)} AND ResourceId LIKE 'arn:%:eks:%:pod/%'
        AND json_extract_string(Tags, '$."aws:eks:cluster-name"') IS NULL`,
      source: `${sourceText(columns, spec.resourceId)} LIKE 'arn:%:eks:%:pod/%' AND NOT ${hasTag}`,
      column,
      problem: `an EKS pod row without its cluster tag (${spec.clusterTagKeys[0]}): its cost would be in no cluster`,
      counted: true,
    },
  ];
}

/**
 * A split row whose parent node has no row in the load (any file of it: the node may be in another part
 * of the export) for the same charge period: its split cost would divide a cost the load does not have.
 */
export function splitParentCheck(spec: SplitSpec): (check: LoadCheckContext) => Promise<string | undefined> {
  const parentColumn = spec.columns.x_SplitParentResourceId;
  return async (check) => {
    if (!check.columns.has(parentColumn)) return undefined;
    const parent = sourceText(check.columns, parentColumn);
    const start = `CAST(${isoTimestamp(ident(spec.chargePeriodStart), "TIMESTAMPTZ", "try")} AS TIMESTAMP)`;
    const rows = await check.query(
      // The nodes' columns get names of their own: a FOCUS file's ResourceId must not resolve to them.
      `WITH nodes AS (
         SELECT DISTINCT ResourceId AS __node, ChargePeriodStart AS __start FROM billing
         WHERE x_LoadId = ${sqlLiteral(check.loadId)} AND x_SplitParentResourceId IS NULL AND ResourceId IS NOT NULL)
       SELECT min(__row) AS first, count(*) AS n, arg_min(${parent}, __row) AS parent
       FROM ${check.rawRelation}
       WHERE ${isSplitRow(spec, check.columns)}
         AND NOT EXISTS (SELECT 1 FROM nodes WHERE nodes.__node = ${parent} AND nodes.__start = ${start})`,
    );
    const n = Number(rows[0]?.n ?? 0);
    if (n === 0) return undefined;
    return `${check.rowLabel(Number(rows[0]?.first))}, column ${parentColumn}: a split row whose parent node ${String(rows[0]?.parent)} has no row for that ${spec.period} in this load: its split cost would divide a cost the load does not have (${n} such row${n === 1 ? "" : "s"} in the file)`;
  };
}

/**
 * For a format whose split rows state their own money (FOCUS): a split row with a cost other than 0 in
 * one of `costColumns` would count its node's money a second time in every total.
 */
export function splitRowsBillNothing(
  spec: SplitSpec,
  columns: SourceColumns,
  costColumns: readonly string[],
): RowRule[] {
  if (!columns.has(spec.columns.x_SplitParentResourceId)) return [];
  return costColumns.map((name) => ({
    billing: `x_Source = ${sqlLiteral(spec.format)} AND x_SplitParentResourceId IS NOT NULL AND ${ident(name)} <> 0`,
    source: `${isSplitRow(spec, columns)} AND TRY_CAST(${sourceText(columns, name)} AS ${MONEY}) <> 0`,
    column: name,
    problem: `a split row (it names its parent node in ${spec.columns.x_SplitParentResourceId}) with ${name} other than 0: the node's own row has that money, and it would count twice`,
    counted: true,
  }));
}
