import type { StepNode, Turn } from "@/lib/traces/steps";
import { formatInt, formatMs, formatUsd } from "../operator/format";
import { cx, muted } from "../operator/ui";
import { JsonBlock } from "./JsonBlock";

// One visitor message's steps (llm_observations): generation → tool call → generation,
// nested by parent step, each with a duration bar on the turn's shared time axis. Every row
// has the same width (nesting indents only the step's name), so all bars share one axis.

const kindLabel: Record<string, string> = { generation: "Generation", tool: "Tool", transcription: "Transcription", speech: "Speech" };
const barColor: Record<string, string> = {
  generation: "bg-indigo-500 dark:bg-indigo-400",
  tool: "bg-teal-600 dark:bg-teal-400",
  transcription: "bg-amber-500",
  speech: "bg-amber-500",
};

export function StepTimeline({ turn, title = "Steps" }: { turn: Turn; title?: string }) {
  const count = countSteps(turn.steps);
  return (
    <li data-testid="turn-steps" data-message-id={turn.messageId ?? ""} className="ml-4 rounded-lg border border-dashed border-slate-300 px-3 py-2 dark:border-slate-700">
      <section aria-label={`${title}: ${count} step${count === 1 ? "" : "s"}`}>
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 text-[11px]">
          <h3 className="font-semibold uppercase tracking-wide text-slate-700 dark:text-slate-200">{title}</h3>
          <span className={muted}>{count} step{count === 1 ? "" : "s"}</span>
          <span className={muted} data-testid="turn-span">{formatMs(turn.spanMs)}</span>
          {turn.costUsd > 0 && <span className={muted}>{formatUsd(turn.costUsd)}</span>}
        </div>
        <div aria-hidden="true" className="mt-1 grid grid-cols-[40%_1fr] gap-2 border border-transparent px-2 text-[10px] text-slate-500 dark:text-slate-400">
          <span />
          <span className="flex justify-between">
            <span>0</span>
            <span>{formatMs(turn.spanMs)}</span>
          </span>
        </div>
        <ol data-testid="step-list" className="mt-0.5 space-y-1.5">
          {turn.steps.map((s) => (
            <StepItem key={s.id} step={s} depth={0} />
          ))}
        </ol>
      </section>
    </li>
  );
}

function countSteps(steps: StepNode[]): number {
  return steps.reduce((n, s) => n + 1 + countSteps(s.children), 0);
}

function StepItem({ step, depth }: { step: StepNode; depth: number }) {
  const failed = step.status === "error";
  return (
    <li data-testid="step" data-kind={step.kind} data-name={step.name} data-status={step.status} data-depth={depth}>
      <div
        data-testid="step-row"
        className={cx("rounded-md border px-2 py-1.5", failed ? "border-rose-300 bg-rose-50 dark:border-rose-800 dark:bg-rose-950/40" : "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900")}
      >
        <div className="grid grid-cols-[40%_1fr] items-center gap-2">
          <p className="flex min-w-0 items-center gap-1.5 text-xs" style={{ paddingLeft: `${depth * 1.25}rem` }}>
            {depth > 0 && <span aria-hidden="true" className="text-slate-400">↳</span>}
            <span className={cx("shrink-0 rounded px-1 text-[10px] font-semibold uppercase", step.kind === "tool" ? "bg-teal-50 text-teal-800 dark:bg-teal-950 dark:text-teal-200" : "bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200")}>
              {kindLabel[step.kind] ?? step.kind}
            </span>
            <span className="truncate font-mono font-medium text-slate-900 dark:text-slate-100" title={step.name}>{step.name}</span>
            {failed && <span data-testid="step-error-badge" className="shrink-0 rounded bg-rose-100 px-1 text-[10px] font-semibold uppercase text-rose-800 dark:bg-rose-900 dark:text-rose-100">error</span>}
          </p>
          <div className="relative h-3 rounded bg-slate-100 dark:bg-slate-800" aria-hidden="true">
            <div
              data-testid="step-bar"
              className={cx("absolute inset-y-0 rounded", failed ? "bg-rose-600 dark:bg-rose-500" : barColor[step.kind] ?? "bg-slate-500")}
              style={{ left: `${step.offsetPct}%`, width: `max(2px, ${step.widthPct}%)` }}
            />
          </div>
        </div>
        <div style={{ paddingLeft: `${depth * 1.25}rem` }}>
          <dl className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-[11px] text-slate-600 dark:text-slate-300">
            <Figure label="Duration" value={formatMs(step.durationMs)} testId="step-duration" />
            {step.kind === "generation" && (
              <>
                {step.model && <Figure label="Model" value={step.model} />}
                {step.inputTokens !== null && (
                  <Figure
                    label="Tokens"
                    value={`${formatInt(step.inputTokens)} → ${formatInt(step.outputTokens ?? 0)}${step.cachedInputTokens ? ` (${formatInt(step.cachedInputTokens)} cached)` : ""}`}
                  />
                )}
                {step.timeToFirstTokenMs !== null && <Figure label="TTFT" value={formatMs(step.timeToFirstTokenMs)} />}
                {step.finishReason && <Figure label="Finish" value={step.finishReason} />}
                {step.costUsd !== null && <Figure label="Cost" value={formatUsd(step.costUsd)} testId="step-cost" />}
              </>
            )}
            {step.toolCallId && <Figure label="Call" value={step.toolCallId} />}
            {step.truncated && (
              <div data-testid="step-truncated" className="rounded bg-amber-100 px-1 font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200">
                <dt className="sr-only">Payload</dt>
                <dd>truncated{step.payloadCapBytes ? ` at ${formatInt(step.payloadCapBytes)} bytes` : ""}</dd>
              </div>
            )}
          </dl>
          {failed && step.error && (
            <p role="note" data-testid="step-error" className="mt-1 rounded bg-rose-100 px-2 py-1 font-mono text-[11.5px] break-words text-rose-900 dark:bg-rose-900/60 dark:text-rose-100">
              Error: {step.error}
            </p>
          )}
          {step.kind === "tool" && (step.arguments != null || step.result != null) && (
            <div className="mt-1 space-y-1">
              {step.arguments != null && <JsonBlock label="Arguments" value={step.arguments} testId="step-arguments" />}
              {step.result != null && <JsonBlock label="Result" value={step.result} testId="step-result" />}
            </div>
          )}
        </div>
      </div>
      {step.children.length > 0 && (
        <ol data-testid="step-children" className="mt-1.5 space-y-1.5">
          {step.children.map((c) => (
            <StepItem key={c.id} step={c} depth={depth + 1} />
          ))}
        </ol>
      )}
    </li>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="flex gap-1">
      <dt>{label}</dt>
      <dd data-testid={testId} className="font-medium text-slate-800 dark:text-slate-100">{value}</dd>
    </div>
  );
}
