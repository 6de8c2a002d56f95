"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { AgentDetail } from "@/lib/agents/editor";
import { button, card, cardTitle, cx, fieldLabel, input, muted, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

export interface Option {
  key: string;
  name: string;
}

interface Form {
  instructions: string;
  greeting: string;
  modelKey: string;
  tools: string[];
  handoffs: string[];
  isEnabled: boolean;
}

function formOf(agent: AgentDetail): Form {
  const base = agent.draft ?? agent;
  return {
    instructions: base.instructions, greeting: base.greeting ?? "", modelKey: base.modelKey ?? "",
    tools: [...base.tools], handoffs: [...base.handoffs], isEnabled: agent.isEnabled,
  };
}

const same = (a: Form, b: Form) => JSON.stringify(a) === JSON.stringify(b);
const toggle = (list: string[], key: string, on: boolean) => (on ? [...list, key] : list.filter((k) => k !== key));

/** One agent's editable fields; Save publishes a new version, Save as draft keeps it from visitors (PUT /api/agents/{key}). */
export function AgentEditor({ agent, tools, models, agents }: { agent: AgentDetail; tools: Option[]; models: Option[]; agents: Option[] }) {
  const router = useRouter();
  const initial = formOf(agent);
  const [shown, setShown] = useState({ key: agent.key, version: agent.version, draft: agent.draftVersion });
  const [form, setForm] = useState(initial);
  const [status, setStatus] = useState<{ kind: "saved" | "error"; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [, startTransition] = useTransition();
  if (shown.key !== agent.key || shown.version !== agent.version || shown.draft !== agent.draftVersion) {
    if (shown.key !== agent.key) setStatus(null);
    setShown({ key: agent.key, version: agent.version, draft: agent.draftVersion });
    setForm(initial);
  }
  const dirty = !same(form, initial);

  async function save(draft: boolean) {
    setBusy(true);
    setStatus(null);
    try {
      const body = {
        instructions: form.instructions, greeting: form.greeting.trim() ? form.greeting : null,
        modelKey: form.modelKey || null, tools: form.tools, handoffs: form.handoffs, draft,
        ...(draft || form.isEnabled === agent.isEnabled ? {} : { isEnabled: form.isEnabled }),
      };
      const answer = await sendJson<{ version?: number } | null>(`/api/agents/${agent.key}`, "PUT", body, "Saving failed");
      setStatus({ kind: "saved", message: draft ? `Saved as draft version ${answer?.version}: visitors keep version ${agent.version}.` : `Published version ${answer?.version}.` });
      startTransition(() => router.refresh());
    } catch (error) {
      setStatus({ kind: "error", message: (error as Error).message || "Saving failed." });
    } finally {
      setBusy(false);
    }
  }

  const id = (name: string) => `agent-${name}`;
  return (
    <section aria-labelledby="agent-edit-title" data-testid="agent-editor" className={cx(card, "space-y-4 p-4")}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 id="agent-edit-title" className={cardTitle}>{agent.draft ? `Editing draft version ${agent.draft.version}` : `Editing version ${agent.version}`}</h2>
        <span className={cx("text-xs", muted)}>Menu position {agent.menuPosition}</span>
      </div>
      <div>
        <label htmlFor={id("instructions")} className={fieldLabel}>Instructions</label>
        <textarea id={id("instructions")} data-testid="agent-instructions" rows={10} maxLength={20000} value={form.instructions}
          onChange={(e) => setForm({ ...form, instructions: e.target.value })}
          className={cx(input, "mt-1 h-auto py-1.5 font-mono text-xs leading-relaxed")} />
      </div>
      <div>
        <label htmlFor={id("greeting")} className={fieldLabel}>Greeting</label>
        <textarea id={id("greeting")} rows={2} maxLength={2000} value={form.greeting}
          onChange={(e) => setForm({ ...form, greeting: e.target.value })} className={cx(input, "mt-1 h-auto py-1.5")} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={id("model")} className={fieldLabel}>Model</label>
          <select id={id("model")} value={form.modelKey} onChange={(e) => setForm({ ...form, modelKey: e.target.value })} className={cx(input, "mt-1")}>
            <option value="">The app&apos;s default model</option>
            {models.map((m) => <option key={m.key} value={m.key}>{m.name}</option>)}
          </select>
        </div>
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" data-testid="agent-enabled" checked={form.isEnabled} onChange={(e) => setForm({ ...form, isEnabled: e.target.checked })} />
          Enabled (shown in the widget&apos;s menu; saved when published)
        </label>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <fieldset className="min-w-0">
          <legend className={fieldLabel}>Tools</legend>
          <div className="mt-1 grid gap-1">
            {tools.map((t) => (
              <label key={t.key} className="flex min-w-0 items-center gap-2 text-sm">
                <input type="checkbox" data-testid={`agent-tool-${t.key}`} checked={form.tools.includes(t.key)}
                  onChange={(e) => setForm({ ...form, tools: toggle(form.tools, t.key, e.target.checked) })} />
                <span className="font-mono text-xs">{t.key}</span>
                <span className={cx("min-w-0 truncate text-xs", muted)}>{t.name}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="min-w-0">
          <legend className={fieldLabel}>Hands off to</legend>
          <div className="mt-1 grid gap-1">
            {agents.filter((a) => a.key !== agent.key).map((a) => (
              <label key={a.key} className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={form.handoffs.includes(a.key)}
                  onChange={(e) => setForm({ ...form, handoffs: toggle(form.handoffs, a.key, e.target.checked) })} />
                {a.name}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" data-testid="agent-save" disabled={busy || !dirty} onClick={() => save(false)} className={primaryButton}>Save and publish</button>
        <button type="button" data-testid="agent-save-draft" disabled={busy || !dirty} onClick={() => save(true)} className={button}>Save as draft</button>
        <p role="status" data-testid="agent-status" className={cx("text-sm", status?.kind === "error" ? "text-red-700 dark:text-red-300" : "text-emerald-700 dark:text-emerald-300")}>
          {status?.message}
        </p>
      </div>
    </section>
  );
}
