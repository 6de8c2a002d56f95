"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { button, card, cardTitle, cx, fieldLabel, input, muted, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

export interface EvaluatorOption {
  name: string;
  kind: "rule" | "judge";
  description: string | null;
}

type Rates = Record<string, string>;

const ratesOf = (attached: { name: string; sampleRate: number }[]): Rates => Object.fromEntries(attached.map((e) => [e.name, String(e.sampleRate)]));

/**
 * The evaluators that grade an agent's new traces online, each with a sample rate from 0 to 1
 * (PUT /api/agents/{key}/evaluators; docs/architecture.md, "Evaluators").
 */
export function AgentEvaluators({ agentKey, evaluators, attached }: { agentKey: string; evaluators: EvaluatorOption[]; attached: { name: string; sampleRate: number }[] }) {
  const router = useRouter();
  const initial = ratesOf(attached);
  const [shown, setShown] = useState(agentKey);
  const [rates, setRates] = useState<Rates>(initial);
  const [status, setStatus] = useState<{ kind: "saved" | "error"; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [, startTransition] = useTransition();
  if (shown !== agentKey) {
    setShown(agentKey);
    setRates(initial);
    setStatus(null);
  }
  const dirty = JSON.stringify(rates) !== JSON.stringify(initial);

  async function save() {
    setBusy(true);
    setStatus(null);
    try {
      const list = Object.entries(rates).map(([name, rate]) => ({ name, sampleRate: Number(rate) }));
      const bad = list.find((e) => !Number.isFinite(e.sampleRate) || e.sampleRate < 0 || e.sampleRate > 1);
      if (bad) throw new Error(`The sample rate of ${bad.name} must be a number from 0 to 1.`);
      await sendJson(`/api/agents/${agentKey}/evaluators`, "PUT", { evaluators: list }, "Saving failed");
      setStatus({ kind: "saved", message: list.length ? `${list.length} evaluator${list.length === 1 ? "" : "s"} grade new traces.` : "No evaluator grades new traces." });
      startTransition(() => router.refresh());
    } catch (error) {
      setStatus({ kind: "error", message: (error as Error).message || "Saving failed." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="agent-evaluators-title" data-testid="agent-evaluators" className={cx(card, "space-y-3 p-4")}>
      <div>
        <h2 id="agent-evaluators-title" className={cardTitle}>Online evaluators</h2>
        <p className={cx("mt-1 text-sm", muted)}>
          Each new trace of this agent is graded once, after its first reply is stored, by the evaluators ticked here — a sample rate of 1
          grades every trace, 0.1 one in ten. Their scores appear on the trace with source evaluator.
        </p>
      </div>
      <ul className="grid gap-2">
        {evaluators.map((e) => {
          const on = e.name in rates;
          const rateId = `evaluator-rate-${e.name}`;
          return (
            <li key={e.name} className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <label className="flex min-w-0 flex-1 basis-56 items-start gap-2 text-sm">
                <input type="checkbox" className="mt-0.5" data-testid={`evaluator-on-${e.name}`} checked={on}
                  onChange={(ev) => {
                    const next = { ...rates };
                    if (ev.target.checked) next[e.name] = "1";
                    else delete next[e.name];
                    setRates(next);
                  }} />
                <span className="min-w-0">
                  <span className="break-all font-mono text-xs">{e.name}</span>
                  <span className={cx("ml-2 text-xs", muted)}>{e.kind === "judge" ? "model-graded" : "rule"}</span>
                  {e.description && <span className={cx("block break-words text-xs", muted)}>{e.description}</span>}
                </span>
              </label>
              {on && (
                <span className="flex items-center gap-1">
                  <label htmlFor={rateId} className={fieldLabel}>Sample rate</label>
                  <input id={rateId} data-testid={rateId} type="number" min={0} max={1} step={0.05} value={rates[e.name]}
                    onChange={(ev) => setRates({ ...rates, [e.name]: ev.target.value })} className={cx(input, "w-20")} />
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" data-testid="agent-evaluators-save" disabled={busy || !dirty} onClick={save} className={primaryButton}>Save evaluators</button>
        <button type="button" disabled={busy || !dirty} onClick={() => setRates(initial)} className={button}>Undo</button>
        <p role="status" data-testid="agent-evaluators-status" className={cx("text-sm", status?.kind === "error" ? "text-red-700 dark:text-red-300" : "text-emerald-700 dark:text-emerald-300")}>
          {status?.message}
        </p>
      </div>
    </section>
  );
}
