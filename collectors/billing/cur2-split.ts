import { sqlLiteral } from "../../core/sql.js";
import { MONEY, type SplitColumn } from "../../store/billing-columns.js";
import { sourceText } from "./commitment-rules.js";
import { Source } from "./cur2-source.js";
import { isoTimestamp } from "./file-reader.js";
import { ident, type LoadCheckContext, type RowRule, type SourceColumns } from "./format.js";

/**
 * CUR 2.0's split cost allocation data (EKS pods, ECS tasks) in the billing table's x_Split* columns.
 *
 * A split row (an EKS pod's CPU or memory row, product AmazonEKS, usage type ending EKS-EC2-vCPU-Hours or
 * EKS-EC2-GB-Hours, resource id arn:aws:eks:REGION:ACCOUNT:pod/CLUSTER/NAMESPACE/POD/UID; likewise an ECS
 * task's rows) names its parent, the node instance, in split_line_item_parent_resource_id. It bills
 * nothing (line_item_unblended_cost 0): the node's own EC2 row keeps the full cost, and per node and hour
 * Σ over its pods' rows of split cost + unused cost is that node's cost. The same money, twice: so the
 * split amounts live only in the x_ columns and never in BilledCost, EffectiveCost or ListCost, and every
 * total stays the invoice. The node's row has no split values (the dictionary fills them on split rows
 * only); a row whose parent is itself is not treated as a split row.
 */

const PARENT = "split_line_item_parent_resource_id";

/** x_ column <- CUR 2.0 split_line_item_* column. */
const MONEY_COLUMNS: Partial<Record<SplitColumn, string>> = {
  x_SplitCost: "split_line_item_split_cost",
  x_SplitUnusedCost: "split_line_item_unused_cost",
  x_SplitNetCost: "split_line_item_net_split_cost",
  x_SplitNetUnusedCost: "split_line_item_net_unused_cost",
  x_SplitPublicOnDemandCost: "split_line_item_public_on_demand_split_cost",
  x_SplitPublicOnDemandUnusedCost: "split_line_item_public_on_demand_unused_cost",
};
const QUANTITY_COLUMNS: Partial<Record<SplitColumn, string>> = {
  x_SplitUsage: "split_line_item_split_usage",
  x_SplitReservedUsage: "split_line_item_reserved_usage",
  x_SplitActualUsage: "split_line_item_actual_usage",
  x_SplitUsageRatio: "split_line_item_split_usage_ratio",
};

/** Typed in the reader, so a bad value is named like any other (cur2Format.sourceTypes). */
export const SPLIT_SOURCE_TYPES: Record<string, string> = {
  ...Object.fromEntries(Object.values(MONEY_COLUMNS).map((name) => [name, MONEY])),
  ...Object.fromEntries(Object.values(QUANTITY_COLUMNS).map((name) => [name, "DOUBLE"])),
};

/** The split columns, for an export that has split cost allocation data; none otherwise. */
export function splitColumns(columns: SourceColumns): Partial<Record<SplitColumn, string>> {
  const s = new Source(columns);
  if (!s.has(PARENT)) return {};
  const split = isSplitRow(s);
  const only = (value: string) => `CASE WHEN ${split} THEN ${value} END`;
  const list: Partial<Record<SplitColumn, string>> = { x_SplitParentResourceId: only(s.text(PARENT)) };
  for (const [column, source] of Object.entries(MONEY_COLUMNS) as [SplitColumn, string][])
    list[column] = only(s.money(source));
  for (const [column, source] of Object.entries(QUANTITY_COLUMNS) as [SplitColumn, string][])
    list[column] = only(s.has(source) ? `CAST(${ident(source)} AS DOUBLE)` : "NULL");
  return list;
}

/** A pod's or task's row: it names a parent other than itself. */
export function isSplitRow(s: Source): string {
  if (!s.has(PARENT)) return "false";
  const parent = s.text(PARENT);
  return `(${parent} IS NOT NULL AND ${parent} IS DISTINCT FROM ${s.text("line_item_resource_id")})`;
}

/**
 * ListCost of a split row is 0: the node's row carries the public on-demand cost of the whole node, and
 * a pod row's pricing_public_on_demand_cost (where an export fills it) would count it a second time.
 * The pod's share is x_SplitPublicOnDemandCost.
 */
export function withoutSplitListCost(s: Source, listCost: string): string {
  return s.has(PARENT)
    ? `CASE WHEN ${isSplitRow(s)} THEN CAST(0 AS ${MONEY}) ELSE ${listCost} END`
    : listCost;
}

