import { add, compare, isZero, percentOf, ZERO } from "../../core/decimal.js";
import type { CostLine } from "../../store/costs.js";
import { IDLE_SUFFIX } from "../../store/kubernetes-costs.js";
import { breakdown, totalOf } from "./breakdown.js";
import type { IdleNode, KubernetesWeekly, Window } from "./model.js";
import { type SpendSource, spendBy } from "./spend.js";

/** Rows the section lists; the CSV and JSON carry the same top rows and the totals of everything. */
const TOP = { cluster: 10, namespace: 15, idleNodes: 10 } as const;

/** A node's idle line key is its id and the suffix: `i-0abc (idle)`. */
const nodeOf = (key: string) => key.slice(0, -IDLE_SUFFIX.length - 1);

/** The lines of a Kubernetes dimension that are in a cluster: the rest of the bill has the key NULL. */
const inClusters = (lines: CostLine[]) => lines.filter((l) => l.key !== null);

/**
 * The weekly report's Kubernetes figures: `finops costs --by cluster | namespace | node` over the report
 * week and the week before (store/kubernetes-costs.ts divides each node's cost among its pods from the
 * bill's split cost allocation data), so the section reconciles with those commands for the same windows.
 * The idle cost is never spread over namespaces: it is a row of its own, and its share is of the clusters'.
 */
export async function kubernetesOfWeeks(
  source: SpendSource,
  weeks: { current: Window; previous: Window },
): Promise<KubernetesWeekly> {
  const cluster = inClusters(await spendBy(source, "cluster", weeks.current));
  const clusterBefore = inClusters(await spendBy(source, "cluster", weeks.previous));
  const namespace = inClusters(await spendBy(source, "namespace", weeks.current));
  const namespaceBefore = inClusters(await spendBy(source, "namespace", weeks.previous));
  const nodes = inClusters(await spendBy(source, "node", weeks.current));
  const idle = totalOf(cluster.filter((l) => l.idle));
  const idleBefore = totalOf(clusterBefore.filter((l) => l.idle));
  const total = totalOf(cluster);
  const label = (key: string | null) => key ?? "(not Kubernetes)";
  return {
    any: cluster.length > 0 || clusterBefore.length > 0,
    split: nodes.some((l) => l.idle),
    total,
    idle: {
      current: idle,
      previous: idleBefore,
      share: percentOf(idle.effectiveCost, total.effectiveCost),
    },
    byCluster: breakdown("cluster", cluster, clusterBefore, TOP.cluster, label),
    byNamespace: breakdown("namespace", namespace, namespaceBefore, TOP.namespace, label),
    topIdleNodes: idleNodes(nodes).slice(0, TOP.idleNodes),
  };
}

/** Each node's idle cost against its whole cost (its pods' parts and its idle part), the most idle money first. */
function idleNodes(lines: CostLine[]): IdleNode[] {
  const used = new Map(lines.filter((l) => !l.idle).map((l) => [l.key, l.effectiveCost]));
  return lines
    .filter((l) => l.idle && l.key !== null && !isZero(l.effectiveCost))
    .map((l) => {
      const node = nodeOf(l.key ?? "");
      const cost = add(l.effectiveCost, used.get(node) ?? ZERO);
      return { node, idleCost: l.effectiveCost, cost, idleShare: percentOf(l.effectiveCost, cost) };
    })
    .sort((a, b) => compare(b.idleCost, a.idleCost) || a.node.localeCompare(b.node));
}
