import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { stringify } from "csv-stringify/sync";
import { runFinops } from "./helpers/cli.js";
import { fromScaled, toScaled } from "./helpers/decimal.js";
import { readDatabase, tempDir } from "./helpers/project.js";

// Commitments in billing files (issue 17): a No Upfront Savings Plan with an unused part, a Partial
// Upfront reservation (upfront Fee, monthly RIFee, DiscountedUsage), a reservation that goes entirely
// unused, across a month boundary. Every expected figure is computed here from the rows written.

const PAYER = "111122223333";
const SP = "arn:aws:savingsplans::111122223333:savingsplan/5f1c-no-upfront";
const RI = "arn:aws:ec2:us-east-1:012345678901:reserved-instances/ri-partial-upfront";
const RI_UNUSED = "arn:aws:ec2:us-east-1:444455556666:reserved-instances/ri-unused";

type Row = Record<string, string>;

const CUR_COLUMNS = [
  "bill_bill_type",
  "bill_billing_period_start_date",
  "bill_billing_period_end_date",
  "bill_payer_account_id",
  "line_item_usage_account_id",
  "line_item_line_item_type",
  "line_item_product_code",
  "line_item_currency_code",
  "line_item_unblended_cost",
  "line_item_unblended_rate",
  "line_item_usage_start_date",
  "line_item_usage_end_date",
  "line_item_usage_amount",
  "line_item_usage_type",
  "line_item_availability_zone",
  "line_item_resource_id",
  "pricing_public_on_demand_cost",
  "pricing_public_on_demand_rate",
  "pricing_lease_contract_length",
  "pricing_purchase_option",
  "pricing_unit",
  "product",
  "product_region_code",
  "reservation_reservation_a_r_n",
  "reservation_effective_cost",
  "reservation_unused_amortized_upfront_fee_for_billing_period",
  "reservation_unused_recurring_fee",
  "reservation_start_time",
  "reservation_end_time",
  "reservation_availability_zone",
  "savings_plan_savings_plan_a_r_n",
  "savings_plan_savings_plan_effective_cost",
  "savings_plan_total_commitment_to_date",
  "savings_plan_used_commitment",
  "savings_plan_start_time",
  "savings_plan_end_time",
  "savings_plan_purchase_term",
  "savings_plan_payment_option",
  "savings_plan_offering_type",
  "savings_plan_region",
];
const CUR_NUMBERS = [
  "line_item_unblended_cost",
  "line_item_unblended_rate",
  "line_item_usage_amount",
  "pricing_public_on_demand_cost",
  "reservation_effective_cost",
  "reservation_unused_amortized_upfront_fee_for_billing_period",
  "reservation_unused_recurring_fee",
  "savings_plan_savings_plan_effective_cost",
  "savings_plan_total_commitment_to_date",
  "savings_plan_used_commitment",
];

const EC2 = JSON.stringify({ product_name: "Amazon Elastic Compute Cloud", region: "us-east-1" });
const month = (start: string, end: string) => ({
  bill_billing_period_start_date: start,
  bill_billing_period_end_date: end,
});
const OCTOBER = month("2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z");
const NOVEMBER = month("2024-11-01T00:00:00Z", "2024-12-01T00:00:00Z");
const day = (date: string, next: string) => ({
  line_item_usage_start_date: `${date}T00:00:00Z`,
  line_item_usage_end_date: `${next}T00:00:00Z`,
});

const SP_TERMS = {
  savings_plan_savings_plan_a_r_n: SP,
  savings_plan_start_time: "2024-06-01T00:00:00.000Z",
  savings_plan_end_time: "2025-06-01T00:00:00.000Z",
  savings_plan_purchase_term: "1yr",
  savings_plan_payment_option: "No Upfront",
  savings_plan_offering_type: "ComputeSavingsPlans",
  savings_plan_region: "Any",
};
const RI_TERMS = {
  reservation_reservation_a_r_n: RI,
  reservation_start_time: "2024-10-30T00:00:00.000Z",
  reservation_end_time: "2027-10-30T00:00:00.000Z",
  reservation_availability_zone: "us-east-1a",
  pricing_lease_contract_length: "3yr",
  pricing_purchase_option: "Partial Upfront",
  product: EC2,
  product_region_code: "us-east-1",
  line_item_product_code: "AmazonEC2",
  line_item_usage_account_id: "12345678901", // an exporter dropped the leading zero
};

