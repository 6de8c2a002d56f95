"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { DatasetItemView } from "@/lib/datasets/datasets";
import { button, card, cx, fieldLabel, input, link, muted } from "../operator/ui";
import { sendJson } from "../operator/send-json";

/** One item: its conversation, the expected answer (edited in place) and Archive (PATCH /api/datasets/{name}/items/{id}). */
export function DatasetItem({ dataset, item, index }: { dataset: string; item: DatasetItemView; index: number }) {
  const router = useRouter();
  const [expected, setExpected] = useState(item.expectedOutput ?? "");
  const [status, setStatus] = useState<string | null>(null);
  const url = `/api/datasets/${encodeURIComponent(dataset)}/items/${item.id}`;
  const patch = async (body: unknown, done: string) => {
    setStatus(null);
    try {
      await sendJson(url, "PATCH", body);
      setStatus(done);
      router.refresh();
    } catch (e) {
      setStatus((e as Error).message);
    }
  };
  return (
    <li className={cx(card, "p-4")} data-testid="dataset-item">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">Item {index + 1}</h3>
        <div className={cx("flex flex-wrap items-center gap-3 text-xs", muted)}>
          {item.input.agent && <span>{item.input.agent}{item.input.agentVersion ? ` v${item.input.agentVersion}` : ""}</span>}
          {item.sourceTraceId && <Link className={link} href={`/traces/${item.sourceTraceId}`}>source trace</Link>}
        </div>
      </div>
      <ol className="mt-2 space-y-1 text-sm">
        {item.input.messages.map((m, i) => (
          <li key={i} className={cx("rounded-md px-2 py-1", m.role === "user" ? "bg-indigo-50 dark:bg-indigo-950/40" : "bg-slate-100 dark:bg-slate-800")}>
            <span className="font-medium">{m.role === "user" ? "Visitor" : "Agent"}:</span> <span className="break-words whitespace-pre-wrap">{m.content}</span>
          </li>
        ))}
      </ol>
      <form className="mt-3 grid gap-2" onSubmit={(e) => { e.preventDefault(); void patch({ expectedOutput: expected.trim() ? expected : null }, "Saved."); }}>
        <label className="grid gap-1">
          <span className={fieldLabel}>Expected answer</span>
          <textarea className={cx(input, "h-20 py-1")} value={expected} onChange={(e) => setExpected(e.target.value)} data-testid="dataset-item-expected" />
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <button type="submit" className={button} data-testid="dataset-item-save">Save expected answer</button>
          <button type="button" className={button} onClick={() => void patch({ archived: true }, "Archived.")} data-testid="dataset-item-archive">Archive</button>
          {status && <span role="status" className={cx("text-xs", muted)}>{status}</span>}
        </div>
      </form>
    </li>
  );
}
