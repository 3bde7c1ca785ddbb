// A trust's central team: the screens they share (the trust's menu, its schools with their
// terms, and the trust's audit trail); the matrix of apps x schools is in trust_matrix.tsx.
import { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, DeletionAttestation, TrustSchools, trustDeletions, trustMatrix, trustSchools } from "./api";
import { AuditTrail } from "./audit_trail";
import { when } from "./format";
import { Refusal } from "./school_apps";
import { useSession } from "./session";
import { SiteUsers } from "./site_users";

export type TrustTab = "matrix" | "schools" | "audit" | "users";

const trustTabs: { tab: TrustTab; label: string; path: string }[] = [
  { tab: "matrix", label: "Apps across schools", path: "" },
  { tab: "schools", label: "Schools", path: "/schools" },
  { tab: "audit", label: "Audit trail", path: "/audit" },
  { tab: "users", label: "Sign-in history", path: "/users" },
];

// The trust's schools and their terms; `reload` reads them again (after terms are accepted).
export function useTrustSchools(trust: string) {
  const { onFailure } = useSession();
  const [schools, setSchools] = useState<TrustSchools | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [reads, setReads] = useState(0);
  useEffect(() => {
    trustSchools(trust).then(setSchools, onFailure(setError));
  }, [trust, reads, onFailure]);
  return { schools, error, setError, reload: () => setReads((n) => n + 1) };
}

// Every trust screen: the trust's name, its menu, and the screen; a refusal or an error instead
// when the API says so.
export function TrustPage(props: {
  trust: string;
  tab: TrustTab;
  schools: TrustSchools | null;
  error: ApiError | null;
  children: ComponentChildren;
}) {
  const { trust, tab, schools, error, children } = props;
  if (error) {
    if (error.status === 403 || error.status === 404) {
      return (
        <Refusal message="Reviewing partner apps across a trust needs the trust's central team role." />
      );
    }
    return (
      <p class="error" role="alert">
        {error.message}
      </p>
    );
  }
  const base = `#/trusts/${encodeURIComponent(trust)}`;
  return (
    <div class="trust-page">
      <nav class="tabs" aria-label="Trust">
        <span class="site-name">{schools?.trust_name ?? ""}</span>
        <ul>
          {trustTabs.map((t) => (
            <li key={t.tab}>
              <a href={base + t.path} aria-current={t.tab === tab ? "page" : undefined}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </div>
  );
}

const attestationStates: Record<DeletionAttestation["state"], string> = {
  pending: "Not confirmed yet",
  overdue: "Overdue",
  attested: "Confirmed",
};

// After revocations across the trust: which partners said they deleted a school's data.
function TrustDeletions({ trust, names }: { trust: string; names: Map<string, string> }) {
  const { onFailure } = useSession();
  const [items, setItems] = useState<DeletionAttestation[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    trustDeletions(trust).then(setItems, onFailure((e) => setError(e.message)));
  }, [trust, onFailure]);
  return (
    <section aria-labelledby="deletions-title">
      <h2 id="deletions-title">Data deletion after revocations</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!items ? (
        !error && <p class="loading">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">No app has been revoked at the trust's schools.</p>
      ) : (
        <table class="schools deletions">
          <thead>
            <tr>
              <th scope="col">School</th>
              <th scope="col">App</th>
              <th scope="col">Revoked</th>
              <th scope="col">Confirm by</th>
              <th scope="col">Deletion</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={`${d.school}/${d.app}/${d.requested_at}`} class={d.state}>
                <td>{names.get(d.school) ?? d.school}</td>
                <td>{d.app_name ?? d.app}</td>
                <td>{when(d.requested_at)}</td>
                <td>{when(d.due_by)}</td>
                <td>
                  {attestationStates[d.state]}
                  {d.attested_at && ` on ${when(d.attested_at)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// The trust's schools, each a way into that school's partner apps, with its terms.
export function TrustSchoolsScreen({ trust }: { trust: string }) {
  const { schools, error } = useTrustSchools(trust);
  const names = new Map((schools?.items ?? []).map((s) => [s.id, s.name]));
  return (
    <TrustPage trust={trust} tab="schools" schools={schools} error={error}>
      <main class="trust">
        <h1>Schools of the trust</h1>
        {!schools ? (
          <p class="loading">Loading…</p>
        ) : (
          <table class="schools">
            <thead>
              <tr>
                <th scope="col">School</th>
                <th scope="col">Terms and conditions</th>
                <th scope="col">Accepted</th>
              </tr>
            </thead>
            <tbody>
              {schools.items.map((s) => (
                <tr key={s.id} data-school={s.id}>
                  <td>
                    <a href={`#/schools/${encodeURIComponent(s.id)}/pending`}>{s.name}</a>
                    {s.dummy && <span class="badge">migration site</span>}
                  </td>
                  <td>
                    {s.terms.title} (version {s.terms.version})
                  </td>
                  <td>{s.terms.accepted ? when(s.terms.accepted_at) : "Not yet: you accept them when you first act here"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {schools && <TrustDeletions trust={trust} names={names} />}
      </main>
    </TrustPage>
  );
}

// The audit trail of every school of the trust.
export function TrustAudit({ trust }: { trust: string }) {
  const { onFailure } = useSession();
  const { schools, error, setError } = useTrustSchools(trust);
  const [apps, setApps] = useState<{ id: string; name: string }[]>([]);
  // The catalogue's apps, for the filter: every app has a cell at the trust's first school.
  const first = schools?.items[0]?.id;
  useEffect(() => {
    if (!first) return;
    trustMatrix(trust, () => {}, { school: first }).then(
      (cells) =>
        setApps(
          cells.map((c) => ({ id: c.app, name: c.app_name })).sort((a, b) => a.name.localeCompare(b.name)),
        ),
      onFailure(setError),
    );
  }, [trust, first, onFailure, setError]);
  const names = new Map((schools?.items ?? []).map((s) => [s.id, s.name]));
  return (
    <TrustPage trust={trust} tab="audit" schools={schools} error={error}>
      <main class="trust">
        <h1>Audit trail</h1>
        <AuditTrail
          scope={{ trusts: trust }}
          apps={apps}
          schools={names}
          onError={setError}
        />
      </main>
    </TrustPage>
  );
}

// The sign-in history of the trust's own users (its central team and others at the trust).
export function TrustUsers({ trust }: { trust: string }) {
  const { schools, error, setError } = useTrustSchools(trust);
  return (
    <TrustPage trust={trust} tab="users" schools={schools} error={error}>
      <main class="trust">
        <SiteUsers site={trust} onError={setError} />
      </main>
    </TrustPage>
  );
}
