"use client";

import { scoreOps } from "@/lib/scores/wire";
import { cx, input } from "../operator/ui";
import type { ExplorerState } from "./explorer-state";
import { Field } from "./filter-fields";
import { useDebouncedText } from "./use-debounced-text";

/** A score config as the explorer's score filter offers it. */
export interface ScoreOption {
  name: string;
  dataType: "numeric" | "categorical" | "boolean";
  categories: string[] | null;
}

type ScoreChange = (patch: Pick<Partial<ExplorerState>, "score" | "scoreOp" | "scoreValue" | "sort">) => void;

const opLabels: Record<(typeof scoreOps)[number], string> = { lt: "<", lte: "≤", eq: "=", gte: "≥", gt: ">" };

/** The values a boolean or categorical score compares with (booleans 1/0, a category its position). */
function valueChoices(c: ScoreOption | undefined): { value: string; label: string }[] | null {
  if (c?.dataType === "boolean") return [{ value: "1", label: "true" }, { value: "0", label: "false" }];
  if (c?.dataType === "categorical") return (c.categories ?? []).map((label, i) => ({ value: String(i), label }));
  return null;
}

/** Score name (from the configs), comparison and value: traces with that trace-level score (docs/architecture.md, "Scores and comments"). */
export function ScoreFilter({ state, configs, onChange }: { state: ExplorerState; configs: ScoreOption[]; onChange: ScoreChange }) {
  const config = configs.find((c) => c.name === state.score);
  const choices = valueChoices(config);
  const value = useDebouncedText(state.scoreValue ?? "", (v) => onChange({ scoreValue: v || undefined }), 400);
  return (
    <>
      <Field label="Score" className="md:col-span-2">
        <select
          value={state.score ?? ""}
          onChange={(e) => {
            const score = e.target.value || undefined;
            // the comparison belongs to the old score, and sorting by a score needs one
            onChange({ score, scoreOp: undefined, scoreValue: undefined, ...(!score && state.sort === "score" ? { sort: "created_at" } : {}) });
          }}
          data-testid="filter-score"
          className={`${input} pr-7`}
        >
          <option value="">Any score</option>
          {configs.map((c) => (
            <option key={c.name} value={c.name}>{c.name}</option>
          ))}
          {state.score && !config && <option value={state.score}>{state.score}</option>}
        </select>
      </Field>
      <div className="grid grid-cols-[5rem_1fr] gap-1 md:col-span-2">
        <Field label="Compare">
          <select
            value={state.scoreOp ?? ""}
            disabled={!state.score}
            onChange={(e) => onChange({ scoreOp: e.target.value || undefined })}
            data-testid="filter-score-op"
            className={`${input} pr-6`}
          >
            <option value="">any</option>
            {scoreOps.map((op) => (
              <option key={op} value={op}>{opLabels[op]}</option>
            ))}
          </select>
        </Field>
        <Field label="Value">
          {choices ? (
            <select
              value={state.scoreValue ?? ""}
              disabled={!state.score}
              onChange={(e) => onChange({ scoreValue: e.target.value || undefined })}
              data-testid="filter-score-value"
              className={`${input} pr-6`}
            >
              <option value="">any</option>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>{c.label}</option>
              ))}
            </select>
          ) : (
            <input
              type="text"
              inputMode="decimal"
              autoComplete="off"
              disabled={!state.score}
              placeholder="e.g. 3"
              value={value.text}
              onChange={(e) => value.setText(e.target.value)}
              onKeyDown={(e) => e.key === "Enter" && value.flush()}
              data-testid="filter-score-value"
              className={cx(input, "tabular-nums")}
            />
          )}
        </Field>
      </div>
    </>
  );
}
