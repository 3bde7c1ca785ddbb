// A school's audit trail, beside the school's menu.
import { useEffect, useState } from "preact/hooks";
import { ApiError, SchoolAppList, schoolApps, onFailure } from "./api";
import { AuditTrail } from "./audit_trail";
import { Refusal } from "./school_apps";
import { SchoolMenu } from "./school_menu";

export function SchoolAudit(props: { school: string; onExpired: () => void }) {
  const { school, onExpired } = props;
  const [list, setList] = useState<SchoolAppList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    schoolApps(school).then(setList, onFailure(onExpired, setError));
  }, [school]);

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
        <AuditTrail
          scope={{ schools: school }}
          apps={(list?.items ?? []).map((a) => ({ id: a.app, name: a.name }))}
          onError={setError}
          onExpired={onExpired}
        />
      </main>
    </div>
  );
}
