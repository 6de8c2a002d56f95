import type { ExperimentItemView } from "@/lib/experiments/experiments";
import { cx, muted } from "../operator/ui";

// Small pieces shared by the experiment and comparison pages.

export const usd = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `$${v.toFixed(6)}`);
export const ms = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${Math.round(v)} ms`);
export const signed = (v: number | null | undefined, unit = "") => (v === null || v === undefined ? "–" : `${v > 0 ? "+" : ""}${Math.round(v * 10_000) / 10_000}${unit}`);

export function question(input: ExperimentItemView["input"]): string {
  return [...input].reverse().find((m) => m.role === "user")?.content ?? "";
}

export function StatusBadge({ status }: { status: string }) {
  const tone = status === "completed" ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-100"
    : status === "failed" ? "bg-red-100 text-red-900 dark:bg-red-900/40 dark:text-red-100" : "bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-100";
  return <span className={cx("rounded-full px-2 py-0.5 text-xs font-medium", tone)} data-testid="experiment-status">{status}</span>;
}

export function Scores({ scores }: { scores: ExperimentItemView["scores"] }) {
  if (scores.length === 0) return <span className={muted}>no scores</span>;
  return (
    <ul className="space-y-0.5">
      {scores.map((s) => <li key={s.name} title={s.comment ?? undefined}><span className="break-all">{s.name}</span>: <strong>{String(s.value)}</strong></li>)}
    </ul>
  );
}

export function ToolCalls({ steps }: { steps: ExperimentItemView["steps"] }) {
  if (steps.length === 0) return <span className={muted}>no tool calls</span>;
  return <span className="font-mono text-xs break-all">{steps.map((s) => s.name).join(" → ")}</span>;
}
