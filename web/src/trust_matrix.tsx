// A trust's matrix: every app (rows) at every school (columns) with the connection's status,
// filtered by status, app and school, a page of schools at a time. Cells, whole rows and whole
// columns are selected with the mouse or the keyboard (an ARIA grid: arrows move, Space
// selects), and the selection is approved or rejected in one bulk decision (bulk_dialog.tsx).
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { Cell, CellStatus, onFailure, trustExportUrl, trustMatrix } from "./api";
import { BulkDialog } from "./bulk_dialog";
import { Action, Filter, Layout, Named, cellKey, layout, noFilter, plural, selectable } from "./matrix";
import { TrustPage, useTrustSchools } from "./trust_home";

const schoolsPerPage = 10;
const statuses: { value: CellStatus; label: string }[] = [
  { value: "pending", label: "Pending" },
  { value: "approved", label: "Approved" },
  { value: "rejected", label: "Rejected" },
  { value: "not_requested", label: "Not requested" },
];
const statusLabel = (s: CellStatus) => statuses.find((x) => x.value === s)!.label;

// The grid's focus: row 0 is the header row, column 0 the apps' column.
interface Position {
  r: number;
  c: number;
}

export function TrustMatrix(props: { trust: string; onExpired: () => void }) {
  const { trust, onExpired } = props;
  const trustSchools = useTrustSchools(trust, onExpired);
  const { schools, setError } = trustSchools;
  const [cells, setCells] = useState<Cell[] | null>(null);
  const [loading, setLoading] = useState<{ have: number; total: number } | null>(null);
  const [reads, setReads] = useState(0);
  const [filter, setFilter] = useState<Filter>(noFilter);
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulk, setBulk] = useState<Action | null>(null);
  const [reloadError, setReloadError] = useState("");

  // The first read draws the first page of cells as soon as it comes, then all of them; a read
  // after a change replaces the cells only once all have come, so the matrix never shrinks
  // while it refreshes. Pages in between only move the progress bar.
  useEffect(() => {
    let current = true;
    let pages = 0;
    setReloadError("");
    setLoading({ have: 0, total: 0 });
    trustMatrix(trust, (sofar, total) => {
      if (!current) return;
      setLoading({ have: sofar.length, total });
      if (reads === 0 && ++pages === 1) setCells(sofar);
    }).then(
      (all) => {
        if (!current) return;
        setCells(all);
        setLoading(null);
      },
      (e) => {
        if (!current) return;
        setLoading(null);
        // A first read that fails leaves nothing to show; a later one keeps the matrix as it
        // was, says so, and offers to read again.
        onFailure(onExpired, reads === 0 ? setError : (error) => setReloadError(error.message))(e);
      },
    );
    return () => {
      current = false;
    };
  }, [trust, reads]);

  const shape = useMemo(() => layout(cells ?? [], filter), [cells, filter]);
  const catalogue = useMemo(() => layout(cells ?? [], noFilter).apps, [cells]);
  const pages = Math.max(1, Math.ceil(shape.schools.length / schoolsPerPage));
  const shownPage = Math.min(page, pages - 1);
  const columns = useMemo(
    () => shape.schools.slice(shownPage * schoolsPerPage, (shownPage + 1) * schoolsPerPage),
    [shape, shownPage],
  );
  const unaccepted = useMemo(
    () => new Set((schools?.items ?? []).filter((s) => !s.terms.accepted).map((s) => s.id)),
    [schools],
  );

  // The selection keeps only what the filters keep (the same set when that is all of it).
  useEffect(() => {
    setSelected((s) => {
      const kept = [...s].filter((k) => selectable(shape.byKey.get(k), filter));
      return kept.length === s.size ? s : new Set(kept);
    });
  }, [shape]);

  // Selects `keys`, or clears them when all are selected already.
  const toggle = useCallback((keys: string[]) => {
    setSelected((s) => {
      const next = new Set(s);
      const on = !keys.every((k) => s.has(k));
      for (const k of keys) on ? next.add(k) : next.delete(k);
      return next;
    });
  }, []);

  const grid = useMemo(
    () => (
      <Grid
        shape={shape}
        columns={columns}
        filter={filter}
        selected={selected}
        unaccepted={unaccepted}
        onToggle={toggle}
      />
    ),
    [shape, columns, filter, selected, unaccepted],
  );

  const chosen = [...selected].map((k) => shape.byKey.get(k)!).filter(Boolean);
  const chosenSchools = new Set(chosen.map((c) => c.school)).size;
  const setField = (name: keyof Filter) => (e: Event) => {
    setFilter({ ...filter, [name]: (e.target as HTMLSelectElement).value });
    setPage(0);
  };
  const closeBulk = (applied: boolean) => {
    setBulk(null);
    if (applied) setSelected(new Set());
    // Focus goes back to where the dialog was opened from, or to the grid when that is gone.
    setTimeout(() => {
      const opener = document.querySelector<HTMLButtonElement>(".bulk-bar button:not([disabled])");
      (opener ?? document.querySelector<HTMLElement>('table.matrix [tabindex="0"]'))?.focus();
    });
  };
  const changed = () => {
    setReads((n) => n + 1);
    trustSchools.reload();
  };

  return (
    <TrustPage trust={trust} tab="matrix" schools={schools} error={trustSchools.error}>
      <main class="trust matrix-page" data-loaded={cells && !loading ? "true" : "false"}>
        <h1 id="matrix-title">Apps across the trust's schools</h1>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label for="matrix-status">Status</label>
          <select id="matrix-status" value={filter.status} onChange={setField("status")}>
            <option value="">Any status</option>
            {statuses.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          <label for="matrix-app">App</label>
          <select id="matrix-app" value={filter.app} onChange={setField("app")}>
            <option value="">Any app</option>
            {catalogue.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <label for="matrix-school">School</label>
          <select id="matrix-school" value={filter.school} onChange={setField("school")}>
            <option value="">Any school</option>
            {(schools?.items ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <a class="button secondary" href={trustExportUrl(trust)} download>
            Download all connections (CSV)
          </a>
        </form>
        {loading && (
          <p class="loading" role="status">
            <progress max={loading.total || 1} value={loading.have} aria-label="Loading the matrix" />{" "}
            {loading.total
              ? `Loading ${loading.have.toLocaleString("en-GB")} of ${plural(loading.total, "connection")}…`
              : "Loading…"}
          </p>
        )}
        {reloadError && (
          <p class="error" role="alert">
            The matrix could not be read again ({reloadError}); it shows what was read before.{" "}
            <button type="button" class="link" onClick={() => setReads((n) => n + 1)}>
              Read it again
            </button>
          </p>
        )}
        <div class="bulk-bar" role="group" aria-label="Selection">
          <p role="status">
            {chosen.length === 0
              ? "Select connections to approve or reject: a cell, an app's row or a school's column."
              : `${plural(chosen.length, "connection")} selected in ${plural(chosenSchools, "school")}.`}
          </p>
          <button type="button" disabled={chosen.length === 0 || !!loading} onClick={() => setBulk("approve")}>
            Approve…
          </button>
          <button type="button" class="danger" disabled={chosen.length === 0 || !!loading} onClick={() => setBulk("reject")}>
            Reject…
          </button>
          <button type="button" class="secondary" disabled={chosen.length === 0} onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
        {cells && shape.apps.length === 0 && <p class="empty">No connections match.</p>}
        {cells && shape.apps.length > 0 && (
          <>
            <nav class="pager" aria-label="Pages of schools">
              <span>
                Schools {shownPage * schoolsPerPage + 1}–{shownPage * schoolsPerPage + columns.length} of{" "}
                {shape.schools.length}
              </span>
              <button type="button" class="secondary" disabled={shownPage === 0} onClick={() => setPage(shownPage - 1)}>
                Previous schools
              </button>
              <button
                type="button"
                class="secondary"
                disabled={shownPage >= pages - 1}
                onClick={() => setPage(shownPage + 1)}
              >
                Next schools
              </button>
            </nav>
            {grid}
          </>
        )}
      </main>
      {bulk && schools && (
        <BulkDialog
          trust={trust}
          action={bulk}
          selected={chosen}
          schools={schools.items}
          onChanged={changed}
          onClose={closeBulk}
          onExpired={onExpired}
        />
      )}
    </TrustPage>
  );
}

// The grid itself. Its parent hands it the same element until what it shows changes, so
// progress and dialogs do not draw it again.
function Grid(props: {
  shape: Layout;
  columns: Named[];
  filter: Filter;
  selected: ReadonlySet<string>;
  unaccepted: ReadonlySet<string>;
  onToggle: (keys: string[]) => void;
}) {
  const { shape, columns, filter, selected, unaccepted, onToggle } = props;
  const rows = shape.apps;
  const [active, setActive] = useState<Position>({ r: 1, c: 1 });
  const grid = useRef<HTMLTableElement>(null);
  const allIn = (keys: string[] | undefined) => !!keys && keys.length > 0 && keys.every((k) => selected.has(k));
  const { all, byApp, bySchool } = shape.selectable;

  const onKeyDown = (e: KeyboardEvent) => {
    const maxR = rows.length;
    const maxC = columns.length;
    let { r, c } = active;
    switch (e.key) {
      case "ArrowRight":
        c++;
        break;
      case "ArrowLeft":
        c--;
        break;
      case "ArrowDown":
        r++;
        break;
      case "ArrowUp":
        r--;
        break;
      case "Home":
        c = 0;
        if (e.ctrlKey) r = 0;
        break;
      case "End":
        c = maxC;
        if (e.ctrlKey) r = maxR;
        break;
      case " ":
      case "Enter": {
        // Header buttons act by themselves; a cell toggles here.
        const td = (e.target as HTMLElement).closest("td[data-school]") as HTMLElement | null;
        if (!td) return;
        e.preventDefault();
        const key = cellKey(td.dataset.school!, td.dataset.app!);
        if (selectable(shape.byKey.get(key), filter)) onToggle([key]);
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    // Every position of the page is drawn already: focus moves now, and its onFocus makes it
    // the active one.
    r = Math.max(0, Math.min(maxR, r));
    c = Math.max(0, Math.min(maxC, c));
    grid.current?.querySelector<HTMLElement>(`[data-pos="${r}:${c}"]`)?.focus();
  };
  // The one element of the grid that Tab reaches: the active position, kept inside the grid.
  const at = (r: number, c: number) => {
    const focused = Math.min(active.r, rows.length) === r && Math.min(active.c, columns.length) === c;
    return {
      "data-pos": `${r}:${c}`,
      tabIndex: focused ? 0 : -1,
      onFocus: () => (active.r !== r || active.c !== c) && setActive({ r, c }),
    };
  };

  return (
    <div class="matrix-scroll">
      <table
        class="matrix"
        role="grid"
        aria-multiselectable="true"
        aria-labelledby="matrix-title"
        ref={grid}
        onKeyDown={onKeyDown}
      >
        <thead>
          <tr>
            <th scope="col">
              <button type="button" class="link" aria-pressed={allIn(all)} onClick={() => onToggle(all)} {...at(0, 0)}>
                Select all the filters keep
              </button>
            </th>
            {columns.map((s, i) => (
              <th scope="col" key={s.id} data-school={s.id}>
                <button
                  type="button"
                  class="link head"
                  aria-pressed={allIn(bySchool.get(s.id))}
                  onClick={() => onToggle(bySchool.get(s.id) ?? [])}
                  {...at(0, i + 1)}
                >
                  <span class="visually-hidden">Select every app the filters keep at </span>
                  {s.name}
                  {unaccepted.has(s.id) && <span class="terms-flag">terms to accept</span>}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((a, r) => (
            <tr key={a.id} data-app={a.id}>
              <th scope="row">
                <button
                  type="button"
                  class="link head"
                  aria-pressed={allIn(byApp.get(a.id))}
                  onClick={() => onToggle(byApp.get(a.id) ?? [])}
                  {...at(r + 1, 0)}
                >
                  <span class="visually-hidden">Select </span>
                  {a.name}
                  <span class="visually-hidden"> at every school the filters keep</span>
                </button>
              </th>
              {columns.map((s, i) => {
                const key = cellKey(s.id, a.id);
                const cell = shape.byKey.get(key);
                const canSelect = selectable(cell, filter);
                const kept = cell && (canSelect || (cell.status === "not_requested" && !filter.status));
                return (
                  <td
                    key={s.id}
                    role="gridcell"
                    data-school={s.id}
                    data-app={a.id}
                    data-status={cell?.status}
                    aria-selected={canSelect ? selected.has(key) : undefined}
                    aria-disabled={canSelect ? undefined : true}
                    class={selected.has(key) ? "chosen" : undefined}
                    onClick={() => canSelect && onToggle([key])}
                    {...at(r + 1, i + 1)}
                  >
                    {kept && cell.status === "not_requested" ? (
                      <span class="chip not_requested">
                        <span aria-hidden="true">–</span>
                        <span class="visually-hidden">Not requested</span>
                      </span>
                    ) : kept ? (
                      <span class={`chip ${cell.status}`}>{statusLabel(cell.status)}</span>
                    ) : (
                      <span class="visually-hidden">not shown by the filters</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
