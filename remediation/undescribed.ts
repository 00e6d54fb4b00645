/**
 * A plan must not be made from resources it could not describe: a plan without them would look like
 * "nothing to do", and a scheduled cleanup with expired credentials would look healthy forever.
 */
export class PlanIncomplete extends Error {
  override readonly name = "PlanIncomplete";
}

/** What AWS said, as the SDK names it: the error's name and the first line of its message. */
function awsReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message.split("\n")[0] ?? "";
  return message.startsWith(error.name) ? message : `${error.name}: ${message}`;
}

/** What to do about a reason, in the words of someone who runs finops. */
function remedy(reason: string): string {
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|socket hang up|TimeoutError/i.test(reason)) {
    return "check the network and the endpoint (--endpoint-url, AWS_ENDPOINT_URL)";
  }
  return "check the credentials (--profile, AWS_PROFILE) or the role that reaches the account (aws.accounts), and its ec2:Describe* permissions";
}

/**
 * The resources a plan could not describe, grouped by account, region and reason: 570 identical
 * credential errors are one line, not 570.
 */
export class Undescribed {
  private readonly groups = new Map<string, { where: string; reason: string; resources: number }>();

  add(account: string, region: string, error: unknown): void {
    const where = `${account}/${region}`;
    const reason = awsReason(error);
    const key = `${where}\n${reason}`;
    const group = this.groups.get(key) ?? { where, reason, resources: 0 };
    group.resources++;
    this.groups.set(key, group);
  }

  /** Throws PlanIncomplete, one line naming every group, when any resource went undescribed. */
  throwIfAny(): void {
    if (!this.groups.size) return;
    const parts = [...this.groups.values()]
      .sort((a, b) => b.resources - a.resources || a.where.localeCompare(b.where))
      .map(
        (g) =>
          `${g.resources} resource${g.resources === 1 ? "" : "s"} in ${g.where} could not be described: ${g.reason}; ${remedy(g.reason)}`,
      );
    throw new PlanIncomplete(`${parts.join(" | ")}. No plan was stored.`);
  }
}
