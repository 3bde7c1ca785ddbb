// The JSON API as the screens use it: the session cookie goes with every request, the CSRF
// token with every change, and an error comes back as its stable code and its message. The
// types are docs/openapi.yaml's (api_types.ts, generated): each call is typed by its operation.
import type { components, operations } from "./api_types";

type Schemas = components["schemas"];
type Json<R> = R extends { content: { "application/json": infer T } } ? T : undefined;
type Responses<Op extends keyof operations> = operations[Op]["responses"];
// What an operation answers when it succeeds (its 200, 201 or 204).
type Answer<Op extends keyof operations> = Json<Responses<Op>[Extract<keyof Responses<Op>, 200 | 201 | 204>]>;
type Body<Op extends keyof operations> = Json<NonNullable<operations[Op]["requestBody"]>>;
type Query<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;

export type User = Schemas["User"];
export type AppSummary = Schemas["ConnectionSummary"];
export type SchoolAppList = Schemas["ConnectionList"];
export type TrustSchools = Schemas["TrustSchools"];
export type TrustSchool = TrustSchools["items"][number];
// A cell of the trust's matrix: one app at one school.
export type Cell = Schemas["TrustMatrixCell"];
export type CellStatus = Cell["status"];
export type BulkItem = Schemas["BulkDecisionItem"];
export type BulkApplied = Schemas["BulkDecisionResult"]["items"][number];
export type BulkItemError = Schemas["BulkItemError"];
export type TermsToAccept = Schemas["TermsToAccept"];
export type Grant = Schemas["PermissionRow"];
export type AppDetail = Schemas["ConnectionDetail"];
export type AuditEntry = Schemas["AuditRecord"];
export type Notice = Schemas["Notification"];
export type SiteUser = Schemas["SiteUser"];
export type LoginAttempt = Schemas["LoginAttempt"];
export type DeletionAttestation = Schemas["DeletionAttestation"];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    // With trust_requirements_not_met: what the trust user still lacks.
    readonly missing: string[] = [],
  ) {
    super(message);
  }
}

// A failure as an ApiError: a call that never got an answer is one of its own.
export function toApiError(e: unknown): ApiError {
  return e instanceof ApiError
    ? e
    : new ApiError(0, "unavailable", "Canopy could not be reached. Check your connection.");
}

// The ApiError of an answer that is not a success, from its JSON body when it has one.
function refusal(status: number, json: unknown): ApiError {
  const error = json as Partial<Schemas["Error"]> | null;
  return new ApiError(
    status,
    error?.code ?? "unavailable",
    error?.message ?? `The service answered ${status}.`,
    error?.missing,
  );
}

let csrfToken = "";

// A request's JSON answer, or its refusal thrown as an ApiError.
async function call<Op extends keyof operations>(
  method: string,
  path: string,
  body?: Body<Op>,
): Promise<Answer<Op>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as Answer<Op>;
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw refusal(response.status, json);
  return json as Answer<Op>;
}

export async function signIn(email: string, password: string): Promise<User> {
  const answer = await call<"signIn">("POST", "/api/v1/session", { email, password });
  csrfToken = answer.csrf_token ?? "";
  return answer.user;
}

export async function me(): Promise<User> {
  const answer = await call<"getMe">("GET", "/api/v1/me");
  csrfToken = answer.csrf_token;
  return answer;
}

export async function signOut(): Promise<void> {
  await call<"signOut">("DELETE", "/api/v1/session");
  csrfToken = "";
}

export function schoolApps(school: string): Promise<SchoolAppList> {
  return call<"listSchoolApps">("GET", `/api/v1/schools/${encodeURIComponent(school)}/apps`);
}

function trustPath(trust: string): string {
  return `/api/v1/trusts/${encodeURIComponent(trust)}`;
}

// What partners were asked to delete after revocations, newest first.
export async function schoolDeletions(school: string): Promise<DeletionAttestation[]> {
  const list = await call<"listSchoolDeletionAttestations">(
    "GET",
    `/api/v1/schools/${encodeURIComponent(school)}/deletion-attestations`,
  );
  return list.items;
}

export async function trustDeletions(trust: string): Promise<DeletionAttestation[]> {
  const list = await call<"listTrustDeletionAttestations">("GET", `${trustPath(trust)}/deletion-attestations`);
  return list.items;
}

