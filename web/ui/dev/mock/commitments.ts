import type { CommitmentLine, CommitmentReport } from "../../../contract";
import { LAST } from "./estate.ts";
import type { MockRoute } from "./route.ts";

/** /api/commitments: a fixed plan and two reservations (one underused, one expiring), whatever the window. */
export function commitmentRoutes(empty: boolean): MockRoute[] {
  const line = (id: string, type: string, used: number, unused: number, onDemand: number, end: string) =>
    ({
      commitmentId: id,
      type,
      account: "111111111111",
      start: null,
      end,
      term: "1yr",
      purchaseOption: "No Upfront",
      commitmentCost: used + unused,
      usedCost: used,
      unusedCost: unused,
      utilization: used / (used + unused),
      onDemandEquivalentCost: onDemand,
      savings: onDemand - used - unused,
    }) satisfies CommitmentLine;
  const commitments = empty
    ? []
    : [
        line(
          "arn:aws:savingsplans::111111111111:savingsplan/sp-1",
          "Savings Plan",
          2100,
          420,
          3400,
          "2027-01-01T00:00:00Z",
        ),
        line(
          "arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-1",
          "Reserved Instance",
          300,
          260,
          610,
          "2027-06-01T00:00:00Z",
        ),
        line(
          "arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-2",
          "Reserved Instance",
          500,
          0,
          820,
          `${LAST}T00:00:00Z`,
        ),
      ];
  const total = (pick: (l: CommitmentLine) => number) => commitments.reduce((s, l) => s + pick(l), 0);
  const used = total((l) => l.usedCost);
  const cost = total((l) => l.commitmentCost);
  const onDemand = total((l) => l.onDemandEquivalentCost);
  const eligible = empty ? 0 : 900;
  return [
    [
      /^\/api\/commitments$/,
      (_m, q) => [
        200,
        {
          from: q.get("from") ?? LAST,
          to: q.get("to") ?? LAST,
          by: "commitment",
          summary: {
            commitmentCost: cost,
            usedCost: used,
            unusedCost: cost - used,
            utilization: cost ? used / cost : null,
            onDemandEquivalentCost: onDemand,
            savings: onDemand - cost,
            effectiveSavingsRate: onDemand + eligible ? 1 - (cost + eligible) / (onDemand + eligible) : null,
            coverage: onDemand + eligible ? onDemand / (onDemand + eligible) : null,
            eligibleOnDemandCost: eligible,
          },
          commitments,
          groups: [],
          expiring: empty
            ? []
            : [
                {
                  commitmentId: "arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-2",
                  type: "Reserved Instance",
                  account: "111111111111",
                  end: `${LAST}T00:00:00Z`,
                  daysLeft: 12,
                  monthlyOnDemandCost: 820,
                  monthlyCommitmentCost: 500,
                },
              ],
        } satisfies CommitmentReport,
      ],
    ],
  ];
}
