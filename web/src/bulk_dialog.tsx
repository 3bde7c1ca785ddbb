// A bulk decision across a trust's schools, in one dialog: first the confirmation (exactly how
// many connections in how many schools change, which are left as they are, and the terms of
// any school the user has not accepted yet), then progress, then the answer item by item.
// The batch goes as one POST with an Idempotency-Key that a retry reuses, so a lost answer
// never applies anything twice.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, BulkAnswer, BulkItem, Cell, TrustSchool, acceptTerms, bulkDecide } from "./api";
import { useDialogKeys } from "./dialog";
import { when } from "./format";
import { Action, plan, plural, targetOf, termsToAccept } from "./matrix";
import { useSession } from "./session";

// The API's limit on one batch (POST .../decisions).
const maxBatch = 5000;

type Phase =
  | { step: "confirm" }
  | { step: "terms"; done: number; total: number }
  | { step: "applying" }
  | { step: "answered"; answer: BulkAnswer }
  | { step: "failed"; error: ApiError };

// Why an item was refused, in words; the API's own message follows.
const reasons: Record<string, string> = {
  invalid_transition: "its status changed since the matrix was loaded",
  connection_not_found: "the app has not asked to connect to this school",
  terms_not_accepted: "the school's terms must be accepted first",
  unknown_school: "the school is not one of the trust's",
  unknown_app: "there is no such app",
  duplicate_item: "the batch names it twice",
  application_not_live: "the app is not live yet",
  competitor_not_connectable: "this app may not connect to schools on this MIS",
  dummy_site_not_confirmed: "the school is a dummy (migration) site and the warning was not confirmed",
};

// What a failed attempt means for the batch, and whether trying again (same key) can help.
function explainFailure(error: ApiError): { text: string; retry: boolean } {
  if (error.code === "terms_changed")
    return { text: `${error.message}. Close this, read the new terms and start again.`, retry: false };
  if (error.code === "idempotency_key_in_progress")
    return { text: "The first attempt is still being applied. Try again in a moment to see its result.", retry: true };
  if (error.code === "concurrent_change")
    return {
      text: "A connection changed while the batch was being applied, so nothing was written. Try again, or close this and look at the matrix again.",
      retry: true,
    };
  if (error.status === 0 || error.status >= 500)
    return {
      text: `${error.message} The batch may or may not have been applied: trying again sends the very same batch with the same key, so nothing is applied twice.`,
      retry: true,
    };
  return { text: error.message, retry: false };
}

