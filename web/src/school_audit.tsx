// A school's audit trail: who did what to which app, when, and whether via the trust; filtered
// by app, action and dates, older records a page at a time, and the same as CSV.
import { useEffect, useState } from "preact/hooks";
import {
  ApiError,
  AuditEntry,
  AuditFilter,
  SchoolAppList,
  schoolApps,
  schoolAudit,
  schoolAuditCsvUrl,
  onFailure,
} from "./api";
import { when } from "./format";
import { Refusal } from "./school_apps";
import { SchoolMenu } from "./school_menu";

const actions = ["request", "approve", "reject", "import"];

// A date field's value (YYYY-MM-DD) as the start or the end of that day, UTC.
function dayBound(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  return `${day}T${end ? "23:59:59.999" : "00:00:00.000"}Z`;
}

export function SchoolAudit(props: { school: string; onExpired: () => void }) {
  const { school, onExpired } = props;
  const [list, setList] = useState<SchoolAppList | null>(null);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [form, setForm] = useState({ app: "", action: "", from: "", to: "" });
  const [filter, setFilter] = useState<AuditFilter>({});

  const failed = onFailure(onExpired, setError);
  useEffect(() => {
    schoolApps(school).then(setList, failed);
  }, [school]);
  useEffect(() => {
    setEntries(null);
    schoolAudit(school, filter).then((page) => {
      setEntries(page.items);
      setNext(page.next_before);
    }, failed);
  }, [school, filter]);

  const older = () =>
    next &&
    schoolAudit(school, filter, next).then((page) => {
      setEntries((shown) => [...(shown ?? []), ...page.items]);
      setNext(page.next_before);
    }, failed);
  const apply = (event: Event) => {
    event.preventDefault();
    setFilter({
      app: form.app || undefined,
      action: form.action || undefined,
      from: dayBound(form.from, false),
      to: dayBound(form.to, true),
    });
  };
  const field = (name: keyof typeof form) => ({
    id: `audit-${name}`,
    value: form[name],
    onInput: (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value }),
  });

  if (error) {
    if (error.status === 403 || error.status === 404)
      return <Refusal message="This school's audit trail is for its administrators." />;
    return (
      <p class="error" role="alert">
        {error.message}
      </p>
    );
  }
  const counts = list && {
    pending: list.items.filter((a) => a.status === "pending").length,
    approved: list.items.filter((a) => a.status === "approved").length,
    rejected: list.items.filter((a) => a.status === "rejected").length,
  };
  return (
    <div class="school">
      <SchoolMenu school={school} current="audit" counts={counts} />
      <main class="list">
        {list && <p class="site-name">{list.school_name}</p>}
        <h1>Audit trail</h1>
        <form class="filters" onSubmit={apply}>
          <label for="audit-app">App</label>
          <select {...field("app")}>
            <option value="">Any app</option>
            {(list?.items ?? []).map((a) => (
              <option key={a.app} value={a.app}>
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
          <a class="button secondary" href={schoolAuditCsvUrl(school, filter)} download>
            Download CSV
          </a>
        </form>
        {!entries ? (
          <p class="loading">Loading…</p>
        ) : entries.length === 0 ? (
          <p class="empty">No records match.</p>
        ) : (
          <table class="audit">
            <thead>
              <tr>
                <th scope="col">When</th>
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
                  <td>{list?.items.find((a) => a.app === e.app)?.name ?? e.app}</td>
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
          <button type="button" class="secondary" onClick={older}>
            Show older records
          </button>
        )}
      </main>
    </div>
  );
}