/**
 * The AWS-generated split cost allocation tags, as CUR 2.0 spells their keys -> the keys AWS gives them
 * (the generic rule would make aws_eks_cluster_name 'aws:eks_cluster_name').
 */
const SPLIT_TAG_KEYS: Record<string, string> = {
  aws_eks_cluster_name: "aws:eks:cluster-name",
  aws_eks_namespace: "aws:eks:namespace",
  aws_eks_node: "aws:eks:node",
  aws_eks_workload_name: "aws:eks:workload-name",
  aws_eks_workload_type: "aws:eks:workload-type",
  aws_eks_deployment: "aws:eks:deployment",
  // ECS's tags are camel-cased (aws:ecs:clusterName); an export may snake-case them or not.
  aws_ecs_cluster_name: "aws:ecs:clusterName",
  aws_ecs_service_name: "aws:ecs:serviceName",
  aws_ecs_clusterName: "aws:ecs:clusterName",
  aws_ecs_serviceName: "aws:ecs:serviceName",
};

/** CASE branches mapping the split tags' keys exactly; to go before the generic aws_ rule. */
export function splitTagKeyCases(key: string): string {
  return Object.entries(SPLIT_TAG_KEYS)
    .map(([from, to]) => `WHEN ${key} = ${sqlLiteral(from)} THEN ${sqlLiteral(to)}`)
    .join("\n      ");
}

/** An EKS pod row without its cluster tag: it could be put in no cluster. */
export function splitRowRules(columns: SourceColumns): RowRule[] {
  const text = (name: string) => sourceText(columns, name);
  const clusterTag = (name: string) =>
    columns.has(name)
      ? `regexp_matches(CAST(${ident(name)} AS VARCHAR), '(aws_eks_cluster_name|aws:eks:cluster-name)"?\\s*[:=]\\s*"?[^",}\\s]')`
      : "false";
  const hasTag = `(coalesce(${clusterTag("resource_tags")}, false) OR coalesce(${clusterTag("tags")}, false)
    OR ${text("resource_tags_aws_eks_cluster_name")} IS NOT NULL)`;
  const column = columns.has("resource_tags") || !columns.has("tags") ? "resource_tags" : "tags";
  return [
    {
      billing: `x_Source = 'cur2' AND ResourceId LIKE 'arn:%:eks:%:pod/%'
        AND json_extract_string(Tags, '$."aws:eks:cluster-name"') IS NULL`,
      source: `${text("line_item_resource_id")} LIKE 'arn:%:eks:%:pod/%' AND NOT ${hasTag}`,
      column,
      problem:
        "an EKS pod row without its cluster tag (aws_eks_cluster_name): its cost would be in no cluster",
      counted: true,
    },
  ];
}

/**
 * A split row whose parent node has no row in the load (any file of it: the node may be in another part
 * of the export) for the same hour: its split cost would divide a cost the load does not have.
 */
export async function splitParentCheck(check: LoadCheckContext): Promise<string | undefined> {
  if (!check.columns.has(PARENT)) return undefined;
  const text = (name: string) => sourceText(check.columns, name);
  const start = `CAST(${isoTimestamp(ident("line_item_usage_start_date"), "TIMESTAMPTZ", "try")} AS TIMESTAMP)`;
  const rows = await check.query(
    `WITH nodes AS (
       SELECT DISTINCT ResourceId, ChargePeriodStart FROM billing
       WHERE x_LoadId = ${sqlLiteral(check.loadId)} AND x_SplitParentResourceId IS NULL AND ResourceId IS NOT NULL)
     SELECT min(__row) AS first, count(*) AS n, arg_min(${text(PARENT)}, __row) AS parent
     FROM ${check.rawRelation}
     WHERE ${text(PARENT)} IS NOT NULL AND ${text(PARENT)} IS DISTINCT FROM ${text("line_item_resource_id")}
       AND NOT EXISTS (SELECT 1 FROM nodes WHERE nodes.ResourceId = ${text(PARENT)} AND nodes.ChargePeriodStart = ${start})`,
  );
  const n = Number(rows[0]?.n ?? 0);
  if (n === 0) return undefined;
  return `${check.rowLabel(Number(rows[0]?.first))}, column ${PARENT}: a split row whose parent node ${String(rows[0]?.parent)} has no row for that hour in this load: its split cost would divide a cost the load does not have (${n} such row${n === 1 ? "" : "s"} in the file)`;
}
