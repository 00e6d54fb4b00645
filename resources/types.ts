/**
 * What finops knows about one resource type, in one place: the collectors, the store's money and views,
 * the pricing and utilization collectors and the CLI read these descriptors instead of spelling the type
 * out. Adding a resource type is one descriptor (registered in resources/index.ts), its inventory
 * collector and, if it can be remediated, its executor.
 *
 * SQL fragments here are expressions over a current-inventory row aliased `r` (resources_current's
 * columns: resource_id, resource_type, account, region, state, attributes as JSON).
 */
export interface ResourceDescriptor {
  /** The contract's resourceType, `service:type` (ec2:volume). */
  type: string;
  /** How people name one and several of it (EBS volume, EBS volumes). */
  displayName: { one: string; many: string };
  /** The shape of its ids as the collector stores them (vol-0123...), and how AWS names it in an ARN. */
  id: IdShape;
  arn: ArnShape;
  /** How its cost is estimated when no billing row names it; absent: it has no unit price basis. */
  price?: PriceBasis;
  /** The attributes the rules read, typed: fields of inventory_current's attrs struct (DuckDB types). */
  attributes: Readonly<Record<string, AttributeType>>;
  /** The CloudWatch metrics collected for it daily; absent: none. */
  metrics?: MetricPlan;
  /**
   * For a commitment (a reservation, a Savings Plan): its terms as SQL over the inventory row `r`. Each
   * save of its inventory writes them to commitment_terms (source 'inventory'), in the same transaction.
   */
  commitment?: CommitmentTermsSql;
  /** The AWS console page of one resource. */
  consoleUrl(region: string, id: string): string;
}

export interface IdShape {
  /** What every id the collector stores matches. */
  pattern: RegExp;
  /** A real-looking id, checked against the pattern and the ARN shape by test/resources.test.ts. */
  example: string;
}

/**
 * arn:aws:SERVICE:REGION:ACCOUNT:TYPE/ID for regional resources (EC2's), arn:aws:SERVICE::ACCOUNT:TYPE/ID
 * for account-wide ones (a Savings Plan), or arn:aws:SERVICE:::ID for global ones without a type (an S3
 * bucket). Billing names a resource by its id or by this ARN.
 */
export interface ArnShape {
  service: string;
  /** The resource type word of the ARN (`volume`, `natgateway`); undefined: the ARN names the id alone. */
  arnType: string | undefined;
  /** `regional`: the ARN holds region and account; `account`: the account alone; `global`: neither (S3 bucket ARNs). */
  scope: "regional" | "account" | "global";
  /** What follows the type word: "/" (table/NAME), or ":" (RDS's db:NAME, log-group:NAME). Default "/". */
  separator?: "/" | ":";
  /**
   * The resource id is the whole ARN. For types AWS names by a name unique only in its account and
   * region (a table, a log group, a database): the same name in two regions are two resources, and the
   * store keys resources and metrics by account and id. Their API name is the ARN's id part (arnName).
   */
  idIsArn?: boolean;
}

/**
 * A commitment's terms, each a SQL expression over the inventory row `r` giving text (NULL where
 * unknown): the store casts the dates to TIMESTAMP and the hourly commitment to DECIMAL. The commitment's
 * id is the resource id (the ARN billing's CommitmentDiscountId carries) and its account the row's.
 */
export interface CommitmentTermsSql {
  /** commitment_terms.type, as billing's CommitmentDiscountType says it. */
  type: "Reserved Instance" | "Savings Plan";
  service: string;
  region: string;
  startAt: string;
  endAt: string;
  /** '1yr' or '3yr'. */
  term: string;
  /** 'No Upfront', 'Partial Upfront' or 'All Upfront'. */
  purchaseOption: string;
  scope: string;
  /** The $/hour committed (a Savings Plan's); NULL for reservations, as CUR 2.0 and Cost Explorer leave it. */
  hourlyCommitment: string;
}

/** A DuckDB type in json_transform's structure notation: "VARCHAR", ["VARCHAR"], { field: type }. */
export type AttributeType = string | readonly [AttributeType] | { readonly [field: string]: AttributeType };

/** The normalised pricing unit: billing's PricingUnit and the Price List's unit are mapped to these. */
export type PriceUnit = "hours" | "gb-months";

export interface PriceBasis {
  /**
   * SQL expressions priced alike after the type and region, joined with "|" into the price key
   * (ec2:volume|eu-west-1|gp3); a NULL part leaves the resource without a key.
   */
  keyParts: readonly string[];
  unit: PriceUnit;
  /** SQL: the resource's monthly quantity of that unit (730 hours; its size in GiB). */
  monthlyQuantity: string;
  /** Said after an estimate's note where the quantity is an approximation. */
  estimateNote?: string;
  /** How a price key of this type (its parts after type and region) is asked of the Price List; null: it cannot. */
  priceListQuery(region: string, keyParts: readonly string[]): PriceQuery | null;
}

/** A Price List GetProducts query (TERM_MATCH filters) and which of its answers prices the key. */
export interface PriceQuery {
  serviceCode: string;
  filters: Record<string, string>;
  /** The Price List unit the price must be in. */
  unit: "Hrs" | "GB-Mo";
  /** Where a product family holds several usage types, the one that prices this key. */
  usageTypeSuffix?: string;
}

/** The statistics asked of CloudWatch. */
export type MetricStat = "Average" | "Maximum" | "Sum";

/** A CloudWatch dimension (the SDK's shape, without importing it here). */
export interface MetricDimension {
  Name: string;
  Value: string;
}

export interface MetricPlan {
  namespace: string;
  /**
   * The dimension that names the resource: its value is the resource id, or for a type whose id is its
   * ARN (ArnShape.idIsArn) the ARN's id part (a table's name, a load balancer's app/NAME/HASH).
   */
  dimension: string;
  metrics: readonly PlannedMetric[];
}

export interface PlannedMetric {
  metric: string;
  stat: MetricStat;
  extra?: readonly MetricDimension[];
  /** Where one type spans namespaces (load balancers: AWS/ApplicationELB, AWS/NetworkELB, AWS/ELB). */
  namespace?: string;
  dimension?: string;
  /** Asked only of the resources whose dimension value matches (an ALB's app/..., a classic ELB's bare name). */
  appliesTo?: RegExp;
}

/** AWS prices hourly resources at 730 hours a month (8,760 / 12) in its calculators and Price List. */
export const HOURS_PER_MONTH = 730;
