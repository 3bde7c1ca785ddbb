// The left menu of a school's screens: the three lists with their counts, the audit trail and
// the sign-in history of the school's users.
export type Status = "pending" | "approved" | "rejected";

export const tabs: { status: Status; label: string }[] = [
  { status: "pending", label: "Pending requests" },
  { status: "approved", label: "Approved apps" },
  { status: "rejected", label: "Rejected apps" },
];

export function SchoolMenu(props: {
  school: string;
  current: Status | "audit" | "users";
  counts: Record<Status, number> | null;
}) {
  const { school, current, counts } = props;
  const base = `#/schools/${encodeURIComponent(school)}`;
  return (
    <nav class="menu" aria-label="Partner apps">
      <ul>
        {tabs.map((t) => (
          <li key={t.status}>
            <a href={`${base}/${t.status}`} aria-current={t.status === current ? "page" : undefined}>
              {t.label} {counts && <span class="count">{counts[t.status]}</span>}
            </a>
          </li>
        ))}
        <li>
          <a href={`${base}/audit`} aria-current={current === "audit" ? "page" : undefined}>
            Audit trail
          </a>
        </li>
        <li>
          <a href={`${base}/users`} aria-current={current === "users" ? "page" : undefined}>
            Sign-in history
          </a>
        </li>
      </ul>
    </nav>
  );
}
