import { sqlLiteral } from "../../core/sql.js";
import { MONEY } from "../../store/billing-columns.js";
import type { Source } from "./cur2-source.js";
import type { SourceColumns } from "./format.js";
import {
  isSplitRow,
  splitParentCheck as parentCheck,
  splitRowRules as rowRules,
  type SplitSpec,
  splitSelect,
  splitSourceTypes,
} from "./split-rows.js";

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
 * only); a row whose parent is itself is not treated as a split row. The mechanism (typing, select list,
 * load checks) is split-rows.ts, which a FOCUS file's x_Split* columns share.
 */

/** Where CUR 2.0 keeps split data: x_ column <- split_line_item_* column (split-rows.ts does the rest). */
export const CUR2_SPLIT: SplitSpec = {
  format: "cur2",
  columns: {
    x_SplitParentResourceId: "split_line_item_parent_resource_id",
    x_SplitCost: "split_line_item_split_cost",
    x_SplitUnusedCost: "split_line_item_unused_cost",
    x_SplitNetCost: "split_line_item_net_split_cost",
    x_SplitNetUnusedCost: "split_line_item_net_unused_cost",
    x_SplitPublicOnDemandCost: "split_line_item_public_on_demand_split_cost",
    x_SplitPublicOnDemandUnusedCost: "split_line_item_public_on_demand_unused_cost",
    x_SplitUsage: "split_line_item_split_usage",
    x_SplitReservedUsage: "split_line_item_reserved_usage",
    x_SplitActualUsage: "split_line_item_actual_usage",
    x_SplitUsageRatio: "split_line_item_split_usage_ratio",
  },
  resourceId: "line_item_resource_id",
  chargePeriodStart: "line_item_usage_start_date",
  period: "hour",
  tagColumns: ["resource_tags", "tags"],
  clusterTagKeys: ["aws_eks_cluster_name", "aws:eks:cluster-name"],
  clusterTagColumn: "resource_tags_aws_eks_cluster_name",
};

const PARENT = CUR2_SPLIT.columns.x_SplitParentResourceId;

export const SPLIT_SOURCE_TYPES = splitSourceTypes(CUR2_SPLIT);
export const splitColumns = (columns: SourceColumns) => splitSelect(CUR2_SPLIT, columns);
export const splitRowRules = (columns: SourceColumns) => rowRules(CUR2_SPLIT, columns);
export const splitParentCheck = parentCheck(CUR2_SPLIT);

/**
 * ListCost of a split row is 0: the node's row carries the public on-demand cost of the whole node, and
 * a pod row's pricing_public_on_demand_cost (where an export fills it) would count it a second time.
 * The pod's share is x_SplitPublicOnDemandCost.
 */
export function withoutSplitListCost(s: Source, listCost: string): string {
  return s.has(PARENT)
    ? `CASE WHEN ${isSplitRow(CUR2_SPLIT, s.columns)} THEN CAST(0 AS ${MONEY}) ELSE ${listCost} END`
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