export function trustSchools(trust: string): Promise<TrustSchools> {
  return call<"listTrustSchools">("GET", `${trustPath(trust)}/schools`);
}

export function acceptTerms(trust: string, school: string, version: number): Promise<unknown> {
  return call<"acceptSchoolTerms">(
    "POST",
    `${trustPath(trust)}/schools/${encodeURIComponent(school)}/terms-acceptance`,
    { version },
  );
}

// Every cell of the trust's matrix (or those `filter` keeps), a page of 1,000 at a time;
// `progress` hears after each page the cells so far and how many there are in all. The next
// page is asked for before `progress` runs, so the network works while the screen draws.
export async function trustMatrix(
  trust: string,
  progress: (cells: Cell[], total: number) => void,
  filter: Pick<Query<"trustMatrix">, "school" | "app" | "status"> = {},
): Promise<Cell[]> {
  type Page = Answer<"trustMatrix">;
  const ask = (after: string | null) => {
    const q = new URLSearchParams({ ...filter, limit: "1000" });
    if (after) q.set("after", after);
    return call<"trustMatrix">("GET", `${trustPath(trust)}/apps?${q}`);
  };
  const cells: Cell[] = [];
  for (let next: Promise<Page> | null = ask(null); next; ) {
    const page: Page = await next;
    next = page.next_after ? ask(page.next_after) : null;
    cells.push(...page.items);
    progress([...cells], page.total);
  }
  return cells;
}

// A bulk decision's answer: applied (200, perhaps the replay of an earlier answer to the same
// key), or refused item by item (422 invalid_items). Anything else is thrown as an ApiError.
export type BulkAnswer =
  | { kind: "applied"; replayed: boolean; items: BulkApplied[] }
  | { kind: "refused"; replayed: boolean; message: string; errors: BulkItemError[]; terms: TermsToAccept[] };

// `confirmDummySites`: the user read the dummy-site warning for the batch's approves there.
export async function bulkDecide(
  trust: string,
  key: string,
  items: BulkItem[],
  confirmDummySites = false,
): Promise<BulkAnswer> {
  const body: Body<"bulkDecide"> = confirmDummySites ? { items, confirm_dummy_sites: true } : { items };
  const response = await fetch(`${trustPath(trust)}/decisions`, {
    method: "POST",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      "Idempotency-Key": key,
      "X-CSRF-Token": csrfToken,
    },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json().catch(() => null);
  const replayed = response.headers.get("Idempotent-Replayed") === "true";
  if (response.status === 200) {
    return { kind: "applied", replayed, items: (json as Schemas["BulkDecisionResult"]).items };
  }
  const refused = json as Schemas["BulkRefusal"] | null;
  if (response.status === 422 && refused?.code === "invalid_items") {
    return {
      kind: "refused",
      replayed,
      message: refused.message,
      errors: refused.errors ?? [],
      terms: refused.terms ?? [],
    };
  }
  throw refusal(response.status, json);
}

export function trustExportUrl(trust: string): string {
  return `${trustPath(trust)}/export.csv`;
}

export type Decision = "approve" | "reject" | "cancel";

function appPath(school: string, app: string): string {
  return `/api/v1/schools/${encodeURIComponent(school)}/apps/${encodeURIComponent(app)}`;
}

export function appDetail(school: string, app: string): Promise<AppDetail> {
  return call<"getSchoolApp">("GET", appPath(school, app));
}

export function decide(school: string, app: string, decision: Decision): Promise<AppDetail> {
  return call<"approveSchoolApp" | "rejectSchoolApp" | "cancelSchoolApp">(
    "POST",
    `${appPath(school, app)}/${decision}`,
  );
}

// Why a school rejects: shown to the partner, kept in the audit.
export type RejectWhy = NonNullable<Body<"rejectSchoolApp">>;
export type RejectReasonCode = NonNullable<RejectWhy["reason"]>;

// The reasons a school may give, in the order the screen offers them, in the words the server
// sends back (core/connection.cpp).
export const rejectReasons: { code: RejectReasonCode; text: string }[] = [
  { code: "not_needed", text: "The school does not need this app" },
  { code: "not_requested", text: "The school did not ask for this connection" },
  { code: "data_concerns", text: "Concerns about how the data would be used" },
  { code: "too_many_permissions", text: "The app asks for more data than it needs" },
  { code: "other", text: "Another reason" },
];

// An approve on a dummy (migration) site, once the admin has read the warning.
export function approveOnDummySite(school: string, app: string): Promise<AppDetail> {
  const body: Body<"approveSchoolApp"> = { confirm_dummy_site: true };
  return call<"approveSchoolApp">("POST", `${appPath(school, app)}/approve`, body);
}

export function reject(school: string, app: string, why: RejectWhy): Promise<AppDetail> {
  return call<"rejectSchoolApp">("POST", `${appPath(school, app)}/reject`, why);
}

export function dataCsvUrl(school: string, app: string): string {
  return `${appPath(school, app)}/data.csv`;
}

// What an audit trail can be filtered by (from and to: RFC 3339).
export type AuditFilter = Pick<Query<"listSchoolAudit">, "app" | "action" | "from" | "to">;

function auditQuery(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, ...extra })) if (v) q.set(k, v);
  return q.toString();
}

