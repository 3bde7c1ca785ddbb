// The JSON API as the screens use it: the session cookie goes with every request, the CSRF
// token with every change, and an error comes back as its stable code and its message.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface User {
  email: string;
  name: string;
  home_site: string;
  roles: string[];
}

export interface AppSummary {
  app: string;
  name: string;
  vendor: string;
  kind: string;
  status: "pending" | "approved" | "rejected";
  permission_set_version: number | null;
  requested_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface Terms {
  site: string;
  title: string;
  version: number;
  accepted: boolean;
  accepted_at: string | null;
}

export interface TrustSchool {
  id: string;
  name: string;
  dummy: boolean;
  terms: Terms;
}

let csrfToken = "";

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      json?.code ?? "unavailable",
      json?.message ?? `The service answered ${response.status}.`,
    );
  }
  return json as T;
}

export async function signIn(email: string, password: string): Promise<User> {
  const answer = await call<{ user: User; csrf_token: string }>("POST", "/api/v1/session", {
    email,
    password,
  });
  csrfToken = answer.csrf_token;
  return answer.user;
}

export async function me(): Promise<User> {
  const answer = await call<User & { csrf_token: string }>("GET", "/api/v1/me");
  csrfToken = answer.csrf_token;
  return answer;
}

export async function signOut(): Promise<void> {
  await call<void>("DELETE", "/api/v1/session");
  csrfToken = "";
}

export interface SchoolAppList {
  school: string;
  school_name: string;
  dummy: boolean;
  items: AppSummary[];
}

export function schoolApps(school: string): Promise<SchoolAppList> {
  return call<SchoolAppList>("GET", `/api/v1/schools/${encodeURIComponent(school)}/apps`);
}

function trustPath(trust: string): string {
  return `/api/v1/trusts/${encodeURIComponent(trust)}`;
}

export interface TrustSchools {
  trust: string;
  trust_name: string;
  items: TrustSchool[];
}

export function trustSchools(trust: string): Promise<TrustSchools> {
  return call<TrustSchools>("GET", `${trustPath(trust)}/schools`);
}

export function acceptTerms(trust: string, school: string, version: number): Promise<unknown> {
  return call("POST", `${trustPath(trust)}/schools/${encodeURIComponent(school)}/terms-acceptance`, {
    version,
  });
}

export type CellStatus = AppSummary["status"] | "not_requested";

export interface Cell {
  school: string;
  school_name: string;
  app: string;
  app_name: string;
  status: CellStatus;
  decided_at: string | null;
  decided_by: string | null;
}

