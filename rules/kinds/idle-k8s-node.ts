import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import { k8sNode } from "../../resources/k8s-node.js";
import { k8sPod } from "../../resources/k8s-pod.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** The whole UTC days before the evaluation's day that are judged (inventory snapshots: up to now). */
  lookbackDays: z.number().int().min(1).default(7),
  /** The fewest days of CPU data (and, for the bill's verdict, of split cost rows) that count as evidence. */
  minDataDays: z.number().int().min(1).default(3),
  /** Its non-daemonset pods' CPU and memory requests must stay under this share of allocatable (percent). */
  maxRequestedPercent: z.number().min(0).max(100).default(30),
  /** The mean of the daily average CPU must stay below this (percent). */
  maxMeanCpuPercent: z.number().min(0).max(100).default(10),
  /** Its pods' split rows: unused cost over this share of split + unused cost flags it (percent). */
  minUnusedPercent: z.number().min(0).max(100).default(70),
});

/** The most pod names a finding's evidence lists (podsToMoveCount says how many there are). */
const PODS_LISTED = 10;

// The inventory history's attributes typed as the resource types' descriptors declare them.
const NODE_ATTRIBUTES = JSON.stringify(k8sNode.attributes);
const POD_ATTRIBUTES = JSON.stringify(k8sPod.attributes);

/** SQL: a DECIMAL sum as exact decimal text without trailing zeros (its text always has a point). */
const decimalText = (expression: string) => `rtrim(rtrim(CAST(${expression} AS VARCHAR), '0'), '.')`;

