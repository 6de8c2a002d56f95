"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { cx, fieldLabel, input, muted } from "../operator/ui";

/** Imports a JSONL file into the dataset (POST /api/datasets/{name}/items.jsonl): all lines or none. */
export function ImportJsonl({ dataset }: { dataset: string }) {
  const router = useRouter();
  const [status, setStatus] = useState<string | null>(null);
  return (
    <div className="grid gap-1">
      <label className="grid gap-1">
        <span className={fieldLabel}>Import JSONL</span>
        <input type="file" accept=".jsonl,.ndjson,application/x-ndjson" className={cx(input, "h-auto py-1")} data-testid="dataset-import"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            const res = await fetch(`/api/datasets/${encodeURIComponent(dataset)}/items.jsonl`, { method: "POST", headers: { "Content-Type": "application/x-ndjson" }, body: await file.text() });
            const answer = (await res.json().catch(() => null)) as { imported?: number; error?: { message?: string } } | null;
            setStatus(res.ok ? `Imported ${answer?.imported} items.` : (answer?.error?.message ?? `Import failed (${res.status}).`));
            if (res.ok) router.refresh();
          }} />
      </label>
      {status && <p role="status" className={cx("text-xs", muted)}>{status}</p>}
    </div>
  );
}
