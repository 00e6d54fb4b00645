import { cell, type Section, type Table } from "./document.js";
import { money, percent } from "./format.js";
import type { IdleNode, WeeklyReport } from "./model.js";
import { breakdownTable } from "./sections-spend.js";

// The Kubernetes section: what the clusters cost by cluster and namespace, the idle (unused) node
// capacity and its share, and the nodes with the most idle money.

function idleNodesTable(nodes: IdleNode[]): Table {
  return {
    columns: [
      { title: "Node (instance)", code: true },
      { title: "Idle this week", numeric: true },
      { title: "Node cost", numeric: true },
      { title: "Idle share", numeric: true },
    ],
    rows: nodes.map((n) => [
      cell(n.node),
      cell(money(n.idleCost), "strong"),
      cell(money(n.cost), "muted"),
      cell(percent(n.idleShare)),
    ]),
  };
}

export function kubernetesSection(report: WeeklyReport): Section {
  const k = report.kubernetes;
  if (!k.any) {
    return {
      id: "kubernetes",
      title: "Kubernetes",
      paragraphs: [
        "No Kubernetes cost this week or the week before: no split cost allocation rows and no cluster-tagged rows. " +
          "To see cost by cluster, namespace and workload, turn on split cost allocation data for EKS in the CUR 2.0 export.",
      ],
      tables: [],
      notes: [],
    };
  }
  const idle = k.split
    ? ` Idle (node capacity no pod requested) cost ${money(k.idle.current.effectiveCost)}, ${percent(k.idle.share)} of it (${money(k.idle.previous.effectiveCost)} the week before).`
    : " No node of the week is divided among its pods (no split cost allocation data), so no idle cost can be told apart.";
  return {
    id: "kubernetes",
    title: "Kubernetes",
    paragraphs: [`The clusters cost ${money(k.total.effectiveCost)} this week.${idle}`],
    tables: [
      { caption: "By cluster (the idle part of each its own row)", table: breakdownTable(k.byCluster) },
      { caption: "By namespace", table: breakdownTable(k.byNamespace) },
      ...(k.topIdleNodes.length
        ? [{ caption: "The nodes with the most idle money", table: idleNodesTable(k.topIdleNodes) }]
        : []),
    ],
    notes: [
      `The figures of \`finops costs --by cluster\`, \`--by namespace\` and \`--by node\` with \`--from ${report.compared.from} --to ${report.compared.to}\`. ` +
        "Each node's cost is divided among its pods by the bill's split cost allocation data; what the pods did not use is the idle row (CLUSTER (idle), CLUSTER/(idle)), never spread over the namespaces. " +
        "CLUSTER/(not split): the cluster's control plane and nodes without split data.",
    ],
  };
}
