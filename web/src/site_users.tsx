// The sign-in history of a site's users: every user whose home site it is, with their last
// sign-in; choosing one shows their sign-ins (successes and failures), newest first, older ones
// a page at a time. For whoever may manage the site's users (the API decides).
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, SiteUser, siteUsers, userLogins } from "./api";
import { when } from "./format";
import { usePages } from "./pages";
import { useSession } from "./session";

const outcomes: Record<string, string> = {
  success: "Signed in",
  invalid_credentials: "Wrong email or password",
  too_many_attempts: "Refused: too many attempts",
  account_locked: "Refused: account locked",
};
const outcome = (o: string) => outcomes[o] ?? o;

function History(props: { site: string; user: SiteUser; onError: (e: ApiError) => void }) {
  const { site, user, onError } = props;
  const { onFailure } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  const {
    items: attempts,
    next,
    busy,
    older,
  } = usePages(
    `${site} ${user.email}`,
    (before) => userLogins(site, user.email, before),
    onFailure(onError),
  );
  // The user's sign-ins are announced by moving focus to their heading once they come (not
  // again when older ones are added).
  const loaded = attempts !== null;
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded, user.email]);

  return (
    <section class="logins" aria-labelledby="logins-title">
      <h2 id="logins-title" tabIndex={-1} ref={heading}>
        Sign-ins of {user.name}
      </h2>
      {!attempts ? (
        <p class="loading">Loading…</p>
      ) : attempts.length === 0 ? (
        <p class="empty">{user.name} has never tried to sign in.</p>
      ) : (
        <table class="attempts">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Outcome</th>
              <th scope="col">Address</th>
              <th scope="col">Browser, as reported by the browser</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a) => (
              <tr key={a.id} data-id={a.id} data-outcome={a.outcome}>
                <td>
                  <time dateTime={a.at}>{when(a.at)}</time>
                </td>
                <td>{outcome(a.outcome)}</td>
                <td>{a.address}</td>
                <td class="agent">{a.user_agent}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" class="secondary" disabled={busy} onClick={older}>
          Show older sign-ins
        </button>
      )}
    </section>
  );
}

export function SiteUsers(props: { site: string; onError: (e: ApiError) => void }) {
  const { site, onError } = props;
  const { onFailure } = useSession();
  const [users, setUsers] = useState<SiteUser[] | null>(null);
  const [shown, setShown] = useState<SiteUser | null>(null);
  useEffect(() => {
    setShown(null);
    siteUsers(site).then((answer) => setUsers(answer.items), onFailure(onError));
  }, [site, onError, onFailure]);

  return (
    <>
      <h1>Sign-in history</h1>
      {!users ? (
        <p class="loading">Loading…</p>
      ) : users.length === 0 ? (
        <p class="empty">No users have this as their home site.</p>
      ) : (
        <table class="users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Email</th>
              <th scope="col">Roles</th>
              <th scope="col">Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.email} data-email={u.email}>
                <td>
                  <button
                    type="button"
                    class="link row-open"
                    aria-pressed={shown?.email === u.email}
                    onClick={() => setShown(u)}
                  >
                    {u.name}
                  </button>
                  {u.disabled && <span class="badge">disabled</span>}
                </td>
                <td>{u.email}</td>
                <td>{u.roles.map((r) => r.replace(/_/g, " ")).join(", ")}</td>
                <td>
                  {u.last_sign_in
                    ? `${when(u.last_sign_in.at)}: ${outcome(u.last_sign_in.outcome)}`
                    : "Never"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && <History site={site} user={shown} onError={onError} />}
    </>
  );
}
