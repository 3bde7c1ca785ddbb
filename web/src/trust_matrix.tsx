// A trust's matrix: every app (rows) at every school (columns) with the connection's status,
// filtered by status, app and school, a page of schools at a time. Cells, whole rows and whole
// columns are selected with the mouse or the keyboard (an ARIA grid: arrows move, Space
// selects), and the selection is approved or rejected in one bulk decision (bulk_dialog.tsx).
import { useCallback, useEffect, useMemo, useReducer } from "preact/hooks";
import { ApiError, trustExportUrl, trustMatrix } from "./api";
import { BulkDialog } from "./bulk_dialog";
import { Filter, layout, noFilter, plural, selectable } from "./matrix";
import { Grid, statuses } from "./matrix_grid";
import { initialMatrix, matrixReducer } from "./matrix_state";
import { useSession } from "./session";
import { TrustPage, useTrustSchools } from "./trust_home";

const schoolsPerPage = 10;

export function TrustMatrix({ trust }: { trust: string }) {
  const { onFailure } = useSession();
  const trustSchools = useTrustSchools(trust);
  const { schools, setError } = trustSchools;
  const [state, dispatch] = useReducer(matrixReducer, initialMatrix);
  const { cells, loading, reads, reloadError, filter, page, selected, bulk } = state;

  // The first read draws the first page of cells as soon as it comes, then all of them; a read
  // after a change replaces the cells only once all have come, so the matrix never shrinks
  // while it refreshes. Pages in between only move the progress bar.
  useEffect(() => {
    let current = true;
    let pages = 0;
    dispatch({ type: "reading" });
    trustMatrix(trust, (sofar, total) => {
      if (!current) return;
      const first = reads === 0 && ++pages === 1;
      dispatch({ type: "progress", have: sofar.length, total, cells: first ? sofar : undefined });
    }).then(
      (all) => {
        if (current) dispatch({ type: "read", cells: all });
      },
      (e) => {
        if (!current) return;
        dispatch({ type: "readFailed" });
        // A first read that fails leaves nothing to show; a later one keeps the matrix as it
        // was, says so, and offers to read again.
        const reloadFailed = (error: ApiError) => dispatch({ type: "readFailed", message: error.message });
        onFailure(reads === 0 ? setError : reloadFailed)(e);
      },
    );
    return () => {
      current = false;
    };
  }, [trust, reads, onFailure, setError]);

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

  // The selection keeps only what the filters keep.
  useEffect(() => {
    dispatch({ type: "keep", keep: (k) => selectable(shape.byKey.get(k), filter) });
  }, [shape, filter]);

  const toggle = useCallback((keys: string[]) => dispatch({ type: "toggle", keys }), []);

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
    [shape, columns, filter, selected, unaccepted, toggle],
  );

  const chosen = [...selected].map((k) => shape.byKey.get(k)!).filter(Boolean);
  const chosenSchools = new Set(chosen.map((c) => c.school)).size;
  const setField = (name: keyof Filter) => (e: Event) =>
    dispatch({ type: "filter", name, value: (e.target as HTMLSelectElement).value });
  const closeBulk = (applied: boolean) => {
    dispatch({ type: "closeBulk", applied });
    // Focus goes back to where the dialog was opened from, or to the grid when that is gone.
    setTimeout(() => {
      const opener = document.querySelector<HTMLButtonElement>(".bulk-bar button:not([disabled])");
      (opener ?? document.querySelector<HTMLElement>('table.matrix [tabindex="0"]'))?.focus();
    });
  };
  const changed = () => {
    dispatch({ type: "readAgain" });
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
            <button type="button" class="link" onClick={() => dispatch({ type: "readAgain" })}>
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
          <button type="button" disabled={chosen.length === 0 || !!loading} onClick={() => dispatch({ type: "openBulk", action: "approve" })}>
            Approve…
          </button>
          <button type="button" class="danger" disabled={chosen.length === 0 || !!loading} onClick={() => dispatch({ type: "openBulk", action: "reject" })}>
            Reject…
          </button>
          <button type="button" class="secondary" disabled={chosen.length === 0} onClick={() => dispatch({ type: "clearSelection" })}>
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
              <button type="button" class="secondary" disabled={shownPage === 0} onClick={() => dispatch({ type: "page", page: shownPage - 1 })}>
                Previous schools
              </button>
              <button
                type="button"
                class="secondary"
                disabled={shownPage >= pages - 1}
                onClick={() => dispatch({ type: "page", page: shownPage + 1 })}
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
        />
      )}
    </TrustPage>
  );
}
