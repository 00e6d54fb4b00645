import { z } from "zod";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({});

export const unassociatedEip: RuleKind<typeof params> = {
  kind: "unassociated-eip",
  title: "Unassociated Elastic IP",
  description: "An Elastic IP address attached to nothing: billed by the hour for no use.",
  pack: "network",
  defaultSeverity: "medium",
  defaultAction: "release",
  savings: "the address's whole cost",
  fix: "aws ec2 release-address --allocation-id {id} --region {region}",
  params,
  sql: () => `
    SELECT account, resource_id,
      'Elastic IP ' || coalesce(attrs.publicIp, resource_id) || ' is not associated' AS reason,
      json_object('publicIp', attrs.publicIp, 'associationId', NULL) AS evidence,
      1.0 AS savings_ratio
    FROM resources_current r
    WHERE resource_type = 'ec2:elastic-ip' AND state = 'unassociated'`,
};
