// The slide-over of one app at one school: its summary, the permission table (a tick or a cross
// under Read, Write, Update and Delete per data type, and which fields), the decisions the state
// allows, the data list as CSV, and the app's history here. A dialog: focus stays inside it, and
// Escape closes it.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  AppDetail,
  AuditEntry,
  Decision,
  DeletionAttestation,
  Grant,
  RejectReasonCode,
  appDetail,
  appHistory,
  approveOnDummySite,
  dataCsvUrl,
  decide,
  reject,
  rejectReasons,
  schoolDeletions,
} from "./api";
import { useDialogKeys } from "./dialog";
import { when } from "./format";
import { useSession } from "./session";

const operations: (keyof Pick<Grant, "read" | "write" | "update" | "delete">)[] = [
  "read",
  "write",
  "update",
  "delete",
];


function Mark({ yes, label }: { yes: boolean; label: string }) {
  return (
    <span class={yes ? "yes" : "no"} role="img" aria-label={`${label}: ${yes ? "yes" : "no"}`}>
      {yes ? "✓" : "✗"}
    </span>
  );
}

// The reject step: why (optional, from the short list; "Another reason" needs a note), and a
// note, both shown to the partner. Confirming sends them with the reject.
function RejectStep(props: {
  detail: AppDetail;
  busy: boolean;
  onReject: (reason: RejectReasonCode | "", note: string) => void;
  onKeep: () => void;
}) {
  const { detail, busy, onReject, onKeep } = props;
  const [reason, setReason] = useState<RejectReasonCode | "">("");
  const [note, setNote] = useState("");
  const revoking = detail.status === "approved";
  const needsNote = reason === "other" && note.trim() === "";
  return (
    <div class="confirm" role="alertdialog" aria-labelledby="confirm-text">
      <p id="confirm-text">
        {revoking
          ? `Revoke ${detail.name} at ${detail.school.name}? From the moment this is done, ${detail.name} can no longer read or change any of the school's data listed below.`
          : `Reject ${detail.name}'s request to connect to ${detail.school.name}?`}{" "}
        {detail.vendor} is told, with the reason you give.
      </p>
      <label class="field">
        Reason {detail.vendor} is given
        <select value={reason} onChange={(e) => setReason(e.currentTarget.value as RejectReasonCode | "")}>
          <option value="">No reason given</option>
          {rejectReasons.map((r) => (
            <option key={r.code} value={r.code}>
              {r.text}
            </option>
          ))}
        </select>
      </label>
      {reason !== "" && (
        <label class="field">
          Note for {detail.vendor} {reason === "other" ? "(required)" : "(optional)"}
          <textarea
            value={note}
            maxLength={500}
            rows={3}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </label>
      )}
      <button type="button" class="danger" disabled={busy || needsNote} onClick={() => onReject(reason, note)}>
        {revoking ? `Revoke ${detail.name}` : `Reject ${detail.name}`}
      </button>
      <button type="button" class="secondary" onClick={onKeep}>
        {revoking ? "Keep it approved" : "Decide later"}
      </button>
    </div>
  );
}

// An approve on a dummy (migration) site: the help article's warning first, then an explicit
// confirmation.
function DummySiteStep(props: { detail: AppDetail; busy: boolean; onApprove: () => void; onKeep: () => void }) {
  const { detail, busy, onApprove, onKeep } = props;
  return (
    <div class="confirm" role="alertdialog" aria-labelledby="dummy-text">
      <p id="dummy-text">
        {detail.school.name} is a dummy (migration) site. An approval made here is kept when the site
        is wiped and remigrated, but its ids (students, staff) change then, so we recommend approving
        on the live site. If you approve now, {detail.vendor} is told the new ids at go-live.
      </p>
      <button type="button" disabled={busy} onClick={onApprove}>
        Approve on the dummy site
      </button>
      <button type="button" class="secondary" onClick={onKeep}>
        Wait for the live site
      </button>
    </div>
  );
}

