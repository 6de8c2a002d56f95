// The explorer's search box (docs/architecture.md, "Search box"): text that reads as a session tag
// (letters, digits and underscores, with a digit or an underscore, a piece of "chat_model_", or six hex
// digits: a tag's model part) searches tags; anything else searches what was said. The same rule as private.search_is_tag.
export function readsAsTag(q: string): boolean {
  return (
    /^[A-Za-z0-9_]+$/.test(q) &&
    (/[0-9_]/.test(q) ||
      "chat_model_".includes(q.toLowerCase()) ||
      /^[0-9a-f]{6}$/i.test(q))
  );
}

/** A snippet's pieces: the words search_traces marked (between \u0002 and \u0003) have `mark`. */
export function snippetParts(
  snippet: string,
): { text: string; mark: boolean }[] {
  return snippet
    .split(/(\u0002[^\u0003]*\u0003)/)
    .filter(Boolean)
    .map((p) =>
      p.startsWith("\u0002")
        ? { text: p.slice(1, -1), mark: true }
        : { text: p, mark: false },
    );
}
