// A trust's central team: the trust's schools, each a way into that school's partner apps.
import { useEffect, useState } from "preact/hooks";
import { ApiError, TrustSchool, onFailure, trustSchools } from "./api";
import { Refusal } from "./school_apps";

export function TrustHome(props: { trust: string; onExpired: () => void }) {
  const { trust, onExpired } = props;
  const [schools, setSchools] = useState<TrustSchool[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    trustSchools(trust).then(setSchools, onFailure(onExpired, setError));
  }, [trust]);

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
  if (!schools) return <p class="loading">Loading…</p>;
  return (
    <main class="trust">
      <h1>Schools of the trust</h1>
      <ul class="schools">
        {schools.map((s) => (
          <li key={s.id}>
            <a href={`#/schools/${encodeURIComponent(s.id)}/pending`}>{s.name}</a>
            {s.dummy && <span class="badge">migration site</span>}
          </li>
        ))}
      </ul>
    </main>
  );
}
