// The explorer's search box (docs/architecture.md, "Search box"): whether its text is a whole session
// tag, a piece of one or words said is decided by search_traces alone (private.session_tag_pattern,
// private.search_is_tag), which answers its `mode`; the app keeps no copy of the tag format.

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
