// The trust matrix's grid: apps (rows) by the schools of the page (columns), each cell the
// connection's status. An ARIA grid with one tab stop: arrows, Home and End move, Space or Enter
// selects a cell, and the header buttons select a whole row, a whole column or everything shown.
import { useRef, useState } from "preact/hooks";
import { Cell, CellStatus } from "./api";
import { Filter, Layout, Named, cellKey, selectable } from "./matrix";

export const statuses: { value: CellStatus; label: string }[] = [
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

// The grid itself. Its parent hands it the same element until what it shows changes, so
// progress and dialogs do not draw it again.
export function Grid(props: {
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
                Select all shown
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
                      <>
                        <span class={`chip ${cell.status}`}>{statusLabel(cell.status)}</span>
                        {cell.permissions_for_review.length > 0 && <ForReview cell={cell} />}
                      </>
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

// An approval of an earlier version: the new set's additions wait for the school, each with
// why the app now asks for it.
function ForReview({ cell }: { cell: Cell }) {
  const what = cell.permissions_for_review.map((g) => `${g.data_type}: ${g.purpose}`).join("; ");
  return (
    <span class="for-review" title={what}>
      new version
      <span class="visually-hidden"> to review: {what}</span>
    </span>
  );
}