// After a revocation: whether the partner said it deleted the school's data, in time.
function DeletionLine({ detail, request }: { detail: AppDetail; request: DeletionAttestation }) {
  if (request.state === "attested" && request.attested_at) {
    return (
      <p class="reason deletion">
        {detail.vendor} confirmed on {when(request.attested_at)} that it deleted {detail.school.name}'s
        data{request.note ? ` (“${request.note}”)` : ""}.
      </p>
    );
  }
  return (
    <p class={`reason deletion ${request.state}`}>
      {detail.vendor} was asked to delete {detail.school.name}'s data and confirm by {when(request.due_by)}.{" "}
      {request.state === "overdue" ? "Overdue: not confirmed in time." : "Not confirmed yet."}
    </p>
  );
}

function History({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p class="empty">Nothing has happened to this app here yet.</p>;
  return (
    <ol class="history">
      {entries.map((e) => (
        <li key={e.id}>
          <time dateTime={e.at}>{when(e.at)}</time>: {e.actor.name ?? e.actor.email ?? e.actor.id}{" "}
          {e.action}
          {e.from_status ? ` (${e.from_status} → ${e.to_status})` : ` (${e.to_status})`}
          {e.via_trust && " via the trust"}
          {e.reason && `: ${rejectReasons.find((r) => r.code === e.reason?.code)?.text ?? e.reason.code}`}
          {e.reason?.note && ` (“${e.reason.note}”)`}
        </li>
      ))}
    </ol>
  );
}

export function AppPanel(props: {
  school: string;
  app: string;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { school, app, onClose, onChanged } = props;
  const { onFailure } = useSession();
  const [detail, setDetail] = useState<AppDetail | null>(null);
  const [history, setHistory] = useState<AuditEntry[]>([]);
  const [deletion, setDeletion] = useState<DeletionAttestation | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [approvingDummy, setApprovingDummy] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const failed = useMemo(() => onFailure((e) => setError(e.message)), [onFailure]);
  const load = useCallback(
    () =>
      Promise.all([appDetail(school, app), appHistory(school, app), schoolDeletions(school)]).then(
        ([d, h, deletions]) => {
          setDetail(d);
          setHistory(h);
          setDeletion(deletions.find((r) => r.app === app) ?? null);
        },
        failed,
      ),
    [school, app, failed],
  );

  useEffect(() => {
    load();
  }, [load]);
  // The heading takes focus once, when the app first shows; not again after a decision.
  const loaded = detail !== null;
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);
  useDialogKeys(
    root,
    confirming ? () => setConfirming(false) : approvingDummy ? () => setApprovingDummy(false) : onClose,
  );

  // On a dummy site an approve asks first (DummySiteStep), then goes with the confirmation.
  const approve = () => {
    if (detail?.school.dummy) setApprovingDummy(true);
    else act("approve");
  };

  const act = async (
    decision: Decision,
    why?: { reason: RejectReasonCode | ""; note: string },
    dummyConfirmed = false,
  ) => {
    setBusy(true);
    setError("");
    setConfirming(false);
    setApprovingDummy(false);
    try {
      if (decision === "approve" && dummyConfirmed) {
        await approveOnDummySite(school, app);
      } else if (decision === "reject" && why && why.reason !== "") {
        const note = why.note.trim();
        await reject(school, app, note ? { reason: why.reason, note } : { reason: why.reason });
      } else {
        await decide(school, app, decision);
      }
      onChanged();
      if (decision === "cancel") onClose();
      else await load();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="overlay">
      <div
        class="panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="panel-title"
        ref={root}
      >
        {!detail ? (
          <p class="loading">{error || "Loading…"}</p>
        ) : (
          <>
            <header class="panel-head">
              <h2 id="panel-title" tabIndex={-1} ref={heading}>
                {detail.name}
              </h2>
              <button type="button" class="link" onClick={onClose}>
                Close
              </button>
            </header>
            <p class="vendor">
              {detail.vendor} · {detail.kind.replace(/_/g, " ")} ·{" "}
              <span class="status">{detail.status.replace(/_/g, " ")}</span>
            </p>
            <p>{detail.description}</p>
            {detail.warnings.map((w) => (
              <p class="warning" key={w}>
                {w}
              </p>
            ))}
            {error && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <div class="actions">
              {detail.status === "pending" && (
                <>
                  <button type="button" disabled={busy} onClick={approve}>
                    Approve
                  </button>
                  {!confirming && (
                    <button type="button" class="danger" disabled={busy} onClick={() => setConfirming(true)}>
                      Reject
                    </button>
                  )}
                  <button type="button" class="secondary" disabled={busy} onClick={() => act("cancel")}>
                    Cancel
                  </button>
                </>
              )}
              {detail.status === "approved" &&
                detail.permission_set_version !== detail.current_permission_set_version && (
                  <button type="button" disabled={busy} onClick={approve}>
                    Approve version {detail.current_permission_set_version}
                  </button>
                )}
              {detail.status === "approved" && !confirming && (
                <button type="button" class="danger" disabled={busy} onClick={() => setConfirming(true)}>
                  Reject
                </button>
              )}
              {detail.status === "rejected" && (
                <button type="button" disabled={busy} onClick={approve}>
                  Approve
                </button>
              )}
              <a class="button secondary" href={dataCsvUrl(school, app)} download>
                Download list
              </a>
            </div>
            {detail.status === "rejected" && detail.reject_reason && (
              <p class="reason">
                Rejected: {detail.reject_reason.text}
                {detail.reject_reason.note && ` (“${detail.reject_reason.note}”)`}. {detail.vendor} was
                told.
              </p>
            )}
            {deletion && <DeletionLine detail={detail} request={deletion} />}
            {detail.status === "expired" && (
              <p class="reason">
                This request expired before anyone decided. {detail.name} can ask again; it then
                shows under Pending requests.
              </p>
            )}
            {approvingDummy && (
              <DummySiteStep
                detail={detail}
                busy={busy}
                onApprove={() => act("approve", undefined, true)}
                onKeep={() => setApprovingDummy(false)}
              />
            )}
            {confirming && (
              <RejectStep
                detail={detail}
                busy={busy}
                onReject={(reason, note) => act("reject", { reason, note })}
                onKeep={() => setConfirming(false)}
              />
            )}
            <h3>What {detail.name} may do</h3>
            <Grants grants={detail.permissions} label={`What ${detail.name} may do`} />
            {detail.permissions_for_review.length > 0 && (
              <section class="for-review">
                <h3>For review: what {detail.name} now asks for beyond your approval</h3>
                <p>
                  Until {detail.school.name} approves again, {detail.name} keeps what it was approved
                  for and is denied these.
                </p>
                <Grants grants={detail.permissions_for_review} label="For review" />
              </section>
            )}
            <h3>History at {detail.school.name}</h3>
            <History entries={history} />
          </>
        )}
      </div>
    </div>
  );
}

// A permission set as a table: data types by row, each with why the app needs it, operations
// ticked or crossed, then fields.
export function Grants({ grants, label }: { grants: Grant[]; label: string }) {
  return (
    <table class="permissions" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Data type</th>
          <th scope="col">Read</th>
          <th scope="col">Write</th>
          <th scope="col">Update</th>
          <th scope="col">Delete</th>
          <th scope="col">Fields</th>
        </tr>
      </thead>
      <tbody>
        {grants.map((g, i) => (
          <tr key={`${g.data_type}-${i}`} data-type={g.data_type}>
            <th scope="row">
              <span class="data-type">{g.data_type}</span>
              {g.purpose && <span class="purpose">{g.purpose}</span>}
            </th>
            {operations.map((op) => (
              <td key={op}>
                <Mark yes={g[op]} label={op} />
              </td>
            ))}
            <td class="fields">{g.fields === "all" ? "all fields" : g.fields.join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
