// The alternative connection's page, /connect#<token>: a partner sends a school
// user this link; they sign in with their MIS email and password, see the app, its company and
// everything it asks for, and approve it. No session: the sign-in is for this one approval, so
// the main sign-in screen never shows here.
import { useEffect, useRef, useState } from "preact/hooks";
import {
  ApiError,
  ConnectApproved,
  ConnectLink,
  ConnectSignedIn,
  connectApprove,
  connectLink,
  connectSignIn,
  toApiError,
} from "./api";
import { Grants } from "./app_panel";
import { when } from "./format";

const storageKey = "canopy-connect-link";

// The tab's storage, or null where the browser refuses it (all cookies blocked).
function storage(): Storage | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}

// The link's token, empty when there is none. One in the address is kept for a reload of the tab
// and taken out of the address, so it stays out of the history and of screen shares.
function takeLink(): string {
  const given = location.hash.slice(1);
  if (!given) return storage()?.getItem(storageKey) ?? "";
  storage()?.setItem(storageKey, given);
  history.replaceState(null, "", "/connect");
  return given;
}

// What a trust user still lacks (trust_requirements_not_met), in plain words.
const lacks: Record<string, string> = {
  permission: "the User Details: Manage All Users permission on your trust",
  signed_in_to_school: "signing in to this school from your trust at least once",
  terms_accepted: "accepting this school's terms and conditions",
};

// A refusal in the server's words; for a trust user, what is still missing as a list instead
// (the server's sentence says the same, run together).
function Problem({ error }: { error: ApiError }) {
  return (
    <div class="error problem" role="alert">
      {error.missing.length > 0 ? (
        <>
          <p>To approve for a school of your trust you still need:</p>
          <ul>
            {error.missing.map((m) => (
              <li key={m}>{lacks[m] ?? m}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{error.message}</p>
      )}
    </div>
  );
}

// A step's heading, focused as the step appears when `now` (not on arrival: the page starts at
// its top).
function useFocus(now: boolean) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (now) ref.current?.focus();
  }, [now]);
  return ref;
}

function SignInStep(props: {
  link: string;
  info: ConnectLink;
  // Why the user is asked again (their sign-in expired before the approve).
  notice?: ApiError;
  onSignedIn: (signedIn: ConnectSignedIn) => void;
}) {
  const { link, info, notice, onSignedIn } = props;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(notice ?? null);
  const [busy, setBusy] = useState(false);
  const heading = useFocus(notice !== undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await connectSignIn(link, email.trim(), password));
    } catch (e) {
      setError(toApiError(e));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h2 tabIndex={-1} ref={heading}>
        Sign in to review the request
      </h2>
      <p>Sign in with your MIS email and password to see what {info.app.name} asks for and approve it.</p>
      <form onSubmit={submit} noValidate>
        <label for="connect-email">Email</label>
        <input
          id="connect-email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="connect-password">Password</label>
        <input
          id="connect-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && <Problem error={error} />}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {info.return_url && (
        <p>
          <a href={info.return_url}>Go back to {info.app.name}</a>
        </p>
      )}
    </>
  );
}

