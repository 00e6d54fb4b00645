import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import ts from "typescript";
import { canonicalJson, type PlanContent, planIdOf } from "../remediation/plan.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { PROJECT_ROOT, tempDir } from "./helpers/project.js";
import { type Served, startServe } from "./helpers/serve.js";

/**
 * What the server sends at run time is what web/contract.ts (the page's types) says, field for field:
 * the compile-time checks of web/api/wire.ts cannot see a field added by a spread or a store object
 * that carries more than its type.
 */

interface Shape {
  required: Set<string>;
  optional: Set<string>;
  /** A field holding another contract interface (or a list of them, or null). */
  nested: Map<string, string>;
}

/** Each interface of web/contract.ts: its fields, and which of them hold another interface. */
function contractShapes(): Map<string, Shape> {
  const path = join(PROJECT_ROOT, "web", "contract.ts");
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true);
  const shapes = new Map<string, Shape>();
  const referenced = (node: ts.TypeNode): string | null => {
    if (ts.isTypeReferenceNode(node)) return node.typeName.getText(source);
    if (ts.isArrayTypeNode(node)) return referenced(node.elementType);
    if (ts.isUnionTypeNode(node)) {
      for (const member of node.types) {
        const name = referenced(member);
        if (name) return name;
      }
    }
    return null;
  };
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement)) continue;
    const shape: Shape = { required: new Set(), optional: new Set(), nested: new Map() };
    for (const member of statement.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const name = member.name.getText(source);
      (member.questionToken ? shape.optional : shape.required).add(name);
      const inner = referenced(member.type);
      if (inner) shape.nested.set(name, inner);
    }
    shapes.set(statement.name.text, shape);
  }
  return shapes;
}

/** Every object of value, at every depth the contract names, has exactly its interface's fields. */
function assertShape(shapes: Map<string, Shape>, name: string, value: unknown, where: string): void {
  const shape = shapes.get(name);
  // A type alias (Day) or one the contract only names: nothing to compare.
  if (!shape || value === null) return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertShape(shapes, name, item, `${where}[${i}]`);
    return;
  }
  assert.equal(typeof value, "object", `${where}: not an object`);
  const keys = Object.keys(value as object);
  const extra = keys.filter((k) => !shape.required.has(k) && !shape.optional.has(k));
  const missing = [...shape.required].filter((k) => !keys.includes(k));
  assert.deepEqual({ extra, missing }, { extra: [], missing: [] }, `${where} against ${name}`);
  for (const [field, inner] of shape.nested) {
    if (field in (value as object)) {
      assertShape(shapes, inner, (value as Record<string, unknown>)[field], `${where}.${field}`);
    }
  }
}

