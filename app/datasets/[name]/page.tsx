import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DatasetItem } from "@/components/datasets/DatasetItem";
import { ImportJsonl } from "@/components/datasets/ImportJsonl";
import { StartExperimentForm } from "@/components/experiments/StartExperimentForm";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { button, card, cardTitle, cx, link, muted } from "@/components/operator/ui";
import { operatorAgents } from "@/lib/agents/names";
import { datasetItems } from "@/lib/datasets/datasets";
import { isAppError } from "@/lib/errors";
import { listEvaluators } from "@/lib/evaluators";
import { requireOperatorPage } from "@/lib/operators/pages";

export const metadata: Metadata = { title: "Dataset", robots: { index: false } };
export const dynamic = "force-dynamic";

/** One dataset: its items (expected answer, archive), JSONL export and import, and a new experiment over it. */
export default async function DatasetPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const db = await requireOperatorPage(`/datasets/${encodeURIComponent(name)}`);
  const r = await datasetItems(db, name).catch((e: unknown) => {
    if (isAppError(e) && e.code === "not_found:dataset") notFound();
    throw e;
  });
  const [agents, { evaluators }] = await Promise.all([operatorAgents(db), listEvaluators(db)]);
  return (
    <OperatorShell active="datasets">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link href="/datasets" className={link}>← All datasets</Link></nav>
      <h1 className="text-lg font-semibold" data-testid="dataset-title">{r.dataset.name}</h1>
      {r.dataset.description && <p className={cx("text-sm", muted)}>{r.dataset.description}</p>}
      <div className="mt-4 grid gap-4 lg:grid-cols-[minmax(0,1fr)_320px]">
        <section aria-labelledby="items-title" className="min-w-0">
          <h2 id="items-title" className={cx(cardTitle, "mb-2")}>{r.items.length} items</h2>
          <ol className="space-y-3">
            {r.items.map((item, i) => <DatasetItem key={item.id} dataset={r.dataset.name} item={item} index={i} />)}
          </ol>
          {r.items.length === 0 && <p className={cx("text-sm", muted)}>No items yet: use “Add to dataset” on a visitor message of a trace, or import JSONL.</p>}
        </section>
        <aside className="space-y-4">
          <section className={cx(card, "space-y-3 p-4")} aria-labelledby="jsonl-title">
            <h2 id="jsonl-title" className={cardTitle}>JSONL</h2>
            <a className={button} href={`/api/datasets/${encodeURIComponent(r.dataset.name)}/items.jsonl`} download={`${r.dataset.name}.jsonl`} data-testid="dataset-export">Export JSONL</a>
            <ImportJsonl dataset={r.dataset.name} />
          </section>
          <section className={cx(card, "p-4")} aria-labelledby="run-title">
            <h2 id="run-title" className={cardTitle}>Run an experiment</h2>
            <StartExperimentForm datasets={[r.dataset.name]} agents={agents.map((a) => ({ key: a.key, name: a.name }))} evaluators={evaluators.map((e) => e.name)} />
          </section>
        </aside>
      </div>
    </OperatorShell>
  );
}