function ReviewStep(props: {
  link: string;
  signedIn: ConnectSignedIn;
  onApproved: (answer: ConnectApproved) => void;
  onExpired: (error: ApiError) => void;
  onCancelled: () => void;
}) {
  const { link, signedIn, onApproved, onExpired, onCancelled } = props;
  const { user, detail, ticket, return_url } = signedIn;
  const dummy = detail.school.dummy;
  const [understood, setUnderstood] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useFocus(true);

  const approve = async () => {
    setBusy(true);
    setError(null);
    try {
      // The version shown here: a set changed since is refused, not consented to unseen.
      onApproved(await connectApprove(link, ticket, understood, detail.current_permission_set_version));
    } catch (e) {
      const refused = toApiError(e);
      if (refused.code === "connect_sign_in_expired" || refused.code === "permissions_changed") onExpired(refused);
      else setError(refused);
    } finally {
      setBusy(false);
    }
  };
  // Back to the partner, which its return address tells that nothing was approved.
  const cancel = () => {
    // The user decided: the link leaves this tab, as after an approval.
    storage()?.removeItem(storageKey);
    if (return_url) location.assign(return_url);
    else onCancelled();
  };

  return (
    <>
      <h2 tabIndex={-1} ref={heading}>
        Review and approve
      </h2>
      <p class="signed-in">
        Signed in as {user.name} <span class="email">({user.email})</span>
      </p>
      <h3>{detail.name}</h3>
      <dl class="facts">
        <dt>Company</dt>
        <dd>{detail.vendor}</dd>
        {detail.website && (
          <>
            <dt>Website</dt>
            <dd>
              {/* In a new tab: leaving this page loses the sign-in. */}
              <a href={detail.website} target="_blank" rel="noopener noreferrer">
                {detail.website}
              </a>
            </dd>
          </>
        )}
        <dt>Status at {detail.school.name}</dt>
        <dd class="status">{detail.status.replace(/_/g, " ")}</dd>
      </dl>
      {detail.description && <p>{detail.description}</p>}
      {detail.warnings.map((w) => (
        <p class="warning" key={w}>
          {w}
        </p>
      ))}
      <h3>What {detail.name} asks to do</h3>
      <Grants grants={detail.permissions} label={`What ${detail.name} asks to do`} />
      {detail.permissions_for_review.length > 0 && (
        <>
          <h3>For review: what {detail.name} now asks for beyond the school's approval</h3>
          <Grants grants={detail.permissions_for_review} label="For review" />
        </>
      )}
      {dummy && (
        <div class="dummy-site">
          <p>
            {detail.school.name} is a dummy (migration) site. An approval made here is kept when the
            site is wiped and remigrated, but its ids (students, staff) change then, so we recommend
            approving on the live site. If you approve now, {detail.vendor} is told the new ids at
            go-live.
          </p>
          <label>
            <input
              type="checkbox"
              checked={understood}
              onChange={(e) => setUnderstood(e.currentTarget.checked)}
            />{" "}
            I understand the ids change when the site goes live
          </label>
        </div>
      )}
      {error && <Problem error={error} />}
      <div class="actions">
        <button type="button" disabled={busy || (dummy && !understood)} onClick={approve}>
          Approve
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={cancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

// The approval done; back to the partner after a moment when it gave a return address.
function ApprovedStep({ info, answer }: { info: ConnectLink; answer: ConnectApproved }) {
  const heading = useFocus(true);
  const back = answer.return_url;
  useEffect(() => {
    if (!back) return;
    const timer = setTimeout(() => location.assign(back), 1500);
    return () => clearTimeout(timer);
  }, [back]);
  const app = info.app.name;
  return (
    <>
      <h2 tabIndex={-1} ref={heading}>
        Approved
      </h2>
      <p>
        {app} {answer.already_approved ? "was already" : "is now"} approved for {info.school.name}. It
        appears under Approved apps.
      </p>
      {back && (
        <>
          <p>Returning you to {app}…</p>
          <p>
            <a href={back}>Continue to {app}</a>
          </p>
        </>
      )}
    </>
  );
}

function CancelledStep() {
  const heading = useFocus(true);
  return (
    <>
      <h2 tabIndex={-1} ref={heading}>
        Cancelled
      </h2>
      <p>Nothing was changed. You can close this page.</p>
    </>
  );
}

type Step =
  | { name: "sign-in"; notice?: ApiError }
  | { name: "review"; signedIn: ConnectSignedIn }
  | { name: "approved"; answer: ConnectApproved }
  | { name: "cancelled" };

// One link, from what it asks to its approval.
function Connect({ link }: { link: string }) {
  const [info, setInfo] = useState<ConnectLink | null>(null);
  const [refused, setRefused] = useState<ApiError | null>(null);
  const [step, setStep] = useState<Step>({ name: "sign-in" });

  useEffect(() => {
    let current = true;
    connectLink(link).then(
      (answer) => current && setInfo(answer),
      (e) => current && setRefused(toApiError(e)),
    );
    return () => {
      current = false;
    };
  }, [link]);

  if (refused) {
    // A link unknown (404), expired or used (410), or of an app that cannot connect (403) stays
    // so; anything else (no answer, busy) may pass.
    const lasting = [403, 404, 410].includes(refused.status);
    return (
      <>
        <h1>{lasting ? "This link cannot be used" : "Canopy could not open this link"}</h1>
        <p class="error" role="alert">
          {refused.message}
        </p>
        {!lasting && (
          <p>
            <a href="">Try again</a>
          </p>
        )}
      </>
    );
  }
  if (!info) return <p class="loading">Loading…</p>;

  const approved = (answer: ConnectApproved) => {
    storage()?.removeItem(storageKey); // a used link is no use after a reload
    setStep({ name: "approved", answer });
  };
  return (
    <>
      <h1>
        {info.app.name} asks to connect to {info.school.name}
      </h1>
      <p class="vendor">
        {info.app.name} is made by {info.app.company}.
        {step.name !== "approved" && (
          <>
            {" "}
            This link works until <time dateTime={info.expires_at}>{when(info.expires_at)}</time>.
          </>
        )}
      </p>
      {step.name === "sign-in" && (
        <SignInStep
          link={link}
          info={info}
          notice={step.notice}
          onSignedIn={(signedIn) => setStep({ name: "review", signedIn })}
        />
      )}
      {step.name === "review" && (
        <ReviewStep
          link={link}
          signedIn={step.signedIn}
          onApproved={approved}
          onExpired={(notice) => setStep({ name: "sign-in", notice })}
          onCancelled={() => setStep({ name: "cancelled" })}
        />
      )}
      {step.name === "approved" && <ApprovedStep info={info} answer={step.answer} />}
      {step.name === "cancelled" && <CancelledStep />}
    </>
  );
}

export function ConnectPage() {
  const [link, setLink] = useState(takeLink);
  // Another link opened in this tab changes only the hash: start again with it.
  useEffect(() => {
    const changed = () => setLink(takeLink());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);

  return (
    <>
      <header class="top">
        <span class="brand">Partner Apps (API Users)</span>
      </header>
      <main class="connect">
        {link ? (
          // Keyed by the link: a new one starts from its first step.
          <Connect key={link} link={link} />
        ) : (
          <>
            <h1>Connect an app</h1>
            <p>
              This page opens from a link an app sent you. Open that link again, or ask the app's
              company for a new one.
            </p>
          </>
        )}
      </main>
    </>
  );
}
