import type { Metadata } from "next";
import Link from "next/link";
import { NewDatasetForm } from "@/components/datasets/NewDatasetForm";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { card, cardTitle, cx, link, muted, tableHead } from "@/components/operator/ui";
import { listDatasets } from "@/lib/datasets/datasets";
import { requireOperatorPage } from "@/lib/operators/pages";

export const metadata: Metadata = { title: "Datasets", robots: { index: false } };
export const dynamic = "force-dynamic";

/** The Datasets page (docs/architecture.md, "Datasets and experiments"): every dataset, and a new one. */
export default async function DatasetsPage() {
  const db = await requireOperatorPage("/datasets");
  const { datasets } = await listDatasets(db);
  return (
    <OperatorShell active="datasets">
      <h1 className="mb-4 text-lg font-semibold">Datasets</h1>
      <div className="space-y-4">
        <section className={cx(card, "p-4")} aria-labelledby="new-dataset-title">
          <h2 id="new-dataset-title" className={cardTitle}>New dataset</h2>
          <p className={cx("mb-3 text-sm", muted)}>Conversations kept as test cases: add one from a trace with “Add to dataset”, or import JSONL.</p>
          <NewDatasetForm />
        </section>
        <section className={cx(card, "overflow-x-auto")} aria-labelledby="datasets-title">
          <h2 id="datasets-title" className={cx(cardTitle, "px-4 pt-3")}>All datasets</h2>
          <table className="mt-2 w-full text-sm" data-testid="datasets-table">
            <thead className={tableHead}><tr><th className="px-4 py-2">Name</th><th className="px-4 py-2">Items</th><th className="px-4 py-2">Description</th></tr></thead>
            <tbody>
              {datasets.map((d) => (
                <tr key={d.id} className="border-t border-slate-100 dark:border-slate-800">
                  <td className="px-4 py-2"><Link className={link} href={`/datasets/${encodeURIComponent(d.name)}`}>{d.name}</Link></td>
                  <td className="px-4 py-2 tabular-nums">{d.items}</td>
                  <td className={cx("px-4 py-2", muted)}>{d.description}</td>
                </tr>
              ))}
              {datasets.length === 0 && <tr><td colSpan={3} className={cx("px-4 py-3", muted)}>No datasets yet.</td></tr>}
            </tbody>
          </table>
        </section>
      </div>
    </OperatorShell>
  );
}
