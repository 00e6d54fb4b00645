import { type FormEvent, useId, useState } from "react";
import { ApiError, type Approval, type ApprovalResult, api, type PlanItem } from "./api";
import { Badge, Card, EmptyState, ErrorState, Money, ResourceId, Skeleton, Spinner } from "./components";
import {
  DASH,
  describeAction,
  formatCount,
  formatDateTime,
  formatMoney,
  formatMoneyWhole,
  formatRelative,
} from "./format";
import { navigate, type Route, routeHash, useApi, useNow } from "./hooks";

export function Remediation(props: { route: Route }) {
  const planId = props.route.parts[0];
  // Keyed by plan: the form (name, outcome) of one plan never carries over to another.
  return planId ? <PlanDetail key={planId} planId={planId} /> : <PlanList />;
}

/* ---------- approval status ---------- */

function ApprovalBadge(props: { approval: Approval | null; now: number }) {
  const a = props.approval;
  if (!a) return <Badge tone="warn">Awaiting approval</Badge>;
  if (!a.valid || new Date(a.expiresAt).getTime() <= props.now) {
    return <Badge tone="bad">Approval expired</Badge>;
  }
  return <Badge tone="good">Approved</Badge>;
}

function approvalText(approval: Approval | null, now: number): string {
  if (!approval) return "Not approved yet";
  const expired = !approval.valid || new Date(approval.expiresAt).getTime() <= now;
  return `by ${approval.approvedBy}, ${formatRelative(approval.approvedAt, now)}; ${expired ? "expired" : "expires"} ${formatRelative(approval.expiresAt, now)}`;
}

/* ---------- the list of plans ---------- */

