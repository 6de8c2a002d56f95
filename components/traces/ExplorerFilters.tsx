"use client";

import { useState, type ReactNode } from "react";
import { fromInputValue, rangePresets, toInputValue, type RangeKey } from "@/lib/time-range";
import { button, card, cx, fieldLabel, input } from "../operator/ui";
import { channelValues, clearedFilters, feedbackValues, hasFilters, isCompleteTag, type ExplorerState } from "./explorer-state";
import { useDebouncedText } from "./use-debounced-text";
import { parseTagRef } from "@/lib/visitors/reference";

/** How many filters besides the tag search are set (the folded filters' button says so). */
function activeFilterCount(s: ExplorerState): number {
  return [s.agent, s.model, s.feedback, s.range || s.from || s.to, s.channel, s.user, s.tool, s.minCost, s.hasError].filter(Boolean).length;
}

export interface Option {
  key: string;
  name: string;
}

interface ExplorerFiltersProps {
  state: ExplorerState;
  agents: Option[];
  models: Option[];
  tools: Option[];
  onChange: (patch: Partial<ExplorerState>) => void;
}

const select = `${input} pr-7`;
const channelLabel: Record<(typeof channelValues)[number], string> = { web: "Web", whatsapp: "WhatsApp" };

/** Tag search (debounced, exact or substring) and the filters: agent, model, channel, visitor, feedback, tool, errors, cost, time. */
export function ExplorerFilters({ state, agents, models, tools, onChange }: ExplorerFiltersProps) {
  const tag = useDebouncedText(state.tag, (v) => onChange({ tag: v }));
  const user = useDebouncedText(state.user ?? "", (v) => onChange({ user: v || undefined }), 400);
  const minCost = useDebouncedText(state.minCost ?? "", (v) => onChange({ minCost: v || undefined }), 400);
  const [customOpen, setCustomOpen] = useState(false);
  // on a phone the filters fold away under one button, so the results stay above the fold
  const [filtersOpen, setFiltersOpen] = useState(false);
  const active = activeFilterCount(state);
  const custom = customOpen || Boolean(state.from || state.to);
  const exactSearch = state.exact || isCompleteTag(tag.text.trim()) || parseTagRef(tag.text) !== null;

  function setRange(value: string) {
    if (value === "custom") return setCustomOpen(true);
    setCustomOpen(false);
    onChange({ range: (value || undefined) as RangeKey | undefined, from: undefined, to: undefined });
  }

  return (
    <section aria-label="Search and filters" className={cx(card, "grid gap-3 p-3 md:grid-cols-12")}>
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
              placeholder="chat_model_3f2a9c_015 · v:1a2b3c4d, or a part of a tag"
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
            <input type="checkbox" checked={state.exact} onChange={(e) => onChange({ exact: e.target.checked })} data-testid="tag-exact" className="h-3.5 w-3.5 accent-indigo-600" />
            Exact
          </label>
        </div>
        <button
          type="button"
          aria-expanded={filtersOpen}
          aria-controls="explorer-more-filters"
          onClick={() => setFiltersOpen(!filtersOpen)}
          data-testid="filters-toggle"
          className={cx(button, "mt-2 w-full md:hidden")}
        >
          {filtersOpen ? "Hide filters" : `Filters${active ? ` (${active} on)` : ""}`}
        </button>
      </div>
      <div id="explorer-more-filters" data-testid="more-filters" className={cx(filtersOpen ? "grid gap-3" : "hidden", "md:contents")}>
      <Field label="Agent" className="md:col-span-2">
        <select value={state.agent ?? ""} onChange={(e) => onChange({ agent: e.target.value || undefined })} data-testid="filter-agent" className={select}>
          <option value="">All agents</option>
          {agents.map((a) => (
            <option key={a.key} value={a.key}>{a.name}</option>
          ))}
        </select>
      </Field>
      <Field label="Model" className="md:col-span-2">
        <select value={state.model ?? ""} onChange={(e) => onChange({ model: e.target.value || undefined })} data-testid="filter-model" className={select}>
          <option value="">All models</option>
          {models.map((m) => (
            <option key={m.key} value={m.key}>{m.name}</option>
          ))}
        </select>
      </Field>
      <Field label="Feedback" className="md:col-span-2">
        <select value={state.feedback ?? ""} onChange={(e) => onChange({ feedback: (e.target.value || undefined) as ExplorerState["feedback"] })} data-testid="filter-feedback" className={select}>
          <option value="">Any feedback</option>
          {feedbackValues.map((f) => (
            <option key={f} value={f}>{f}</option>
          ))}
        </select>
      </Field>
      <Field label="Time" className="md:col-span-2">
        <select value={custom ? "custom" : (state.range ?? "")} onChange={(e) => setRange(e.target.value)} data-testid="filter-range" className={select}>
          <option value="">Any time</option>
          {rangePresets.map((p) => (
            <option key={p.key} value={p.key}>{p.label}</option>
          ))}
          <option value="custom">Custom (UTC)…</option>
        </select>
      </Field>
      <Field label="Channel" className="md:col-span-2">
        <select value={state.channel ?? ""} onChange={(e) => onChange({ channel: (e.target.value || undefined) as ExplorerState["channel"] })} data-testid="filter-channel" className={select}>
          <option value="">All channels</option>
          {channelValues.map((c) => (
            <option key={c} value={c}>{channelLabel[c]}</option>
          ))}
        </select>
      </Field>
      <Field label="Visitor" className="md:col-span-2">
        <input
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="visitor id or v:1a2b3c4d"
          value={user.text}
          onChange={(e) => user.setText(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && user.flush()}
          data-testid="filter-user"
          className={cx(input, "font-mono")}
        />
      </Field>
      <Field label="Tool used" className="md:col-span-2">
        <select value={state.tool ?? ""} onChange={(e) => onChange({ tool: e.target.value || undefined })} data-testid="filter-tool" className={select}>
          <option value="">Any tool</option>
          {tools.map((t) => (
            <option key={t.key} value={t.key}>{t.name}</option>
          ))}
        </select>
      </Field>
      <Field label="Min. cost (USD)" className="md:col-span-2">
        <input
          type="text"
          inputMode="decimal"
          autoComplete="off"
          placeholder="e.g. 0.05"
          value={minCost.text}
          onChange={(e) => minCost.setText(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && minCost.flush()}
          data-testid="filter-min-cost"
          className={cx(input, "tabular-nums")}
        />
      </Field>
      <div className="flex items-end md:col-span-2">
        <label className="flex h-9 items-center gap-1.5 text-sm text-slate-700 dark:text-slate-200">
          <input type="checkbox" checked={state.hasError} onChange={(e) => onChange({ hasError: e.target.checked })} data-testid="filter-has-error" className="h-4 w-4 accent-rose-600" />
          Has an error
        </label>
      </div>
      {custom && (
        <>
          <Field label="From (UTC)" className="md:col-span-3">
            <input type="datetime-local" value={toInputValue(state.from)} onChange={(e) => onChange({ range: undefined, from: fromInputValue(e.target.value) })} data-testid="filter-from" className={input} />
          </Field>
          <Field label="To (UTC)" className="md:col-span-3">
            <input type="datetime-local" value={toInputValue(state.to)} onChange={(e) => onChange({ range: undefined, to: fromInputValue(e.target.value) })} data-testid="filter-to" className={input} />
          </Field>
        </>
      )}
      <div className={cx("flex items-end", custom ? "md:col-span-6" : "md:col-span-2")}>
        <button
          type="button"
          disabled={!hasFilters(state) && !tag.text}
          onClick={() => {
            setCustomOpen(false);
            onChange(clearedFilters);
          }}
          data-testid="clear-filters"
          className={cx(button, "ml-auto")}
        >
          Clear filters
        </button>
      </div>
      </div>
    </section>
  );
}

function Field({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <label className={cx("block", className)}>
      <span className={fieldLabel}>{label}</span>
      <span className="mt-1 block">{children}</span>
    </label>
  );
}
