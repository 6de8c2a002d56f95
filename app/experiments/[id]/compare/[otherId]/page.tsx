import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { ms, question, Scores, signed, ToolCalls, usd } from "@/components/experiments/parts";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { card, cardTitle, cx, link, muted, tableHead } from "@/components/operator/ui";
import { isAppError } from "@/lib/errors";
import { compareExperiments } from "@/lib/experiments/experiments";
import { requireOperatorPage } from "@/lib/operators/pages";

export const metadata: Metadata = { title: "Compare experiments", robots: { index: false } };
export const dynamic = "force-dynamic";

/** Two runs side by side per dataset item (replies, tool calls, scores and deltas, cost, latency) and the totals. */
export default async function ComparePage({ params }: { params: Promise<{ id: string; otherId: string }> }) {
  const { id, otherId } = await params;
  const db = await requireOperatorPage(`/experiments/${encodeURIComponent(id)}/compare/${encodeURIComponent(otherId)}`);
  if (!z.uuid().safeParse(id).success || !z.uuid().safeParse(otherId).success) notFound();
  const c = await compareExperiments(db, id, otherId).catch((e: unknown) => {
    if (isAppError(e) && e.code === "not_found:experiment") notFound();
    throw e;
  });
  const label = (x: typeof c.base) => `${x.agent} v${x.version}${x.isDraft ? " (draft)" : ""}`;
  return (
    <OperatorShell active="experiments">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link href="/experiments" className={link}>← All experiments</Link></nav>
      <h1 className="text-lg font-semibold">Compare experiments</h1>
      <p className={cx("text-sm", muted)}>
        Base <Link className={link} href={`/experiments/${c.base.id}`}>{c.base.id.slice(0, 8)}</Link> ({label(c.base)}) and candidate{" "}
        <Link className={link} href={`/experiments/${c.other.id}`}>{c.other.id.slice(0, 8)}</Link> ({label(c.other)}) over {c.base.dataset}. Deltas are candidate − base.
      </p>
      <section className={cx(card, "mt-4 overflow-x-auto p-4")} aria-labelledby="totals-title" data-testid="compare-totals">
        <h2 id="totals-title" className={cardTitle}>Totals</h2>
        <table className="mt-2 w-full text-sm">
          <thead className={tableHead}><tr><th className="px-3 py-2">Figure</th><th className="px-3 py-2">Base</th><th className="px-3 py-2">Candidate</th><th className="px-3 py-2">Δ</th></tr></thead>
          <tbody>
            {Object.entries(c.totals.scores).map(([n, s]) => (
              <tr key={n} className="border-t border-slate-100 dark:border-slate-800"><td className="px-3 py-2 break-all">{n} (mean)</td><td className="px-3 py-2">{s.base ?? "–"}</td><td className="px-3 py-2">{s.other ?? "–"}</td><td className="px-3 py-2 font-semibold">{signed(s.delta)}</td></tr>
            ))}
            <tr className="border-t border-slate-100 dark:border-slate-800"><td className="px-3 py-2">Cost</td><td className="px-3 py-2">{usd(c.totals.costUsd.base)}</td><td className="px-3 py-2">{usd(c.totals.costUsd.other)}</td><td className="px-3 py-2">{signed(c.totals.costUsd.delta)}</td></tr>
            <tr className="border-t border-slate-100 dark:border-slate-800"><td className="px-3 py-2">Mean latency</td><td className="px-3 py-2">{ms(c.totals.avgLatencyMs.base)}</td><td className="px-3 py-2">{ms(c.totals.avgLatencyMs.other)}</td><td className="px-3 py-2">{signed(c.totals.avgLatencyMs.delta, " ms")}</td></tr>
          </tbody>
        </table>
      </section>
      <ol className="mt-4 space-y-3" data-testid="compare-items">
        {c.items.map((i, k) => (
          <li key={i.itemId} className={cx(card, "p-4")}>
            <h2 className={cardTitle}>Item {k + 1}: <span className="font-normal break-words">{question(i.input)}</span></h2>
            <div className="mt-2 grid gap-3 md:grid-cols-2">
              {([["Base", i.base], ["Candidate", i.other]] as const).map(([side, x]) => (
                <div key={side} className="min-w-0 rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800">
                  <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-300">{side}</h3>
                  {x ? (
                    <>
                      <p className="mt-1 break-words whitespace-pre-wrap">{x.error ?? x.reply ?? x.status}</p>
                      <div className="mt-2"><ToolCalls steps={x.steps} /></div>
                      <div className="mt-2"><Scores scores={x.scores} /></div>
                      <p className={cx("mt-2 text-xs", muted)}>{usd(x.costUsd)} · {ms(x.latencyMs)}</p>
                    </>
                  ) : <p className={muted}>not in this run</p>}
                </div>
              ))}
            </div>
            <p className="mt-2 text-xs" data-testid="compare-deltas">
              Δ {Object.entries(i.deltas.scores).map(([n, d]) => `${n} ${signed(d)}`).join(", ") || "no scores"} · cost {signed(i.deltas.costUsd)} · latency {signed(i.deltas.latencyMs, " ms")}
            </p>
          </li>
        ))}
      </ol>
    </OperatorShell>
  );
}
