"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { cx, fieldLabel, input, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

interface Option {
  key: string;
  name: string;
}

/** Starts an experiment (POST /api/experiments): a dataset, an agent version or its draft, evaluators; opens the run. */
export function StartExperimentForm({ datasets, agents, evaluators }: { datasets: string[]; agents: Option[]; evaluators: string[] }) {
  const router = useRouter();
  const id = useId();
  const [dataset, setDataset] = useState(datasets[0] ?? "");
  const [agent, setAgent] = useState(agents.find((a) => a.key === "order_assistant")?.key ?? agents[0]?.key ?? "");
  const [version, setVersion] = useState("draft");
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form className="mt-2 grid gap-2" data-testid="start-experiment"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const started = await sendJson<{ id: string }>("/api/experiments", "POST", {
            dataset, agent, version: version === "draft" ? "draft" : Number(version), evaluators: chosen,
          });
          router.push(`/experiments/${started.id}`);
        } catch (err) {
          setError((err as Error).message);
          setBusy(false);
        }
      }}>
      {datasets.length > 1 && (
        <label className="grid gap-1">
          <span className={fieldLabel}>Dataset</span>
          <select className={input} value={dataset} onChange={(e) => setDataset(e.target.value)}>{datasets.map((d) => <option key={d}>{d}</option>)}</select>
        </label>
      )}
      <label className="grid gap-1">
        <span className={fieldLabel}>Agent</span>
        <select className={input} value={agent} onChange={(e) => setAgent(e.target.value)} data-testid="start-experiment-agent">
          {agents.map((a) => <option key={a.key} value={a.key}>{a.name}</option>)}
        </select>
      </label>
      <label className="grid gap-1">
        <span className={fieldLabel}>Version (a number, or draft)</span>
        <input className={input} value={version} onChange={(e) => setVersion(e.target.value)} pattern="draft|[1-9][0-9]*" required data-testid="start-experiment-version" />
      </label>
      {evaluators.length > 0 && (
        <fieldset className="grid gap-1">
          <legend className={fieldLabel}>Evaluators</legend>
          {evaluators.map((name) => (
            <label key={name} className="flex items-center gap-2 text-sm" htmlFor={`${id}-${name}`}>
              <input id={`${id}-${name}`} type="checkbox" checked={chosen.includes(name)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, name] : chosen.filter((c) => c !== name))} />
              <span className="break-all">{name}</span>
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" className={primaryButton} disabled={busy || !dataset || !agent} data-testid="start-experiment-run">Run experiment</button>
      {error && <p role="alert" className={cx("text-sm text-red-700 dark:text-red-300")}>{error}</p>}
    </form>
  );
}