/** One Savings Plan day: its recurring fee (12 = 0.50 an hour), the covered usage, and its negation. */
function planDay(period: Row, date: string, next: string, onDemand: string, used: string): Row[] {
  const when = { ...period, ...day(date, next) };
  return [
    {
      ...when,
      ...SP_TERMS,
      line_item_line_item_type: "SavingsPlanRecurringFee",
      line_item_usage_account_id: PAYER,
      line_item_product_code: "ComputeSavingsPlans",
      line_item_unblended_cost: "12",
      line_item_usage_amount: "24",
      savings_plan_total_commitment_to_date: "12",
      savings_plan_used_commitment: used,
    },
    {
      ...when,
      ...SP_TERMS,
      line_item_line_item_type: "SavingsPlanCoveredUsage",
      line_item_usage_account_id: "444455556666",
      line_item_product_code: "AmazonEC2",
      product: EC2,
      product_region_code: "us-east-1",
      line_item_unblended_cost: onDemand,
      pricing_public_on_demand_cost: onDemand,
      pricing_unit: "Hrs",
      line_item_usage_amount: "24",
      savings_plan_savings_plan_effective_cost: used,
    },
    {
      ...when,
      ...SP_TERMS,
      line_item_line_item_type: "SavingsPlanNegation",
      line_item_usage_account_id: "444455556666",
      line_item_product_code: "AmazonEC2",
      product: EC2,
      line_item_unblended_cost: `-${onDemand}`,
    },
  ];
}

function reservationRows(): Row[] {
  return [
    {
      ...OCTOBER,
      ...day("2024-10-30", "2024-10-31"),
      ...RI_TERMS,
      line_item_line_item_type: "Fee",
      bill_bill_type: "Purchase",
      line_item_unblended_cost: "876",
      line_item_usage_amount: "1",
    },
    {
      ...OCTOBER,
      ...day("2024-10-01", "2024-11-01"),
      ...RI_TERMS,
      line_item_line_item_type: "RIFee",
      line_item_unblended_cost: "7.44",
      line_item_usage_amount: "744",
      pricing_unit: "Hrs",
      reservation_unused_amortized_upfront_fee_for_billing_period: "1.25",
      reservation_unused_recurring_fee: "0.5",
    },
    {
      ...OCTOBER,
      ...day("2024-10-31", "2024-11-01"),
      ...RI_TERMS,
      line_item_line_item_type: "DiscountedUsage",
      line_item_unblended_cost: "0",
      line_item_usage_amount: "24",
      pricing_unit: "Hrs",
      pricing_public_on_demand_cost: "2.4",
      reservation_effective_cost: "1.1",
    },
    {
      ...NOVEMBER,
      ...day("2024-11-01", "2024-12-01"),
      ...RI_TERMS,
      line_item_line_item_type: "RIFee",
      line_item_unblended_cost: "7.2",
      line_item_usage_amount: "720",
      reservation_unused_amortized_upfront_fee_for_billing_period: "2",
      reservation_unused_recurring_fee: "1",
    },
    {
      ...NOVEMBER,
      ...day("2024-11-01", "2024-11-02"),
      ...RI_TERMS,
      line_item_line_item_type: "DiscountedUsage",
      line_item_unblended_cost: "0",
      line_item_usage_amount: "24",
      pricing_public_on_demand_cost: "2.4",
      reservation_effective_cost: "1.1",
    },
    // A reservation nobody used: its whole recurring fee is unused.
    {
      ...OCTOBER,
      ...day("2024-10-01", "2024-11-01"),
      line_item_line_item_type: "RIFee",
      line_item_usage_account_id: "444455556666",
      line_item_product_code: "AmazonRDS",
      product: JSON.stringify({ product_name: "Amazon Relational Database Service" }),
      product_region_code: "eu-west-1",
      reservation_reservation_a_r_n: RI_UNUSED,
      reservation_start_time: "2024-01-15T00:00:00Z",
      reservation_end_time: "2025-01-15T00:00:00Z",
      pricing_lease_contract_length: "1 yr",
      pricing_purchase_option: "NoUpfront",
      line_item_unblended_cost: "30",
      line_item_usage_amount: "744",
      reservation_unused_amortized_upfront_fee_for_billing_period: "0",
      reservation_unused_recurring_fee: "30",
    },
  ];
}

const CUR_ROWS: Row[] = [
  {
    ...OCTOBER,
    ...day("2024-10-30", "2024-10-31"),
    line_item_line_item_type: "Usage",
    line_item_usage_account_id: "444455556666",
    line_item_product_code: "AmazonEC2",
    product: EC2,
    line_item_unblended_cost: "3",
    pricing_public_on_demand_cost: "3",
  },
  ...planDay(OCTOBER, "2024-10-30", "2024-10-31", "15", "9"),
  ...planDay(OCTOBER, "2024-10-31", "2024-11-01", "20", "12"),
  ...planDay(NOVEMBER, "2024-11-01", "2024-11-02", "10", "6.5"),
  ...reservationRows(),
  {
    ...OCTOBER,
    ...day("2024-10-01", "2024-11-01"),
    line_item_line_item_type: "Tax",
    line_item_usage_account_id: PAYER,
    line_item_product_code: "AmazonEC2",
    line_item_unblended_cost: "4",
  },
].map((row) => ({
  bill_bill_type: "Anniversary",
  bill_payer_account_id: PAYER,
  line_item_currency_code: "USD",
  ...row,
}));

