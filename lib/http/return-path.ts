// Where to send someone after login: a path on this site, never another origin.
// Resolved the way a browser would (`new URL`, which drops tabs and newlines and
// reads `/\` as `//`), required to stay on our origin, then rebuilt from its path
// and query, so what we redirect to is exactly what we checked.

const base = "http://threadline.invalid";

export function safeNext(next: string | string[] | undefined, fallback = "/traces"): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value) return fallback;
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base || url.pathname.startsWith("//") || url.username || url.password) return fallback;
  return `${url.pathname}${url.search}`;
}
