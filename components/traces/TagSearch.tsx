"use client";

import type { ReactNode } from "react";
import { cx, fieldLabel, input } from "../operator/ui";
import type { SearchMode } from "@/lib/traces/search";
import type { useDebouncedText } from "./use-debounced-text";

/**
 * The session tag search: typed text (debounced by the caller), exact or substring, and which one ran:
 * `mode` is how search_traces read the text (a whole tag or "tag · v:ref" exact, a piece of a tag,
 * or words said; docs/architecture.md, "Search box"). `children` sit under the box (the filters' toggle).
 */
export function TagSearch({ tag, exact, mode, onExact, children }: {
  tag: ReturnType<typeof useDebouncedText>;
  exact: boolean;
  mode: SearchMode;
  onExact: (exact: boolean) => void;
  children?: ReactNode;
}) {
  return (
    <div className="md:col-span-4">
      <label htmlFor="tag-search" className={fieldLabel}>
        Search: a session tag, or words said
      </label>
      <div className="mt-1 flex items-center gap-2">
        <div className="relative flex-1">
          <input
            id="tag-search"
            type="search"
            inputMode="search"
            autoComplete="off"
            spellCheck={false}
            placeholder="chat_model_3f2a9c_015 · v:1a2b3c4d, a part of a tag, or words like refund"
            value={tag.text}
            onChange={(e) => tag.setText(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && tag.flush()}
            data-testid="tag-search"
            className={cx(input, "pr-20 font-mono")}
          />
          {tag.text.trim() && mode && (
            <span data-testid="search-mode" data-mode={mode} className="pointer-events-none absolute right-2 top-1/2 -translate-y-1/2 rounded bg-slate-100 px-1.5 text-[10px] font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              {mode}
            </span>
          )}
        </div>
        <label className="flex shrink-0 items-center gap-1.5 text-xs text-slate-600 dark:text-slate-300">
          <input type="checkbox" checked={exact} onChange={(e) => onExact(e.target.checked)} data-testid="tag-exact" className="h-3.5 w-3.5 accent-indigo-600" />
          Exact
        </label>
      </div>
      {children}
    </div>
  );
}
