"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { ScoreConfigView } from "@/lib/scores/scores";
import { card, cardTitle, cx, fieldLabel, input, muted, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

// A new review queue (POST /api/review-queues): its name, the score configs a reviewer fills, what feeds it.

export function CreateQueueForm({ configs, agents }: { configs: ScoreConfigView[]; agents: { key: string; name: string }[] }) {
  const router = useRouter();
  const usable = configs.filter((c) => !c.archived);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const num = (k: string) => (String(f.get(k) ?? "").trim() === "" ? undefined : Number(f.get(k)));
    const sample = num("sampleRate");
    const body = {
      name: String(f.get("name") ?? ""),
      scoreConfigs: f.getAll("scoreConfigs").map(String),
      feed: {
        ...(f.get("negativeVisitorScore") ? { negativeVisitorScore: true } : {}),
        ...(f.get("failedStep") ? { failedStep: true } : {}),
        ...(f.get("handoff") ? { handoff: true } : {}),
        ...(num("minCost") !== undefined ? { minCost: num("minCost") } : {}),
        ...(f.get("agent") ? { agent: String(f.get("agent")) } : {}),
        ...(sample !== undefined ? { sampleRate: sample / 100 } : {}),
      },
    };
    setBusy(true);
    setError(null);
    try {
      const queue = await sendJson<{ id: string }>("/api/review-queues", "POST", body);
      router.push(`/review/${queue.id}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  const check = "h-4 w-4 accent-indigo-600";
  return (
    <form onSubmit={submit} aria-labelledby="create-queue-title" className={cx(card, "space-y-3 p-4")} data-testid="create-queue">
      <h2 id="create-queue-title" className={cardTitle}>New review queue</h2>
      <label className="block">
        <span className={fieldLabel}>Name</span>
        <input name="name" required maxLength={100} className={input} data-testid="queue-name" />
      </label>
      <fieldset>
        <legend className={fieldLabel}>Score configs the reviewer fills</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {usable.map((c) => (
            <label key={c.id} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" name="scoreConfigs" value={c.name} defaultChecked={c.name === "quality"} className={check} />
              {c.name} <span className={cx("text-xs", muted)}>({c.dataType})</span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className={fieldLabel}>Fed by (any of)</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
          <label className="flex items-center gap-1.5"><input type="checkbox" name="negativeVisitorScore" className={check} data-testid="feed-negative" /> a visitor&apos;s negative score</label>
          <label className="flex items-center gap-1.5"><input type="checkbox" name="failedStep" className={check} /> a failed step</label>
          <label className="flex items-center gap-1.5"><input type="checkbox" name="handoff" className={check} /> a handoff</label>
        </div>
        <div className="mt-2 grid gap-2 sm:grid-cols-3">
          <label className="block">
            <span className={fieldLabel}>Minimum cost (USD)</span>
            <input name="minCost" type="number" min={0} step="any" className={input} />
          </label>
          <label className="block">
            <span className={fieldLabel}>Sample of new traces (%)</span>
            <input name="sampleRate" type="number" min={0.1} max={100} step="any" className={input} />
          </label>
          <label className="block">
            <span className={fieldLabel}>Agent (alone: all its traces)</span>
            <select name="agent" className={input} defaultValue="">
              <option value="">any agent</option>
              {agents.map((a) => <option key={a.key} value={a.key}>{a.name}</option>)}
            </select>
          </label>
        </div>
      </fieldset>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300" data-testid="create-queue-error">{error}</p>}
      <button type="submit" className={primaryButton} disabled={busy} data-testid="create-queue-submit">Create queue</button>
    </form>
  );
}