// Whose audit trail: one school's, or every school's of a trust.
export type AuditScope = { schools: string } | { trusts: string };

function auditPath(scope: AuditScope): string {
  const [kind, id] = Object.entries(scope)[0];
  return `/api/v1/${kind}/${encodeURIComponent(id)}/audit`;
}

export function audit(
  scope: AuditScope,
  filter: AuditFilter,
  before?: number,
): Promise<Answer<"listSchoolAudit" | "listTrustAudit">> {
  const extra: Record<string, string> = { limit: "50" };
  if (before) extra.before = String(before);
  return call<"listSchoolAudit" | "listTrustAudit">("GET", `${auditPath(scope)}?${auditQuery(filter, extra)}`);
}

export function auditCsvUrl(scope: AuditScope, filter: AuditFilter): string {
  return `${auditPath(scope)}?${auditQuery(filter, { format: "csv" })}`;
}

export async function appHistory(school: string, app: string): Promise<AuditEntry[]> {
  const answer = await call<"listSchoolAudit">(
    "GET",
    `/api/v1/schools/${encodeURIComponent(school)}/audit?app=${encodeURIComponent(app)}&limit=20`,
  );
  return answer.items;
}

export function notifications(): Promise<Answer<"listNotifications">> {
  return call<"listNotifications">("GET", "/api/v1/notifications");
}

export function markRead(id: number): Promise<Notice> {
  return call<"markNotificationRead">("POST", `/api/v1/notifications/${id}/read`);
}

export function markAllRead(upTo: number): Promise<Answer<"markAllNotificationsRead">> {
  return call<"markAllNotificationsRead">("POST", "/api/v1/notifications/read-all", { up_to: upTo });
}

export function siteUsers(site: string): Promise<Answer<"listSiteUsers">> {
  return call<"listSiteUsers">("GET", `/api/v1/sites/${encodeURIComponent(site)}/users`);
}

export function userLogins(site: string, email: string, before?: number): Promise<Answer<"listUserLogins">> {
  const q = new URLSearchParams({ limit: "20" });
  if (before) q.set("before", String(before));
  return call<"listUserLogins">(
    "GET",
    `/api/v1/sites/${encodeURIComponent(site)}/users/${encodeURIComponent(email)}/logins?${q}`,
  );
}

// The alternative connection: a school user opens a link a partner made, signs in with their
// MIS email and password, and approves the app there. No session and no CSRF token.
export type ConnectLink = Answer<"openConnectLink">;
export type ConnectSignedIn = Answer<"connectSignIn">;
export type ConnectApproved = Answer<"approveThroughLink">;

export function connectLink(link: string): Promise<ConnectLink> {
  return call<"openConnectLink">("POST", "/api/v1/connect/link", { link });
}

export function connectSignIn(link: string, email: string, password: string): Promise<ConnectSignedIn> {
  return call<"connectSignIn">("POST", "/api/v1/connect/sign-in", { link, email, password });
}

// `confirmDummySite`: the user read the dummy-site warning; `version`: the permission set shown.
export function connectApprove(
  link: string,
  ticket: string,
  confirmDummySite: boolean,
  version: number,
): Promise<ConnectApproved> {
  const body = { link, ticket, permission_set_version: version };
  return call<"approveThroughLink">(
    "POST",
    "/api/v1/connect/approve",
    confirmDummySite ? { ...body, confirm_dummy_site: true } : body,
  );
}
