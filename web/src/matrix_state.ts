// The trust matrix screen's state in one reducer: the cells and how reading them goes, the
// filters and the page of schools, the selection and the bulk dialog. What belongs together
// changes together: a new filter goes back to the first page, an applied batch clears the
// selection, a read that ends stops the progress bar.
import { Cell } from "./api";
import { Action, Filter, noFilter } from "./matrix";

export interface MatrixState {
  cells: Cell[] | null;
  // While the cells are read: how many have come, of how many.
  loading: { have: number; total: number } | null;
  // How many times the cells were read again (after a change, or when asked): 0 for the first read.
  reads: number;
  // Why the last read again failed; the matrix shows what was read before. Empty otherwise.
  reloadError: string;
  filter: Filter;
  page: number;
  selected: ReadonlySet<string>;
  // The bulk decision whose dialog is open.
  bulk: Action | null;
}

export const initialMatrix: MatrixState = {
  cells: null,
  loading: null,
  reads: 0,
  reloadError: "",
  filter: noFilter,
  page: 0,
  selected: new Set(),
  bulk: null,
};

export type MatrixEvent =
  | { type: "reading" }
  // A page of cells came: `cells`, when given, are drawn now.
  | { type: "progress"; have: number; total: number; cells?: Cell[] }
  | { type: "read"; cells: Cell[] }
  // With `message` when a read again failed.
  | { type: "readFailed"; message?: string }
  | { type: "readAgain" }
  | { type: "filter"; name: keyof Filter; value: string }
  | { type: "page"; page: number }
  // Selects `keys`, or clears them when all are selected already.
  | { type: "toggle"; keys: string[] }
  // Keeps only the selected keys `keep` says (the same set when that is all of them).
  | { type: "keep"; keep: (key: string) => boolean }
  | { type: "clearSelection" }
  | { type: "openBulk"; action: Action }
  | { type: "closeBulk"; applied: boolean };

export function matrixReducer(state: MatrixState, event: MatrixEvent): MatrixState {
  switch (event.type) {
    case "reading":
      return { ...state, reloadError: "", loading: { have: 0, total: 0 } };
    case "progress":
      return {
        ...state,
        loading: { have: event.have, total: event.total },
        cells: event.cells ?? state.cells,
      };
    case "read":
      return { ...state, cells: event.cells, loading: null };
    case "readFailed":
      return { ...state, loading: null, reloadError: event.message ?? state.reloadError };
    case "readAgain":
      return { ...state, reads: state.reads + 1 };
    case "filter":
      return { ...state, filter: { ...state.filter, [event.name]: event.value }, page: 0 };
    case "page":
      return { ...state, page: event.page };
    case "toggle": {
      const next = new Set(state.selected);
      const on = !event.keys.every((k) => state.selected.has(k));
      for (const k of event.keys) {
        if (on) next.add(k);
        else next.delete(k);
      }
      return { ...state, selected: next };
    }
    case "keep": {
      const kept = [...state.selected].filter(event.keep);
      return kept.length === state.selected.size ? state : { ...state, selected: new Set(kept) };
    }
    case "clearSelection":
      return { ...state, selected: new Set() };
    case "openBulk":
      return { ...state, bulk: event.action };
    case "closeBulk":
      return { ...state, bulk: null, selected: event.applied ? new Set() : state.selected };
  }
}
