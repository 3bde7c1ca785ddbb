// A school's partner apps: Pending requests, Approved apps and Rejected apps, each with its
// count, each a table. Anyone the API refuses sees a plain page saying so.
import { useEffect, useState } from "preact/hooks";
import { ApiError, SchoolAppList, schoolApps } from "./api";
import { when } from "./format";
import { AppPanel } from "./app_panel";
import { SchoolMenu, Status, tabs } from "./school_menu";
import { useSession } from "./session";

export type { Status };


export function Refusal({ message }: { message: string }) {
  return (
    <main class="refusal">
      <h1>You cannot manage apps here</h1>
      <p>{message}</p>
      <p>
        <a href="#/">Back to your own site</a>
      </p>
    </main>
  );
}

export function SchoolApps(props: {
  school: string;
  status: Status;
  app?: string;
}) {
  const { school, status, app } = props;
  const { onFailure } = useSession();
  const [reads, setReads] = useState(0); // bumped to read the list again after a decision
  // The apps, and the school they are of (another school's are not shown while loading).
  const [loaded, setLoaded] = useState<SchoolAppList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  // Read afresh for every list shown: decisions change, and a session that ended shows here.
  useEffect(() => {
    let current = true;
    setError(null);
    schoolApps(school).then(
      (list) => current && setLoaded(list),
      (e) => {
        if (current) onFailure(setError)(e);
      },
    );
    return () => {
      current = false;
    };
  }, [school, status, reads, onFailure]);

  if (error) {
    if (error.status === 403 || error.status === 404) {
      return (
        <Refusal
          message={
            error.status === 404
              ? "There is no school with this address that you can see."
              : "Managing partner apps needs a school administrator's role at this school."
          }
        />
      );
    }
    return (
      <p class="error" role="alert">
        {error.message}
      </p>
    );
  }
  if (!loaded || loaded.school !== school) return <p class="loading">Loading…</p>;
  const apps = loaded.items;

  const count = (s: Status) => apps.filter((a) => a.status === s).length;
  const shown = apps.filter((a) => a.status === status);
  const current = tabs.find((t) => t.status === status)!;
  const listHash = `#/schools/${encodeURIComponent(school)}/${status}`;
  const close = () => {
    const opened = app;
    location.hash = listHash;
    // Back to the row the panel was opened from.
    setTimeout(() => {
      document.querySelector<HTMLElement>(`tr[data-app="${opened}"] button`)?.focus();
    });
  };
  return (
    <div class="school">
      <SchoolMenu
        school={school}
        current={status}
        counts={{ pending: count("pending"), approved: count("approved"), rejected: count("rejected") }}
      />
      <main class="list">
        {loaded.dummy && (
          <p class="warning banner" role="note">
            {loaded.school_name} is a dummy site, still in data migration. Approvals here survive
            the wipe and remigration, but record ids (students, staff) change then: apps must be
            told to use the new ids.
          </p>
        )}
        <p class="site-name">{loaded.school_name}</p>
        <h1>{current.label}</h1>
        {shown.length === 0 ? (
          <p class="empty">No apps here.</p>
        ) : (
          <table>
            <caption class="visually-hidden">
              {current.label} at {loaded.school_name}
            </caption>
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Company</th>
                <th scope="col">Kind</th>
                <th scope="col">{status === "pending" ? "Requested" : "Decided"}</th>
                {status !== "pending" && <th scope="col">By</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr key={a.app} data-app={a.app}>
                  <td>
                    <button
                      type="button"
                      class="link row-open"
                      onClick={() => (location.hash = `${listHash}/${encodeURIComponent(a.app)}`)}
                    >
                      {a.name}
                    </button>
                  </td>
                  <td>{a.vendor}</td>
                  <td>{a.kind.replace(/_/g, " ")}</td>
                  <td>{when(status === "pending" ? a.requested_at : a.decided_at)}</td>
                  {status !== "pending" && <td>{a.decided_by ?? ""}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {app && (
        <AppPanel
          school={school}
          app={app}
          onClose={close}
          onChanged={() => setReads((n) => n + 1)}
        />
      )}
    </div>
  );
}
