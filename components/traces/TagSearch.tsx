"use client";

import { cx, fieldLabel, input } from "../operator/ui";
import { isCompleteTag } from "./explorer-state";
import type { useDebouncedText } from "./use-debounced-text";

/** The session tag search: typed text (debounced by the caller), exact or substring, and which one it will run. */
export function TagSearch({ tag, exact, onExact }: { tag: ReturnType<typeof useDebouncedText>; exact: boolean; onExact: (exact: boolean) => void }) {
  const exactSearch = exact || isCompleteTag(tag.text.trim());
  return (
    <div className="md:col-span-4">
      <label htmlFor="tag-search" className={fieldLabel}>
        Session tag
      </label>
      <div className="mt-1 flex items-center gap-2">
        <div className="relative flex-1">
          <input
            id="tag-search"
            type="search"
            inputMode="search"
            autoComplete="off"
            spellCheck={false}
            placeholder="chat_model_3f2a9c_015 or a part of it"
            value={tag.text}
            onChange={(e) => tag.setText(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && tag.flush()}
            data-testid="tag-search"
            className={cx(input, "pr-16 font-mono")}
          />
          {tag.text.trim() && (
            <span data-testid="search-mode" data-mode={exactSearch ? "exact" : "contains"} className="pointer-events-none absolute right-2 top-1/2 -translate-y-1/2 rounded bg-slate-100 px-1.5 text-[10px] font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              {exactSearch ? "exact" : "contains"}
            </span>
          )}
        </div>
        <label className="flex shrink-0 items-center gap-1.5 text-xs text-slate-600 dark:text-slate-300">
          <input type="checkbox" checked={exact} onChange={(e) => onExact(e.target.checked)} data-testid="tag-exact" className="h-3.5 w-3.5 accent-indigo-600" />
          Exact
        </label>
      </div>
    </div>
  );
}
