import { type FormEvent, useId, useState } from "react";
import { ApiError, type Approval, type ApprovalResult, api } from "../api";
import { Card } from "../components";
import { formatDateTime } from "../format";

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

export function ApproveForm(props: { planId: string; approval: Approval | null; onApproved: () => void }) {
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
