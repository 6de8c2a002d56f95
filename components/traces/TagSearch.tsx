"use client";

import type { ReactNode } from "react";
import { cx, fieldLabel, input } from "../operator/ui";
import { readsAsTag } from "@/lib/traces/search-mode";
import { parseTagRef } from "@/lib/visitors/reference";
import { isCompleteTag } from "./explorer-state";
import type { useDebouncedText } from "./use-debounced-text";

/**
 * The session tag search: typed text (debounced by the caller), exact or substring, and which one it will run;
 * "tag · v:ref" (the widget badge's text) is an exact search. `children` sit under the box (the filters' toggle).
 */
export function TagSearch({ tag, exact, onExact, children }: {
  tag: ReturnType<typeof useDebouncedText>;
  exact: boolean;
  onExact: (exact: boolean) => void;
  children?: ReactNode;
}) {
  const exactSearch = exact || isCompleteTag(tag.text.trim()) || parseTagRef(tag.text) !== null;
  // docs/architecture.md, "Search box": text that does not read as a tag searches what was said
  const mode = exactSearch ? "exact" : readsAsTag(tag.text.trim()) ? "contains" : "words";
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
          {tag.text.trim() && (
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
