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
  requested_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface TrustSchool {
  id: string;
  name: string;
  dummy: boolean;
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

export async function trustSchools(trust: string): Promise<TrustSchool[]> {
  const answer = await call<{ items: TrustSchool[] }>(
    "GET",
    `/api/v1/trusts/${encodeURIComponent(trust)}/schools`,
  );
  return answer.items;
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
}

export interface AuditEntry {
  id: number;
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

export function schoolAudit(
  school: string,
  filter: AuditFilter,
  before?: number,
): Promise<{ items: AuditEntry[]; next_before: number | null }> {
  const extra: Record<string, string> = { limit: "50" };
  if (before) extra.before = String(before);
  return call("GET", `/api/v1/schools/${encodeURIComponent(school)}/audit?${auditQuery(filter, extra)}`);
}

export function schoolAuditCsvUrl(school: string, filter: AuditFilter): string {
  return `/api/v1/schools/${encodeURIComponent(school)}/audit?${auditQuery(filter, { format: "csv" })}`;
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