describe("the web API sends what web/contract.ts says", () => {
  const dir = tempDir();
  const db = join(dir.path, "demo.duckdb");
  const token = "contract-test-token";
  const shapes = contractShapes();
  let served: Served;
  let planId = "";
  let last = "";

  // biome-ignore lint/suspicious/noExplicitAny: the answers are what this test examines, field by field.
  const json = async (path: string): Promise<any> => {
    const response = await fetch(`${served.base}${path}`);
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return response.json();
  };

  before(async () => {
    const built = await runFinops(["--db", db, "--now", "2024-09-18", "demo", "--no-serve"]);
    assert.equal(built.code, 0, built.stderr);
    const store = await openStore(db);
    const idle = await store.connection.runAndReadAll(
      "SELECT resource_id, team FROM findings WHERE rule = 'idle-instance' ORDER BY resource_id LIMIT 1",
    );
    const row = idle.getRowObjectsJson()[0];
    assert.ok(row, "the demo has an idle instance");
    const content: PlanContent = {
      version: 1,
      items: [
        {
          rule: "idle-instance",
          findingId: null,
          account: "721127780177",
          region: "us-east-1",
          resourceId: String(row.resource_id),
          resourceType: "ec2:instance",
          action: "stop",
          reason: "idle",
          team: String(row.team),
          estimatedMonthlySavings: "120.5",
          approval: "manual",
          markTag: "finops:marked-for",
          markValue: null,
          preconditions: { state: "running", attachments: [], tags: { team: String(row.team) } },
        },
      ],
    };
    planId = planIdOf(content);
    await store.connection.run("INSERT INTO plans VALUES ($1, now()::TIMESTAMP, now()::TIMESTAMP, $2, 1)", [
      planId,
      canonicalJson(content),
    ]);
    store.close();
    // --now: the demo's commitments expire as of its anchor (only the commitments read it).
    served = await startServe(["--db", db, "--now", "2024-09-18T00:00:00Z", "--no-schedules"], {
      FINOPS_WEB_TOKEN: token,
    });
  });
  after(async () => {
    await served?.stop();
    dir.remove();
  });

  test("every interface the routes send is one the contract declares", () => {
    for (const name of [
      "BillingRange",
      "DailyCosts",
      "Hotspot",
      "Coverage",
      "CommitmentReport",
      "CommitmentLine",
      "ExpiringCommitment",
      "Finding",
      "Plan",
      "HistoryEntry",
    ]) {
      assert.ok(shapes.has(name), name);
    }
  });

  test("costs: range, costs, daily costs, hotspots, coverage and a resource's daily cost", async () => {
    const range = await json("/api/range");
    assertShape(shapes, "BillingRange", range, "/api/range");
    last = String(range.last);
    const to = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
    for (const by of ["service", "tag:team"]) {
      const lines = await json(`/api/costs?by=${by}`);
      assert.ok(lines.length > 0);
      assertShape(shapes, "CostLine", lines, `/api/costs?by=${by}`);
    }
    const daily = await json(`/api/costs/daily?by=team&from=${from}&to=${to}`);
    assert.ok(daily.series.length > 0);
    assertShape(shapes, "DailyCosts", daily, "/api/costs/daily");
    const hotspots = await json(`/api/hotspots?by=resource&to=${to}`);
    assert.ok(hotspots.length > 0);
    assertShape(shapes, "Hotspot", hotspots, "/api/hotspots");
    assertShape(shapes, "Coverage", await json(`/api/coverage?from=${from}&to=${to}`), "/api/coverage");
    const resource = String(hotspots[0].key);
    const costs = await json(`/api/resources/${encodeURIComponent(resource)}/costs?days=7`);
    assertShape(shapes, "ResourceCosts", costs, "/api/resources/{id}/costs");
  });

  test("commitments: the demo's Savings Plans and reservations", async () => {
    for (const by of ["commitment", "type"]) {
      // The default window: the 30 days before serve's --now, the demo's anchor.
      const report = await json(`/api/commitments?by=${by}`);
      assert.deepEqual([report.from, report.to], ["2024-08-19", "2024-09-18"]);
      assert.ok(report.commitments.length > 0, "the demo has commitments");
      assert.ok(report.groups.length > 0);
      assertShape(shapes, "CommitmentReport", report, `/api/commitments?by=${by}`);
    }
  });

  test("findings, their summary and the resources", async () => {
    const findings = await json("/api/findings?limit=200");
    assert.ok(findings.length > 0);
    assert.ok(
      findings.some((f: { overlaps: unknown[] }) => f.overlaps.length > 0),
      "a finding with overlaps",
    );
    assertShape(shapes, "Finding", findings, "/api/findings");
    const summary = await json("/api/findings/summary");
    assert.ok(summary.byRule.length > 0);
    assertShape(shapes, "FindingsSummary", summary, "/api/findings/summary");
    const resources = await json("/api/resources");
    assert.ok(resources.length > 0);
    assertShape(shapes, "Resource", resources, "/api/resources");
  });

  test("plans: the list, one plan and an approval", async () => {
    const approved = await fetch(`${served.base}/api/plans/${planId}/approve`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ by: "alice" }),
    });
    assert.equal(approved.status, 200);
    assertShape(shapes, "ApprovalResult", await approved.json(), "approve");
    const plans = await json("/api/plans");
    assert.ok(plans.some((p: { approval: unknown }) => p.approval !== null));
    assertShape(shapes, "PlanSummary", plans, "/api/plans");
    const plan = await json(`/api/plans/${planId}`);
    assert.equal(plan.items.length, 1);
    assertShape(shapes, "Plan", plan, "/api/plans/{planId}");
  });
});
