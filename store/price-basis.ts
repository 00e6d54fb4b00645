import { sqlLiteral } from "../core/sql.js";
import { RESOURCE_DESCRIPTORS } from "../resources/index.js";
import { HOURS_PER_MONTH } from "../resources/types.js";
import { ARN_OF, RESOURCE_COST_CTE } from "./resources.js";

/** The resource types with a unit price basis (an S3 bucket's cost is its stored bytes, which inventory lacks). */
const PRICED = RESOURCE_DESCRIPTORS.flatMap((d) => (d.price ? [{ type: d.type, price: d.price }] : []));

/** `CASE r.resource_type WHEN type THEN value(type) ... ELSE otherwise END` over the priced types. */
function byPricedType(
  value: (priced: (typeof PRICED)[number]) => string | undefined,
  otherwise: string,
  alias = "r",
): string {
  const arms = PRICED.flatMap((p) => {
    const sql = value(p);
    return sql === undefined ? [] : [`WHEN ${sqlLiteral(p.type)} THEN ${sql}`];
  });
  if (arms.length === 0) return otherwise;
  return `CASE ${alias}.resource_type\n    ${arms.join("\n    ")}\n    ELSE ${otherwise} END`;
}

/**
 * What prices a resource alike with others (its descriptor's price key parts after its type and region):
 * for instances the type, platform and purchase option in a region; for volumes the volume type in a
 * region; snapshots, Elastic IPs and NAT gateways by region. Null for resources with no basis.
 */
export const PRICE_KEY = byPricedType(
  ({ type, price }) => [`${sqlLiteral(`${type}|`)} || r.region`, ...price.keyParts].join(" || '|' || "),
  "NULL",
);

/** The pricing unit of a price key's usage, normalised: `hours` or `gb-months`. */
const PRICE_UNIT = byPricedType(({ price }) => sqlLiteral(price.unit), "'hours'");

/**
 * The resource's monthly quantity of that unit (its descriptor's): a stopped instance bills no compute
 * (its volumes bill under their own ids); a snapshot's stored bytes are not reported by EC2, its source
 * volume's size is the upper bound used, and the note says so (ESTIMATE_NOTE).
 */
const MONTHLY_QUANTITY = byPricedType(({ price }) => price.monthlyQuantity, String(HOURS_PER_MONTH));

/** What an estimate's note adds for the types whose quantity is an approximation. */
const ESTIMATE_NOTE = byPricedType(
  ({ price }) => (price.estimateNote === undefined ? undefined : sqlLiteral(price.estimateNote)),
  "''",
  "b",
);

/** A billing row's PricingUnit in the same normalised form (FOCUS says "Hours", the CUR "Hrs"). */
export const BILLING_UNIT = `CASE
    WHEN lower(b.PricingUnit) IN ('hours', 'hour', 'hrs', 'hr') THEN 'hours'
    WHEN lower(b.PricingUnit) IN ('gb-months', 'gb-month', 'gb-mo', 'gibibyte month') THEN 'gb-months'
  END`;

/**
 * CTEs for the monthly cost of every current resource: RESOURCE_COST_CTE's, then
 * `resource_cost(account, resource_id, monthly, source, note)`: the resource's monthly cost from its own
 *   billing rows (source `billing`); else its monthly quantity at the effective unit price that billing
 *   shows for other resources of its price key (`billing-unit-price`); else at the Price List's on-demand
 *   price collected by `finops collect --only pricing` (`price-list`); else null, with the reason in note.
 */
