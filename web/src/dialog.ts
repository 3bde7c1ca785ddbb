// What every dialog of the UI shares: focus stays inside it, and Escape closes it.
import { useEffect } from "preact/hooks";

// Keeps Tab and Shift+Tab inside `root`, and calls `onEscape` on Escape.
export function useDialogKeys(root: { current: HTMLElement | null }, onEscape: () => void) {
  useEffect(() => {
    const keydown = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        onEscape();
        return;
      }
      if (e.key !== "Tab" || !root.current) return;
      const focusable = Array.from(
        root.current.querySelectorAll<HTMLElement>(
          "button:not([disabled]), a[href], input:not([disabled]), select, [tabindex]:not([tabindex='-1'])",
        ),
      );
      if (focusable.length === 0) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      // Focus on something Tab does not stop at (a heading given focus on open): wrap now.
      if (!focusable.includes(document.activeElement as HTMLElement)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      } else if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", keydown);
    return () => document.removeEventListener("keydown", keydown);
  }, [root, onEscape]);
}
