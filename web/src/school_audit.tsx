// A school's audit trail and its users' sign-in history, each beside the school's menu.
import { useState } from "preact/hooks";
import { ApiError } from "./api";
import { AuditTrail } from "./audit_trail";
import { SchoolFrame } from "./school_frame";
import { SiteUsers } from "./site_users";

export function SchoolAudit({ school }: { school: string }) {
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <SchoolFrame
      school={school}
      current="audit"
      refusal="This school's audit trail is for its administrators."
      error={error}
    >
      {(list) => (
        <>
          <h1>Audit trail</h1>
          <AuditTrail
            scope={{ schools: school }}
            apps={(list?.items ?? []).map((a) => ({ id: a.app, name: a.name }))}
            onError={setError}
          />
        </>
      )}
    </SchoolFrame>
  );
}

// The sign-in history of the school's users, beside the school's menu.
export function SchoolUsers({ school }: { school: string }) {
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <SchoolFrame
      school={school}
      current="users"
      refusal="The sign-in history of a school's users is for those who manage its users."
      error={error}
    >
      {() => <SiteUsers site={school} onError={setError} />}
    </SchoolFrame>
  );
}
