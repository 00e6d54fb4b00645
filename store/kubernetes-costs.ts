import { MONEY } from "./billing-columns.js";

/** The Kubernetes dimensions of `finops costs --by`, read from split cost allocation data. */
export type KubernetesDimension = "cluster" | "namespace" | "workload" | "node";

export const KUBERNETES_DIMENSIONS: readonly KubernetesDimension[] = [
  "cluster",
  "namespace",
  "workload",
  "node",
];

/** What a key of the idle (unused) part of a cluster or node ends with; never a cluster's own name. */
export const IDLE_SUFFIX = "(idle)";

/**
 * Cost rows keyed by a Kubernetes dimension, from CUR 2.0's split cost allocation data: the same money as
 * the invoice, divided differently.
 *
 * A node's compute row (its EC2 instance's hour, BoxUsage / SpotUsage / a covered or discounted hour) is
 * replaced by its pods' parts: a pod's share of the node's cost is its split cost over the node-hour's
 * split + unused cost (exactly its split cost where those add up to the node's cost, as AWS's data does),
 * and what the pods did not use is the node's idle cost, a key of its own (`CLUSTER (idle)`,
 * `CLUSTER/(idle)`, `NODE (idle)`): never spread over the pods. The idle part is the node's cost less its
 * pods' parts, so each node-hour adds up to its rows to the last digit whatever rounding the export has.
 *
 * Every other row keeps its money: a row of a cluster that is not divided among pods (the control plane,
 * a node without split data) is keyed to its cluster (`CLUSTER/(not split)` for namespaces and
 * workloads); the rest of the bill has the key NULL. The pod rows bill nothing and add nothing.
 *
 * `rows` is a SELECT of billing_costs rows (filters applied); the result has the columns costRows gives:
 * day, provider, key, BilledCost, EffectiveCost.
 */
export function kubernetesCostRows(dimension: KubernetesDimension, rows: string): string {
  const tag = (key: string) => `json_extract_string(Tags, '$."${key}"')`;
  // A pod's cluster, namespace and workload: its aws:eks:* tags, else its ARN (pod/CLUSTER/NAMESPACE/POD/UID).
  // An ECS task's: its cluster, and its service as the workload.
  const podCluster = `coalesce(${tag("aws:eks:cluster-name")}, ${tag("aws:ecs:clusterName")},
    CASE WHEN ResourceId LIKE 'arn:%:eks:%:pod/%' THEN split_part(ResourceId, '/', 2) END, '(unknown)')`;
  const podNamespace = `coalesce(${tag("aws:eks:namespace")},
    CASE WHEN ResourceId LIKE 'arn:%:eks:%:pod/%' THEN split_part(ResourceId, '/', 3) END, '(none)')`;
  const podWorkload = `coalesce(${tag("aws:eks:workload-name")}, ${tag("aws:ecs:serviceName")},
    CASE WHEN ResourceId LIKE 'arn:%:eks:%:pod/%' THEN split_part(ResourceId, '/', 4) END, '(none)')`;
  // A row of a cluster outside the split: the EKS control plane (its ARN), a node by the tags EKS and
  // Karpenter put on its instance.
  const rowCluster = `coalesce(
    CASE WHEN ResourceId LIKE 'arn:%:eks:%:cluster/%' THEN split_part(ResourceId, '/', 2) END,
    ${tag("aws:eks:cluster-name")}, ${tag("eks:cluster-name")}, ${tag("eks:eks-cluster-name")})`;
  const podKey = {
    cluster: "cluster",
    namespace: "cluster || '/' || namespace",
    workload: "cluster || '/' || namespace || '/' || workload",
    node: "node",
  }[dimension];
  const idleKey =
    dimension === "node" || dimension === "cluster"
      ? `${dimension} || ' ${IDLE_SUFFIX}'`
      : `cluster || '/${IDLE_SUFFIX}'`;
  const otherKey = {
    cluster: "cluster",
    namespace: "cluster || '/(not split)'",
    workload: "cluster || '/(not split)'",
    node: "CASE WHEN cluster IS NOT NULL THEN ResourceId END",
  }[dimension];
  // The rows a split divides: a node's instance-hours, not its data transfer or other charges.
  const instanceHour = `x_SplitParentResourceId IS NULL AND ChargeCategory = 'Usage'
    AND (SkuMeter IS NULL OR regexp_matches(SkuMeter, '(BoxUsage|SpotUsage|DedicatedUsage|HostUsage)'))`;
  return `
    WITH source AS (SELECT *, ${instanceHour} AS x_InstanceHour FROM (${rows})),
    pods AS (
      SELECT ChargePeriodStart AS period, x_SplitParentResourceId AS node, ${podCluster} AS cluster,
        ${podNamespace} AS namespace, ${podWorkload} AS workload,
        coalesce(x_SplitCost, 0) AS split, coalesce(x_SplitUnusedCost, 0) AS unused
      FROM source WHERE x_SplitParentResourceId IS NOT NULL),
    node_hours AS (
      SELECT node, period, sum(split) + sum(unused) AS divided
      FROM pods GROUP BY node, period),
    compute AS (
      SELECT s.ResourceId AS node, s.ChargePeriodStart AS period, any_value(s.ProviderName) AS provider,
        sum(s.BilledCost) AS billed, sum(s.EffectiveCost) AS effective, any_value(h.divided) AS divided
      FROM source s JOIN node_hours h ON s.ResourceId = h.node AND s.ChargePeriodStart = h.period
      WHERE s.x_InstanceHour
      GROUP BY s.ResourceId, s.ChargePeriodStart),
    parts AS (
      SELECT p.period, c.provider, p.node, p.cluster, p.namespace, p.workload,
        CASE WHEN c.divided = 0 THEN CAST(0 AS ${MONEY})
          WHEN c.divided = c.effective THEN p.split
          ELSE CAST(c.effective * (CAST(p.split AS DOUBLE) / CAST(c.divided AS DOUBLE)) AS ${MONEY}) END AS effective,
        CASE WHEN c.divided = 0 THEN CAST(0 AS ${MONEY})
          WHEN c.divided = c.effective AND c.billed = c.effective THEN p.split
          ELSE CAST(c.billed * (CAST(p.split AS DOUBLE) / CAST(c.divided AS DOUBLE)) AS ${MONEY}) END AS billed
      FROM pods p JOIN compute c ON c.node = p.node AND c.period = p.period),
    idle AS (
      SELECT c.period, c.provider, c.node, any_value(p.cluster) AS cluster,
        any_value(c.billed) - sum(p.billed) AS billed, any_value(c.effective) - sum(p.effective) AS effective
      FROM compute c JOIN parts p ON p.node = c.node AND p.period = c.period
      GROUP BY c.node, c.period, c.provider),
    others AS (
      SELECT s.*, ${rowCluster} AS cluster FROM source s
      LEFT JOIN node_hours h ON s.x_InstanceHour AND h.node = s.ResourceId AND h.period = s.ChargePeriodStart
      WHERE s.x_SplitParentResourceId IS NULL AND h.node IS NULL)
    SELECT CAST(period AS DATE) AS day, provider, ${podKey} AS key, billed AS BilledCost, effective AS EffectiveCost FROM parts
    UNION ALL
    SELECT CAST(period AS DATE), provider, ${idleKey}, billed, effective FROM idle
    UNION ALL
    SELECT CAST(ChargePeriodStart AS DATE), ProviderName, ${otherKey}, BilledCost, EffectiveCost FROM others`;
}