// What the test expects, from the rows alone.
const sum = (values: string[]) => values.reduce((total, v) => total + toScaled(v || "0"), 0n);
const isFee = (row: Row) => ["RIFee", "SavingsPlanRecurringFee"].includes(row.line_item_line_item_type ?? "");
const arnOf = (row: Row) => row.savings_plan_savings_plan_a_r_n || row.reservation_reservation_a_r_n || "";
const monthOf = (row: Row) => (row.bill_billing_period_start_date ?? "").slice(0, 7);

/** The amortized cost of each row, as CUR defines it (what Cost Explorer calls amortized). */
function amortized(row: Row): string {
  switch (row.line_item_line_item_type) {
    case "SavingsPlanCoveredUsage":
      return row.savings_plan_savings_plan_effective_cost ?? "0";
    case "SavingsPlanRecurringFee":
      return fromScaled(
        toScaled(row.savings_plan_total_commitment_to_date ?? "0") -
          toScaled(row.savings_plan_used_commitment ?? "0"),
      );
    case "SavingsPlanNegation":
      return "0";
    case "DiscountedUsage":
      return row.reservation_effective_cost ?? "0";
    case "RIFee":
      return fromScaled(
        toScaled(row.reservation_unused_amortized_upfront_fee_for_billing_period || "0") +
          toScaled(row.reservation_unused_recurring_fee || "0"),
      );
    case "Fee":
      return row.reservation_reservation_a_r_n ? "0" : (row.line_item_unblended_cost ?? "0");
    default:
      return row.line_item_unblended_cost ?? "0";
  }
}

/** Per commitment and month: used (amortized covered usage), unused (fees' unused part), on-demand equivalent. */
function expectedCommitments(rows: Row[]): Record<string, [string, string, string]> {
  const out: Record<string, [bigint, bigint, bigint]> = {};
  for (const row of rows) {
    const arn = arnOf(row);
    if (!arn) continue;
    const key = `${arn} ${monthOf(row)}`;
    const figures = out[key] ?? [0n, 0n, 0n];
    out[key] = figures;
    if (["SavingsPlanCoveredUsage", "DiscountedUsage"].includes(row.line_item_line_item_type ?? "")) {
      figures[0] += toScaled(amortized(row));
      figures[2] += toScaled(row.pricing_public_on_demand_cost ?? "0");
    }
    if (isFee(row)) figures[1] += toScaled(amortized(row));
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, [u, n, l]]) => [k, [fromScaled(u), fromScaled(n), fromScaled(l)]]),
  );
}

function writeCsv(path: string, columns: string[], rows: Row[]): string {
  writeFileSync(path, stringify([columns, ...rows.map((row) => columns.map((c) => row[c] ?? ""))]));
  return path;
}