// A key for one batch: 128 random bits as hex (crypto.randomUUID needs a secure context).
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function BulkDialog(props: {
  trust: string;
  action: Action;
  selected: Cell[];
  schools: TrustSchool[];
  onChanged: () => void;
  onClose: (applied: boolean) => void;
}) {
  const { trust, action, onChanged, onClose } = props;
  const { onFailure } = useSession();
  // What the dialog was opened on, kept while it is open: the matrix may refresh behind it.
  const [[p, terms, names, dummies]] = useState(() => {
    const p = plan(props.selected, action);
    return [
      p,
      termsToAccept(props.schools, p.schools),
      new Map(props.schools.map((s) => [s.id, s.name])),
      // Approves at dummy (migration) sites need the warning read and confirmed.
      action === "approve"
        ? props.schools.filter((s) => s.dummy && p.schools.includes(s.id)).map((s) => s.name)
        : [],
    ] as const;
  });
  const [accepted, setAccepted] = useState(false);
  const [dummyConfirmed, setDummyConfirmed] = useState(false);
  const [phase, setPhase] = useState<Phase>({ step: "confirm" });
  const batch = useRef<{ key: string; items: BulkItem[] } | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const title = useRef<HTMLHeadingElement>(null);

  const working = phase.step === "terms" || phase.step === "applying";
  const tooMany = p.changes.length > maxBatch;
  const answered = phase.step === "answered" && phase.answer.kind === "applied";
  const close = () => !working && onClose(answered);
  useDialogKeys(root, close);
  useEffect(() => title.current?.focus(), [phase.step]);

  const verb = action === "approve" ? "Approve" : "Reject";
  const schoolName = (id: string) => names.get(id) ?? id;
  const appName = (school: string, app: string) =>
    props.selected.find((c) => c.school === school && c.app === app)?.app_name ?? app;

  // Accepts the terms still to accept (again on a retry: accepting twice changes nothing), then
  // sends the batch, with the key it was first sent with.
  const run = async () => {
    try {
      for (let i = 0; i < terms.length; i++) {
        setPhase({ step: "terms", done: i, total: terms.length });
        await acceptTerms(trust, terms[i].id, terms[i].terms.version);
      }
      batch.current ??= {
        key: newKey(),
        items: p.changes.map((c) => ({
          school: c.school,
          app: c.app,
          action,
          from: c.status as BulkItem["from"],
        })),
      };
      setPhase({ step: "applying" });
      const answer = await bulkDecide(trust, batch.current.key, batch.current.items, dummies.length > 0);
      setPhase({ step: "answered", answer });
      onChanged();
    } catch (e) {
      onFailure((error) => setPhase({ step: "failed", error }))(e);
      // The batch may have been applied (a lost answer), or terms accepted: read again.
      onChanged();
    }
  };

  return (
    <div class="overlay">
      <div class="panel bulk" role="dialog" aria-modal="true" aria-labelledby="bulk-title" ref={root}>
        {phase.step === "confirm" && (
          <>
            <h2 id="bulk-title" tabIndex={-1} ref={title}>
              {p.changes.length === 0
                ? "Nothing to change"
                : `${verb} ${plural(p.changes.length, "connection")} in ${plural(p.schools.length, "school")}?`}
            </h2>
            {p.changes.length === 0 && (
              <p>
                {p.unchanged.length === 1
                  ? `The selected connection is ${targetOf(action)} already.`
                  : `All ${p.unchanged.length} selected connections are ${targetOf(action)} already.`}
              </p>
            )}
            {p.revokes > 0 && (
              <p class="warning">
                {plural(p.revokes, "approved app")} will be revoked: from the moment this is done they can no
                longer read or change the school's data.
              </p>
            )}
            <ul class="plan">
              {p.schools.map((s) => (
                <li key={s}>
                  <strong>{schoolName(s)}</strong>:{" "}
                  {p.changes
                    .filter((c) => c.school === s)
                    .map((c) => `${c.app_name} (${c.status} → ${targetOf(action)})`)
                    .join(", ")}
                </li>
              ))}
            </ul>
            {p.changes.length > 0 && p.unchanged.length > 0 && (
              <p class="unchanged">
                {plural(p.unchanged.length, "selected connection is", "selected connections are")}{" "}
                {targetOf(action)} already and will stay as {p.unchanged.length === 1 ? "it is" : "they are"}.
              </p>
            )}
            {p.changes.length > 0 && terms.length > 0 && (
              <fieldset class="terms">
                <legend>Terms and conditions to accept first</legend>
                <p>You have not yet accepted the terms of {plural(terms.length, "school")} you act in here:</p>
                <ul>
                  {terms.map((s) => (
                    <li key={s.id}>
                      {s.name}: <cite>{s.terms.title}</cite> (version {s.terms.version})
                    </li>
                  ))}
                </ul>
                <label>
                  <input
                    type="checkbox"
                    checked={accepted}
                    onChange={(e) => setAccepted((e.target as HTMLInputElement).checked)}
                  />{" "}
                  I accept these terms and conditions
                </label>
              </fieldset>
            )}
            {p.changes.length > 0 && dummies.length > 0 && (
              <fieldset class="terms">
                <legend>Dummy (migration) sites</legend>
                <p>
                  {dummies.join(", ")} {dummies.length === 1 ? "is a dummy site" : "are dummy sites"}. An
                  approval made there is kept when the site is wiped and remigrated, but its ids (students,
                  staff) change then, so we recommend approving on the live site. The apps are told the
                  new ids at go-live.
                </p>
                <label>
                  <input
                    type="checkbox"
                    checked={dummyConfirmed}
                    onChange={(e) => setDummyConfirmed((e.target as HTMLInputElement).checked)}
                  />{" "}
                  I have read this: approve at the dummy {dummies.length === 1 ? "site" : "sites"} too
                </label>
              </fieldset>
            )}
            {tooMany && (
              <p class="error" role="alert">
                One batch holds at most {maxBatch.toLocaleString("en-GB")} decisions: select fewer
                connections (for example one status or a few apps at a time).
              </p>
            )}
            <div class="actions">
              {p.changes.length > 0 && (
                <button
                  type="button"
                  class={action === "reject" ? "danger" : undefined}
                  disabled={tooMany || (terms.length > 0 && !accepted) || (dummies.length > 0 && !dummyConfirmed)}
                  onClick={run}
                >
                  {verb} {plural(p.changes.length, "connection")}
                </button>
              )}
              <button type="button" class="secondary" onClick={close}>
                {p.changes.length > 0 ? "Go back" : "Close"}
              </button>
            </div>
          </>
        )}
        {working && (
          <>
            <h2 id="bulk-title" tabIndex={-1} ref={title}>
              {phase.step === "terms" ? "Accepting terms…" : `Applying ${plural(p.changes.length, "decision")}…`}
            </h2>
            <p role="status">
              {phase.step === "terms" ? (
                <>
                  <progress max={phase.total} value={phase.done} aria-label="Terms accepted" /> Accepting the terms of{" "}
                  {terms[phase.done].name} ({phase.done + 1} of {phase.total})
                </>
              ) : (
                <>
                  <progress aria-label="Applying the batch" /> One batch, all or nothing: please wait.
                </>
              )}
            </p>
          </>
        )}
        {phase.step === "answered" && phase.answer.kind === "applied" && (
          <>
            <h2 id="bulk-title" tabIndex={-1} ref={title}>
              {plural(phase.answer.items.length, "connection")} changed
            </h2>
            <p role="status">
              {phase.answer.replayed
                ? "This batch had been applied already, by the attempt whose answer was lost: this is its result, and nothing was applied twice."
                : `Every decision was applied, in ${plural(p.schools.length, "school")}.`}
            </p>
            <table class="results">
              <thead>
                <tr>
                  <th scope="col">School</th>
                  <th scope="col">App</th>
                  <th scope="col">Now</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {phase.answer.items.map((i) => (
                  <tr key={i.index} data-school={i.school} data-app={i.app}>
                    <td>{schoolName(i.school)}</td>
                    <td>{appName(i.school, i.app)}</td>
                    <td class="status">{i.status}</td>
                    <td>{when(i.decided_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        {phase.step === "answered" && phase.answer.kind === "refused" && (
          <>
            <h2 id="bulk-title" tabIndex={-1} ref={title}>
              Nothing was changed
            </h2>
            <p role="alert">
              {plural(phase.answer.errors.length, "item was", "items were")} refused, so none of the{" "}
              {plural(p.changes.length, "decision")} was applied. Close this to see the matrix as it is now,
              then choose again.
            </p>
            <ul class="refused">
              {phase.answer.errors.map((e) => (
                <li key={e.index} data-school={e.school} data-app={e.app} data-code={e.code}>
                  <strong>
                    {appName(e.school, e.app)} at {schoolName(e.school)}
                  </strong>
                  : {reasons[e.code] ?? "refused"} ({e.message}).
                </li>
              ))}
            </ul>
            {phase.answer.terms.length > 0 && (
              <p>
                Terms to accept first:{" "}
                {phase.answer.terms.map((t) => `${t.title} (version ${t.version})`).join("; ")}.
              </p>
            )}
          </>
        )}
        {phase.step === "failed" && (
          <>
            <h2 id="bulk-title" tabIndex={-1} ref={title}>
              The batch did not go through
            </h2>
            <p role="alert">{explainFailure(phase.error).text}</p>
          </>
        )}
        {(phase.step === "answered" || phase.step === "failed") && (
          <div class="actions">
            {phase.step === "failed" && explainFailure(phase.error).retry && (
              <button type="button" onClick={run}>
                Try again
              </button>
            )}
            <button type="button" class="secondary" onClick={close}>
              Close
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
