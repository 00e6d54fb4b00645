import { Command, Option } from "commander";
import { commandConfig, globalOptions } from "../context.js";
import { collectorPolicy, remediatorPolicy } from "../iam-policy.js";
import { printJson } from "../output.js";

export function iamPolicyCommand(): Command {
  return new Command("iam-policy")
    .description("print the least-privilege IAM policy (JSON) that a finops role needs")
    .addOption(
      new Option("--role <role>", "which role").choices(["collector", "remediator"]).makeOptionMandatory(),
    )
    .action((options: { role: "collector" | "remediator" }, command: Command) => {
      const config = commandConfig(globalOptions(command));
      printJson(options.role === "remediator" ? remediatorPolicy(config) : collectorPolicy(config));
    });
}
