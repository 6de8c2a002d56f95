import type { Metadata } from "next";
import Link from "next/link";
import { AgentEditor } from "@/components/agents/AgentEditor";
import { AgentEvaluators } from "@/components/agents/AgentEvaluators";
import { VersionHistory } from "@/components/agents/VersionHistory";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { StatusPanel } from "@/components/operator/StatusPanel";
import { describeError, type ShownError } from "@/components/operator/errors";
import { card, cardTitle, cx, focusRing, muted } from "@/components/operator/ui";
import { agentDetail, agentVersions, type AgentDetail, type AgentVersion } from "@/lib/agents/editor";
import { operatorAgents } from "@/lib/agents/names";
import { agentEvaluators, listEvaluators, type AgentEvaluatorsView, type EvaluatorView } from "@/lib/evaluators";
import { operatorModels } from "@/lib/dashboard/model-options";
import { operatorTools } from "@/lib/traces/tools";
import { requireOperatorPage } from "@/lib/operators/pages";

export const metadata: Metadata = { title: "Agents", robots: { index: false } };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

/** The Agents page (docs/architecture.md, "Agents"): every agent, one opened with its versions. */
export default async function AgentsPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const asked = typeof params.agent === "string" ? params.agent : undefined;
  const db = await requireOperatorPage(`/agents${asked ? `?agent=${encodeURIComponent(asked)}` : ""}`);
  const [agents, models, tools] = await Promise.all([operatorAgents(db), operatorModels(db), operatorTools(db)]);
  const key = asked ?? agents[0]?.key;
  let opened: { agent: AgentDetail; versions: AgentVersion[]; evaluators: EvaluatorView[]; attached: AgentEvaluatorsView } | null = null;
  let error: ShownError | null = null;
  if (key) {
    try {
      const [{ agent }, { versions }, { evaluators }, attached] = await Promise.all([
        agentDetail(db, key), agentVersions(db, key), listEvaluators(db), agentEvaluators(db, key),
      ]);
      opened = { agent, versions, evaluators, attached };
    } catch (e) {
      error = describeError(e);
    }
  }
  return (
    <OperatorShell active="agents">
      <h1 className="mb-4 text-lg font-semibold">Agents</h1>
      <div className="grid gap-4 lg:grid-cols-[220px_minmax(0,1fr)]">
        <nav aria-label="Agents" className={cx(card, "h-fit p-2")}>
          <ul className="grid gap-0.5">
            {agents.map((a) => (
              <li key={a.key}>
                <Link href={`/agents?agent=${a.key}`} data-testid={`agent-link-${a.key}`} aria-current={a.key === key ? "page" : undefined}
                  className={cx("flex items-center justify-between rounded-md px-2 py-1.5 text-sm",
                    a.key === key ? "bg-slate-900 text-white dark:bg-white dark:text-slate-900" : "hover:bg-slate-100 dark:hover:bg-slate-800", focusRing)}>
                  {a.name}
                  {!a.is_enabled && <span className="text-xs opacity-80">disabled</span>}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="min-w-0 space-y-4">
          {error && <StatusPanel kind="error" title="This agent could not be loaded" testId="agent-error"><p>{error.message}</p></StatusPanel>}
          {opened && (
            <>
              <div className={cx(card, "p-4")}>
                <h2 className={cardTitle}>{opened.agent.name} <span className={cx("font-mono text-xs font-normal", muted)}>{opened.agent.key}</span></h2>
                <p className={cx("mt-1 text-sm", muted)} data-testid="agent-live">
                  New sessions get version {opened.agent.version}
                  {opened.agent.draftVersion ? `; draft version ${opened.agent.draftVersion} is not live until it is published.` : "."}
                  {opened.agent.isEnabled ? "" : " The agent is disabled."}
                </p>
              </div>
              <AgentEditor agent={opened.agent} models={models.map((m) => ({ key: m.key, name: m.name }))}
                tools={tools.map((t) => ({ key: t.name, name: t.description }))} agents={agents.map((a) => ({ key: a.key, name: a.name }))} />
              <AgentEvaluators agentKey={opened.agent.key} attached={opened.attached.evaluators}
                evaluators={opened.evaluators.filter((e) => !e.archived).map((e) => ({ name: e.name, kind: e.kind, description: e.description }))} />
              <VersionHistory agentKey={opened.agent.key} versions={opened.versions} />
            </>
          )}
        </div>
      </div>
    </OperatorShell>
  );
}
