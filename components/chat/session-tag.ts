// Session tags are written by the database (private.session_tag: a model part, then a counter); the widget shows
// "[Model Name #015]" and copies the full tag.

/** The trailing counter of a tag, as written ("015", "1000"); null if the tag has none. */
export function tagCounter(sessionTag: string): string | null {
  const match = /_(\d+)$/.exec(sessionTag);
  return match ? match[1] : null;
}

export function badgeLabel(modelName: string | null | undefined, sessionTag: string): string {
  const counter = tagCounter(sessionTag);
  const name = modelName?.trim() || "Session";
  return counter ? `[${name} #${counter}]` : `[${name}]`;
}

/** The badge in two parts, so the model name can shrink (ellipsis) while "#015]" always shows. */
export function badgeParts(modelName: string | null | undefined, sessionTag: string): { name: string; counter: string | null } {
  return { name: modelName?.trim() || "Session", counter: tagCounter(sessionTag) };
}

/**
 * The tag the header's badge shows: none for a session without a trace (tracking off), whose tag
 * would name no trace an operator could find.
 */
export function shownSessionTag(session: { sessionTag?: string; traceId?: string | null } | null): string | null {
  return session?.sessionTag && session.traceId ? session.sessionTag : null;
}
