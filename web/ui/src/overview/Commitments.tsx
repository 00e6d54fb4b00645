import type { ReactNode } from "react";
import { api, type CommitmentReport } from "../api";
import { Card, EmptyState, ErrorState, Money, ResourceId, Skeleton, Stat } from "../components";
import { addDays, DASH, formatCount, formatDay, formatMoney, formatMoneyWhole, formatShare } from "../format";
import { useApi } from "../hooks";
import type { Span } from "./span";

/* ---------- commitments: Savings Plans and reservations over the selected window ---------- */

/** The table lists this many; the rest are in `finops commitments` and the weekly report. */
const TOP = 5;

const rate = (value: number | null) => (value === null ? DASH : formatShare(value));

/**
 * The figures of GET /api/commitments (the server's `finops commitments`): never summed or divided
 * again here, so the page shows what the CLI and the weekly report show for the same window.
 */
export function Commitments(props: { span: Span }) {
  const { from, to } = props.span;
  const report = useApi(
    `commitments:${from}:${to}`,
    (signal) => api.commitments(from, to, "commitment", signal),
    {
      keepPrevious: true,
    },
  );
  return (
    <div className="section" data-testid="commitments">
      <div className="section-header">
        <h2 className="section-title">Commitments</h2>
        <p className="section-note">
          Savings Plans and reservations, {formatDay(from)} – {formatDay(addDays(to, -1))}; expiry counted
          from now
        </p>
      </div>
      {report.error ? (
        <Card>
          <ErrorState error={report.error} onRetry={report.reload} compact />
        </Card>
      ) : !report.data ? (
        <Card>
          <Skeleton height="stat" />
        </Card>
      ) : isEmpty(report.data) ? (
        <Card testId="commitments-empty">
          <EmptyState
            title="No Savings Plans or reservations in this window"
            commands={["finops ingest FILE", "finops collect --only billing"]}
            compact
          >
            No commitment rows and no commitment-eligible usage in the billing of these days.
          </EmptyState>
        </Card>
      ) : (
        <CommitmentFigures report={report.data} busy={report.loading} />
      )}
    </div>
  );
}

function isEmpty(report: CommitmentReport): boolean {
  return (
    report.commitments.length === 0 &&
    report.summary.eligibleOnDemandCost === 0 &&
    report.expiring.length === 0
  );
}

function CommitmentFigures(props: { report: CommitmentReport; busy: boolean }) {
  const { summary, commitments, expiring } = props.report;
  const [soonest] = expiring;
  const stat = (testId: string, label: string, value: ReactNode, detail: ReactNode) => (
    <Card testId={testId} busy={props.busy}>
      <Stat label={label} value={value} detail={detail} />
    </Card>
  );
  return (
    <>
      <div className="grid grid-4">
        {stat(
          "commitments-utilization",
          "Utilization",
          rate(summary.utilization),
          `${formatMoneyWhole(summary.usedCost)} used of ${formatMoneyWhole(summary.commitmentCost)}`,
        )}
        {stat(
          "commitments-coverage",
          "Coverage",
          rate(summary.coverage),
          `${formatMoneyWhole(summary.eligibleOnDemandCost)} of eligible usage ran on demand`,
        )}
        {stat(
          "commitments-esr",
          "Effective savings rate",
          rate(summary.effectiveSavingsRate),
          `${formatMoneyWhole(summary.savings)} saved against on demand`,
        )}
        {stat(
          "commitments-unused",
          "Unused commitment",
          formatMoneyWhole(summary.unusedCost),
          soonest ? (
            <span data-testid="commitments-expiring">
              {formatCount(expiring.length)} expiring, the first on {formatDay(soonest.end.slice(0, 10))} (
              {formatCount(soonest.daysLeft)} days)
            </span>
          ) : (
            <span className="muted" data-testid="commitments-expiring">
              None expiring soon
            </span>
          ),
        )}
      </div>
      {commitments.length > 0 && (
        <Card
          title="Most unused commitments"
          testId="commitments-top"
          busy={props.busy}
          className="card-flush"
        >
          <div className="table-wrap">
            <table className="table table-compact table-cards">
              <thead>
                <tr>
                  <th scope="col">Commitment</th>
                  <th scope="col">Type</th>
                  <th scope="col">Ends</th>
                  <th scope="col" className="num">
                    Unused
                  </th>
                  <th scope="col" className="num">
                    Utilization
                  </th>
                  <th scope="col" className="num">
                    Savings
                  </th>
                </tr>
              </thead>
              <tbody>
                {commitments.slice(0, TOP).map((line) => (
                  <tr key={line.commitmentId} data-testid="commitment-row">
                    <td className="cell-key">
                      <ResourceId id={line.commitmentId} />
                    </td>
                    <td data-label="Type">{line.type ?? <span className="muted">{DASH}</span>}</td>
                    <td data-label="Ends">
                      {line.end ? formatDay(line.end.slice(0, 10)) : <span className="muted">{DASH}</span>}
                    </td>
                    <td className="num" data-label="Unused">
                      <Money value={line.unusedCost} />
                    </td>
                    <td className="num" data-label="Utilization">
                      {rate(line.utilization)}
                    </td>
                    <td
                      className="num"
                      data-label="Savings"
                      title={`${formatMoney(line.onDemandEquivalentCost)} on demand`}
                    >
                      <Money value={line.savings} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </>
  );
}