export const RESOURCE_COST_CTES = `${RESOURCE_COST_CTE},
    priced_resources AS (
      SELECT r.account, r.resource_id, r.resource_type, r.state, ${ARN_OF} AS arn, ${PRICE_KEY} AS price_key,
        ${PRICE_UNIT} AS unit, ${MONTHLY_QUANTITY} AS quantity
      FROM resources_current r
    ),
    billed AS (
      SELECT t.*, coalesce(by_id.monthly, by_arn.monthly) AS monthly FROM priced_resources t
      LEFT JOIN cost by_id ON by_id.ResourceId = t.resource_id
      LEFT JOIN cost by_arn ON by_arn.ResourceId = t.arn
    ),
    -- Only the price keys of resources that billing does not name are priced from their peers.
    wanted_keys AS (SELECT DISTINCT price_key, unit FROM billed WHERE monthly IS NULL AND price_key IS NOT NULL),
    peer_names AS (
      SELECT name, price_key, unit FROM (
        SELECT r.resource_id AS name, ${PRICE_KEY} AS price_key, ${PRICE_UNIT} AS unit FROM resources_current r
        UNION ALL
        SELECT ${ARN_OF} AS name, ${PRICE_KEY} AS price_key, ${PRICE_UNIT} AS unit FROM resources_current r
      ) WHERE price_key IN (SELECT price_key FROM wanted_keys)
    ),
    peer_skus AS (
      SELECT p.price_key, b.SkuId AS sku, sum(b.EffectiveCost) AS cost, sum(b.PricingQuantity) AS quantity,
        count(DISTINCT p.name) AS resources
      FROM recent_billing b JOIN peer_names p ON p.name = b.ResourceId
      WHERE b.ChargeCategory = 'Usage' AND b.PricingQuantity > 0 AND ${BILLING_UNIT} = p.unit
      GROUP BY p.price_key, b.SkuId
    ),
    -- The SKU most of the peers' usage was billed under, at its effective (after discounts) unit price.
    peer_price AS (
      SELECT price_key, arg_max(sku, quantity) AS sku, arg_max(cost / quantity, quantity) AS unit_price,
        arg_max(resources, quantity) AS resources
      FROM peer_skus GROUP BY price_key
    ),
    resource_cost AS (
      SELECT b.account, b.resource_id,
        CAST(CASE
          WHEN b.monthly IS NOT NULL THEN b.monthly
          WHEN b.quantity = 0 THEN 0
          WHEN pp.unit_price IS NOT NULL THEN b.quantity * pp.unit_price
          WHEN pl.usd_per_unit IS NOT NULL THEN b.quantity * pl.usd_per_unit
        END AS DECIMAL(38,12)) AS monthly,
        CASE
          WHEN b.monthly IS NOT NULL THEN 'billing'
          WHEN b.quantity = 0 THEN 'no-usage'
          WHEN pp.unit_price IS NOT NULL THEN 'billing-unit-price'
          WHEN pl.usd_per_unit IS NOT NULL THEN 'price-list'
        END AS source,
        CASE
          WHEN b.monthly IS NOT NULL THEN NULL
          WHEN b.quantity = 0 THEN 'a stopped instance bills no compute'
          WHEN pp.unit_price IS NOT NULL THEN 'no billing row names it: ' || round(b.quantity, 2) || ' ' || b.unit
            || ' a month at ' || round(pp.unit_price, 6) || ' per ' || rtrim(b.unit, 's')
            || ', the effective unit price of SKU ' || coalesce(pp.sku, '?') || ' billed for '
            || pp.resources || ' other resource(s) of the same kind (' || b.price_key || ')'
            || ${ESTIMATE_NOTE}
          WHEN pl.usd_per_unit IS NOT NULL THEN 'no billing row names it or prices its kind: ' || round(b.quantity, 2)
            || ' ' || b.unit || ' a month at the Price List on-demand price of ' || round(pl.usd_per_unit, 6)
            || ' USD per ' || rtrim(b.unit, 's') || ' (' || coalesce(pl.description, pl.sku, b.price_key) || ')'
            || ${ESTIMATE_NOTE}
          WHEN b.price_key IS NULL THEN 'no billing row names this resource, and a ' || b.resource_type
            || ' has no unit price basis (its cost depends on usage that inventory does not hold)'
          WHEN b.quantity IS NULL THEN 'no billing row names this resource, and its size is unknown'
          ELSE 'no billing row names this resource or bills its kind (' || b.price_key
            || '), and no Price List price is stored for it: run finops collect --only pricing'
        END AS note
      FROM billed b
      LEFT JOIN peer_price pp ON pp.price_key = b.price_key
      LEFT JOIN prices pl ON pl.price_key = b.price_key
    )`;

/** `needs_list_price(price_key)`: the kinds of current resources that neither their own billing nor their peers' price. */
export const PRICE_KEY_NEEDS_LIST_PRICE = `${RESOURCE_COST_CTES},
    needs_list_price AS (
      SELECT DISTINCT b.price_key FROM billed b LEFT JOIN peer_price pp ON pp.price_key = b.price_key
      WHERE b.monthly IS NULL AND b.quantity > 0 AND b.price_key IS NOT NULL AND pp.unit_price IS NULL
    )`;