/** The CSV as Parquet, numbers typed and text left as exporters write it ('' for no value). */
async function toParquet(csv: string, numbers: string[]): Promise<string> {
  const parquet = csv.replace(/\.csv$/, ".parquet");
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  try {
    const connection = await instance.connect();
    const header = (
      await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_csv('${csv}', all_varchar = true)`)
    )
      .getRowObjectsJson()
      .map((r) => String(r.column_name));
    const casts = numbers
      .filter((n) => header.includes(n))
      .map((n) => `CAST(NULLIF(NULLIF("${n}", ''), 'NULL') AS DOUBLE) AS "${n}"`);
    const select = casts.length ? `* REPLACE (${casts.join(", ")})` : "*";
    await connection.run(
      `COPY (SELECT ${select} FROM read_csv('${csv}', all_varchar = true, nullstr = 'NULL'))
       TO '${parquet}' (FORMAT parquet)`,
    );
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
  return parquet;
}

const money = (value: unknown) => fromScaled(toScaled(String(value ?? "0")));

async function ingest(db: string, file: string) {
  const result = await runFinops(["ingest", file, "--db", db, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as { rowsLoaded: number };
}

/** The figures the issue defines, per commitment and month (billing period). */
async function commitmentFigures(db: string): Promise<Record<string, [string, string, string]>> {
  const rows = await readDatabase(
    db,
    `SELECT CommitmentDiscountId || ' ' || strftime(BillingPeriodStart, '%Y-%m') AS key,
       CAST(coalesce(sum(EffectiveCost) FILTER (WHERE CommitmentDiscountStatus = 'Used'), 0) AS VARCHAR) AS used,
       CAST(coalesce(sum(EffectiveCost) FILTER (WHERE CommitmentDiscountStatus = 'Unused'), 0) AS VARCHAR) AS unused,
       CAST(coalesce(sum(ListCost) FILTER (WHERE CommitmentDiscountStatus = 'Used'), 0) AS VARCHAR) AS list
     FROM billing WHERE CommitmentDiscountId IS NOT NULL GROUP BY ALL ORDER BY key`,
  );
  return Object.fromEntries(
    rows.map((r) => [String(r.key), [money(r.used), money(r.unused), money(r.list)]]),
  );
}

async function totals(db: string): Promise<Record<string, [string, string]>> {
  const rows = await readDatabase(
    db,
    `SELECT strftime(BillingPeriodStart, '%Y-%m') AS month, CAST(sum(BilledCost) AS VARCHAR) AS billed,
       CAST(sum(EffectiveCost) AS VARCHAR) AS effective FROM billing GROUP BY ALL ORDER BY month`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.month), [money(r.billed), money(r.effective)]]));
}

function expectedTotals(rows: Row[]): Record<string, [string, string]> {
  const months = [...new Set(rows.map(monthOf))].sort();
  return Object.fromEntries(
    months.map((m) => {
      const inMonth = rows.filter((r) => monthOf(r) === m);
      return [
        m,
        [
          fromScaled(sum(inMonth.map((r) => r.line_item_unblended_cost ?? "0"))),
          fromScaled(sum(inMonth.map(amortized))),
        ],
      ];
    }),
  );
}

const TERMS_FIELDS = `commitment_id, source, type, account_id, service, region, CAST(start_at AS VARCHAR) AS start_at,
   CAST(end_at AS VARCHAR) AS end_at, term, purchase_option, scope, CAST(hourly_commitment AS VARCHAR) AS hourly`;
const TERMS_SQL = `SELECT ${TERMS_FIELDS}, CAST(updated_at AS VARCHAR) AS updated_at
 FROM commitment_terms ORDER BY commitment_id, source`;
const TERMS_WITHOUT_TIME = `SELECT ${TERMS_FIELDS} FROM commitment_terms ORDER BY commitment_id, source`;

describe("commitments in a CUR 2.0 export: purchase, used and unused rows, and their terms", () => {
  const dir = tempDir();
  const csvDb = join(dir.path, "csv.duckdb");
  const parquetDb = join(dir.path, "parquet.duckdb");
  const csv = writeCsv(join(dir.path, "cur-commitments.csv"), CUR_COLUMNS, CUR_ROWS);
  const fees = CUR_ROWS.filter(isFee).length;

  before(async () => {
    assert.equal((await ingest(csvDb, csv)).rowsLoaded, CUR_ROWS.length + fees);
    assert.equal(
      (await ingest(parquetDb, await toParquet(csv, CUR_NUMBERS))).rowsLoaded,
      CUR_ROWS.length + fees,
    );
  });
  after(() => dir.remove());

  test("Σ BilledCost is the invoice and Σ EffectiveCost the amortized total, per month, as before the split", async () => {
    const expected = expectedTotals(CUR_ROWS);
    assert.deepEqual(Object.keys(expected), ["2024-10", "2024-11"]);
    assert.deepEqual(await totals(csvDb), expected);
    assert.deepEqual(await totals(parquetDb), expected);
  });

  test("used, unused and on-demand equivalent per commitment and month", async () => {
    const expected = expectedCommitments(CUR_ROWS);
    // The unused reservation: nothing used, its whole fee unused.
    assert.deepEqual(expected[`${RI_UNUSED} 2024-10`], ["0", "30", "0"]);
    assert.deepEqual(expected[`${SP} 2024-10`], ["21", "3", "35"]);
    assert.deepEqual(await commitmentFigures(csvDb), expected);
    assert.deepEqual(await commitmentFigures(parquetDb), expected);
  });

  test("each recurring fee is a Purchase row (the fee, no amortized cost) and an Unused row (no bill)", async () => {
    const rows = await readDatabase(
      csvDb,
      `SELECT CommitmentDiscountStatus AS status, ChargeCategory AS category, ChargeFrequency AS frequency,
         PricingCategory AS pricing, CommitmentDiscountType AS type, CommitmentDiscountCategory AS cat,
         count(*) AS n, CAST(sum(BilledCost) AS VARCHAR) AS billed, CAST(sum(EffectiveCost) AS VARCHAR) AS effective,
         CAST(sum(ListCost) AS VARCHAR) AS list, CAST(sum(ContractedCost) AS VARCHAR) AS contracted,
         count(PricingQuantity) + count(ConsumedQuantity) AS quantities
       FROM billing WHERE CommitmentDiscountId IS NOT NULL AND (ChargeCategory = 'Purchase' OR CommitmentDiscountStatus = 'Unused')
       GROUP BY ALL ORDER BY status NULLS FIRST, frequency, type`,
    );
    const feeRows = (type: string) => CUR_ROWS.filter((r) => r.line_item_line_item_type === type);
    const unusedOf = (type: string) => fromScaled(sum(feeRows(type).map(amortized)));
    const billedOf = (types: string[]) =>
      fromScaled(
        sum(
          CUR_ROWS.filter((r) => types.includes(r.line_item_line_item_type ?? "") && arnOf(r)).map(
            (r) => r.line_item_unblended_cost ?? "0",
          ),
        ),
      );
    const shape = rows.map((r) => ({
      ...r,
      n: Number(r.n),
      quantities: Number(r.quantities),
      billed: money(r.billed),
      effective: money(r.effective),
      list: money(r.list),
      contracted: money(r.contracted),
    }));
    assert.deepEqual(shape, [
      {
        status: null,
        category: "Purchase",
        frequency: "One-Time",
        pricing: "Standard",
        type: "Reserved Instance",
        cat: "Usage",
        n: 1,
        billed: billedOf(["Fee"]),
        effective: "0",
        list: billedOf(["Fee"]),
        contracted: billedOf(["Fee"]),
        quantities: 1,
      },
      {
        status: null,
        category: "Purchase",
        frequency: "Recurring",
        pricing: "Standard",
        type: "Reserved Instance",
        cat: "Usage",
        n: feeRows("RIFee").length,
        billed: billedOf(["RIFee"]),
        effective: "0",
        list: billedOf(["RIFee"]),
        contracted: billedOf(["RIFee"]),
        quantities: feeRows("RIFee").length,
      },
      {
        status: null,
        category: "Purchase",
        frequency: "Recurring",
        pricing: "Standard",
        type: "Savings Plan",
        cat: "Spend",
        n: feeRows("SavingsPlanRecurringFee").length,
        billed: billedOf(["SavingsPlanRecurringFee"]),
        effective: "0",
        list: billedOf(["SavingsPlanRecurringFee"]),
        contracted: billedOf(["SavingsPlanRecurringFee"]),
        quantities: feeRows("SavingsPlanRecurringFee").length,
      },
      {
        status: "Unused",
        category: "Usage",
        frequency: "Usage-Based",
        pricing: "Committed",
        type: "Reserved Instance",
        cat: "Usage",
        n: feeRows("RIFee").length,
        billed: "0",
        effective: unusedOf("RIFee"),
        list: "0",
        contracted: "0",
        quantities: 0,
      },
      {
        status: "Unused",
        category: "Usage",
        frequency: "Usage-Based",
        pricing: "Committed",
        type: "Savings Plan",
        cat: "Spend",
        n: feeRows("SavingsPlanRecurringFee").length,
        billed: "0",
        effective: unusedOf("SavingsPlanRecurringFee"),
        list: "0",
        contracted: "0",
        quantities: 0,
      },
    ]);
  });

  test("an unused part is billed under its commitment's ARN, whatever resource the fee row names", async () => {
    const rows = await readDatabase(
      csvDb,
      `SELECT CommitmentDiscountId AS id, list(DISTINCT coalesce(ResourceId, '(none)')) AS resources
       FROM billing WHERE CommitmentDiscountStatus = 'Unused' GROUP BY ALL ORDER BY ALL`,
    );
    assert.ok(rows.length >= 2, "both kinds have unused rows");
    for (const row of rows) assert.deepEqual(row.resources, [row.id]);
  });

  test("commitment_terms: one row per commitment, from the export's reservation_* and savings_plan_* columns", async () => {
    const terms = (await readDatabase(csvDb, TERMS_SQL)).map(({ updated_at, ...rest }) => ({
      ...rest,
      hourly: rest.hourly === null ? null : money(rest.hourly),
    }));
    assert.deepEqual(terms, [
      {
        commitment_id: RI,
        source: "cur2",
        type: "Reserved Instance",
        account_id: "012345678901",
        service: "Amazon Elastic Compute Cloud",
        region: "us-east-1",
        start_at: "2024-10-30 00:00:00",
        end_at: "2027-10-30 00:00:00",
        term: "3yr",
        purchase_option: "Partial Upfront",
        scope: "us-east-1a",
        hourly: null,
      },
      {
        commitment_id: RI_UNUSED,
        source: "cur2",
        type: "Reserved Instance",
        account_id: "444455556666",
        service: "Amazon Relational Database Service",
        region: "eu-west-1",
        start_at: "2024-01-15 00:00:00",
        end_at: "2025-01-15 00:00:00",
        term: "1yr",
        purchase_option: "No Upfront",
        scope: "Region",
        hourly: null,
      },
      // The owner its ARN names (the buyer), not the covered usage's account; 12 a day is 0.50 an hour.
      {
        commitment_id: SP,
        source: "cur2",
        type: "Savings Plan",
        account_id: PAYER,
        service: null,
        region: null,
        start_at: "2024-06-01 00:00:00",
        end_at: "2025-06-01 00:00:00",
        term: "1yr",
        purchase_option: "No Upfront",
        scope: "ComputeSavingsPlans",
        hourly: "0.5",
      },
    ]);
    assert.deepEqual(
      await readDatabase(parquetDb, TERMS_WITHOUT_TIME),
      await readDatabase(csvDb, TERMS_WITHOUT_TIME),
    );
  });

  test("an export in two parts (one load) and loaded again gives the same figures and terms", async () => {
    const db = join(dir.path, "parts.duckdb");
    const half = Math.ceil(CUR_ROWS.length / 2);
    const parts = [
      writeCsv(join(dir.path, "part-1.csv"), CUR_COLUMNS, CUR_ROWS.slice(0, half)),
      writeCsv(join(dir.path, "part-2.csv"), CUR_COLUMNS, CUR_ROWS.slice(half)),
    ];
    for (let load = 0; load < 2; load++) {
      const result = await runFinops(["ingest", ...parts, "--db", db, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(await commitmentFigures(db), expectedCommitments(CUR_ROWS));
      assert.deepEqual(await totals(db), expectedTotals(CUR_ROWS));
      assert.deepEqual(
        await readDatabase(db, TERMS_WITHOUT_TIME),
        await readDatabase(csvDb, TERMS_WITHOUT_TIME),
      );
    }
  });

  test("an export without a family's amortization columns keeps one row per fee, EffectiveCost = BilledCost", async () => {
    const db = join(dir.path, "no-ri-amortization.duckdb");
    const columns = CUR_COLUMNS.filter((c) => c !== "reservation_unused_recurring_fee");
    const file = writeCsv(join(dir.path, "no-ri-amortization.csv"), columns, CUR_ROWS);
    const spFees = CUR_ROWS.filter((r) => r.line_item_line_item_type === "SavingsPlanRecurringFee").length;
    assert.equal((await ingest(db, file)).rowsLoaded, CUR_ROWS.length + spFees);
    const withoutRiAmortization = (row: Row) =>
      ["RIFee", "DiscountedUsage", "Fee"].includes(row.line_item_line_item_type ?? "")
        ? (row.line_item_unblended_cost ?? "0")
        : amortized(row);
    const [row] = await readDatabase(
      db,
      "SELECT CAST(sum(BilledCost) AS VARCHAR) AS b, CAST(sum(EffectiveCost) AS VARCHAR) AS e, count(*) FILTER (WHERE CommitmentDiscountStatus = 'Unused' AND CommitmentDiscountType = 'Reserved Instance') AS ri_unused FROM billing",
    );
    assert.equal(money(row?.b), fromScaled(sum(CUR_ROWS.map((r) => r.line_item_unblended_cost ?? "0"))));
    assert.equal(money(row?.e), fromScaled(sum(CUR_ROWS.map(withoutRiAmortization))));
    assert.equal(Number(row?.ri_unused), 0);
  });
});

const FOCUS_COLUMNS = [
  "BilledCost",
  "EffectiveCost",
  "ListCost",
  "ContractedCost",
  "ChargePeriodStart",
  "ChargePeriodEnd",
  "BillingPeriodStart",
  "BillingPeriodEnd",
  "BillingAccountId",
  "BillingCurrency",
  "ProviderName",
  "ServiceName",
  "SubAccountId",
  "ChargeCategory",
  "CommitmentDiscountId",
  "CommitmentDiscountType",
  "CommitmentDiscountCategory",
  "CommitmentDiscountStatus",
];
const FOCUS_NUMBERS = ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"];

/** The same bill as a FOCUS export writes it: each recurring fee is a Purchase row and an Unused row. */
function focusRows(rows: Row[]): Row[] {
  return rows.flatMap((row) => {
    const type = row.line_item_line_item_type ?? "";
    const arn = arnOf(row);
    const covered = ["SavingsPlanCoveredUsage", "DiscountedUsage"].includes(type);
    const billed = row.line_item_unblended_cost ?? "0";
    const base: Row = {
      BilledCost: billed,
      EffectiveCost: isFee(row) ? "0" : amortized(row),
      ListCost: covered
        ? (row.pricing_public_on_demand_cost ?? "")
        : type === "SavingsPlanNegation"
          ? "0"
          : billed,
      ContractedCost: billed,
      ChargePeriodStart: row.line_item_usage_start_date ?? "",
      ChargePeriodEnd: row.line_item_usage_end_date ?? "",
      BillingPeriodStart: row.bill_billing_period_start_date ?? "",
      BillingPeriodEnd: row.bill_billing_period_end_date ?? "",
      BillingAccountId: row.bill_payer_account_id ?? "",
      BillingCurrency: "USD",
      ProviderName: "AWS",
      ServiceName: row.line_item_product_code ?? "",
      SubAccountId: row.line_item_usage_account_id ?? "",
      ChargeCategory: ["Fee", "RIFee", "SavingsPlanRecurringFee"].includes(type)
        ? "Purchase"
        : type === "Tax"
          ? "Tax"
          : "Usage",
      CommitmentDiscountId: arn,
      CommitmentDiscountType: arn ? (arn.includes("savingsplan") ? "Savings Plan" : "Reserved Instance") : "",
      CommitmentDiscountCategory: arn ? (arn.includes("savingsplan") ? "Spend" : "Usage") : "",
      CommitmentDiscountStatus: covered || type === "SavingsPlanNegation" ? "Used" : "",
    };
    if (!isFee(row)) return [base];
    const unused = { ...base, BilledCost: "0", ListCost: "0", ContractedCost: "0", ChargeCategory: "Usage" };
    return [base, { ...unused, EffectiveCost: amortized(row), CommitmentDiscountStatus: "Unused" }];
  });
}

describe("commitments in a FOCUS export load as they are, with the same figures", () => {
  const dir = tempDir();
  const csv = writeCsv(join(dir.path, "focus-commitments.csv"), FOCUS_COLUMNS, focusRows(CUR_ROWS));
  after(() => dir.remove());

  for (const kind of ["csv", "parquet"] as const) {
    test(`${kind}: per commitment and month, and the month totals`, async () => {
      const db = join(dir.path, `focus-${kind}.duckdb`);
      await ingest(db, kind === "csv" ? csv : await toParquet(csv, FOCUS_NUMBERS));
      assert.deepEqual(await commitmentFigures(db), expectedCommitments(CUR_ROWS));
      assert.deepEqual(await totals(db), expectedTotals(CUR_ROWS));
    });
  }
});

describe("bad commitment rows refuse the load, naming file, row and column; nothing changes", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let stored = "";
  const snapshot = async () =>
    JSON.stringify([
      await readDatabase(
        db,
        `SELECT count(*) AS n, CAST(sum(BilledCost) AS VARCHAR) AS b, CAST(sum(EffectiveCost) AS VARCHAR) AS e,
           CAST(sum(ListCost) AS VARCHAR) AS l, list(DISTINCT x_LoadId) AS loads FROM billing`,
      ),
      await readDatabase(db, TERMS_SQL),
    ]);

  before(async () => {
    await ingest(db, writeCsv(join(dir.path, "good.csv"), CUR_COLUMNS, CUR_ROWS));
    stored = await snapshot();
  });
  after(() => dir.remove());

  /** The bill with one row changed: its 1-based data row number, and the edited rows. */
  function edited(type: string, change: Row): { row: number; rows: Row[] } {
    const index = CUR_ROWS.findIndex((r) => r.line_item_line_item_type === type);
    assert.ok(index >= 0);
    return { row: index + 1, rows: CUR_ROWS.map((r, i) => (i === index ? { ...r, ...change } : r)) };
  }

  async function expectRefused(file: string, message: RegExp) {
    const result = await runFinops(["ingest", file, "--db", db, "--json"]);
    assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, message);
    assert.equal(await snapshot(), stored, "billing and commitment_terms as before");
  }

  /** The same case as CSV (row and line named) and as Parquet (row named). */
  async function refusedBoth(
    name: string,
    columns: string[],
    rows: Row[],
    numbers: string[],
    where: number,
    tail: string,
  ) {
    const csv = writeCsv(join(dir.path, `${name}.csv`), columns, rows);
    await expectRefused(
      csv,
      new RegExp(`${name}\\.csv: row ${where} \\(line ${where + 1}\\), column ${tail}`),
    );
    await expectRefused(
      await toParquet(csv, numbers),
      new RegExp(`${name}\\.parquet: row ${where}, column ${tail}`),
    );
  }

  test("CUR: a DiscountedUsage row without its reservation ARN", async () => {
    const { row, rows } = edited("DiscountedUsage", { reservation_reservation_a_r_n: "" });
    await refusedBoth(
      "ri-no-arn",
      CUR_COLUMNS,
      rows,
      CUR_NUMBERS,
      row,
      "reservation_reservation_a_r_n: a reservation row \\(DiscountedUsage or RIFee\\) without its id",
    );
  });

  test("CUR: an RIFee row without its reservation ARN", async () => {
    const { row, rows } = edited("RIFee", { reservation_reservation_a_r_n: "" });
    await refusedBoth(
      "rifee-no-arn",
      CUR_COLUMNS,
      rows,
      CUR_NUMBERS,
      row,
      "reservation_reservation_a_r_n: a reservation row",
    );
  });

  test("CUR: a SavingsPlanCoveredUsage row without its plan's ARN", async () => {
    const { row, rows } = edited("SavingsPlanCoveredUsage", { savings_plan_savings_plan_a_r_n: "" });
    await refusedBoth(
      "sp-no-arn",
      CUR_COLUMNS,
      rows,
      CUR_NUMBERS,
      row,
      "savings_plan_savings_plan_a_r_n: a Savings Plan row .* without its id",
    );
  });

  test("CUR: Savings Plan rows in an export without the savings_plan_savings_plan_a_r_n column", async () => {
    const columns = CUR_COLUMNS.filter((c) => c !== "savings_plan_savings_plan_a_r_n");
    const first = CUR_ROWS.findIndex((r) => (r.line_item_line_item_type ?? "").startsWith("SavingsPlan")) + 1;
    await refusedBoth(
      "sp-no-column",
      columns,
      CUR_ROWS,
      CUR_NUMBERS,
      first,
      "savings_plan_savings_plan_a_r_n: .*the export has no savings_plan_savings_plan_a_r_n column",
    );
  });

  test("CUR: covered usage without its public on-demand cost", async () => {
    const { row, rows } = edited("SavingsPlanCoveredUsage", { pricing_public_on_demand_cost: "" });
    await refusedBoth(
      "sp-no-list",
      CUR_COLUMNS,
      rows,
      CUR_NUMBERS,
      row,
      "pricing_public_on_demand_cost: usage covered by a commitment .*on-demand equivalent \\(ListCost\\) would be unknown",
    );
    const ri = edited("DiscountedUsage", { pricing_public_on_demand_cost: "" });
    await refusedBoth(
      "ri-no-list",
      CUR_COLUMNS,
      ri.rows,
      CUR_NUMBERS,
      ri.row,
      "pricing_public_on_demand_cost: usage covered",
    );
  });

  test("CUR: a reservation end that is no date-time", async () => {
    const { row, rows } = edited("RIFee", { reservation_end_time: "2027-13-45" });
    await refusedBoth(
      "ri-bad-end",
      CUR_COLUMNS,
      rows,
      CUR_NUMBERS,
      row,
      'reservation_end_time: "2027-13-45" is not a date-time',
    );
  });

  const focus = focusRows(CUR_ROWS);
  const focusEdit = (status: string, change: Row) => {
    const index = focus.findIndex((r) => r.CommitmentDiscountStatus === status);
    return { row: index + 1, rows: focus.map((r, i) => (i === index ? { ...r, ...change } : r)) };
  };

  test("FOCUS: a Used row without CommitmentDiscountId (empty, or the literal NULL)", async () => {
    const empty = focusEdit("Used", { CommitmentDiscountId: "" });
    await refusedBoth(
      "focus-no-id",
      FOCUS_COLUMNS,
      empty.rows,
      FOCUS_NUMBERS,
      empty.row,
      "CommitmentDiscountId: a commitment row .* without its id",
    );
    const literal = focusEdit("Unused", { CommitmentDiscountId: "NULL" });
    await refusedBoth(
      "focus-null-id",
      FOCUS_COLUMNS,
      literal.rows,
      FOCUS_NUMBERS,
      literal.row,
      "CommitmentDiscountId: a commitment row",
    );
  });

  test("FOCUS: a CommitmentDiscountType without CommitmentDiscountId, on a row with no status", async () => {
    const index = focus.findIndex((r) => r.ChargeCategory === "Purchase");
    const rows = focus.map((r, i) => (i === index ? { ...r, CommitmentDiscountId: "" } : r));
    await refusedBoth(
      "focus-type-no-id",
      FOCUS_COLUMNS,
      rows,
      FOCUS_NUMBERS,
      index + 1,
      "CommitmentDiscountId: a commitment row \\(CommitmentDiscountStatus or CommitmentDiscountType set\\) without its id",
    );
  });

  test("FOCUS: a Used row without ListCost", async () => {
    const { row, rows } = focusEdit("Used", { ListCost: "" });
    await refusedBoth(
      "focus-no-list",
      FOCUS_COLUMNS,
      rows,
      FOCUS_NUMBERS,
      row,
      "ListCost: a Used commitment row without ListCost: its on-demand equivalent would be unknown",
    );
  });
});
