import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** Days the cluster must have existed, and had no node seen. */
  minDays: z.number().int().min(1).default(7),
});

export const emptyEksCluster: RuleKind<typeof params> = {
  kind: "empty-eks-cluster",
  title: "EKS cluster without nodes",
  description:
    "An active EKS control plane with no nodes: no managed node group wants any, and no EC2 instance of the cluster was seen for a week.",
  pack: "compute",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings:
    "the control plane's whole cost (deleting the cluster; finops only notifies: its workloads' owners decide)",
  fix: "aws eks delete-cluster --name {name} --region {region} (delete its node groups and add-ons first)",
  params,
  // Nodes are read from the inventory history as well as the current view: a cluster whose nodes were
  // scaled to zero yesterday is not empty for the week. Self-managed and Karpenter nodes belong to no
  // node group: the instances' kubernetes attribute names their cluster. Only the clusters that are
  // candidates have their names looked for, in the instance rows of the window.
  sql: (p, ctx) => {
    const since = `${ctx.now} - to_days(CAST(${sqlLiteral(p.minDays)} AS INTEGER))`;
    return `
    WITH candidates AS (
      SELECT account, region, resource_id, attrs.name AS name, created_at, attrs.nodegroups AS nodegroups
      FROM resources_current
      WHERE resource_type = 'eks:cluster' AND state = 'ACTIVE' AND created_at IS NOT NULL
        AND created_at < ${since} AND coalesce(attrs.desiredNodes, 0) = 0
    ),
    seen_nodes AS (
      SELECT DISTINCT account, region, json_extract_string(attributes, '$.kubernetes.cluster') AS cluster
      FROM inventory
      WHERE resource_type = 'ec2:instance' AND collected_at > ${since} AND collected_at <= ${ctx.now}
        AND json_extract_string(attributes, '$.kubernetes.cluster') IN (SELECT name FROM candidates)
      UNION
      -- A node in the current inventory is a node now, whenever it was collected.
      SELECT account, region, attrs.kubernetes.cluster AS cluster FROM resources_current
      WHERE resource_type = 'ec2:instance' AND attrs.kubernetes.cluster IN (SELECT name FROM candidates)
    )
    SELECT c.account, c.resource_id,
      'EKS cluster ' || c.name || ' has had no node for ' || ${sqlLiteral(p.minDays)} || ' days ('
        || coalesce(c.nodegroups, 0) || ' node group(s), none wanting a node), created '
        || date_diff('day', c.created_at, ${ctx.now}) || ' days ago' AS reason,
      json_object('name', c.name, 'nodegroups', coalesce(c.nodegroups, 0), 'desiredNodes', 0,
        'createdAt', strftime(c.created_at, '%Y-%m-%dT%H:%M:%SZ'), 'daysWithoutNodes', ${sqlLiteral(p.minDays)}) AS evidence,
      1.0 AS savings_ratio
    FROM candidates c
    LEFT JOIN seen_nodes s ON s.account = c.account AND s.region = c.region AND s.cluster = c.name
    WHERE s.cluster IS NULL`;
  },
};
