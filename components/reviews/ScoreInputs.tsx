"use client";

import type { ScoreConfigView } from "@/lib/scores/scores";
import { cx, fieldLabel, input, muted } from "../operator/ui";

// The queue's score configs as inputs. Each choice carries its key (1–9): the reviewing screen's digits
// pick it on the active config (docs/architecture.md, "Review queues").

export type ScoreValues = Record<string, string>;

/** A config's choices as (value sent, label shown); numeric configs take digits within their range. */
export function choicesOf(c: ScoreConfigView): { value: string; label: string }[] {
  if (c.dataType === "boolean") return [{ value: "true", label: "yes" }, { value: "false", label: "no" }];
  if (c.dataType === "categorical") return (c.categories ?? []).slice(0, 9).map((l) => ({ value: l, label: l }));
  return Array.from({ length: 9 }, (_, i) => String(i + 1))
    .filter((d) => (c.min === null || Number(d) >= c.min) && (c.max === null || Number(d) <= c.max))
    .map((d) => ({ value: d, label: d }));
}

/** The value digit `n` (1–9) picks on a config, if any. */
export function digitValue(c: ScoreConfigView, n: number): string | undefined {
  if (c.dataType === "numeric") return choicesOf(c).find((x) => x.value === String(n))?.value;
  return choicesOf(c)[n - 1]?.value;
}

export function ScoreInputs({
  configs, values, active, disabled, onChange, onActivate,
}: {
  configs: ScoreConfigView[];
  values: ScoreValues;
  active: number;
  disabled?: boolean;
  onChange: (name: string, value: string) => void;
  onActivate: (index: number) => void;
}) {
  return (
    <div className="space-y-3" data-testid="score-inputs">
      {configs.map((c, i) => (
        <fieldset
          key={c.id}
          data-testid={`score-${c.name}`}
          data-active={i === active}
          data-value={values[c.name] ?? ""}
          onFocus={() => onActivate(i)}
          className={cx("rounded-lg border p-2", i === active ? "border-indigo-500 ring-1 ring-indigo-500" : "border-slate-200 dark:border-slate-800")}
        >
          <legend className={cx(fieldLabel, "px-1")}>
            {c.name} {i === active && <span className="text-indigo-700 normal-case dark:text-indigo-300">· keys 1–9</span>}
          </legend>
          {c.dataType === "numeric" && (
            <input
              type="number"
              aria-label={`${c.name} value`}
              min={c.min ?? undefined}
              max={c.max ?? undefined}
              step="any"
              value={values[c.name] ?? ""}
              disabled={disabled}
              onChange={(e) => onChange(c.name, e.target.value)}
              className={cx(input, "mb-1 w-32")}
            />
          )}
          <div className="flex flex-wrap gap-1.5">
            {choicesOf(c).map((x, n) => (
              <label
                key={x.value}
                className={cx(
                  "flex cursor-pointer items-center gap-1 rounded-md border px-2 py-1 text-sm",
                  values[c.name] === x.value
                    ? "border-indigo-600 bg-indigo-50 font-semibold text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
                    : "border-slate-300 dark:border-slate-700",
                )}
              >
                <input
                  type="radio"
                  name={`score-${c.name}`}
                  value={x.value}
                  checked={values[c.name] === x.value}
                  disabled={disabled}
                  onChange={() => onChange(c.name, x.value)}
                  className="sr-only"
                />
                <kbd className={cx("font-mono text-xs", muted)}>{c.dataType === "numeric" ? "" : n + 1}</kbd> {x.label}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
    </div>
  );
}
