import { Command, Option } from "commander";
import { collectorPolicy } from "../../collectors/iam-policy.js";
import { commandConfig, globalOptions } from "../context.js";
import { UsageError } from "../errors.js";
import { printJson } from "../output.js";

export function iamPolicyCommand(): Command {
  return new Command("iam-policy")
    .description("print the least-privilege IAM policy (JSON) that a finops role needs")
    .addOption(
      new Option("--role <role>", "which role").choices(["collector", "remediator"]).makeOptionMandatory(),
    )
    .action((options: { role: "collector" | "remediator" }, command: Command) => {
      if (options.role === "remediator") {
        throw new UsageError(
          "--role remediator: this version has no remediation actions yet; only --role collector",
        );
      }
      printJson(collectorPolicy(commandConfig(globalOptions(command))));
    });
}
