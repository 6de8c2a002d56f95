"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { AgentVersion } from "@/lib/agents/editor";
import { lineDiff, versionText } from "@/lib/agents/line-diff";
import { button, card, cardTitle, cx, muted } from "../operator/ui";
import { sendJson } from "../operator/send-json";

function Diff({ before, after }: { before: AgentVersion | undefined; after: AgentVersion }) {
  if (!before) return <p className={cx("text-xs", muted)}>The first version.</p>;
  const lines = lineDiff(versionText(before), versionText(after)).filter((l, i, all) =>
    l.kind !== "same" || all[i - 1]?.kind !== "same" || all[i + 1]?.kind !== "same");
  if (!lines.some((l) => l.kind !== "same")) return <p className={cx("text-xs", muted)}>Same as version {before.version}.</p>;
  return (
    <pre data-testid="version-diff" aria-label={`Changes from version ${before.version}`}
      className="max-h-72 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-2 text-xs leading-relaxed whitespace-pre-wrap dark:border-slate-800 dark:bg-slate-950">
      {lines.map((l, i) => (
        <div key={i} className={l.kind === "added" ? "bg-emerald-100 text-emerald-950 dark:bg-emerald-950 dark:text-emerald-100"
          : l.kind === "removed" ? "bg-red-100 text-red-950 line-through decoration-red-800/40 dark:bg-red-950 dark:text-red-100" : "text-slate-700 dark:text-slate-300"}>
          <span aria-hidden="true">{l.kind === "added" ? "+ " : l.kind === "removed" ? "− " : "  "}</span>
          <span className="sr-only">{l.kind === "added" ? "added: " : l.kind === "removed" ? "removed: " : ""}</span>
          {l.text || " "}
        </div>
      ))}
    </pre>
  );
}

const when = (iso: string) => new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** Every version, newest first, with its diff against the previous one, who saved it, and Publish on the others. */
export function VersionHistory({ agentKey, versions }: { agentKey: string; versions: AgentVersion[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [, startTransition] = useTransition();

  async function publish(version: number) {
    setBusy(version);
    setError(null);
    try {
      await sendJson(`/api/agents/${agentKey}/versions/${version}/publish`, "POST", undefined, "Publishing failed");
      startTransition(() => router.refresh());
    } catch (e) {
      setError((e as Error).message || "Publishing failed.");
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="versions-title" data-testid="version-history" className={cx(card, "space-y-3 p-4")}>
      <h2 id="versions-title" className={cardTitle}>Versions</h2>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{error}</p>}
      <ol className="space-y-3">
        {versions.map((v, i) => (
          <li key={v.version} data-testid={`version-${v.version}`} data-status={v.status} className="space-y-2 border-t border-slate-200 pt-3 first:border-t-0 first:pt-0 dark:border-slate-800">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
              <span className="font-semibold">Version {v.version}</span>
              {v.isLive && <span className="rounded bg-emerald-100 px-1.5 text-xs font-medium text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">live</span>}
              {v.status === "draft" && <span className="rounded bg-amber-100 px-1.5 text-xs font-medium text-amber-950 dark:bg-amber-950 dark:text-amber-100">draft</span>}
              <span className={cx("text-xs", muted)}>
                saved {when(v.createdAt)} by {v.savedBy ?? "SQL"}
                {v.publishedBy && v.status === "published" ? `, published by ${v.publishedBy}` : ""}
              </span>
              {!v.isLive && (
                <button type="button" data-testid={`publish-${v.version}`} disabled={busy !== null} onClick={() => publish(v.version)} className={cx(button, "ml-auto h-7")}>
                  {v.status === "draft" ? "Publish" : "Publish again"}
                  <span className="sr-only"> version {v.version}</span>
                </button>
              )}
            </div>
            <Diff before={versions[i + 1]} after={v} />
          </li>
        ))}
      </ol>
    </section>
  );
}
