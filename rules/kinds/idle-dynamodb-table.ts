import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import { WCU_PER_RCU_PRICE } from "../../resources/dynamodb-table.js";
import { HOURS_PER_MONTH } from "../../resources/types.js";
import { billedPartCtes, partCostSql, savedShareSql } from "../billed-part.js";
import type { RuleKind } from "../rule-kind.js";

/**
 * What one consumed capacity unit costs on demand, in provisioned unit-seconds: on demand bills a read
 * request unit 0.125 USD per million, provisioned capacity a read unit-hour 0.00013 USD (us-east-1,
 * since November 2024; writes are 5 times both, so the ratio is the same):
 * 0.125e-6 / (0.00013 / 3600) = 3.46. Used where the account's bill does not show both prices.
 */
export const ON_DEMAND_PER_PROVISIONED_UNIT = 3.46;

/** The provisioned read unit-hour's list price (us-east-1, USD): prices a billed table's capacity when its bill names no capacity meter. */
const READ_UNIT_HOUR_USD = 0.00013;

const params = z.strictObject({
  lookbackDays: z.number().int().min(1).default(14),
  minDataDays: z.number().int().min(1).default(7),
  /** Both reads and writes under this share of the provisioned capacity: over-provisioned. */
  maxUsedPercent: z.number().min(0).max(100).default(10),
});

export const idleDynamodbTable: RuleKind<typeof params> = {
  kind: "idle-dynamodb-table",
  title: "Over-provisioned DynamoDB table",
  description:
    "A provisioned DynamoDB table whose consumed reads and writes both stay under maxUsedPercent (10%) of its provisioned capacity: on demand would bill only what it uses.",
  pack: "compute",
  defaultSeverity: "medium",
  defaultAction: "notify",
  savings: `its provisioned capacity cost (its billed CapacityUnit-Hrs meters, else its provisioned units priced) minus what its consumed units would cost on demand: consumed units (a write as ${WCU_PER_RCU_PRICE} reads) as a share of the provisioned, times how many provisioned unit-seconds one on-demand request unit costs (from the account's billed ReadRequestUnits and ReadCapacityUnit-Hrs prices where it shows both, else ${ON_DEMAND_PER_PROVISIONED_UNIT}, AWS's list prices)`,
  fix: "aws dynamodb update-table --table-name {name} --billing-mode PAY_PER_REQUEST --region {region}",
  params,
  // A day without requests has no Consumed*CapacityUnits datapoint: the days are those on which the
  // utilization collector stored any metric of the table's account and region (or the table's own).
  sql: (p, ctx) => `
    WITH ${billedPartCtes("%CapacityUnit-Hrs")},
    bill_ratio AS (
      SELECT account,
        (sum(cost) FILTER (WHERE meter LIKE '%ReadRequestUnits') / sum(quantity) FILTER (WHERE meter LIKE '%ReadRequestUnits'))
          / (sum(cost) FILTER (WHERE meter LIKE '%ReadCapacityUnit-Hrs') / sum(quantity) FILTER (WHERE meter LIKE '%ReadCapacityUnit-Hrs') / 3600) AS ratio
      FROM resource_meter_costs
      WHERE charge_category = 'Usage' AND quantity > 0
        AND (meter LIKE '%ReadRequestUnits' OR meter LIKE '%ReadCapacityUnit-Hrs')
      GROUP BY account
    ),
    collected AS (
      SELECT account, region, count(*) AS days FROM metric_days
      WHERE ${ctx.metricWindow(null, p.lookbackDays)}
      GROUP BY account, region
    ),
    consumed AS (
      SELECT resource_id, count(DISTINCT day) AS data_days,
        coalesce(sum(sum) FILTER (WHERE metric = 'ConsumedReadCapacityUnits'), 0) AS reads,
        coalesce(sum(sum) FILTER (WHERE metric = 'ConsumedWriteCapacityUnits'), 0) AS writes
      FROM metrics_daily
      WHERE namespace = 'AWS/DynamoDB' AND metric IN ('ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits')
        AND ${ctx.metricWindow(null, p.lookbackDays)}
      GROUP BY resource_id
    ),
    t AS (
      SELECT r.account, r.resource_id, r.attrs.readCapacityUnits AS rcu, r.attrs.writeCapacityUnits AS wcu,
        greatest(c.days, coalesce(u.data_days, 0)) AS days,
        coalesce(u.reads, 0) / (greatest(c.days, coalesce(u.data_days, 0)) * 86400.0) AS read_per_second,
        coalesce(u.writes, 0) / (greatest(c.days, coalesce(u.data_days, 0)) * 86400.0) AS write_per_second,
        coalesce(br.ratio, ${sqlLiteral(ON_DEMAND_PER_PROVISIONED_UNIT)}) AS on_demand_ratio,
        br.ratio IS NOT NULL AS ratio_billed,
        f.monthly, ${partCostSql(`${HOURS_PER_MONTH} * (r.attrs.readCapacityUnits + ${WCU_PER_RCU_PRICE} * r.attrs.writeCapacityUnits) * ${READ_UNIT_HOUR_USD}`)} AS capacity_cost
      FROM resources_current r
      JOIN collected c ON c.account = r.account AND c.region = r.region
      JOIN resource_facts f ON f.account = r.account AND f.resource_id = r.resource_id
      LEFT JOIN consumed u ON u.resource_id = r.resource_id
      LEFT JOIN billed_part b ON b.resource_id = r.resource_id
      LEFT JOIN bill_ratio br ON br.account = r.account
      WHERE r.resource_type = 'dynamodb:table' AND r.attrs.billingMode = 'PROVISIONED'
    ),
    idle AS (
      SELECT *, (read_per_second + ${WCU_PER_RCU_PRICE} * write_per_second) / (rcu + ${WCU_PER_RCU_PRICE} * wcu) AS used_share
      FROM t
      WHERE days >= ${sqlLiteral(p.minDataDays)}
        AND read_per_second < ${sqlLiteral(p.maxUsedPercent / 100)} * rcu
        AND write_per_second < ${sqlLiteral(p.maxUsedPercent / 100)} * wcu
    )
    SELECT account, resource_id,
      'uses ' || round(read_per_second, 3) || ' of ' || rcu || ' read and ' || round(write_per_second, 3) || ' of ' || wcu
        || ' write units a second over ' || days || ' days' AS reason,
      json_object('days', days, 'readCapacityUnits', rcu, 'writeCapacityUnits', wcu,
        'meanReadUnitsPerSecond', round(read_per_second, 6), 'meanWriteUnitsPerSecond', round(write_per_second, 6),
        'usedShare', round(used_share, 6), 'onDemandPerProvisionedUnit', round(on_demand_ratio, 4),
        'onDemandRatioFrom', CASE WHEN ratio_billed THEN 'billing' ELSE 'list prices' END,
        'capacityMonthlyCost', round(capacity_cost, 6),
        'onDemandMonthlyCost', round(capacity_cost * used_share * on_demand_ratio, 6)) AS evidence,
      ${savedShareSql("capacity_cost * (1 - used_share * on_demand_ratio)")} AS savings_ratio
    FROM idle f`,
};
