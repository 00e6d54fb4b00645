import { z } from "zod";
import { closest } from "../core/suggest.js";
import { athenaSchema, billingEngineSchema, trinoSchema } from "./billing-engine.js";
import { commitmentsSchema } from "./commitments.js";
import { kubernetesSchema } from "./kubernetes.js";
import {
  awsSchema,
  billingExportsSchema,
  costExplorerSchema,
  notifySchema,
  type RuleConfig,
  remediationSchema,
  reportSchema,
  ruleSchema,
  schedulesSchema,
  tagsSchema,
  utilizationSchema,
} from "./sections.js";

export type { KubernetesCluster } from "./kubernetes.js";
export type { Action, Channel, RuleConfig, Severity } from "./sections.js";

/** What the configuration needs to know of a rule kind: its name (the catalogue's key) and parameters. */
export interface KnownRuleKind {
  params: z.ZodType;
}

/**
 * The whole of rules.yaml: every section with its defaults, and the rules, checked against the rule
 * kinds the caller knows (the rules stage passes its catalogue: configuration sits below the stages and
 * imports none of them). Without a rules section, every kind but `sql` is enabled with its defaults.
 */
export function configSchemaFor(kinds: ReadonlyMap<string, KnownRuleKind>) {
  const defaultRules: RuleConfig[] = [...kinds.keys()]
    .filter((kind) => kind !== "sql")
    .map((id) => ({ id, enabled: true, approval: "manual" as const, params: {} }));
  return z
    .strictObject({
      tags: tagsSchema.default(tagsSchema.parse({})),
      aws: awsSchema.default(awsSchema.parse({})),
      billing: z
        .strictObject({
          costExplorer: costExplorerSchema.default(costExplorerSchema.parse({})),
          exports: billingExportsSchema,
          engine: billingEngineSchema.default("duckdb"),
          trino: trinoSchema.optional(),
          athena: athenaSchema.optional(),
        })
        .default({ costExplorer: costExplorerSchema.parse({}), exports: [], engine: "duckdb" })
        .refine((billing) => billing.engine !== "trino" || billing.trino !== undefined, {
          message: "billing.engine is trino: set billing.trino (server, catalog, schema, table)",
          path: ["trino"],
        })
        .refine((billing) => billing.engine !== "athena" || billing.athena !== undefined, {
          message: "billing.engine is athena: set billing.athena (database, table)",
          path: ["athena"],
        }),
      utilization: utilizationSchema.default(utilizationSchema.parse({})),
      remediation: remediationSchema.default(remediationSchema.parse({})),
      notify: notifySchema.default(notifySchema.parse({})),
      schedules: schedulesSchema.default(schedulesSchema.parse({})),
      report: reportSchema.default(reportSchema.parse({})),
      commitments: commitmentsSchema.default(commitmentsSchema.parse({})),
      kubernetes: kubernetesSchema.default(kubernetesSchema.parse({})),
      rules: z.array(ruleSchema).default(defaultRules),
    })
    .superRefine((config, ctx) => {
      const seen = new Map<string, number>();
      config.rules.forEach((rule, index) => {
        const earlier = seen.get(rule.id);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["rules", index, "id"],
            message: `duplicate rule id "${rule.id}" (also rules[${earlier}])`,
          });
        }
        seen.set(rule.id, index);
        const kindName = rule.kind ?? rule.id;
        const kind = kinds.get(kindName);
        if (!kind) {
          const guess = closest(kindName, [...kinds.keys()]);
          ctx.addIssue({
            code: "custom",
            path: ["rules", index, rule.kind ? "kind" : "id"],
            message: `unknown rule kind "${kindName}": ${guess ? `did you mean "${guess}"?` : `set kind to one of ${[...kinds.keys()].join(", ")}`}`,
          });
          return;
        }
        const params = kind.params.safeParse(rule.params);
        if (!params.success) {
          const issue = params.error.issues[0];
          if (!issue) return;
          if (issue.code === "unrecognized_keys") {
            const key = issue.keys[0] ?? "";
            const known = kind.params instanceof z.ZodObject ? Object.keys(kind.params.shape) : [];
            const guess = closest(key, known);
            ctx.addIssue({
              code: "custom",
              path: ["rules", index, "params", ...issue.path.map(String), key],
              message: `unknown parameter of ${kindName}: ${guess ? `did you mean "${guess}"?` : `known: ${known.join(", ") || "none"}`}`,
            });
          } else {
            ctx.addIssue({
              code: "custom",
              path: ["rules", index, "params", ...issue.path.map(String)],
              message: issue.message,
            });
          }
        }
      });
    });
}

export type Config = z.infer<ReturnType<typeof configSchemaFor>>;
