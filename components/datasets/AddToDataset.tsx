"use client";

import { useId, useState } from "react";
import { button, cx, fieldLabel, input, muted, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

/**
 * "Add to dataset" under a visitor message of the trace detail: the conversation up to this message
 * becomes a dataset item (POST /api/datasets/{name}/items), with the expected answer prefilled from
 * the real reply and editable; a new dataset is created first when its name is new.
 */
export function AddToDataset({ traceId, messageId, reply, datasets }: { traceId: string; messageId: string; reply: string; datasets: string[] }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(datasets[0] ?? "");
  const [expected, setExpected] = useState(reply);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function add() {
    setBusy(true);
    setStatus(null);
    try {
      const dataset = name.trim();
      if (!datasets.includes(dataset)) await sendJson("/api/datasets", "POST", { name: dataset });
      await sendJson(`/api/datasets/${encodeURIComponent(dataset)}/items`, "POST", { traceId, messageId, expectedOutput: expected.trim() ? expected : null });
      setStatus({ kind: "ok", text: `Added to ${dataset}.` });
      setOpen(false);
    } catch (e) {
      setStatus({ kind: "error", text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="list-none pl-4" data-testid="add-to-dataset">
      {!open ? (
        <button type="button" className={cx(button, "h-7 text-xs")} onClick={() => setOpen(true)} data-testid="add-to-dataset-open">
          Add to dataset
        </button>
      ) : (
        <form className="grid gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800" onSubmit={(e) => { e.preventDefault(); void add(); }}>
          <label className="grid gap-1">
            <span className={fieldLabel}>Dataset (choose or type a new name)</span>
            <input className={input} list={`${id}-datasets`} value={name} onChange={(e) => setName(e.target.value)} required
              pattern="[a-z0-9][a-z0-9_.\-]{0,63}" data-testid="add-to-dataset-name" />
            <datalist id={`${id}-datasets`}>{datasets.map((d) => <option key={d} value={d} />)}</datalist>
          </label>
          <label className="grid gap-1">
            <span className={fieldLabel}>Expected answer (from the real reply; edit it)</span>
            <textarea className={cx(input, "h-24 py-1")} value={expected} onChange={(e) => setExpected(e.target.value)} data-testid="add-to-dataset-expected" />
          </label>
          <div className="flex gap-2">
            <button type="submit" className={primaryButton} disabled={busy || !name.trim()} data-testid="add-to-dataset-save">Add item</button>
            <button type="button" className={button} onClick={() => setOpen(false)}>Cancel</button>
          </div>
        </form>
      )}
      {status && <p role="status" className={cx("mt-1 text-xs", status.kind === "error" ? "text-red-700 dark:text-red-300" : muted)}>{status.text}</p>}
    </li>
  );
}
