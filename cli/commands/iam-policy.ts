import { Command, Option } from "commander";
import { UsageError } from "../../core/errors.js";
import { commandConfig, globalOptions } from "../context.js";
import { collectorPolicy, remediatorPolicy } from "../iam-policy.js";
import { kubernetesRbac, kubernetesRbacYaml } from "../kubernetes-rbac.js";
import { printJson } from "../output.js";

type Role = "collector" | "remediator" | "kubernetes";

export function iamPolicyCommand(): Command {
  return new Command("iam-policy")
    .description(
      "print the least-privilege IAM policy (JSON) that a finops role needs; --role kubernetes: the " +
        "ClusterRole (YAML) the Kubernetes collectors need, with its ServiceAccount and binding",
    )
    .addOption(
      new Option("--role <role>", "which role")
        .choices(["collector", "remediator", "kubernetes"])
        .makeOptionMandatory(),
    )
    .option("--namespace <namespace>", "--role kubernetes: the ServiceAccount's namespace", "default")
    .action((options: { role: Role; namespace: string }, command: Command) => {
      const global = globalOptions(command);
      if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(options.namespace))
        throw new UsageError(`--namespace "${options.namespace}": not a Kubernetes namespace name`);
      const config = commandConfig(global);
      if (options.role === "kubernetes") {
        // YAML, as kubectl apply takes it; --json: the same objects as a v1 List.
        if (global.json)
          printJson({ apiVersion: "v1", kind: "List", items: kubernetesRbac(options.namespace) });
        else process.stdout.write(kubernetesRbacYaml(options.namespace));
        return;
      }
      printJson(options.role === "remediator" ? remediatorPolicy(config) : collectorPolicy(config));
    });
}