// Every cell of the trust's matrix (or those `filter` keeps), a page of 1,000 at a time;
// `progress` hears after each page the cells so far and how many there are in all. The next
// page is asked for before `progress` runs, so the network works while the screen draws.
export async function trustMatrix(
  trust: string,
  progress: (cells: Cell[], total: number) => void,
  filter: { school?: string; app?: string; status?: CellStatus } = {},
): Promise<Cell[]> {
  type Page = { items: Cell[]; total: number; next_after: string | null };
  const ask = (after: string | null) => {
    const q = new URLSearchParams({ ...filter, limit: "1000" });
    if (after) q.set("after", after);
    return call<Page>("GET", `${trustPath(trust)}/apps?${q}`);
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

export interface BulkItem {
  school: string;
  app: string;
  action: "approve" | "reject";
  // The status the user saw: the API refuses the item if the connection has moved on since.
  from: AppSummary["status"];
}

export interface BulkApplied {
  index: number;
  school: string;
  app: string;
  status: AppSummary["status"];
  revision: number;
  decided_at: string;
}

export interface BulkItemError {
  index: number;
  school: string;
  app: string;
  code: string;
  message: string;
}

export interface TermsToAccept {
  site: string;
  version: number;
  title: string;
}

// A bulk decision's answer: applied (200, perhaps the replay of an earlier answer to the same
// key), or refused item by item (422 invalid_items). Anything else is thrown as an ApiError.
export type BulkAnswer =
  | { kind: "applied"; replayed: boolean; items: BulkApplied[] }
  | { kind: "refused"; replayed: boolean; message: string; errors: BulkItemError[]; terms: TermsToAccept[] };

export async function bulkDecide(trust: string, key: string, items: BulkItem[]): Promise<BulkAnswer> {
  const response = await fetch(`${trustPath(trust)}/decisions`, {
    method: "POST",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      "Idempotency-Key": key,
      "X-CSRF-Token": csrfToken,
    },
    credentials: "same-origin",
    body: JSON.stringify({ items }),
  });
  const json: any = await response.json().catch(() => null);
  const replayed = response.headers.get("Idempotent-Replayed") === "true";
  if (response.status === 200) return { kind: "applied", replayed, items: json.items };
  if (response.status === 422 && json?.code === "invalid_items") {
    return {
      kind: "refused",
      replayed,
      message: json.message,
      errors: json.errors ?? [],
      terms: json.terms ?? [],
    };
  }
  throw new ApiError(
    response.status,
    json?.code ?? "unavailable",
    json?.message ?? `The service answered ${response.status}.`,
  );
}

export function trustExportUrl(trust: string): string {
  return `${trustPath(trust)}/export.csv`;
}

export interface Grant {
  data_type: string;
  fields: "all" | string[];
  read: boolean;
  write: boolean;
  update: boolean;
  delete: boolean;
}

export interface AppDetail extends Omit<AppSummary, "status"> {
  status: AppSummary["status"] | "not_requested";
  description: string;
  website: string;
  current_permission_set_version: number;
  school: { id: string; name: string; dummy: boolean };
  warnings: string[];
  permissions: Grant[];
  // What the current set asks for beyond an approval of an earlier version; empty otherwise.
  permissions_for_review: Grant[];
}

export interface AuditEntry {
  id: number;
  school: string;
  app: string;
  action: string;
  from_status: string | null;
  to_status: string;
  actor: { kind: string; id: string; name: string | null; email: string | null };
  via_trust: boolean;
  at: string;
}

export type Decision = "approve" | "reject" | "cancel";

function appPath(school: string, app: string): string {
  return `/api/v1/schools/${encodeURIComponent(school)}/apps/${encodeURIComponent(app)}`;
}

export function appDetail(school: string, app: string): Promise<AppDetail> {
  return call<AppDetail>("GET", appPath(school, app));
}

export function decide(school: string, app: string, decision: Decision): Promise<AppDetail> {
  return call<AppDetail>("POST", `${appPath(school, app)}/${decision}`);
}

export function dataCsvUrl(school: string, app: string): string {
  return `${appPath(school, app)}/data.csv`;
}

export interface AuditFilter {
  app?: string;
  action?: string;
  from?: string; // RFC 3339
  to?: string;
}

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
): Promise<{ items: AuditEntry[]; next_before: number | null }> {
  const extra: Record<string, string> = { limit: "50" };
  if (before) extra.before = String(before);
  return call("GET", `${auditPath(scope)}?${auditQuery(filter, extra)}`);
}

export function auditCsvUrl(scope: AuditScope, filter: AuditFilter): string {
  return `${auditPath(scope)}?${auditQuery(filter, { format: "csv" })}`;
}

export async function appHistory(school: string, app: string): Promise<AuditEntry[]> {
  const answer = await call<{ items: AuditEntry[] }>(
    "GET",
    `/api/v1/schools/${encodeURIComponent(school)}/audit?app=${encodeURIComponent(app)}&limit=20`,
  );
  return answer.items;
}

export interface Notice {
  id: number;
  kind: string;
  school: { id: string; name: string };
  app: { id: string; name: string };
  message: string;
  created_at: string;
  read: boolean;
}

export function notifications(): Promise<{ items: Notice[]; unread_count: number }> {
  return call("GET", "/api/v1/notifications");
}

export function markRead(id: number): Promise<Notice> {
  return call("POST", `/api/v1/notifications/${id}/read`);
}

export function markAllRead(upTo: number): Promise<{ marked: number; unread_count: number }> {
  return call("POST", "/api/v1/notifications/read-all", { up_to: upTo });
}

export interface SiteUser {
  email: string;
  name: string;
  roles: string[];
  disabled: boolean;
  last_sign_in: { at: string; outcome: string } | null;
}

export function siteUsers(site: string): Promise<{ site: string; site_name: string; items: SiteUser[] }> {
  return call("GET", `/api/v1/sites/${encodeURIComponent(site)}/users`);
}

export interface LoginAttempt {
  id: number;
  at: string;
  outcome: string;
  address: string;
  user_agent: string;
}

export function userLogins(
  site: string,
  email: string,
  before?: number,
): Promise<{ items: LoginAttempt[]; next_before: number | null }> {
  const q = new URLSearchParams({ limit: "20" });
  if (before) q.set("before", String(before));
  return call(
    "GET",
    `/api/v1/sites/${encodeURIComponent(site)}/users/${encodeURIComponent(email)}/logins?${q}`,
  );
}

// What a screen does with a failed call: a session that ended goes back to sign-in (`expired`);
// anything else is shown (`show`), a network failure as an ApiError of its own.
export function onFailure(expired: () => void, show: (error: ApiError) => void) {
  return (e: unknown) => {
    const error =
      e instanceof ApiError
        ? e
        : new ApiError(0, "unavailable", "Canopy could not be reached. Check your connection.");
    if (error.status === 401) expired();
    else show(error);
  };
}
