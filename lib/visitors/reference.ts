// A visitor reference: the first 8 characters of the visitor id (a web visitor's id is a random
// UUID, so 8 hex digits). The widget's badge shows and copies it next to the session tag as
// "chat_model_3f2a9c_003 · v:1a2b3c4d"; tags repeat across visitors, the pair names one chat.
// This module is the one place that writes and reads that text (the widget, the explorer, the API).

export const visitorRefLength = 8;

/** The reference of a visitor id (list_visitors' `visitor_ref` is the same). */
export function visitorRef(userId: string): string {
  return userId.slice(0, visitorRefLength);
}

/** "tag · v:ref": what the badge copies. */
export function formatTagRef(sessionTag: string, ref: string): string {
  return `${sessionTag} · v:${ref}`;
}

const refText = "v:([^\\s·|,]{1,128})";
// "tag · v:ref", also "tag v:ref", "tag, v:ref", "tag | v:ref" (how the text survives a chat or an email)
const pair = new RegExp(`^([a-z0-9_]{1,100})\\s*[·|,]?\\s*${refText}$`, "i");
const refOnly = new RegExp(`^${refText}$`, "i");

/** A search box's text as a tag and a visitor reference, or null when it is not such a pair. */
export function parseTagRef(text: string | undefined | null): { sessionTag: string; ref: string } | null {
  const m = pair.exec(text?.trim() ?? "");
  return m ? { sessionTag: m[1].toLowerCase(), ref: m[2] } : null;
}

/** A visitor filter's text: "v:ref" as a reference, anything else as a whole visitor id. */
export function parseVisitorFilter(text: string | undefined | null): { ref: string } | { userId: string } | null {
  const t = text?.trim();
  if (!t) return null;
  const m = refOnly.exec(t);
  return m ? { ref: m[1] } : { userId: t };
}
