import type { PlanItem } from "../api";
import { describeAction, formatCount } from "../format";
import { typeName } from "../resource-types";

/** One line of "what would change": the action on `what` (e.g. "3 EC2 instances"). */
const CHANGES: Record<string, (what: string) => string> = {
  stop: (what) => `Stop ${what}`,
  terminate: (what) => `Terminate ${what}`,
  delete: (what) => `Delete ${what}`,
  "snapshot-and-delete": (what) => `Snapshot, then delete ${what}`,
  release: (what) => `Release ${what}`,
  "set-retention": (what) => `Set a retention period on ${what}`,
  "add-lifecycle-rule": (what) => `Add a lifecycle rule to ${what}`,
  mark: (what) => `Tag ${what} for a later cleanup`,
  notify: (what) => `Notify the owners of ${what}`,
};

/** "Stop 3 EC2 instances", one line per action and resource type, the biggest saving first. */
export function describeChanges(items: PlanItem[]): { text: string; savings: number; count: number }[] {
  const groups = new Map<string, { action: string; type: string; count: number; savings: number }>();
  for (const item of items) {
    const key = `${item.action}\u0000${item.resourceType}`;
    const group = groups.get(key) ?? { action: item.action, type: item.resourceType, count: 0, savings: 0 };
    group.count += 1;
    group.savings += item.estimatedMonthlySavings ?? 0;
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => b.savings - a.savings || b.count - a.count)
    .map((group) => ({
      text: (CHANGES[group.action] ?? ((what: string) => `${describeAction(group.action)}: ${what}`))(
        `${formatCount(group.count)} ${typeName(group.type, group.count)}`,
      ),
      savings: group.savings,
      count: group.count,
    }));
}