function PlanList() {
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
            <table className="table" data-testid="plans-table">
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
                    <td className="nowrap">{formatDateTime(plan.createdAt)}</td>
                    <td className="num">{formatCount(plan.items)}</td>
                    <td className="num strong">
                      <Money value={plan.savings} />
                    </td>
                    <td>
                      <ApprovalBadge approval={plan.approval} now={now} />
                      {plan.approval && <span className="cell-sub">{approvalText(plan.approval, now)}</span>}
                    </td>
                    <td>
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

/* ---------- one plan ---------- */

const TYPE_NAMES: Record<string, [string, string]> = {
  "ec2:instance": ["EC2 instance", "EC2 instances"],
  "ec2:volume": ["EBS volume", "EBS volumes"],
  "ec2:snapshot": ["EBS snapshot", "EBS snapshots"],
  "ec2:elastic-ip": ["Elastic IP", "Elastic IPs"],
  "ec2:nat-gateway": ["NAT gateway", "NAT gateways"],
  "s3:bucket": ["S3 bucket", "S3 buckets"],
};

function typeName(type: string, count: number): string {
  const names = TYPE_NAMES[type];
  return names ? names[count === 1 ? 0 : 1] : `${type} ${count === 1 ? "resource" : "resources"}`;
}

/** One line of "what would change": the action on `what` (e.g. "3 EC2 instances"). */
const CHANGES: Record<string, (what: string) => string> = {
  stop: (what) => `Stop ${what}`,
  terminate: (what) => `Terminate ${what}`,
  delete: (what) => `Delete ${what}`,
  "snapshot-and-delete": (what) => `Snapshot, then delete ${what}`,
  release: (what) => `Release ${what}`,
  mark: (what) => `Tag ${what} for a later cleanup`,
  notify: (what) => `Notify the owners of ${what}`,
};

/** "Stop 3 EC2 instances", one line per action and resource type, the biggest saving first. */
function describeChanges(items: PlanItem[]): { text: string; savings: number; count: number }[] {
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

const ITEMS_STEP = 50;

function PlanDetail(props: { planId: string }) {
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
  const teams = new Set(p.items.map((item) => item.team ?? "(none)")).size;
  const manual = p.items.filter((item) => item.approval === "manual").length;

  return (
    <div className="page" data-testid="plan-detail">
      {back}
      <Card>
        <div className="plan-head">
          <div>
            <p className="panel-eyebrow">Cleanup plan · dry run</p>
            <h1 className="plan-title mono" data-testid="plan-id">
              {p.planId}
            </h1>
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
              <table className="table" data-testid="plan-items-table">
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

      <Card title="Past results" className="card-flush" testId="plan-history">
        {p.history.length === 0 ? (
          <EmptyState title="Not applied yet" commands={[`finops apply ${p.planId}`]} compact>
            Once approved, apply the plan; every action and its outcome shows here.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Resource</th>
                  <th scope="col">Action</th>
                  <th scope="col">Result</th>
                  <th scope="col">Approved by</th>
                  <th scope="col">Started</th>
                  <th scope="col">Finished</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {p.history.map((entry) => (
                  <tr key={`${entry.runId}:${entry.resourceId}:${entry.action}`} data-testid="history-row">
                    <td className="mono nowrap">{entry.runId}</td>
                    <td>
                      <ResourceId id={entry.resourceId} />
                    </td>
                    <td className="nowrap">{describeAction(entry.action)}</td>
                    <td>
                      <Badge
                        tone={
                          entry.status === "done" ? "good" : entry.status === "failed" ? "bad" : "neutral"
                        }
                      >
                        {entry.status}
                      </Badge>
                    </td>
                    <td>{entry.approvedBy ?? DASH}</td>
                    <td className="nowrap">{formatDateTime(entry.startedAt)}</td>
                    <td className="nowrap">{formatDateTime(entry.finishedAt)}</td>
                    <td className="cell-reason">{entry.detail ?? DASH}</td>
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

function PlanItemRow(props: { item: PlanItem }) {
  const item = props.item;
  const tags = Object.entries(item.preconditions?.tags ?? {});
  const attachments = item.preconditions?.attachments ?? [];
  return (
    <tr data-testid="plan-item">
      <td className="cell-resource">
        <ResourceId id={item.resourceId} />
        <span className="cell-sub">
          {item.resourceType} · <span className="mono">{item.account}</span> · {item.region}
        </span>
      </td>
      <td>
        <span className="nowrap">{describeAction(item.action)}</span>
        {item.approval === "auto" ? (
          <span className="cell-sub">auto-approved</span>
        ) : (
          <span className="cell-sub">manual approval</span>
        )}
        {item.markValue && <span className="cell-sub mono">{item.markValue}</span>}
      </td>
      <td className="nowrap">{item.rule}</td>
      <td className="cell-reason">{item.reason}</td>
      <td>{item.team ?? <span className="muted">(none)</span>}</td>
      <td className="num strong">
        <Money value={item.estimatedMonthlySavings} />
      </td>
      <td className="cell-preconditions">
        <dl className="evidence">
          <div className="evidence-pair">
            <dt>state</dt>
            <dd>{item.preconditions?.state ?? DASH}</dd>
          </div>
          <div className="evidence-pair">
            <dt>attachments</dt>
            <dd>{attachments.length ? attachments.join(", ") : "none"}</dd>
          </div>
          <div className="evidence-pair">
            <dt>tags</dt>
            <dd>
              {tags.length === 0 ? (
                "none"
              ) : (
                <span className="tags">
                  {tags.map(([key, value]) => (
                    <span key={key} className="tag" title={`${key}=${value}`}>
                      {key}={value}
                    </span>
                  ))}
                </span>
              )}
            </dd>
          </div>
        </dl>
      </td>
    </tr>
  );
}

/* ---------- approving: the token is sent once and never stored ---------- */

type ApproveOutcome =
  | { kind: "ok"; result: ApprovalResult }
  | { kind: "error"; title: string; message: string; server?: string };

/** The answer in words: our title and advice, then the server's own message. */
function explain(error: unknown, sentToken: boolean): ApproveOutcome {
  if (!(error instanceof ApiError))
    return { kind: "error", title: "Not approved", message: (error as Error).message };
  const server = error.message;
  switch (error.status) {
    case 401:
      return sentToken
        ? // The server answers 401 to any token when it has none set: approving from the page is off.
          { kind: "error", title: "Not approved", message: "The server accepts no token.", server }
        : {
            kind: "error",
            title: "Token required",
            message: "Enter the approval token the server was started with (FINOPS_WEB_TOKEN).",
            server,
          };
    case 403:
      return {
        kind: "error",
        title: "Wrong token",
        message: "The server refused this token. Nothing was approved.",
        server,
      };
    case 404:
      return {
        kind: "error",
        title: "Plan not found",
        message: "It may have been replaced by a newer plan.",
        server,
      };
    case 409:
      return {
        kind: "error",
        title: "The plan has changed",
        message: "Make a new plan with `finops plan`, review it, then approve that one.",
        server,
      };
    default:
      return { kind: "error", title: `Not approved (${error.status || "no answer"})`, message: server };
  }
}

function ApproveForm(props: { planId: string; approval: Approval | null; onApproved: () => void }) {
  const id = useId();
  const [name, setName] = useState("");
  const [token, setToken] = useState("");
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<ApproveOutcome | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const by = name.trim();
    if (!by) {
      setOutcome({
        kind: "error",
        title: "Name required",
        message: "Say who approves: it is recorded with the plan.",
      });
      return;
    }
    setPending(true);
    setOutcome(null);
    try {
      const result = await api.approve(props.planId, by, token);
      setOutcome({ kind: "ok", result });
      props.onApproved();
    } catch (error) {
      setOutcome(explain(error, token !== ""));
    } finally {
      // The token is never kept: not after a success, not after a refusal.
      setToken("");
      setPending(false);
    }
  };

  const valid = props.approval?.valid && new Date(props.approval.expiresAt).getTime() > Date.now();
  return (
    <Card title="Approve" testId="approve-card">
      <form className="form" data-testid="approve-form" onSubmit={submit} autoComplete="off" noValidate>
        <p className="form-note">
          {valid
            ? "This plan is approved. Approving again records a new approval of this exact plan."
            : "Approval binds to this exact plan: if the findings change, a new plan needs a new approval."}
        </p>
        <label className="field" htmlFor={`${id}-name`}>
          <span>Your name</span>
          <input
            id={`${id}-name`}
            data-testid="approve-name"
            type="text"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="e.g. jane.doe"
            maxLength={200}
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label className="field" htmlFor={`${id}-token`}>
          <span>Approval token</span>
          <input
            id={`${id}-token`}
            data-testid="approve-token"
            type="password"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <button
          type="submit"
          className="button button-primary"
          data-testid="approve-submit"
          disabled={pending}
        >
          {pending ? "Approving…" : "Approve plan"}
        </button>
        <div aria-live="polite">
          {outcome && (
            <div
              className={outcome.kind === "ok" ? "notice notice-ok" : "notice notice-error"}
              data-testid="approve-result"
              data-outcome={outcome.kind === "ok" ? "approved" : "error"}
              role={outcome.kind === "ok" ? "status" : "alert"}
            >
              {outcome.kind === "ok" ? (
                <>
                  <p className="notice-title">Approved</p>
                  <p>
                    By {outcome.result.approvedBy} at {formatDateTime(outcome.result.approvedAt)}; valid until{" "}
                    {formatDateTime(outcome.result.expiresAt)}. Apply it with{" "}
                    <code>finops apply {outcome.result.planId}</code>.
                  </p>
                </>
              ) : (
                <>
                  <p className="notice-title">{outcome.title}</p>
                  <p>{outcome.message}</p>
                  {outcome.server && <p className="notice-detail">Server: {outcome.server}</p>}
                </>
              )}
            </div>
          )}
        </div>
      </form>
    </Card>
  );
}
