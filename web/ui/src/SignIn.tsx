import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ApiError, api, keepReadToken, type ReadRefusal } from "./api";
import { Card } from "./components";

/* ---------- the read token: asked when a server beyond loopback refuses a read ---------- */

interface Said {
  /** "error": a token was refused; "note": the first ask, nothing wrong yet. */
  tone: "error" | "note";
  title?: string;
  server?: string;
}

/** What the box says under the field: why it asks again, with the server's own message. */
function explain(refusal: ReadRefusal | Error): Said {
  if (!(refusal instanceof Error)) {
    // 403 to the token kept for this tab: the server was started again with another one.
    return refusal.status === 403
      ? {
          tone: "error",
          title: "Wrong token: the token kept for this tab was refused.",
          server: refusal.message,
        }
      : { tone: "note", server: refusal.message };
  }
  if (!(refusal instanceof ApiError)) return { tone: "error", title: refusal.message };
  if (refusal.status === 403)
    return { tone: "error", title: "Wrong token: the server refused it. Try again." };
  return {
    tone: "error",
    title: refusal.status ? `The server answered ${refusal.status}.` : "The server cannot be reached.",
    server: refusal.message,
  };
}

/**
 * The sign-in box: the page's reads need the read token (FINOPS_READ_TOKEN, or the approver's
 * FINOPS_WEB_TOKEN). A token is checked with one read before it is kept (in this tab's sessionStorage).
 */
export function SignIn(props: { refusal: ReadRefusal; onSignedIn: () => void }) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [token, setToken] = useState("");
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Error | null>(null);
  const shown = explain(failure ?? props.refusal);

  // The field has the focus when the box opens and after each refusal: typing the token is the one thing to do.
  useEffect(() => {
    if (!pending) field.current?.focus();
  }, [pending]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const given = token.trim();
    if (pending) return;
    if (!given) {
      setFailure(new Error("Enter the token."));
      field.current?.focus();
      return;
    }
    setPending(true);
    setFailure(null);
    try {
      await api.checkReadToken(given);
      keepReadToken(given);
      props.onSignedIn();
    } catch (error) {
      setFailure(error as Error);
      setToken("");
      setPending(false);
    }
  };

  return (
    <Card title="Sign in" className="sign-in" testId="sign-in">
      <form className="form" onSubmit={submit} autoComplete="off" noValidate>
        <p className="form-note" id={`${id}-why`}>
          This server needs a read token: <code>FINOPS_READ_TOKEN</code> or <code>FINOPS_WEB_TOKEN</code>, as{" "}
          <code>finops serve</code> was started with. It is kept for this tab only, until it closes.
        </p>
        <label className="field" htmlFor={`${id}-token`}>
          <span>Read token</span>
          <input
            ref={field}
            id={`${id}-token`}
            data-testid="sign-in-token"
            type="password"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            aria-describedby={`${id}-why`}
            aria-invalid={failure ? true : undefined}
            autoComplete="off"
            spellCheck={false}
            disabled={pending}
          />
        </label>
        <button
          type="submit"
          className="button button-primary"
          data-testid="sign-in-submit"
          disabled={pending}
        >
          {pending ? "Checking…" : "Sign in"}
        </button>
        <div aria-live="polite">
          {shown.tone === "error" ? (
            <div className="notice notice-error" role="alert" data-testid="sign-in-error">
              {shown.title && <p className="notice-title">{shown.title}</p>}
              {shown.server && <p className="notice-detail">Server: {shown.server}</p>}
            </div>
          ) : (
            shown.server && <p className="form-note">Server: {shown.server}</p>
          )}
        </div>
      </form>
    </Card>
  );
}
