import { api } from "../api";
import { Card, EmptyState, ErrorState, Money, Skeleton, Spinner } from "../components";
import { formatCount, formatDateTime } from "../format";
import { navigate, routeHash, useApi, useNow } from "../hooks";
import { ApprovalBadge, approvalText } from "./approval";

/* ---------- the list of plans ---------- */

export function PlanList() {
  const plans = useApi("plans", (signal) => api.plans(signal));
  const now = useNow();
  const sorted = [...(plans.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <div className="page">
      <Card
        className="card-flush"
        title="Cleanup plans"
        subtitle="Dry-run previews of what a cleanup would do. Nothing changes in AWS until a plan is approved and applied."
        actions={plans.loading && plans.data ? <Spinner /> : undefined}
        testId="plans"
        busy={plans.loading}
      >
        {plans.error && !plans.data ? (
          <ErrorState error={plans.error} onRetry={plans.reload} />
        ) : !plans.data ? (
          <div className="card-pad">
            <Skeleton lines={5} />
          </div>
        ) : sorted.length === 0 ? (
          <EmptyState title="No plans yet" commands={["finops analyze", "finops plan"]}>
            A plan is a dry run over the open findings that have an action. Create one, then review and
            approve it here.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-cards" data-testid="plans-table">
              <thead>
                <tr>
                  <th scope="col">Plan</th>
                  <th scope="col">Created</th>
                  <th scope="col" className="num">
                    Items
                  </th>
                  <th scope="col" className="num">
                    Savings / mo
                  </th>
                  <th scope="col">Approval</th>
                  <th scope="col">Results</th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((plan) => (
                  <tr
                    key={plan.planId}
                    data-testid="plan-row"
                    className="row-link"
                    onClick={() => navigate(routeHash("remediation", [plan.planId]))}
                  >
                    <td>
                      <a className="mono" href={routeHash("remediation", [plan.planId])}>
                        {plan.planId}
                      </a>
                    </td>
                    <td className="nowrap" data-label="Created">
                      {formatDateTime(plan.createdAt)}
                    </td>
                    <td className="num" data-label="Items">
                      {formatCount(plan.items)}
                    </td>
                    <td className="num strong" data-label="Savings / mo">
                      <Money value={plan.savings} />
                    </td>
                    <td data-label="Approval">
                      <ApprovalBadge approval={plan.approval} now={now} />
                      {plan.approval && <span className="cell-sub">{approvalText(plan.approval, now)}</span>}
                    </td>
                    <td data-label="Results">
                      <Results {...plan.results} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

function Results(props: { done: number; skipped: number; failed: number }) {
  if (props.done + props.skipped + props.failed === 0) return <span className="muted">Not applied</span>;
  return (
    <span className="results">
      <span className="result result-done">{formatCount(props.done)} done</span>
      <span className="result result-skipped">{formatCount(props.skipped)} skipped</span>
      <span className={props.failed ? "result result-failed" : "result"}>
        {formatCount(props.failed)} failed
      </span>
    </span>
  );
}
