"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { cx, fieldLabel, input, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

/** Creates a dataset (POST /api/datasets) and opens it. */
export function NewDatasetForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form className="grid gap-2 sm:grid-cols-[200px_minmax(0,1fr)_auto] sm:items-end" data-testid="new-dataset"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          await sendJson("/api/datasets", "POST", { name, ...(description.trim() ? { description } : {}) });
          router.push(`/datasets/${encodeURIComponent(name)}`);
        } catch (err) {
          setError((err as Error).message);
        }
      }}>
      <label className="grid gap-1">
        <span className={fieldLabel}>Name</span>
        <input className={input} value={name} onChange={(e) => setName(e.target.value)} required placeholder="bulk-orders" data-testid="new-dataset-name" />
      </label>
      <label className="grid gap-1">
        <span className={fieldLabel}>Description</span>
        <input className={input} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <button type="submit" className={primaryButton} data-testid="new-dataset-create">Create dataset</button>
      {error && <p role="alert" className={cx("text-sm text-red-700 sm:col-span-3 dark:text-red-300")}>{error}</p>}
    </form>
  );
}
