"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ScoreConfigView, ScoreView } from "@/lib/scores/scores";
import { formatDateTime } from "../operator/format";
import { button, card, cardTitle, cx, fieldLabel, input, muted, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

// The trace's scores grouped by source and author (docs/rules.md, "Scores and comments"), and the
// operator's own score of a config: set, replace or delete it (POST /api/scores, DELETE /api/scores/{id}).

const sourceNames: Record<string, string> = { visitor: "Visitor", operator: "Operator", evaluator: "Evaluator", api: "API" };

function shown(s: ScoreView): string {
  if (s.dataType === "boolean") return s.name === "vote" ? (s.value ? "up" : "down") : s.value ? "positive" : "negative";
  return String(s.value);
}

function groups(scores: ScoreView[]): [string, ScoreView[]][] {
  const by = new Map<string, ScoreView[]>();
  for (const s of scores) {
    const key = `${sourceNames[s.source] ?? s.source} · ${s.author}`;
    by.set(key, [...(by.get(key) ?? []), s]);
  }
  return [...by.entries()];
}

export function ScoresPanel({ traceId, scores, configs }: { traceId: string; scores: ScoreView[]; configs: ScoreConfigView[] }) {
  const router = useRouter();
  const usable = configs.filter((c) => !c.archived);
  const [name, setName] = useState(usable.find((c) => c.name === "quality")?.name ?? usable[0]?.name ?? "");
  const config = usable.find((c) => c.name === name);
  const own = scores.find((s) => s.mine && s.name === name && s.traceId === traceId);
  const [value, setValue] = useState(own ? String(own.value) : "");
  const [comment, setComment] = useState(own?.comment ?? "");
  const [status, setStatus] = useState<{ kind: "saved" | "error"; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [, startTransition] = useTransition();

  function pick(next: string) {
    setName(next);
    const mine = scores.find((s) => s.mine && s.name === next && s.traceId === traceId);
    setValue(mine ? String(mine.value) : "");
    setComment(mine?.comment ?? "");
    setStatus(null);
  }

  async function run(action: () => Promise<unknown>, message: string) {
    setBusy(true);
    setStatus(null);
    try {
      await action();
      setStatus({ kind: "saved", message });
      startTransition(() => router.refresh());
    } catch (error) {
      setStatus({ kind: "error", message: (error as Error).message || "Saving failed." });
    } finally {
      setBusy(false);
    }
  }

  const typed = () => (config?.dataType === "boolean" ? value === "true" : config?.dataType === "numeric" ? Number(value) : value);
  const save = () =>
    run(() => sendJson("/api/scores", "POST", { traceId, name, value: typed(), ...(comment.trim() ? { comment: comment.trim() } : {}) }), "Score saved.");
  const remove = (id: string) => run(() => sendJson(`/api/scores/${id}`, "DELETE"), "Score deleted.");

  return (
    <section aria-labelledby="scores-title" data-testid="scores-panel" className={cx(card, "space-y-3 p-4")}>
      <h2 id="scores-title" className={cardTitle}>Scores</h2>
      {scores.length === 0 ? (
        <p className={cx("text-xs", muted)}>No scores yet.</p>
      ) : (
        <ul className="space-y-2">
          {groups(scores).map(([who, list]) => (
            <li key={who} data-testid="score-group" data-source={list[0].source} data-author={list[0].author}>
              <p className={fieldLabel}>{who}{list[0].mine ? " (you)" : ""}</p>
              <ul className="mt-1 space-y-1">
                {list.map((s) => (
                  <li key={s.id} data-testid="score" data-name={s.name} data-value={String(s.value)} data-source={s.source} className="text-sm">
                    <span className="font-medium">{s.name}</span>
                    {s.messageId ? <span className={cx("text-xs", muted)}> (on a message)</span> : null}: {shown(s)}
                    {s.comment ? <span className={cx("block text-xs", muted)}>“{s.comment}”</span> : null}
                    <time dateTime={s.updatedAt} className={cx("block text-[11px]", muted)}>{formatDateTime(s.updatedAt)}</time>
                    {s.mine && (
                      <button type="button" onClick={() => remove(s.id)} disabled={busy} className={cx(button, "mt-1 h-7 text-xs")} data-testid="score-delete">
                        Delete my {s.name} score
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      <form className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <h3 className="text-xs font-semibold">{own ? "Edit your score" : "Add your score"}</h3>
        <label className="block">
          <span className={cx("text-xs", muted)}>Score</span>
          <select value={name} onChange={(e) => pick(e.target.value)} data-testid="score-name" className={cx(input, "mt-1")}>
            {usable.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
          </select>
        </label>
        <label className="block">
          <span className={cx("text-xs", muted)}>Value{config?.dataType === "numeric" && (config.min !== null || config.max !== null) ? ` (${config.min ?? "…"} to ${config.max ?? "…"})` : ""}</span>
          {config?.dataType === "numeric" ? (
            <input type="number" step="any" value={value} min={config.min ?? undefined} max={config.max ?? undefined} onChange={(e) => setValue(e.target.value)} data-testid="score-value" className={cx(input, "mt-1")} />
          ) : (
            <select value={value} onChange={(e) => setValue(e.target.value)} data-testid="score-value" className={cx(input, "mt-1")}>
              <option value="">Choose…</option>
              {(config?.dataType === "categorical" ? config.categories ?? [] : ["true", "false"]).map((v) => (
                <option key={v} value={v}>{config?.dataType === "boolean" ? (v === "true" ? "positive (true)" : "negative (false)") : v}</option>
              ))}
            </select>
          )}
        </label>
        <label className="block">
          <span className={cx("text-xs", muted)}>Comment</span>
          <textarea value={comment} maxLength={2000} rows={2} onChange={(e) => setComment(e.target.value)} placeholder="Why? (optional)" data-testid="score-comment" className={cx(input, "mt-1 h-auto py-1.5")} />
        </label>
        <div className="flex items-center gap-3">
          <button type="submit" disabled={busy || !value || !name} data-testid="score-save" className={primaryButton}>{busy ? "Saving…" : "Save score"}</button>
          {status && (
            <p role={status.kind === "error" ? "alert" : "status"} data-testid="score-status" data-kind={status.kind} className={cx("text-xs", status.kind === "error" ? "text-rose-700 dark:text-rose-300" : "text-emerald-700 dark:text-emerald-300")}>
              {status.message}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}
