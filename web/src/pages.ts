// A list the API gives a page at a time, newest first (`next_before` is the cursor): the first
// page whenever `key` changes, older ones on demand, one request at a time. An answer that
// comes for another key than the one shown now (a quick second click, a new filter) is dropped.
// `key` names what `read` reads: callers pass a new `read` on every render, and only a new key
// reads again.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Page<T> {
  items: T[];
  next_before: number | null;
}

export function usePages<T>(
  key: string,
  read: (before?: number) => Promise<Page<T>>,
  failed: (e: unknown) => void,
) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = useRef(key);
  shown.current = key;
  const latest = useRef({ read, failed });
  latest.current = { read, failed };

  const take = useCallback((asked: string, page: Page<T>, append: boolean) => {
    if (shown.current !== asked) return;
    setItems((had) => (append ? [...(had ?? []), ...page.items] : page.items));
    setNext(page.next_before);
  }, []);
  useEffect(() => {
    setItems(null);
    setNext(null);
    const { read, failed } = latest.current;
    read().then((page) => take(key, page, false), failed);
  }, [key, take]);

  const older = () => {
    if (!next || busy) return;
    const asked = key;
    setBusy(true);
    read(next)
      .then((page) => take(asked, page, true), failed)
      .finally(() => setBusy(false));
  };
  return { items, next, busy, older };
}
