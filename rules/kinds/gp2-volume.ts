import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** gp3 is about 20% cheaper per GB-month than gp2, with baseline IOPS and throughput included. */
  savingsRatio: z.number().min(0).max(1).default(0.2),
});

export const gp2Volume: RuleKind<typeof params> = {
  kind: "gp2-volume",
  title: "EBS volume on gp2 (gp3 costs less)",
  description: "A gp2 EBS volume: gp3 gives the same or better baseline performance for about 20% less.",
  pack: "storage",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings: "savingsRatio (default 20%) of the volume's cost: the gp3 price difference",
  fix: "aws ec2 modify-volume --volume-id {id} --volume-type gp3 --region {region} (online, no downtime)",
  params,
  sql: (p) => `
    SELECT account, resource_id,
      'gp2 volume of ' || coalesce(CAST(attrs.sizeGiB AS VARCHAR), '?') || ' GiB: gp3 costs about '
        || round(${sqlLiteral(p.savingsRatio)} * 100) || '% less' AS reason,
      json_object('volumeType', 'gp2', 'sizeGiB', attrs.sizeGiB, 'state', state) AS evidence,
      ${sqlLiteral(p.savingsRatio)} AS savings_ratio
    FROM resources_current r
    WHERE resource_type = 'ec2:volume' AND attrs.volumeType = 'gp2'`,
};
