"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useOptimistic, useState, useTransition } from "react";
import type { SearchMode, SearchRowView as TraceView } from "@/lib/traces/search";
import type { ShownError } from "../operator/errors";
import { StatusPanel } from "../operator/StatusPanel";
import { button, cx, input, link, muted } from "../operator/ui";
import { clearedFilters, explorerHref, hasFilters, pageSizes, searchOnly, type ExplorerState, type SortKey } from "./explorer-state";
import { ExplorerFilters, type Option, type ScoreOption } from "./ExplorerFilters";
import { ExplorerPager } from "./ExplorerPager";
import { TraceTable } from "./TraceTable";
import { useNewTraces } from "./use-new-traces";

interface TraceExplorerProps {
  state: ExplorerState;
  /** The GET /api/traces parameters the server ran for this page. */
  api: Record<string, string>;
  result: { traces: TraceView[]; nextCursor: string | null; mode?: SearchMode } | null;
  error: ShownError | null;
  /** When the server ran the search (ISO): newer traces are "new". */
  loadedAt: string;
  agents: Option[];
  models: Option[];
  tools: Option[];
  scoreConfigs: ScoreOption[];
}

/** The trace explorer: URL-driven search (the server renders each result), keyset pages, a live count of new traces. */
export function TraceExplorer({ state, api, result, error, loadedAt, agents, models, tools, scoreConfigs }: TraceExplorerProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // the controls show the requested state at once; the rows follow when the server has rendered them
  const [view, setView] = useOptimistic(state);
  // cursors of the pages before this one, in this tab (keyset pages can only go forward by themselves)
  const [trail, setTrail] = useState<string[]>([]);
  const agentNames = useMemo(() => Object.fromEntries(agents.map((a) => [a.key, a.name])), [agents]);
  const shownIds = useMemo(() => new Set(result?.traces.map((t) => t.id) ?? []), [result]);
  const search = useMemo(() => searchOnly(api), [api]);
  const { sort: _s, dir: _d, ...filtersOnly } = search;
  void _s;
  void _d;
  const newCount = useNewTraces(filtersOnly, loadedAt, shownIds, !state.cursor && !error);

  const go = (next: ExplorerState) =>
    startTransition(() => {
      setView(next);
      router.replace(explorerHref(next), { scroll: false });
    });
  const update = (patch: Partial<ExplorerState>) => {
    setTrail([]);
    go({ ...view, ...patch, cursor: undefined });
  };
  const refresh = () => startTransition(() => router.refresh());
  const exportHref = `/api/traces/export?${new URLSearchParams(search).toString()}`;
  const page = state.cursor ? (trail.length > 0 ? trail.length + 1 : null) : 1;

  return (
    <div data-testid="trace-explorer" data-pending={pending ? "true" : "false"} className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Traces</h1>
          <p className={cx("text-sm", muted)}>One trace per tracked agent session. Search by session tag, filter, sort, open one for its conversation and steps.</p>
        </div>
        <div className="flex items-center gap-2">
          <a href={exportHref} download data-testid="export-csv" className={button}>
            Export CSV
          </a>
        </div>
      </div>

      <ExplorerFilters state={view} agents={agents} models={models} tools={tools} scoreConfigs={scoreConfigs} onChange={update} searchMode={result?.mode ?? null} />

      <div className="flex min-h-8 flex-wrap items-center gap-3 text-sm">
        <span data-testid="result-summary" className={muted}>
          {result ? `${result.traces.length} trace${result.traces.length === 1 ? "" : "s"} on this page${result.nextCursor ? ", more on the next" : ""}` : "—"}
        </span>
        {pending && (
          <span data-testid="explorer-loading" className="text-xs text-indigo-700 dark:text-indigo-300" role="status">
            Loading…
          </span>
        )}
        {newCount !== null && newCount > 0 && (
          <button
            type="button"
            onClick={() => {
              setTrail([]);
              refresh();
            }}
            data-testid="new-traces"
            data-count={newCount}
            className="rounded-full bg-indigo-600 px-3 py-1 text-xs font-medium text-white shadow-sm hover:bg-indigo-500 dark:bg-indigo-500"
          >
            {newCount >= 200 ? "200+" : newCount} new trace{newCount === 1 ? "" : "s"} · Show
          </button>
        )}
        <label className="ml-auto flex items-center gap-2 text-xs whitespace-nowrap text-slate-600 dark:text-slate-300">
          Rows per page
          <select value={view.limit} onChange={(e) => update({ limit: Number(e.target.value) })} data-testid="page-size" className={cx(input, "w-20")}>
            {[...new Set([...pageSizes, view.limit])].sort((a, b) => a - b).map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </label>
      </div>

      {error ? (
        <StatusPanel kind="error" title="The search failed" testId="traces-error">
          <p>{error.message}</p>
          <p className="mt-1 font-mono text-xs opacity-70">{error.code}</p>
          <div className="mt-3 flex justify-center gap-2">
            <button type="button" onClick={refresh} data-testid="traces-retry" className={button}>Retry</button>
            <Link href="/traces" className={button}>Start over</Link>
          </div>
        </StatusPanel>
      ) : result && result.traces.length === 0 ? (
        <StatusPanel kind="empty" title={hasFilters(state) ? "No traces match this search" : "No traces yet"} testId="traces-empty">
          {hasFilters(state) ? (
            <p>Try a shorter part of the tag, or <button type="button" className={link} onClick={() => update(clearedFilters)}>clear the filters</button>.</p>
          ) : (
            <p>Every tracked chat session gets a trace. Start a conversation on the <Link href="/" className={link}>storefront</Link>; it shows up here.</p>
          )}
        </StatusPanel>
      ) : result ? (
        <div className={cx("transition-opacity", pending && "opacity-60")}>
          <TraceTable traces={result.traces} sort={view.sort} dir={view.dir} agentNames={agentNames} q={view.tag} score={state.score} onSort={(sort: SortKey, dir) => update({ sort, dir })} />
        </div>
      ) : null}

      {result && (result.nextCursor || state.cursor) && (
        <ExplorerPager
          page={page}
          canFirst={Boolean(state.cursor)}
          canPrev={trail.length > 0}
          canNext={Boolean(result.nextCursor)}
          onFirst={() => update({})}
          onPrev={() => {
            const previous = trail.at(-1);
            setTrail(trail.slice(0, -1));
            go({ ...state, cursor: previous || undefined });
          }}
          onNext={() => {
            setTrail([...trail, state.cursor ?? ""]);
            go({ ...state, cursor: result.nextCursor ?? undefined });
          }}
        />
      )}
    </div>
  );
}
