import { MONEY, SPLIT_COLUMNS } from "./billing-columns.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// The migrations from version 7 on (store/migrations.ts holds the first ones). Append only: a migration
// that has shipped is never edited, a change is a new version.
export const LATER_MIGRATIONS: Migration[] = [
  {
    version: 7,
    name: "findings: a content hash, no primary key index",
    sql: `
      -- content_hash: a hash of what a finding says (team, severity, reason, evidence, money, action,
      -- protection): an analysis rewrites only the findings whose content changed, and marks the rest seen.
      -- No PRIMARY KEY: its index doubled the cost of a first analysis (1.5 s more for 822k findings), and
      -- ids are unique by construction: an id hashes rule, account and resource, and a rule yields a
      -- resource once (the sql kind keeps one row per resource). DuckDB cannot drop a constraint: the
      -- table is copied.
      CREATE TABLE findings_v7 (
        id VARCHAR NOT NULL,
        rule VARCHAR NOT NULL,
        resource_id VARCHAR NOT NULL,
        resource_type VARCHAR NOT NULL,
        account VARCHAR NOT NULL,
        region VARCHAR NOT NULL,
        team VARCHAR NOT NULL,
        severity VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        evidence JSON,
        monthly_cost DECIMAL(38,12),
        monthly_cost_source VARCHAR,
        estimated_monthly_savings DECIMAL(38,12),
        action VARCHAR NOT NULL,
        protected BOOLEAN NOT NULL,
        first_seen TIMESTAMP NOT NULL,
        last_seen TIMESTAMP NOT NULL,
        resolved_at TIMESTAMP,
        last_run_id VARCHAR NOT NULL,
        monthly_cost_note VARCHAR,
        content_hash UBIGINT
      );
      INSERT INTO findings_v7 SELECT *, NULL FROM findings;
      DROP TABLE findings;
      ALTER TABLE findings_v7 RENAME TO findings;
    `,
  },
  {
    version: 8,
    name: "findings: the resources whose cost is part of a finding's",
    sql: `
      -- A stopped instance's finding counts its volumes' cost: savings are counted once per resource with
      -- those volumes under the instance (store/savings.ts), never again under their own findings.
      ALTER TABLE findings ADD COLUMN extra_cost_ids VARCHAR[];
    `,
  },
  {
    version: 9,
    name: "metric_days: the days each account and region has metrics of",
    sql: `
      -- CloudWatch publishes no datapoint for a day without traffic: a silent resource has no rows, and the
      -- rules that judge silence ask whether its account and region were collected those days. Kept as
      -- metrics are saved, so that no rule counts them over the whole metrics table.
      CREATE TABLE metric_days (
        account VARCHAR NOT NULL,
        region VARCHAR NOT NULL,
        day DATE NOT NULL,
        PRIMARY KEY (account, region, day)
      );
      INSERT INTO metric_days SELECT DISTINCT account, region, day FROM metrics_daily;
    `,
  },
  {
    version: 10,
    name: "commitments: terms, Cost Explorer utilization and coverage",
    sql: `
      -- What each Savings Plan or reservation is, as a source says it: CUR 2.0's reservation_* and
      -- savings_plan_* columns ('cur2'), Cost Explorer's utilization details ('cost-explorer'). One row per
      -- commitment and source, rewritten by each load or collection that names the commitment.
      CREATE TABLE commitment_terms (
        commitment_id VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        type VARCHAR,
        account_id VARCHAR,
        service VARCHAR,
        region VARCHAR,
        start_at TIMESTAMP,
        end_at TIMESTAMP,
        term VARCHAR,
        purchase_option VARCHAR,
        scope VARCHAR,
        hourly_commitment ${MONEY},
        updated_at TIMESTAMP NOT NULL,
        PRIMARY KEY (commitment_id, source)
      );

      -- Cost Explorer's figures of each commitment per day (GetSavingsPlansUtilizationDetails,
      -- GetReservationUtilization by subscription): read only for the accounts and months that no billing
      -- file covers, like Cost Explorer's costs. used_cost + unused_cost is the commitment's amortized cost.
      CREATE TABLE commitment_usage (
        day DATE NOT NULL,
        commitment_id VARCHAR NOT NULL,
        type VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        used_cost ${MONEY} NOT NULL,
        unused_cost ${MONEY} NOT NULL,
        on_demand_equivalent ${MONEY} NOT NULL,
        PRIMARY KEY (day, commitment_id)
      );

      -- Cost Explorer's coverage per day, account and commitment type (GetSavingsPlansCoverage,
      -- GetReservationCoverage): the on-demand-equivalent cost of eligible usage that commitments covered,
      -- and the eligible on-demand cost they did not.
      CREATE TABLE commitment_coverage (
        day DATE NOT NULL,
        type VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        covered_cost ${MONEY} NOT NULL,
        on_demand_cost ${MONEY} NOT NULL,
        PRIMARY KEY (day, type, account_id)
      );
    `,
  },
  {
    version: 11,
    name: "billing: split cost allocation data (EKS pods, ECS tasks)",
    sql: `
      -- CUR 2.0's split_line_item_* columns, as x_ columns (FOCUS has none): how a node's cost divides
      -- among its pods. The node's row keeps its cost; these never count in a total of BilledCost.
      ${Object.entries(SPLIT_COLUMNS)
        .map(([name, type]) => `ALTER TABLE billing ADD COLUMN ${name} ${type};`)
        .join("\n      ")}
    `,
  },
  {
    version: 12,
    name: "job_runs: what started each run",
    sql: `
      -- 'schedule': a schedule of rules.yaml; 'api': a command run through finops --server (POST /api/jobs),
      -- its job the command's name. The runs recorded before were all scheduled: the default fills them.
      -- Nullable: DuckDB adds no column with a constraint; the scheduler always writes it.
      ALTER TABLE job_runs ADD COLUMN trigger VARCHAR DEFAULT 'schedule';
    `,
  },
];
