"use client";

import { fromInputValue, rangePresets, toInputValue, type RangeKey } from "@/lib/time-range";
import { input } from "../operator/ui";
import type { ExplorerState } from "./explorer-state";
import { Field } from "./filter-fields";

type TimeChange = (patch: Pick<Partial<ExplorerState>, "range" | "from" | "to">) => void;

/** A preset range, any time, or "custom" (which opens the From/To fields: CustomRange). */
export function TimeFilter({ range, custom, onCustom, onChange }: { range: RangeKey | undefined; custom: boolean; onCustom: (open: boolean) => void; onChange: TimeChange }) {
  function pick(value: string) {
    if (value === "custom") return onCustom(true);
    onCustom(false);
    onChange({ range: (value || undefined) as RangeKey | undefined, from: undefined, to: undefined });
  }
  return (
    <Field label="Time" className="md:col-span-2">
      <select value={custom ? "custom" : (range ?? "")} onChange={(e) => pick(e.target.value)} data-testid="filter-range" className={`${input} pr-7`}>
        <option value="">Any time</option>
        {rangePresets.map((p) => (
          <option key={p.key} value={p.key}>{p.label}</option>
        ))}
        <option value="custom">Custom (UTC)…</option>
      </select>
    </Field>
  );
}

/** A custom range's From and To, in UTC. */
export function CustomRange({ from, to, onChange }: { from: string | undefined; to: string | undefined; onChange: TimeChange }) {
  return (
    <>
      <Field label="From (UTC)" className="md:col-span-3">
        <input type="datetime-local" value={toInputValue(from)} onChange={(e) => onChange({ range: undefined, from: fromInputValue(e.target.value) })} data-testid="filter-from" className={input} />
      </Field>
      <Field label="To (UTC)" className="md:col-span-3">
        <input type="datetime-local" value={toInputValue(to)} onChange={(e) => onChange({ range: undefined, to: fromInputValue(e.target.value) })} data-testid="filter-to" className={input} />
      </Field>
    </>
  );
}
