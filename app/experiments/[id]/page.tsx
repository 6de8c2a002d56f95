import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { RefreshWhileRunning } from "@/components/experiments/RefreshWhileRunning";
import { ms, question, Scores, StatusBadge, ToolCalls, usd } from "@/components/experiments/parts";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { card, cx, link, muted, tableHead } from "@/components/operator/ui";
import { isAppError } from "@/lib/errors";
import { experimentDetail } from "@/lib/experiments/experiments";
import { requireOperatorPage } from "@/lib/operators/pages";

export const metadata: Metadata = { title: "Experiment", robots: { index: false } };
export const dynamic = "force-dynamic";

/** One experiment: each item's reply, tool calls, scores, cost and latency, and the totals. */
export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const db = await requireOperatorPage(`/experiments/${encodeURIComponent(id)}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const x = await experimentDetail(db, id).catch((e: unknown) => {
    if (isAppError(e) && e.code === "not_found:experiment") notFound();
    throw e;
  });
  return (
    <OperatorShell active="experiments">
      <RefreshWhileRunning running={x.status === "running"} />
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link href="/experiments" className={link}>← All experiments</Link></nav>
      <h1 className="flex flex-wrap items-center gap-2 text-lg font-semibold">
        Experiment <span className="font-mono text-sm">{x.id.slice(0, 8)}</span> <StatusBadge status={x.status} />
      </h1>
      <p className={cx("text-sm", muted)} data-testid="experiment-summary">
        {x.agent} v{x.version}{x.isDraft ? " (draft)" : ""} over <Link className={link} href={`/datasets/${encodeURIComponent(x.dataset)}`}>{x.dataset}</Link>:
        {" "}{x.totals.completed} of {x.totals.items} items replayed{x.totals.failed ? `, ${x.totals.failed} failed` : ""}; cost {usd(x.totals.costUsd)}, mean latency {ms(x.totals.avgLatencyMs)}
        {Object.entries(x.totals.scores).map(([n, v]) => `; ${n} ${v}`).join("")}
      </p>
      <div className={cx(card, "mt-4 overflow-x-auto")}>
        <table className="w-full text-sm" data-testid="experiment-items">
          <thead className={tableHead}><tr><th className="px-3 py-2">#</th><th className="px-3 py-2">Visitor’s last message</th><th className="px-3 py-2">Reply</th><th className="px-3 py-2">Tool calls</th><th className="px-3 py-2">Scores</th><th className="px-3 py-2">Cost</th><th className="px-3 py-2">Latency</th></tr></thead>
          <tbody>
            {x.items.map((i) => (
              <tr key={i.itemId} className="border-t border-slate-100 align-top dark:border-slate-800">
                <td className="px-3 py-2 tabular-nums">{i.position}</td>
                <td className="max-w-48 px-3 py-2 break-words">{question(i.input)}</td>
                <td className="min-w-64 px-3 py-2 break-words whitespace-pre-wrap">
                  {i.error ? <span className="text-red-700 dark:text-red-300">{i.error}</span> : i.reply ?? <span className={muted}>{i.status}</span>}
                  {i.traceId && <div><Link className={cx(link, "text-xs")} href={`/traces/${i.traceId}`}>trace</Link></div>}
                </td>
                <td className="px-3 py-2"><ToolCalls steps={i.steps} /></td>
                <td className="px-3 py-2"><Scores scores={i.scores} /></td>
                <td className="px-3 py-2 tabular-nums whitespace-nowrap">{usd(i.costUsd)}</td>
                <td className="px-3 py-2 tabular-nums whitespace-nowrap">{ms(i.latencyMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </OperatorShell>
  );
}