export const idleK8sNode: RuleKind<typeof params> = {
  kind: "idle-k8s-node",
  title: "Idle Kubernetes node",
  description:
    "A Kubernetes node whose non-daemonset pods request under maxRequestedPercent (30%) of its CPU and memory all lookbackDays (7) with mean CPU under maxMeanCpuPercent (10%); or whose pods' split cost is over minUnusedPercent (70%) unused. Unknown requests: CPU alone.",
  pack: "compute",
  defaultSeverity: "medium",
  defaultAction: "notify",
  fix: "let its node group or nodepool scale in: drain the node the evidence names (kubectl drain NODE --ignore-daemonsets) or lower the group's minimum size",
  savings:
    "the node's cost, if the cluster's autoscaler removes it (finops only notifies, naming the node group or nodepool and the cluster: autoscalers own nodes)",
  params,
  // Three verdicts, one finding on the node's EC2 instance (its money is the instance's bill):
  // - cluster: every inventory snapshot in the window (eks:node joined to its instance by instanceId)
  //   in which its cluster's pods were collected too (a run whose pod collection failed says nothing of
  //   requests) has its running or pending non-daemonset pods requesting under the threshold of both
  //   allocatable CPU and memory, and CloudWatch shows its CPU low over minDataDays. Inventory without
  //   CPU data is no verdict: low requests alone do not show the node doing nothing. DaemonSet pods and
  //   static pods (owner kind Node) are left out: they belong to the node and go with it.
  // - bill: its EKS pods' split rows over the window (read from billing itself: resource_meter_costs
  //   sums by meter, not by split parent) leave more than minUnusedPercent of the node's split cost
  //   unused, compared exactly in DECIMAL. ECS tasks' split rows name instances too: only pod rows count.
  // - cpu: the old verdict, mean CPU alone, only for a node (EC2 tags say so) that neither the cluster's
  //   inventory nor split rows cover: where requests are known, a node full of pods' requests with a
  //   quiet CPU is busy to its autoscaler, which never removes it. Without them CPU is all there is, and
  //   dropping those findings would say nothing of the nodes of clusters finops does not reach.
  // Percentages of requests are compared at a millionth of a percent: summed cores (0.1 + 0.2) carry
  // floating-point noise that must not decide 30.0% against 30%.
  sql: (p, ctx) => {
    const today = `CAST(${ctx.now} AS DATE)`;
    const windowStart = `${today} - ${sqlLiteral(p.lookbackDays)}`;
    const snapshotWindow = `collected_at >= ${windowStart} AND collected_at <= ${ctx.now}`;
    const requested = sqlLiteral(p.maxRequestedPercent);
    return `
    WITH node_rows AS (
      SELECT run_id, collected_at, account, a.cluster AS cluster, a.name AS name, a.instanceId AS instance_id,
        a.allocatableCpuCores AS cpu_cores, a.allocatableMemoryBytes AS memory_bytes,
        a.nodeGroup AS node_group, a.nodePool AS node_pool
      FROM (SELECT *, json_transform(attributes, ${sqlLiteral(NODE_ATTRIBUTES)}) AS a FROM inventory
        WHERE ${snapshotWindow} AND resource_type = 'eks:node')
      WHERE a.instanceId IS NOT NULL AND a.allocatableCpuCores > 0 AND a.allocatableMemoryBytes > 0
    ),
    pod_rows AS (
      SELECT run_id, account, a.cluster AS cluster, a.node AS node, a.namespace || '/' || a.name AS pod,
        coalesce(a.requestsCpuCores, 0) AS cpu_cores, coalesce(a.requestsMemoryBytes, 0) AS memory_bytes,
        state IN ('running', 'pending') AND NOT coalesce(a.daemonSet, false)
          AND coalesce(a.ownerKind, '') <> 'Node' AS moves
      FROM (SELECT *, json_transform(attributes, ${sqlLiteral(POD_ATTRIBUTES)}) AS a FROM inventory
        WHERE ${snapshotWindow} AND resource_type = 'eks:pod')
    ),
    snapshots AS (
      SELECT n.account, n.instance_id, n.collected_at,
        100 * coalesce(sum(p.cpu_cores), 0) / n.cpu_cores AS cpu_percent,
        100 * coalesce(sum(p.memory_bytes), 0) / n.memory_bytes AS memory_percent,
        {cluster: n.cluster, name: n.name, node_group: n.node_group, node_pool: n.node_pool,
         pods: coalesce(list(p.pod ORDER BY p.pod) FILTER (p.pod IS NOT NULL), [])} AS node
      FROM node_rows n
      SEMI JOIN (SELECT DISTINCT run_id, account, cluster FROM pod_rows) c
        ON c.run_id = n.run_id AND c.account = n.account AND c.cluster = n.cluster
      LEFT JOIN pod_rows p ON p.moves AND p.run_id = n.run_id AND p.account = n.account
        AND p.cluster = n.cluster AND p.node = n.name
      GROUP BY n.account, n.instance_id, n.run_id, n.collected_at, n.cluster, n.name, n.node_group,
        n.node_pool, n.cpu_cores, n.memory_bytes
    ),
    by_cluster AS (
      SELECT account, instance_id, count(*) AS snapshots, max(cpu_percent) AS cpu_percent,
        max(memory_percent) AS memory_percent, arg_max(node, collected_at) AS node
      FROM snapshots GROUP BY account, instance_id
    ),
    by_bill AS (
      SELECT SubAccountId AS account, x_SplitParentResourceId AS instance_id,
        coalesce(sum(x_SplitCost), 0) AS used, coalesce(sum(x_SplitUnusedCost), 0) AS unused,
        count(DISTINCT CAST(ChargePeriodStart AS DATE)) AS days,
        min(json_extract_string(Tags, '$."aws:eks:cluster-name"')) AS cluster,
        min(json_extract_string(Tags, '$."aws:eks:node"')) AS name
      FROM billing
      WHERE x_SplitParentResourceId IS NOT NULL AND ChargePeriodStart >= ${windowStart}
        AND ChargePeriodStart < ${today} AND ResourceId LIKE 'arn:%:eks:%:pod/%'
      GROUP BY SubAccountId, x_SplitParentResourceId
    ),
    judged AS (
      SELECT r.account, r.resource_id, c.snapshots, c.cpu_percent, c.memory_percent, c.node.pods AS pods,
        b.used, b.unused, b.days AS bill_days, m.days AS cpu_days, m.average AS mean_cpu,
        coalesce(c.node.cluster, b.cluster, r.attrs.kubernetes.cluster) AS cluster,
        coalesce(c.node.name, b.name) AS node_name,
        -- The node's labels where the cluster's inventory has it, else its instance's tags: never a mix.
        CASE WHEN c.instance_id IS NOT NULL THEN c.node.node_group ELSE r.attrs.kubernetes.nodegroup END AS node_group,
        CASE WHEN c.instance_id IS NOT NULL THEN c.node.node_pool ELSE r.attrs.kubernetes.nodepool END AS node_pool,
        coalesce(m.days >= ${sqlLiteral(p.minDataDays)} AND m.average < ${sqlLiteral(p.maxMeanCpuPercent)}, false) AS cpu_low,
        c.instance_id IS NOT NULL AND round(c.cpu_percent, 6) < ${requested}
          AND round(c.memory_percent, 6) < ${requested} AS requests_low,
        coalesce(b.days >= ${sqlLiteral(p.minDataDays)} AND b.used + b.unused > 0
          AND b.unused * 100 > ${sqlLiteral(p.minUnusedPercent)} * (b.used + b.unused), false) AS bill_idle,
        c.instance_id IS NULL AND b.instance_id IS NULL AS requests_unknown
      FROM resources_current r
      LEFT JOIN by_cluster c ON c.account = r.account AND c.instance_id = r.resource_id
      LEFT JOIN by_bill b ON b.account = r.account AND b.instance_id = r.resource_id
      LEFT JOIN ${ctx.metricSummary("AWS/EC2", "CPUUtilization", p.lookbackDays, ["average"])} m
        ON m.resource_id = r.resource_id
      WHERE r.resource_type = 'ec2:instance' AND r.state = 'running'
        AND (c.instance_id IS NOT NULL OR b.instance_id IS NOT NULL OR r.attrs.kubernetes IS NOT NULL)
    ),
    verdicts AS (
      SELECT *, requests_low AND cpu_low AS cluster_idle,
        round(100 * CAST(unused AS DOUBLE) / CAST(used + unused AS DOUBLE), 3) AS unused_percent
      FROM judged
    )
    SELECT account, resource_id,
      'node ' || coalesce(node_name, resource_id) || ' ('
        || CASE WHEN node_group IS NOT NULL THEN 'node group ' || node_group
             WHEN node_pool IS NOT NULL THEN 'nodepool ' || node_pool
             ELSE 'no node group or nodepool known' END
        || ', cluster ' || coalesce(cluster, '?') || ') looks idle: '
        || concat_ws('; ',
             CASE WHEN cluster_idle THEN 'its non-daemonset pods request at most ' || round(cpu_percent, 2)
               || '% of its CPU and ' || round(memory_percent, 2) || '% of its memory over ' || snapshots
               || ' inventory snapshot(s), ' || len(pods) || ' pod(s) would move' END,
             CASE WHEN cluster_idle OR requests_unknown THEN 'mean CPU ' || round(mean_cpu, 2) || '% over '
               || cpu_days || ' days' END,
             CASE WHEN bill_idle THEN unused_percent || '% of its split cost went unused over ' || bill_days
               || ' days (' || ${decimalText("unused")} || ' of ' || ${decimalText("used + unused")} || ')' END,
             CASE WHEN requests_unknown THEN 'its pods'' requests are unknown (no cluster inventory or split cost data)' END)
        || CASE WHEN node_group IS NOT NULL THEN '. Its autoscaler owns it: lower node group ' || node_group || '''s size'
             WHEN node_pool IS NOT NULL THEN '. Karpenter owns it: let nodepool ' || node_pool || ' consolidate it'
             ELSE '. Its autoscaler owns it: drain it and let the autoscaler remove it' END AS reason,
      json_object('source', CASE WHEN cluster_idle AND bill_idle THEN 'both' WHEN cluster_idle THEN 'cluster'
          WHEN bill_idle THEN 'bill' ELSE 'cpu' END,
        'cluster', cluster, 'node', node_name, 'nodeGroup', node_group, 'nodePool', node_pool,
        'requestedCpuPercent', round(cpu_percent, 3), 'requestedMemoryPercent', round(memory_percent, 3),
        'snapshots', snapshots, 'usedCpuPercent', round(mean_cpu, 3), 'cpuDays', cpu_days,
        'unusedCost', ${decimalText("unused")}, 'unusedPercent', unused_percent, 'billDays', bill_days,
        'podsToMove', list_slice(pods, 1, ${PODS_LISTED}), 'podsToMoveCount', len(pods)) AS evidence,
      1.0 AS savings_ratio
    FROM verdicts
    WHERE cluster_idle OR bill_idle OR (requests_unknown AND cpu_low)`;
  },
};
