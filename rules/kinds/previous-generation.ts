import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** Instance families of older generations, cheaper and faster in their current successors. */
  families: z
    .array(z.string().min(1))
    .default([
      "t1",
      "t2",
      "m1",
      "m2",
      "m3",
      "m4",
      "c1",
      "c3",
      "c4",
      "r3",
      "r4",
      "i2",
      "d2",
      "g2",
      "p2",
      "x1",
    ]),
  /** The share a current-generation successor typically saves at equal size. */
  savingsRatio: z.number().min(0).max(1).default(0.1),
});

export const previousGeneration: RuleKind<typeof params> = {
  kind: "previous-generation",
  title: "Previous-generation EC2 instance",
  description:
    "An instance of an older family: the current generation costs less for the same or more capacity.",
  pack: "compute",
  defaultSeverity: "low",
  defaultAction: "notify",
  savings: "savingsRatio (default 10%) of the instance's cost",
  fix: "aws ec2 modify-instance-attribute --instance-id {id} --instance-type <its current-generation type> --region {region} (while stopped)",
  params,
  sql: (p) => `
    SELECT account, resource_id,
      attrs.instanceType || ' is a previous-generation type' AS reason,
      json_object('instanceType', attrs.instanceType) AS evidence,
      ${sqlLiteral(p.savingsRatio)} AS savings_ratio
    FROM resources_current r
    WHERE resource_type = 'ec2:instance' AND state IN ('running', 'stopped')
      AND split_part(attrs.instanceType, '.', 1) IN (${p.families.map(sqlLiteral).join(", ")})`,
};
