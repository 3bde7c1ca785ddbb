// How the screens show what the API gives them.

// A time from the API (RFC 3339), as people in English schools read it.
export function when(iso: string | null): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}
