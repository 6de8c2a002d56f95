import Link from "next/link";
import { createColumnHelper, rowSortingFeature, tableFeatures } from "@tanstack/react-table";
import type { TraceView } from "@/lib/traces/search";
import { CopyButton } from "../operator/CopyButton";
import { formatDateTime, formatInt, formatMs, formatShortDateTime } from "../operator/format";
import { cx, focusRing } from "../operator/ui";
import { FeedbackBadge } from "./FeedbackBadge";

// Columns of the explorer's table (TanStack Table v9). Column ids of the sortable
// columns are the API's sort keys; the server sorts (manualSorting).

export const traceTableFeatures = tableFeatures({ rowSortingFeature });
const helper = createColumnHelper<typeof traceTableFeatures, TraceView>();

export const numericColumns = new Set(["llm_calls", "total_tokens", "latency_ms"]);

export function traceColumns(agentNames: Record<string, string>) {
  return helper.columns([
    helper.accessor("sessionTag", {
      id: "session_tag",
      header: "Session tag",
      enableSorting: false,
      cell: ({ row }) => {
        const t = row.original;
        return (
          <span className="flex items-center gap-1">
            <Link
              href={`/traces/${t.id}`}
              data-testid="trace-link"
              className={cx("truncate font-mono text-[12.5px] font-medium text-indigo-700 hover:underline dark:text-indigo-300", focusRing)}
            >
              {t.sessionTag}
            </Link>
            <CopyButton text={t.sessionTag} label={`Copy session tag ${t.sessionTag}`} />
            {t.status === "error" && (
              <span title={t.lastError ?? "model error"} className="rounded bg-rose-100 px-1 text-[10px] font-semibold uppercase text-rose-700 dark:bg-rose-950 dark:text-rose-300">
                error
              </span>
            )}
          </span>
        );
      },
    }),
    helper.accessor("agentType", {
      id: "agent",
      header: "Agent",
      enableSorting: false,
      cell: ({ getValue }) => <span title={getValue()}>{agentNames[getValue()] ?? getValue()}</span>,
    }),
    helper.accessor("modelName", {
      id: "model",
      header: "Model",
      enableSorting: false,
      cell: ({ row }) => (
        <span title={`${row.original.model}${row.original.experimentName ? ` · experiment ${row.original.experimentName}` : ""}`}>{row.original.modelName}</span>
      ),
    }),
    helper.accessor("llmCalls", { id: "llm_calls", header: "LLM calls", cell: ({ getValue }) => formatInt(getValue()) }),
    helper.accessor("totalTokens", {
      id: "total_tokens",
      header: "Tokens",
      cell: ({ row }) => (
        <span title={`${formatInt(row.original.inputTokens)} in · ${formatInt(row.original.outputTokens)} out`}>{formatInt(row.original.totalTokens)}</span>
      ),
    }),
    helper.accessor("latencyMs", { id: "latency_ms", header: "Latency", cell: ({ getValue }) => formatMs(getValue()) }),
    helper.accessor("feedback", {
      id: "feedback",
      header: "Feedback",
      enableSorting: false,
      cell: ({ row }) => <FeedbackBadge feedback={row.original.feedback} comment={row.original.feedbackComment} />,
    }),
    helper.accessor("createdAt", {
      id: "created_at",
      header: "Created (UTC)",
      cell: ({ getValue }) => (
        <time dateTime={getValue()} title={formatDateTime(getValue())} className="whitespace-nowrap">
          {formatShortDateTime(getValue())}
        </time>
      ),
    }),
  ]);
}
