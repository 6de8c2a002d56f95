import Link from "next/link";
import { CopyButton } from "../operator/CopyButton";
import { formatDateTime, formatDuration, formatInt, formatMs, formatUsd } from "../operator/format";
import { card, cx, link, muted } from "../operator/ui";
import type { TraceDetail } from "./detail-types";
import { FeedbackBadge } from "./FeedbackBadge";

/** The trace's header: tag (copyable), agent, model, status, and its figures. */
export function TraceFigures({ detail }: { detail: TraceDetail }) {
  const { trace, session } = detail;
  const perCall = trace.llmCalls > 0 ? trace.latencyMs / trace.llmCalls : null;
  const figures: [string, string, string][] = [
    ["LLM calls", formatInt(trace.llmCalls), "figure-llm-calls"],
    ["Input tokens", formatInt(trace.inputTokens), "figure-input-tokens"],
    ["Output tokens", formatInt(trace.outputTokens), "figure-output-tokens"],
    ["Total tokens", formatInt(trace.totalTokens), "figure-total-tokens"],
    ["Latency", formatMs(trace.latencyMs), "figure-latency"],
    ["Per call", formatMs(perCall), "figure-latency-per-call"],
    ["Cost", formatUsd(trace.costUsd), "figure-cost"],
    ["Tool calls", formatInt(trace.toolCalls), "figure-tool-calls"],
    ["Failed steps", formatInt(trace.errorCount), "figure-errors"],
    ["Message votes", `${formatInt(trace.votesUp)} up · ${formatInt(trace.votesDown)} down`, "figure-votes"],
    ["Session length", session.isActive ? "active" : formatDuration(session.durationSeconds), "figure-duration"],
    ["Messages", formatInt(detail.messages.length), "figure-messages"],
  ];
  return (
    <section aria-label="Trace" data-testid="trace-figures" className={cx(card, "p-4")}>
      <div className="flex flex-wrap items-center gap-2">
        <h1 data-testid="trace-tag" className="font-mono text-lg font-semibold break-all">
          {trace.sessionTag}
        </h1>
        <CopyButton text={trace.sessionTag} label="Copy session tag" testId="copy-tag" className="border border-slate-200 dark:border-slate-700" />
        <FeedbackBadge feedback={trace.feedback} comment={trace.feedbackComment} prefix="visitor" />
        <span
          data-testid="trace-status"
          className={cx(
            "rounded-full px-2 py-0.5 text-[11px] font-medium",
            trace.status === "error" ? "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
          )}
        >
          {trace.status}
        </span>
        <span className={cx("rounded-full px-2 py-0.5 text-[11px] font-medium", session.isActive ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300")}>
          {session.isActive ? "session active" : `session ended${session.endReason ? ` (${session.endReason.replace("_", " ")})` : ""}`}
        </span>
      </div>
      <dl className={cx("mt-2 flex flex-wrap gap-x-5 gap-y-1 text-xs", muted)}>
        <Meta label="Agent" value={trace.agentVersion ? `${session.agent.name} (version ${trace.agentVersion})` : session.agent.name} />
        <Meta label="Model" value={`${trace.modelName} (${trace.model})`} />
        <div className="flex gap-1">
          <dt>Channel</dt>
          <dd data-testid="trace-channel">{trace.channel}</dd>
        </div>
        {trace.experimentName && <Meta label="A/B variant" value={trace.experimentName} />}
        <div className="flex gap-1">
          <dt>Visitor</dt>
          <dd>
            <Link href={`/traces?user=${encodeURIComponent(trace.userId)}`} className={cx(link, "font-mono")} data-testid="visitor-link">
              {trace.userId}
            </Link>
          </dd>
        </div>
        <Meta label="Created" value={`${formatDateTime(trace.createdAt)} UTC`} />
        <Meta label="Updated" value={`${formatDateTime(trace.updatedAt)} UTC`} />
      </dl>
      {trace.lastError && (
        <p role="note" className="mt-2 rounded-md bg-rose-50 px-2 py-1 font-mono text-xs text-rose-800 dark:bg-rose-950/50 dark:text-rose-200">
          Last error: {trace.lastError}
        </p>
      )}
      {trace.toolsUsed.length > 0 && (
        <p className={cx("mt-2 text-xs", muted)}>
          Tools used: <span data-testid="trace-tools-used" className="font-mono text-slate-700 dark:text-slate-200">{trace.toolsUsed.join(", ")}</span>
        </p>
      )}
      <dl className="mt-3 grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-6">
        {figures.map(([label, value, testId]) => (
          <div key={label} className="rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-950/60">
            <dt className={cx("text-[11px]", muted)}>{label}</dt>
            <dd data-testid={testId} className="text-base font-semibold tabular-nums">
              {value}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Meta({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-1">
      <dt>{label}</dt>
      <dd className="font-medium text-slate-700 dark:text-slate-200">{value}</dd>
    </div>
  );
}
