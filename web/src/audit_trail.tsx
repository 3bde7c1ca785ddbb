// An audit trail, a school's or a whole trust's: who did what to which app, when, and whether
// via the trust; filtered by app, action and dates, older records a page at a time, and the same
// as CSV.
import { useEffect, useState } from "preact/hooks";
import { ApiError, AuditFilter, AuditScope, audit, auditCsvUrl } from "./api";
import { when } from "./format";
import { usePages } from "./pages";
import { useSession } from "./session";

const actions: NonNullable<AuditFilter["action"]>[] = ["request", "approve", "reject", "import"];

// A date field's value (YYYY-MM-DD) as the start or the end of that day, UTC.
function dayBound(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  return `${day}T${end ? "23:59:59.999" : "00:00:00.000"}Z`;
}

export function AuditTrail(props: {
  scope: AuditScope;
  // The apps to filter by, and the names to show for app ids.
  apps: { id: string; name: string }[];
  // For a trust's trail: the names of its schools (a School column shows them).
  schools?: Map<string, string>;
  onError: (error: ApiError) => void;
}) {
  const { scope, apps, schools, onError } = props;
  const { onFailure } = useSession();
  const [form, setForm] = useState({ app: "", action: "", from: "", to: "" });
  const [filter, setFilter] = useState<AuditFilter>({});
  // A filter the API refuses (400: dates the wrong way round) is said under the filters; the
  // screen's own errors (refusals, the service down) go to `onError`.
  const [refused, setRefused] = useState("");
  const failed = onFailure((e) => (e.status === 400 ? setRefused(e.message) : onError(e)));
  const key = JSON.stringify([scope, filter]);
  const {
    items: entries,
    next,
    busy,
    older,
  } = usePages(key, (before) => audit(scope, filter, before), failed);
  useEffect(() => setRefused(""), [key]);

  const apply = (event: Event) => {
    event.preventDefault();
    setFilter({
      app: form.app || undefined,
      action: actions.find((a) => a === form.action),
      from: dayBound(form.from, false),
      to: dayBound(form.to, true),
    });
  };
  const field = (name: keyof typeof form) => ({
    id: `audit-${name}`,
    value: form[name],
    onInput: (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value }),
  });
  const appName = (id: string) => apps.find((a) => a.id === id)?.name ?? id;

  return (
    <>
      <form class="filters" onSubmit={apply}>
        <label for="audit-app">App</label>
        <select {...field("app")}>
          <option value="">Any app</option>
          {apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
        <label for="audit-action">Action</label>
        <select {...field("action")}>
          <option value="">Any action</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <label for="audit-from">From</label>
        <input type="date" {...field("from")} />
        <label for="audit-to">To</label>
        <input type="date" {...field("to")} />
        <button type="submit">Filter</button>
        <a class="button secondary" href={auditCsvUrl(scope, filter)} download>
          Download CSV
        </a>
      </form>
      {refused ? (
        <p class="error" role="alert">
          {refused}
        </p>
      ) : !entries ? (
        <p class="loading">Loading…</p>
      ) : entries.length === 0 ? (
        <p class="empty">No records match.</p>
      ) : (
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              {schools && <th scope="col">School</th>}
              <th scope="col">App</th>
              <th scope="col">Action</th>
              <th scope="col">Status</th>
              <th scope="col">Who</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-id={e.id}>
                <td>
                  <time dateTime={e.at}>{when(e.at)}</time>
                </td>
                {schools && <td>{schools.get(e.school) ?? e.school}</td>}
                <td>{appName(e.app)}</td>
                <td>{e.action}</td>
                <td>{e.from_status ? `${e.from_status} → ${e.to_status}` : e.to_status}</td>
                <td>
                  {e.actor.name ?? e.actor.email ?? e.actor.id}
                  {e.via_trust && " (via the trust)"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" class="secondary" disabled={busy} onClick={older}>
          Show older records
        </button>
      )}
    </>
  );
}
