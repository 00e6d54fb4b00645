import { Command } from "commander";
import type { Config } from "../../config/schema.js";
import { UsageError } from "../../core/errors.js";
import { Decimal, formatMoney } from "../../core/money.js";
import { plural } from "../../core/plural.js";
import { unknownValue } from "../../core/suggest.js";
import { buildPlan } from "../../remediation/plan.js";
import { analyze } from "../../rules/evaluate.js";
import { UNOWNED } from "../../store/known-values.js";
import { awsOptions, commandConfig, globalOptions, isPreview, now, withStore } from "../context.js";
import { printJson, printLine, printTable } from "../output.js";

const repeatable = (value: string, all: string[] = []) => [...all, value];

/** A --rule that names no enabled rule would plan nothing and say nothing: a usage error instead. */
function checkRuleId(config: Config, id: string): void {
  const rule = config.rules.find((r) => r.id === id);
  if (rule?.enabled) return;
  if (rule) throw new UsageError(`--rule ${id}: the rule is disabled (enabled: false) in the config`);
  throw unknownValue(
    "--rule",
    id,
    "rule",
    config.rules.map((r) => r.id),
  );
}

export function planCommand(): Command {
  return new Command("plan")
    .description(
      "dry run: select the open findings with an action, describe each resource live, check EC2's DryRun " +
        "permission, and store the plan (its id is its content's hash); changes nothing in AWS. With --now in " +
        "the future: a preview of that day, not stored and not approvable",
    )
    .option("--rule <id>", "only this rule (repeatable)", repeatable)
    .option("--team <team>", "only this team (tags.noTeamLabel, or unowned: no team tag)")
    .action(async (options: { rule?: string[]; team?: string }, command: Command) => {
      const global = globalOptions(command);
      const config = commandConfig(global);
      for (const rule of options.rule ?? []) checkRuleId(config, rule);
      const at = now(global);
      const preview = isPreview(global);
      const { plan, excluded } = await withStore(global, async (store) => {
        // The no-team label names the stored "unowned". Not checked against the known teams: a team with
        // nothing to plan is an empty plan here (the preview tests rely on one that names no one).
        const team = options.team === config.tags.noTeamLabel ? UNOWNED : options.team;
        // A later day's plan is made from that day's findings: the rules run first, as a preview too
        // (nothing stored; this connection sees their findings).
        if (preview) await analyze(store.connection, config, at, { preview: true });
        return buildPlan(
          store.connection,
          config,
          awsOptions(global, config),
          {
            ...(options.rule ? { rules: options.rule } : {}),
            ...(team ? { team } : {}),
          },
          at,
          { preview },
        );
      });
      if (global.json) {
        printJson({
          // A preview has no id approve would accept: it was not stored.
          planId: preview ? null : plan.planId,
          ...(preview ? { preview: true } : {}),
          dryRun: true,
          evaluatedAt: plan.evaluatedAt,
          items: plan.content.items.map((item) => ({
            resourceId: item.resourceId,
            resourceType: item.resourceType,
            action: item.action,
            rule: item.rule,
            reason: item.reason,
            estimatedMonthlySavings:
              item.estimatedMonthlySavings === null ? null : new Decimal(item.estimatedMonthlySavings),
            account: item.account,
            region: item.region,
            team: item.team,
            approval: item.approval,
            markValue: item.markValue,
            ...(item.retentionDays === undefined ? {} : { retentionDays: item.retentionDays }),
            alsoFlaggedBy: item.alsoFlaggedBy ?? [],
            preconditions: item.preconditions,
          })),
          excluded,
        });
        return;
      }
      if (plan.content.items.length === 0) {
        printLine("Nothing to do: no open finding with an action can be acted on now.");
      } else {
        printTable(
          [
            { head: "resource", priority: 100, minWidth: 16 },
            { head: "action", priority: 90, minWidth: 10 },
            { head: "rule", priority: 70, minWidth: 14 },
            { head: "team", priority: 60, minWidth: 10 },
            { head: "savings", priority: 95, align: "right", cut: "none" },
            { head: "reason", priority: 20, cut: "end", minWidth: 20, maxWidth: 70 },
          ],
          plan.content.items.map((item) => [
            item.resourceId,
            item.action === "mark" ? `mark (${item.markValue})` : item.action,
            item.alsoFlaggedBy?.length ? `${item.rule} (also ${item.alsoFlaggedBy.join(", ")})` : item.rule,
            item.team === UNOWNED ? config.tags.noTeamLabel : item.team,
            item.estimatedMonthlySavings === null
              ? ""
              : formatMoney(new Decimal(item.estimatedMonthlySavings)),
            item.reason,
          ]),
        );
      }
      if (excluded.length) {
        printLine(`${plural(excluded.length, "item")} left out:`);
        for (const e of excluded) printLine(`  ${e.resourceId} (${e.rule}, ${e.action}): ${e.why}`);
      }
      if (preview) {
        printLine(
          `Preview as of ${plan.evaluatedAt}: ${plural(plan.content.items.length, "item")}. Not stored, so nothing can approve it; ` +
            "run finops plan without a future --now on that day to make a plan to approve.",
        );
        return;
      }
      printLine(`Plan ${plan.planId}: ${plural(plan.content.items.length, "item")}. Nothing was changed.`);
      if (plan.content.items.length) printLine(`Next: finops approve ${plan.planId} --by NAME`);
    });
}
