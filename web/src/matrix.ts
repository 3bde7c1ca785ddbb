// What the trust matrix knows without drawing anything: cells by key, which of them the filters
// keep, and what a bulk decision on a selection would change.
import { Cell, CellStatus, TrustSchool } from "./api";

export type Action = "approve" | "reject";

export interface Filter {
  status: CellStatus | "";
  app: string;
  school: string;
}

export const noFilter: Filter = { status: "", app: "", school: "" };

export function cellKey(school: string, app: string): string {
  return `${school}/${app}`;
}

export function matches(cell: Cell, filter: Filter): boolean {
  return (
    (!filter.status || cell.status === filter.status) &&
    (!filter.app || cell.app === filter.app) &&
    (!filter.school || cell.school === filter.school)
  );
}

// A cell can be selected when the filters keep it and the app has asked to connect there.
export function selectable(cell: Cell | undefined, filter: Filter): boolean {
  return !!cell && cell.status !== "not_requested" && matches(cell, filter);
}

export interface Named {
  id: string;
  name: string;
}

// The matrix as drawn: the apps (rows, by name) and schools (columns, in the API's order) that
// hold at least one cell the filters keep, and the keys of the selectable cells of each row, of
// each column and of the whole matrix (what selecting a row, a column or everything selects).
export interface Layout {
  byKey: Map<string, Cell>;
  apps: Named[];
  schools: Named[];
  selectable: { all: string[]; byApp: Map<string, string[]>; bySchool: Map<string, string[]> };
}

const byName = new Intl.Collator("en-GB");

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function layout(cells: Cell[], filter: Filter): Layout {
  const byKey = new Map<string, Cell>();
  const apps = new Map<string, string>();
  const schools = new Map<string, string>();
  const all: string[] = [];
  const byApp = new Map<string, string[]>();
  const bySchool = new Map<string, string[]>();
  for (const c of cells) {
    const key = cellKey(c.school, c.app);
    byKey.set(key, c);
    if (!matches(c, filter)) continue;
    apps.set(c.app, c.app_name);
    schools.set(c.school, c.school_name);
    if (c.status === "not_requested") continue;
    all.push(key);
    push(byApp, c.app, key);
    push(bySchool, c.school, key);
  }
  const named = (m: Map<string, string>) => [...m].map(([id, name]) => ({ id, name }));
  return {
    byKey,
    apps: named(apps).sort((a, b) => byName.compare(a.name, b.name)),
    schools: named(schools),
    selectable: { all, byApp, bySchool },
  };
}

export function targetOf(action: Action): "approved" | "rejected" {
  return action === "approve" ? "approved" : "rejected";
}

// What `action` on the selected cells does: the cells it changes (in how many schools, and how
// many of them are revocations of approved apps) and those already where it would put them.
export interface Plan {
  action: Action;
  changes: Cell[];
  unchanged: Cell[];
  schools: string[];
  revokes: number;
}

export function plan(selected: Cell[], action: Action): Plan {
  const target = targetOf(action);
  const changes = selected.filter((c) => c.status !== target && c.status !== "not_requested");
  return {
    action,
    changes,
    unchanged: selected.filter((c) => c.status === target),
    schools: [...new Set(changes.map((c) => c.school))],
    revokes: changes.filter((c) => c.status === "approved").length,
  };
}

// The schools among `ids` whose current terms the user has not accepted yet.
export function termsToAccept(schools: TrustSchool[], ids: string[]): TrustSchool[] {
  return schools.filter((s) => ids.includes(s.id) && !s.terms.accepted);
}

export function plural(n: number, one: string, many = one + "s"): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
}
