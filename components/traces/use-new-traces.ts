"use client";

import { useEffect, useState } from "react";

const POLL_MS = 5000;

/**
 * Live view of the first page: every 5 s (while the tab is visible) asks
 * GET /api/traces for traces of the same search created since the page was
 * loaded, and returns how many are not on screen yet (null before the first answer).
 */
export function useNewTraces(search: Record<string, string>, since: string, shownIds: ReadonlySet<string>, enabled: boolean): number | null {
  const [found, setFound] = useState<{ key: string; ids: string[] } | null>(null);
  const from = search.from && search.from > since ? search.from : since;
  const live = enabled && (!search.to || search.to > new Date(since).toISOString());
  const qs = new URLSearchParams({ ...search, from, sort: "created_at", dir: "desc", limit: "200" }).toString();

  useEffect(() => {
    if (!live) return;
    let stopped = false;
    let controller: AbortController | null = null;
    async function poll() {
      if (document.visibilityState !== "visible") return;
      controller?.abort();
      controller = new AbortController();
      try {
        const res = await fetch(`/api/traces?${qs}`, { signal: controller.signal, cache: "no-store" });
        if (!res.ok || stopped) return;
        const body = (await res.json()) as { traces: { id: string }[] };
        setFound({ key: qs, ids: body.traces.map((t) => t.id) });
      } catch {
        // offline or aborted: the next tick tries again
      }
    }
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      controller?.abort();
    };
  }, [qs, live]);

  if (!live || !found || found.key !== qs) return null;
  return found.ids.filter((id) => !shownIds.has(id)).length;
}
