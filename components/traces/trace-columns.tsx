import Link from "next/link";
import {
  createColumnHelper,
  rowSortingFeature,
  tableFeatures,
} from "@tanstack/react-table";
import type { SearchRowView as TraceView } from "@/lib/traces/search";
import { visitorRef } from "@/lib/visitors/reference";
import { CopyButton } from "../operator/CopyButton";
import {
  formatDateTime,
  formatInt,
  formatMs,
  formatShortDateTime,
  formatUsd,
} from "../operator/format";
import { cx, focusRing } from "../operator/ui";
import { FeedbackBadge } from "./FeedbackBadge";
import { MatchSnippet } from "./MatchSnippet";

// Columns of the explorer's table (TanStack Table v9). Column ids of the sortable
// columns are the API's sort keys; the server sorts (manualSorting).

export const traceTableFeatures = tableFeatures({ rowSortingFeature });
const helper = createColumnHelper<typeof traceTableFeatures, TraceView>();

export const numericColumns = new Set([
  "llm_calls",
  "total_tokens",
  "latency_ms",
  "cost_usd",
]);

/** The filtered score's values on a trace (every source and author), the sort key's column. */
function scoreColumn(name: string) {
  // an accessor (the count of values), so the column can sort: the server orders by the trace's mean
  return helper.accessor((row) => row.scores.filter((s) => s.name === name).length, {
    id: "score",
    header: name,
    cell: ({ row }) => {
      const mine = row.original.scores.filter((s) => s.name === name);
      if (mine.length === 0) return <span className="text-slate-500 dark:text-slate-400">–</span>;
      return (
        <span data-testid="trace-score" title={mine.map((s) => `${s.source} ${s.author}: ${String(s.value)}`).join("\n")} className="whitespace-nowrap">
          {mine.map((s) => String(s.value)).join(" · ")}
        </span>
      );
    },
  });
}

export function traceColumns(agentNames: Record<string, string>, q = "", score?: string) {
  return helper.columns([
    helper.accessor("sessionTag", {
      id: "session_tag",
      header: "Session tag",
      enableSorting: false,
      cell: ({ row }) => {
        const t = row.original;
        return (
          <>
            <span className="flex items-center gap-1">
              <Link
                href={`/traces/${t.id}`}
                data-testid="trace-link"
                className={cx(
                  "truncate font-mono text-[12.5px] font-medium text-indigo-700 hover:underline dark:text-indigo-300",
                  focusRing,
                )}
              >
                {t.sessionTag}
              </Link>
              <CopyButton
                text={t.sessionTag}
                label={`Copy session tag ${t.sessionTag}`}
              />
              {(t.status === "error" || t.errorCount > 0) && (
                <span
                  data-testid="trace-error-badge"
                  title={
                    t.errorCount > 0
                      ? `${t.errorCount} failed step${t.errorCount === 1 ? "" : "s"}`
                      : (t.lastError ?? "model error")
                  }
                  className="rounded bg-rose-100 px-1 text-[10px] font-semibold uppercase text-rose-700 dark:bg-rose-950 dark:text-rose-300"
                >
                  error{t.errorCount > 1 ? ` ×${t.errorCount}` : ""}
                </span>
              )}
            </span>
            {t.match && <MatchSnippet traceId={t.id} match={t.match} q={q} />}
          </>
        );
      },
    }),
    helper.accessor("userId", {
      id: "visitor",
      header: "Visitor",
      enableSorting: false,
      cell: ({ row }) => (
        <Link
          href={`/visitors/${encodeURIComponent(row.original.userId)}`}
          title={`Visitor ${row.original.userId}`}
          data-testid="trace-visitor"
          className={cx("font-mono text-[11.5px] whitespace-nowrap text-indigo-700 hover:underline dark:text-indigo-300", focusRing)}
        >
          v:{visitorRef(row.original.userId)}
        </Link>
      ),
    }),
    helper.accessor("agentType", {
      id: "agent",
      header: "Agent",
      enableSorting: false,
      cell: ({ row }) => (
        <span className="block max-w-24 truncate" title={`${agentNames[row.original.agentType] ?? row.original.agentType} (${row.original.agentType}${row.original.agentVersion ? ` · version ${row.original.agentVersion}` : ""})`}>
          {agentNames[row.original.agentType] ?? row.original.agentType}
        </span>
      ),
    }),
    helper.accessor("modelName", {
      id: "model",
      header: "Model",
      enableSorting: false,
      cell: ({ row }) => (
        <span className="block max-w-28 truncate" title={`${row.original.modelName} (${row.original.model}${row.original.experimentName ? ` · A/B variant ${row.original.experimentName}` : ""})`}>{row.original.modelName}</span>
      ),
    }),
    helper.accessor("channel", {
      id: "channel",
      header: "Channel",
      enableSorting: false,
      cell: ({ getValue }) => (
        <span data-testid="trace-channel">{getValue()}</span>
      ),
    }),
    helper.accessor("llmCalls", {
      id: "llm_calls",
      header: "LLM calls",
      cell: ({ getValue }) => formatInt(getValue()),
    }),
    helper.accessor("totalTokens", {
      id: "total_tokens",
      header: "Tokens",
      cell: ({ row }) => (
        <span
          title={`${formatInt(row.original.inputTokens)} in · ${formatInt(row.original.outputTokens)} out`}
        >
          {formatInt(row.original.totalTokens)}
        </span>
      ),
    }),
    helper.accessor("latencyMs", {
      id: "latency_ms",
      header: "Latency",
      cell: ({ getValue }) => formatMs(getValue()),
    }),
    helper.accessor("costUsd", {
      id: "cost_usd",
      header: "Cost",
      cell: ({ row }) => (
        <span
          data-cost={row.original.costUsd}
          title={`$${row.original.costUsd.toFixed(8)}`}
        >
          {formatUsd(row.original.costUsd)}
        </span>
      ),
    }),
    helper.accessor("toolsUsed", {
      id: "tools",
      header: "Tools",
      enableSorting: false,
      cell: ({ row }) =>
        row.original.toolsUsed.length === 0 ? (
          <span className="text-slate-500 dark:text-slate-400">–</span>
        ) : (
          <span title={`${row.original.toolsUsed.join(", ")} · ${formatInt(row.original.toolCalls)} tool calls`} className="block max-w-24 truncate font-mono text-[11.5px]">
            {row.original.toolsUsed.join(", ")}
          </span>
        ),
    }),
    helper.accessor("feedback", {
      id: "feedback",
      header: "Feedback",
      enableSorting: false,
      // the visitor's rating, and the operators' comments on the trace
      cell: ({ row }) => (
        <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
          <FeedbackBadge
            feedback={row.original.feedback}
            comment={row.original.feedbackComment}
          />
          {row.original.commentsCount > 0 && (
            <span
              data-testid="comments-count"
              title="operator comments"
              className="text-[11px] text-slate-600 dark:text-slate-300"
            >
              {formatInt(row.original.commentsCount)}{" "}
              {row.original.commentsCount === 1 ? "comment" : "comments"}
            </span>
          )}
        </span>
      ),
    }),
    // the score column sits before the time column, shown while a score filters the page
    ...(score ? [scoreColumn(score)] : []),
    helper.accessor("createdAt", {
      id: "created_at",
      header: "Created (UTC)",
      cell: ({ getValue }) => (
        <time
          dateTime={getValue()}
          title={formatDateTime(getValue())}
          className="whitespace-nowrap"
        >
          {formatShortDateTime(getValue())}
        </time>
      ),
    }),
    ]);
}
