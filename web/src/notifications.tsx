// Notifications: what partner apps asked of the schools the user may act in. Opening one marks
// it read and goes to the app's slide-over among the school's pending requests.
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { Notice, markAllRead, markRead, notifications } from "./api";
import { when } from "./format";
import { useSession } from "./session";

export function Notifications({ onCount }: { onCount: (n: number) => void }) {
  const { onFailure } = useSession();
  const [items, setItems] = useState<Notice[] | null>(null);
  const [error, setError] = useState("");

  const failed = useMemo(() => onFailure((e) => setError(e.message)), [onFailure]);
  const load = useCallback(
    () =>
      notifications().then((page) => {
        setItems(page.items);
        onCount(page.unread_count);
      }, failed),
    [failed, onCount],
  );
  useEffect(() => {
    load();
  }, [load]);

  const open = async (n: Notice) => {
    try {
      if (!n.read) await markRead(n.id);
      location.hash = `#/schools/${encodeURIComponent(n.school.id)}/pending/${encodeURIComponent(n.app.id)}`;
    } catch (e) {
      failed(e);
    }
  };
  const readAll = async () => {
    if (!items || items.length === 0) return;
    try {
      await markAllRead(Math.max(...items.map((n) => n.id)));
      await load();
    } catch (e) {
      failed(e);
    }
  };

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!items) return <p class="loading">Loading…</p>;
  return (
    <main class="notices">
      <h1>Notifications</h1>
      {items.some((n) => !n.read) && (
        <button type="button" class="secondary" onClick={readAll}>
          Mark all as read
        </button>
      )}
      {items.length === 0 ? (
        <p class="empty">No notifications.</p>
      ) : (
        <ul>
          {items.map((n) => (
            <li key={n.id} class={n.read ? "read" : "unread"}>
              <button type="button" class="link" onClick={() => open(n)}>
                {n.message}
              </button>{" "}
              <time dateTime={n.created_at}>{when(n.created_at)}</time>
              {!n.read && <span class="badge">new</span>}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
