import Link from "next/link";
import type { SearchRowView } from "@/lib/traces/search";
import { snippetParts } from "@/lib/traces/search-mode";
import { cx, focusRing } from "../operator/ui";

/**
 * What a content search found in a trace: the message (or tool step) with the searched words in
 * <mark>, linking to that message in the trace detail. A fragment found by trigram has no marked
 * words from Postgres: its case-insensitive occurrences of `q` are marked here.
 */
export function MatchSnippet({
  traceId,
  match,
  q,
}: {
  traceId: string;
  match: NonNullable<SearchRowView["match"]>;
  q: string;
}) {
  const parts = snippetParts(match.snippet);
  const shown = parts.some((p) => p.mark)
    ? parts
    : markFragment(match.snippet, q);
  const who =
    match.kind === "tool" ? `tool ${match.name ?? ""}`.trim() : match.role;
  return (
    <Link
      href={`/traces/${traceId}${match.messageId ? `#message-${match.messageId}` : ""}`}
      data-testid="search-match"
      data-message-id={match.messageId ?? ""}
      className={cx(
        "mt-1 block max-w-md text-[12px] leading-snug text-slate-700 hover:underline dark:text-slate-200",
        focusRing,
      )}
    >
      <span className="mr-1 text-[10px] font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
        {who}:
      </span>
      {shown.map((p, i) =>
        p.mark ? (
          <mark
            key={i}
            className="rounded bg-amber-200 px-0.5 text-slate-900 dark:bg-amber-300"
          >
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </Link>
  );
}

function markFragment(
  text: string,
  q: string,
): { text: string; mark: boolean }[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [{ text, mark: false }];
  const out: { text: string; mark: boolean }[] = [];
  let at = 0;
  for (
    let i = text.toLowerCase().indexOf(needle);
    i >= 0;
    i = text.toLowerCase().indexOf(needle, at)
  ) {
    if (i > at) out.push({ text: text.slice(at, i), mark: false });
    out.push({ text: text.slice(i, i + needle.length), mark: true });
    at = i + needle.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: false });
  return out;
}
