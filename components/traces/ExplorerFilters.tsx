"use client";

import { useState } from "react";
import { button, card, cx } from "../operator/ui";
import { channelValues, clearedFilters, feedbackValues, hasFilters, type ExplorerState } from "./explorer-state";
import { CheckFilter, OptionFilter, TextFilter, type Option } from "./filter-fields";
import type { SearchMode } from "@/lib/traces/search";
import { ScoreFilter, type ScoreOption } from "./ScoreFilter";
import { TagSearch } from "./TagSearch";
import { CustomRange, TimeFilter } from "./TimeFilter";
import { useDebouncedText } from "./use-debounced-text";

/** How many filters besides the tag search are set (the folded filters' button says so). */
function activeFilterCount(s: ExplorerState): number {
  return [s.agent, s.model, s.feedback, s.range || s.from || s.to, s.channel, s.user, s.tool, s.minCost, s.hasError, s.score].filter(Boolean).length;
}

export type { Option } from "./filter-fields";
export type { ScoreOption } from "./ScoreFilter";

interface ExplorerFiltersProps {
  state: ExplorerState;
  agents: Option[];
  models: Option[];
  tools: Option[];
  scoreConfigs: ScoreOption[];
  onChange: (patch: Partial<ExplorerState>) => void;
  /** how search_traces read the search box on the last result */
  searchMode: SearchMode;
}

const channelOptions = channelValues.map((key) => ({ key, name: { web: "Web", whatsapp: "WhatsApp" }[key] }));
const feedbackOptions = feedbackValues.map((key) => ({ key, name: key }));

/** Tag search and the filters: agent, model, feedback, time, channel, visitor, tool, cost, errors, a score; and clearing them. */
export function ExplorerFilters({ state, agents, models, tools, scoreConfigs, onChange, searchMode }: ExplorerFiltersProps) {
  const tag = useDebouncedText(state.tag, (v) => onChange({ tag: v }));
  const [customOpen, setCustomOpen] = useState(false);
  // on a phone the filters fold away under one button, so the results stay above the fold
  const [filtersOpen, setFiltersOpen] = useState(false);
  const active = activeFilterCount(state);
  const custom = customOpen || Boolean(state.from || state.to);

  return (
    <section aria-label="Search and filters" className={cx(card, "grid gap-3 p-3 md:grid-cols-12")}>
      <TagSearch tag={tag} exact={state.exact} mode={tag.text.trim() === state.tag.trim() ? searchMode : null} onExact={(exact) => onChange({ exact })}>
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
      </TagSearch>
      <div id="explorer-more-filters" data-testid="more-filters" className={cx(filtersOpen ? "grid gap-3" : "hidden", "md:contents")}>
      <OptionFilter label="Agent" all="All agents" value={state.agent} options={agents} onChange={(agent) => onChange({ agent })} testId="filter-agent" />
      <OptionFilter label="Model" all="All models" value={state.model} options={models} onChange={(model) => onChange({ model })} testId="filter-model" />
      <OptionFilter label="Feedback" all="Any feedback" value={state.feedback} options={feedbackOptions} onChange={(feedback) => onChange({ feedback })} testId="filter-feedback" />
      <TimeFilter range={state.range} custom={custom} onCustom={setCustomOpen} onChange={onChange} />
      <OptionFilter label="Channel" all="All channels" value={state.channel} options={channelOptions} onChange={(channel) => onChange({ channel })} testId="filter-channel" />
      <TextFilter label="Visitor" value={state.user} onChange={(user) => onChange({ user })} testId="filter-user" placeholder="visitor id or v:1a2b3c4d" className="font-mono" />
      <OptionFilter label="Tool used" all="Any tool" value={state.tool} options={tools} onChange={(tool) => onChange({ tool })} testId="filter-tool" />
      <TextFilter label="Min. cost (USD)" value={state.minCost} onChange={(minCost) => onChange({ minCost })} testId="filter-min-cost" placeholder="e.g. 0.05" inputMode="decimal" className="tabular-nums" />
      <CheckFilter label="Has an error" checked={state.hasError} onChange={(hasError) => onChange({ hasError })} testId="filter-has-error" />
      <ScoreFilter state={state} configs={scoreConfigs} onChange={onChange} />
      {custom && <CustomRange from={state.from} to={state.to} onChange={onChange} />}
      <div className={cx("flex items-end", custom ? "md:col-span-4" : "md:col-span-10")}>
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
