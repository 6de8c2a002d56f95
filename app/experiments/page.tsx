import type { Metadata } from "next";
import Link from "next/link";
import { StartExperimentForm } from "@/components/experiments/StartExperimentForm";
import { StatusBadge, usd } from "@/components/experiments/parts";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { card, cardTitle, cx, link, muted, tableHead } from "@/components/operator/ui";
import { operatorAgents } from "@/lib/agents/names";
import { listDatasets } from "@/lib/datasets/datasets";
import { listEvaluators } from "@/lib/evaluators";
import { listExperiments } from "@/lib/experiments/experiments";
import { requireOperatorPage } from "@/lib/operators/pages";

export const metadata: Metadata = { title: "Experiments", robots: { index: false } };
export const dynamic = "force-dynamic";

/** The Experiments page: dataset runs, newest first (not the dashboard's A/B comparison of live traffic). */
export default async function ExperimentsPage() {
  const db = await requireOperatorPage("/experiments");
  const [{ experiments }, { datasets }, agents, { evaluators }] = await Promise.all([listExperiments(db), listDatasets(db), operatorAgents(db), listEvaluators(db)]);
  return (
    <OperatorShell active="experiments">
      <h1 className="mb-1 text-lg font-semibold">Experiments</h1>
      <p className={cx("mb-4 text-sm", muted)}>An experiment replays a dataset through one agent version (or its draft) with the real tools, in isolation. Open two runs of one dataset to compare them.</p>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_320px]">
        <section className={cx(card, "min-w-0 overflow-x-auto")} aria-labelledby="runs-title">
          <h2 id="runs-title" className={cx(cardTitle, "px-4 pt-3")}>Runs</h2>
          <table className="mt-2 w-full text-sm" data-testid="experiments-table">
            <thead className={tableHead}>
              <tr><th className="px-3 py-2">Run</th><th className="px-3 py-2">Dataset</th><th className="px-3 py-2">Agent</th><th className="px-3 py-2">Status</th><th className="px-3 py-2">Items</th><th className="px-3 py-2">Cost</th><th className="px-3 py-2">Compare</th></tr>
            </thead>
            <tbody>
              {experiments.map((x) => {
                const previous = experiments.find((o) => o.dataset === x.dataset && o.id !== x.id && o.createdAt < x.createdAt);
                return (
                  <tr key={x.id} className="border-t border-slate-100 dark:border-slate-800">
                    <td className="px-3 py-2"><Link className={cx(link, "font-mono text-xs")} href={`/experiments/${x.id}`}>{x.id.slice(0, 8)}</Link></td>
                    <td className="px-3 py-2">{x.dataset}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{x.agent} v{x.version}{x.isDraft ? " (draft)" : ""}</td>
                    <td className="px-3 py-2"><StatusBadge status={x.status} /></td>
                    <td className="px-3 py-2 tabular-nums">{x.totals.completed}/{x.totals.items}</td>
                    <td className="px-3 py-2 tabular-nums">{usd(x.totals.costUsd)}</td>
                    <td className="px-3 py-2">{previous ? <Link className={link} href={`/experiments/${previous.id}/compare/${x.id}`}>with {previous.id.slice(0, 8)}</Link> : <span className={muted}>–</span>}</td>
                  </tr>
                );
              })}
              {experiments.length === 0 && <tr><td colSpan={7} className={cx("px-3 py-3", muted)}>No experiments yet.</td></tr>}
            </tbody>
          </table>
        </section>
        <section className={cx(card, "p-4")} aria-labelledby="new-run-title">
          <h2 id="new-run-title" className={cardTitle}>New experiment</h2>
          {datasets.length ? (
            <StartExperimentForm datasets={datasets.map((d) => d.name)} agents={agents.map((a) => ({ key: a.key, name: a.name }))} evaluators={evaluators.map((e) => e.name)} />
          ) : <p className={cx("mt-2 text-sm", muted)}>Create a <Link className={link} href="/datasets">dataset</Link> first.</p>}
        </section>
      </div>
    </OperatorShell>
  );
}
