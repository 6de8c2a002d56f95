import type { DashboardStats } from "@/lib/dashboard/stats";
import { formatCompact, formatCount, formatInt, formatMs, formatPercent, formatUsd } from "../operator/format";
import { card, cx, muted } from "../operator/ui";

/** The range's headline figures. */
export function KpiCards({ totals }: { totals: DashboardStats["totals"] }) {
  const items: { label: string; value: string; hint?: string; testId: string }[] = [
    { label: "Traces", value: formatInt(totals.traces), hint: formatCount(totals.visitors, "visitor"), testId: "kpi-traces" },
    { label: "LLM calls", value: formatInt(totals.llmCalls), hint: `${totals.avgLlmCalls ?? "–"} per session`, testId: "kpi-llm-calls" },
    { label: "Tokens", value: formatCompact(totals.totalTokens), hint: `${formatCompact(totals.inputTokens)} in · ${formatCompact(totals.outputTokens)} out`, testId: "kpi-tokens" },
    { label: "Latency / call", value: formatMs(totals.avgLatencyMsPerCall), hint: `${formatMs(totals.latencyMs)} in total`, testId: "kpi-latency" },
    { label: "Positive feedback", value: formatPercent(totals.positiveRatio), hint: `${formatInt(totals.positive)} positive · ${formatInt(totals.negative)} negative · ${formatInt(totals.pending)} unrated`, testId: "kpi-feedback" },
    { label: "Errors", value: formatInt(totals.errors), hint: `last model call failed · ${formatInt(totals.tracesWithErrors)} with a failed step`, testId: "kpi-errors" },
    { label: "Cost", value: formatUsd(totals.costUsd), hint: `${formatUsd(totals.avgCostUsd === null ? null : Number(totals.avgCostUsd))} per trace · ${formatInt(totals.toolCalls)} tool calls`, testId: "kpi-cost" },
    { label: "Message votes", value: `${formatInt(totals.votesUp)} / ${formatInt(totals.votesDown)}`, hint: "thumbs up / down on agent messages", testId: "kpi-votes" },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
      {items.map((k) => (
        <div key={k.label} data-testid={k.testId} className={cx(card, "px-4 py-3")}>
          <dt className={cx("text-xs font-medium", muted)}>{k.label}</dt>
          <dd className="mt-0.5 text-2xl font-semibold tabular-nums tracking-tight" data-testid="kpi-value">
            {k.value}
          </dd>
          {k.hint && <dd className={cx("truncate text-[11px]", muted)}>{k.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}
