import type { Metadata } from "next";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { describeError, type ShownError } from "@/components/operator/errors";
import { requireOperatorPage } from "@/lib/operators/pages";
import { queryString } from "@/lib/http/query";
import { apiParams, parseExplorerState } from "@/components/traces/explorer-state";
import { TraceExplorer } from "@/components/traces/TraceExplorer";
import { operatorAgents } from "@/lib/agents/names";
import { operatorModels } from "@/lib/dashboard/model-options";
import { parseWith } from "@/lib/http/body";
import { traceQuerySchema } from "@/lib/traces/query";
import { searchTraces } from "@/lib/traces/search";
import { scoreConfigs } from "@/lib/scores/scores";
import { operatorTools } from "@/lib/traces/tools";

export const metadata: Metadata = { title: "Traces", robots: { index: false } };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function TracesPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const db = await requireOperatorPage(`/traces${queryString(params)}`);
  const state = parseExplorerState(params);
  const loadedAt = new Date();
  const api = apiParams(state, loadedAt.getTime());
  let result: Awaited<ReturnType<typeof searchTraces>> | null = null;
  let error: ShownError | null = null;
  try {
    result = await searchTraces(db, parseWith(traceQuerySchema, api, "traces"));
  } catch (e) {
    error = describeError(e);
  }
  const [agents, models, tools, configs] = await Promise.all([
    operatorAgents(db).catch(() => []), operatorModels(db).catch(() => []), operatorTools(db).catch(() => []),
    scoreConfigs(db).then((r) => r.configs).catch(() => []),
  ]);
  return (
    <OperatorShell active="traces">
      <TraceExplorer
        state={state}
        api={api}
        result={result}
        error={error}
        loadedAt={loadedAt.toISOString()}
        agents={agents.map((a) => ({ key: a.key, name: a.name }))}
        models={models.map((m) => ({ key: m.key, name: m.name }))}
        tools={tools.map((t) => ({ key: t.name, name: t.name }))}
        scoreConfigs={configs.filter((c) => !c.archived || c.name === state.score).map((c) => ({ name: c.name, dataType: c.dataType, categories: c.categories }))}
      />
    </OperatorShell>
  );
}
