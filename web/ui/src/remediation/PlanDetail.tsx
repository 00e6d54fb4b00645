import { useState } from "react";
import { ApiError, api } from "../api";
import { Card, EmptyState, ErrorState, Skeleton, Spinner } from "../components";
import { formatCount, formatDateTime, formatMoney, formatMoneyWhole } from "../format";
import { routeHash, useApi, useNow } from "../hooks";
import { ApproveForm } from "./ApproveForm";
import { ApprovalBadge, approvalText } from "./approval";
import { describeChanges } from "./changes";
import { PlanHistory } from "./PlanHistory";
import { PlanItemRow } from "./PlanItemRow";

/* ---------- one plan ---------- */

const ITEMS_STEP = 50;

export function PlanDetail(props: { planId: string }) {
  const plan = useApi(`plan:${props.planId}`, (signal) => api.plan(props.planId, signal));
  const now = useNow();
  const [shown, setShown] = useState(ITEMS_STEP);

  const back = (
    <a className="back-link" href={routeHash("remediation")}>
      ← All plans
    </a>
  );
  if (plan.error && !plan.data) {
    const notFound = plan.error instanceof ApiError && plan.error.status === 404;
    return (
      <div className="page">
        {back}
        <Card>
          {notFound ? (
            <EmptyState title={`No plan ${props.planId}`}>
              It may have been replaced by a newer plan. Pick one from the list.
            </EmptyState>
          ) : (
            <ErrorState error={plan.error} onRetry={plan.reload} />
          )}
        </Card>
      </div>
    );
  }
  if (!plan.data) {
    return (
      <div className="page">
        {back}
        <Card>
          <Skeleton height="stat" />
        </Card>
        <Card>
          <Skeleton lines={8} />
        </Card>
      </div>
    );
  }

  const p = plan.data;
  const savings = p.items.reduce((sum, item) => sum + (item.estimatedMonthlySavings ?? 0), 0);
  const changes = describeChanges(p.items);
  const accounts = new Set(p.items.map((item) => item.account)).size;
  const teams = new Set(p.items.map((item) => item.team)).size;
  const manual = p.items.filter((item) => item.approval === "manual").length;

  return (
    <div className="page" data-testid="plan-detail">
      {back}
      <Card>
        <div className="plan-head">
          <div>
            <p className="panel-eyebrow">Cleanup plan · dry run</p>
            <h2 className="plan-title mono" data-testid="plan-id">
              {p.planId}
            </h2>
            <p className="muted">
              Created {formatDateTime(p.createdAt)} · resources described {formatDateTime(p.evaluatedAt)}
            </p>
          </div>
          <div className="plan-head-figures">
            <div className="stat">
              <p className="stat-label">Savings</p>
              <p className="stat-value" data-testid="plan-savings">
                {formatMoneyWhole(savings)}
                <span className="stat-unit"> / month</span>
              </p>
            </div>
            <div className="stat">
              <p className="stat-label">Approval</p>
              <p className="plan-approval" data-testid="plan-approval">
                <ApprovalBadge approval={p.approval} now={now} />
              </p>
              <p className="stat-detail">{approvalText(p.approval, now)}</p>
            </div>
          </div>
        </div>
      </Card>

      {p.altered && (
        <div className="notice notice-warn" role="alert" data-testid="plan-altered">
          <p className="notice-title">This plan has changed since it was made</p>
          <p>
            {p.altered}. It cannot be approved as it is: make a new one with <code>finops plan</code>.
          </p>
        </div>
      )}

      <div className="grid grid-plan">
        <Card title="What would change" testId="plan-changes">
          {p.items.length === 0 ? (
            <EmptyState title="This plan changes nothing" compact>
              No open finding with an action passed the checks when it was made.
            </EmptyState>
          ) : (
            <>
              <ul className="changes">
                {changes.map((change) => (
                  <li key={change.text}>
                    <span>{change.text}</span>
                    <span className="num muted">{formatMoney(change.savings)} / mo</span>
                  </li>
                ))}
              </ul>
              <p className="prose">
                {formatCount(p.items.length)} {p.items.length === 1 ? "resource" : "resources"} in{" "}
                {formatCount(accounts)} {accounts === 1 ? "account" : "accounts"}, owned by{" "}
                {formatCount(teams)} {teams === 1 ? "team" : "teams"}, saving{" "}
                <strong>{formatMoney(savings)}</strong> a month
                {manual > 0 && <>; {formatCount(manual)} of them need a manual approval</>}. Nothing changes
                in AWS until this plan is approved and <code>finops apply {p.planId}</code> runs. At apply
                time every resource is described again: one whose state, attachments or tags differ from the
                preconditions below is skipped. Volumes are snapshotted before they are deleted.
              </p>
            </>
          )}
        </Card>
        <ApproveForm
          planId={p.planId}
          approval={p.approval}
          onApproved={() => {
            plan.reload();
          }}
        />
      </div>

      <Card
        title={`Items (${formatCount(p.items.length)})`}
        className="card-flush"
        testId="plan-items"
        actions={plan.loading ? <Spinner /> : undefined}
      >
        {p.items.length === 0 ? (
          <EmptyState title="No items" compact />
        ) : (
          <>
            <div className="table-wrap">
              <table className="table table-cards" data-testid="plan-items-table">
                <thead>
                  <tr>
                    <th scope="col">Resource</th>
                    <th scope="col">Action</th>
                    <th scope="col">Rule</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Team</th>
                    <th scope="col" className="num">
                      Savings / mo
                    </th>
                    <th scope="col">Preconditions</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.slice(0, shown).map((item) => (
                    <PlanItemRow key={`${item.resourceId}:${item.action}:${item.rule}`} item={item} />
                  ))}
                </tbody>
              </table>
            </div>
            {p.items.length > shown && (
              <div className="table-more">
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => setShown((n) => n + ITEMS_STEP)}
                >
                  Show {formatCount(Math.min(ITEMS_STEP, p.items.length - shown))} more of{" "}
                  {formatCount(p.items.length - shown)}
                </button>
              </div>
            )}
          </>
        )}
      </Card>

      <PlanHistory planId={p.planId} history={p.history} />
    </div>
  );
}
