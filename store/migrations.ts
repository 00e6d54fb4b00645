import type { DuckDBConnection } from "@duckdb/node-api";
import { LATER_MIGRATIONS, type Migration } from "./migrations-later.js";

// Append only: a migration that has shipped is never edited, a change is a new version.
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "billing, loads, collector runs, Cost Explorer day cache",
    sql: `
      CREATE TABLE loads (
        load_id VARCHAR PRIMARY KEY,
        source VARCHAR NOT NULL,
        files JSON,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        rows_loaded BIGINT,
        rows_replaced BIGINT,
        billing_periods JSON,
        api_calls INTEGER
      );

      -- FOCUS column names; x_Source and x_LoadId follow FOCUS's x_ prefix for custom columns.
      CREATE TABLE billing (
        AvailabilityZone VARCHAR,
        BilledCost DECIMAL(38,12),
        BillingAccountId VARCHAR,
        BillingAccountName VARCHAR,
        BillingAccountType VARCHAR,
        BillingCurrency VARCHAR,
        BillingPeriodEnd TIMESTAMP,
        BillingPeriodStart TIMESTAMP,
        CapacityReservationId VARCHAR,
        CapacityReservationStatus VARCHAR,
        ChargeCategory VARCHAR,
        ChargeClass VARCHAR,
        ChargeDescription VARCHAR,
        ChargeFrequency VARCHAR,
        ChargePeriodEnd TIMESTAMP,
        ChargePeriodStart TIMESTAMP,
        CommitmentDiscountCategory VARCHAR,
        CommitmentDiscountId VARCHAR,
        CommitmentDiscountName VARCHAR,
        CommitmentDiscountQuantity DOUBLE,
        CommitmentDiscountStatus VARCHAR,
        CommitmentDiscountType VARCHAR,
        CommitmentDiscountUnit VARCHAR,
        ConsumedQuantity DOUBLE,
        ConsumedUnit VARCHAR,
        ContractedCost DECIMAL(38,12),
        ContractedUnitPrice DECIMAL(38,12),
        EffectiveCost DECIMAL(38,12),
        InvoiceId VARCHAR,
        InvoiceIssuerName VARCHAR,
        ListCost DECIMAL(38,12),
        ListUnitPrice DECIMAL(38,12),
        PricingCategory VARCHAR,
        PricingCurrency VARCHAR,
        PricingQuantity DOUBLE,
        PricingUnit VARCHAR,
        ProviderName VARCHAR,
        PublisherName VARCHAR,
        RegionId VARCHAR,
        RegionName VARCHAR,
        ResourceId VARCHAR,
        ResourceName VARCHAR,
        ResourceType VARCHAR,
        ServiceCategory VARCHAR,
        ServiceName VARCHAR,
        ServiceSubcategory VARCHAR,
        SkuId VARCHAR,
        SkuMeter VARCHAR,
        SkuPriceId VARCHAR,
        SubAccountId VARCHAR,
        SubAccountName VARCHAR,
        SubAccountType VARCHAR,
        Tags JSON,
        x_Source VARCHAR NOT NULL,
        x_LoadId VARCHAR NOT NULL
      );

      -- Cost Explorer's tag-grouped query: kept apart from billing, whose service-grouped rows
      -- already hold the same money (storing both there would count it twice).
      CREATE TABLE cost_explorer_tag_costs (
        day DATE NOT NULL,
        account_id VARCHAR NOT NULL,
        tag_key VARCHAR NOT NULL,
        tag_value VARCHAR,
        billed_cost DECIMAL(38,12) NOT NULL,
        effective_cost DECIMAL(38,12) NOT NULL,
        currency VARCHAR,
        load_id VARCHAR NOT NULL
      );

      -- Which days each Cost Explorer query has stored, so closed days are never paid for twice.
      CREATE TABLE cost_explorer_days (
        query VARCHAR NOT NULL,
        day DATE NOT NULL,
        fetched_at TIMESTAMP NOT NULL,
        PRIMARY KEY (query, day)
      );

      CREATE TABLE collector_runs (
        run_id VARCHAR NOT NULL,
        collector VARCHAR NOT NULL,
        account VARCHAR,
        region VARCHAR,
        status VARCHAR NOT NULL,
        rows BIGINT NOT NULL DEFAULT 0,
        api_calls INTEGER NOT NULL DEFAULT 0,
        error VARCHAR,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP
      );

      -- A tag value by key, ignoring the key's case ("Team" and "team" are the commonest tagging mess).
      CREATE MACRO tag_value_ci(tags, k) AS json_extract_string(
        tags,
        '$."' || replace(list_filter(json_keys(tags), x -> lower(x) = lower(k))[1], '"', '\\"') || '"'
      );
      CREATE MACRO tag_value_exact(tags, k) AS json_extract_string(tags, '$."' || replace(k, '"', '\\"') || '"');

      -- The rows every cost figure is summed from. A Cost Explorer row is left out where a billing
      -- file covers the same account and billing period: the file is the finer and final source, and
      -- counting both would double the money.
      CREATE VIEW billing_costs AS
      WITH file_coverage AS (
        SELECT DISTINCT SubAccountId, BillingPeriodStart FROM billing WHERE x_Source <> 'cost-explorer'
      )
      SELECT b.* FROM billing b
      WHERE b.x_Source <> 'cost-explorer'
         OR NOT EXISTS (
           SELECT 1 FROM file_coverage f
           WHERE f.SubAccountId = b.SubAccountId AND f.BillingPeriodStart = b.BillingPeriodStart
         );
    `,
  },
  {
    version: 2,
    name: "inventory history and current view, daily utilization metrics",
    sql: `
      -- One row per resource per collection run: the history. A collector's rows for an account and
      -- region are written together, in one transaction, when that collector succeeded.
      CREATE TABLE inventory (
        run_id VARCHAR NOT NULL,
        collector VARCHAR NOT NULL,
        collected_at TIMESTAMP NOT NULL,
        -- The region the collector ran for ('global' for account-wide APIs such as S3's bucket list).
        scope VARCHAR NOT NULL,
        account VARCHAR NOT NULL,
        region VARCHAR NOT NULL,
        resource_id VARCHAR NOT NULL,
        resource_type VARCHAR NOT NULL,
        state VARCHAR,
        state_since TIMESTAMP,
        created_at TIMESTAMP,
        tags JSON,
        attributes JSON
      );

      -- The current inventory: each collector's latest successful run per account and region. A
      -- resource the Tagging API reports beside a dedicated collector is shown once, as the latter saw it.
      CREATE VIEW resources_current AS
      WITH latest AS (
        SELECT collector, account, region, arg_max(run_id, finished_at) AS run_id
        FROM collector_runs
        WHERE status = 'ok' AND collector LIKE 'inventory:%'
        GROUP BY collector, account, region
      )
      SELECT i.* FROM inventory i
      JOIN latest l ON i.collector = l.collector AND i.account = l.account AND i.scope = l.region AND i.run_id = l.run_id
      QUALIFY row_number() OVER (
        PARTITION BY i.account, i.resource_id ORDER BY (i.collector = 'inventory:tagging'), i.collector
      ) = 1;

      -- Daily aggregates of CloudWatch metrics, one row per resource, metric and UTC day.
      CREATE TABLE metrics_daily (
        account VARCHAR NOT NULL,
        region VARCHAR NOT NULL,
        resource_id VARCHAR NOT NULL,
        namespace VARCHAR NOT NULL,
        metric VARCHAR NOT NULL,
        day DATE NOT NULL,
        average DOUBLE,
        maximum DOUBLE,
        sum DOUBLE,
        run_id VARCHAR NOT NULL,
        PRIMARY KEY (resource_id, namespace, metric, day)
      );
    `,
  },
  {
    version: 3,
    name: "findings with history, analysis runs",
    sql: `
      -- One row per rule and resource: first seen, last seen, and resolved once a later run no longer
      -- finds it (a finding seen again is reopened).
      CREATE TABLE findings (
        id VARCHAR PRIMARY KEY,
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
        last_run_id VARCHAR NOT NULL
      );

      CREATE TABLE analysis_runs (
        run_id VARCHAR PRIMARY KEY,
        evaluated_at TIMESTAMP NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        rules JSON,
        findings INTEGER
      );
    `,
  },
  {
    version: 4,
    name: "cost notes on findings, Price List prices",
    sql: `
      -- How a finding's monthly cost was estimated where billing does not name the resource, or why
      -- there is no figure.
      ALTER TABLE findings ADD COLUMN monthly_cost_note VARCHAR;

      -- On-demand prices from the AWS Price List API, one per price key (see store/price-basis.ts):
      -- the last resort for a resource no billing row prices.
      CREATE TABLE prices (
        price_key VARCHAR PRIMARY KEY,
        unit VARCHAR NOT NULL,
        usd_per_unit DECIMAL(38,12) NOT NULL,
        sku VARCHAR,
        description VARCHAR,
        fetched_at TIMESTAMP NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: "remediation plans, approvals, journal, locks",
    sql: `
      -- A plan is immutable: its id is the SHA-256 of its canonical content (the items and their
      -- preconditions), so an approval binds to exactly what was reviewed.
      CREATE TABLE plans (
        plan_id VARCHAR PRIMARY KEY,
        created_at TIMESTAMP NOT NULL,
        evaluated_at TIMESTAMP NOT NULL,
        content JSON NOT NULL,
        items INTEGER NOT NULL
      );

      CREATE TABLE approvals (
        plan_id VARCHAR NOT NULL,
        approved_by VARCHAR NOT NULL,
        approved_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL
      );

      -- Append only: a row before each AWS call (status started) and one after (done, failed or
      -- skipped). A run that crashed between the two is resumed by checking the resource, never by
      -- calling again blindly.
      CREATE SEQUENCE journal_seq;
      CREATE TABLE journal (
        seq BIGINT PRIMARY KEY DEFAULT nextval('journal_seq'),
        run_id VARCHAR NOT NULL,
        plan_id VARCHAR NOT NULL,
        -- Who approved the plan this run applies (the approval it checked).
        approved_by VARCHAR NOT NULL,
        item INTEGER NOT NULL,
        step VARCHAR NOT NULL,
        resource_id VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        detail VARCHAR,
        before_state JSON,
        after_state JSON,
        logged_at TIMESTAMP NOT NULL
      );

      -- One row per held lock; a lock whose holder process is gone is taken over.
      CREATE TABLE locks (
        name VARCHAR PRIMARY KEY,
        holder VARCHAR NOT NULL,
        pid INTEGER NOT NULL,
        host VARCHAR NOT NULL,
        acquired_at TIMESTAMP NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: "notification deliveries, scheduled job runs",
    sql: `
      -- One row per message sent, or given up on, to one team on one channel; never rewritten.
      CREATE TABLE deliveries (
        delivery_id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        team VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        attempts INTEGER NOT NULL,
        error VARCHAR,
        findings INTEGER NOT NULL,
        created_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP
      );

      -- Which finding was told to which team on which channel (its label, as in deliveries), in which
      -- state (its fingerprint), and when: an unchanged finding is not sent again before
      -- notify.renotifyDays. Per channel, so that a channel that failed is retried alone. A plan
      -- announced to the approvers is kept the same way (its plan id as finding_id).
      CREATE TABLE notified_findings (
        finding_id VARCHAR NOT NULL,
        team VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL,
        delivery_id VARCHAR NOT NULL,
        notified_at TIMESTAMP NOT NULL
      );

      -- Every run of a scheduled job (finops serve): start, end, status, error.
      CREATE TABLE job_runs (
        run_id VARCHAR PRIMARY KEY,
        job VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        status VARCHAR NOT NULL,
        error VARCHAR
      );
    `,
  },
  ...LATER_MIGRATIONS,
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export async function migrate(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)",
  );
  const reader = await connection.runAndReadAll(
    "SELECT coalesce(max(version), 0) AS v FROM schema_migrations",
  );
  const current = Number(reader.getRowObjectsJson()[0]?.v ?? 0);
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `the database schema is version ${current}, newer than this finops (${SCHEMA_VERSION}): upgrade finops`,
    );
  }
  for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
    await connection.run("BEGIN TRANSACTION");
    try {
      await connection.run(migration.sql);
      await connection.run("INSERT INTO schema_migrations VALUES ($1, $2, now()::TIMESTAMP)", [
        migration.version,
        migration.name,
      ]);
      await connection.run("COMMIT");
    } catch (error) {
      await connection.run("ROLLBACK");
      throw error;
    }
  }
}
