import { agentNameMap, operatorAgents } from "../agents/names";
import type { z } from "zod";
import type { RpcResultOf } from "../db/registry";
import type { feedbackCountsSchema, usageCountsSchema } from "../db/rpc/operators";
import type { Database } from "../db/types";
import { queueStatus } from "../queue/status";
import { outboxStatus } from "../telemetry/outbox-status";
import type { DashboardQuery } from "./query";
import { scoreSeries } from "./scores";

// The dashboard's figures, computed by dashboard_stats() in SQL (never by loading rows),
// in the API's camelCase shape.

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type CamelKeys<T> = { [K in keyof T as Camel<K & string>]: T[K] };

function camelKeys<T extends object>(row: T): CamelKeys<T> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) as CamelKeys<T>;
}

// The shapes dashboard_stats returns (their schemas: lib/db/rpc/operators.ts).
type StatsRow = RpcResultOf<"dashboard_stats">;
type ExperimentRow = StatsRow["ab_comparison"][number];
type FeedbackCounts = z.infer<typeof feedbackCountsSchema>;
type UsageCounts = z.infer<typeof usageCountsSchema>;

export type ExperimentStats = CamelKeys<ExperimentRow>;
export type FeedbackGroup = CamelKeys<FeedbackCounts> & { key: string; name: string };
export type UsageGroup = CamelKeys<UsageCounts> & { key: string; name: string };

export async function dashboardStats(db: Database, q: DashboardQuery) {
  const range = { p_from: q.from?.toISOString(), p_to: q.to?.toISOString() };
  const [r, channels, outbox, agents, queues, scores] = await Promise.all([
    db.rpc("dashboard_stats", {
      ...range,
      p_experiment_a: q.a,
      p_experiment_b: q.b,
    }),
    // the per-channel split of the same range (docs/channels.md)
    db.rpc("dashboard_channels", range),
    // the OTLP outbox now (not of the range): the same figures as /api/health
    outboxStatus(db),
    operatorAgents(db),
    // the queues now, with their dead letters (docs/architecture.md, "Queues")
    queueStatus(db),
    // the range's scores, per config and source (docs/performance.md, "Dashboard scores")
    db.rpc("dashboard_scores", range),
  ]);
  const agentName = agentNameMap(agents);
  const group = ({ agent_type, model_key, model_name, ...counts }: FeedbackCounts & { agent_type?: string; model_key?: string; model_name?: string }): FeedbackGroup => {
    const key = agent_type ?? model_key ?? "";
    return { key, name: model_name ?? agentName[key] ?? key, ...camelKeys(counts) };
  };
  const usage = ({ agent_type, model_key, model_name, ...counts }: UsageCounts & { agent_type?: string; model_key?: string; model_name?: string }): UsageGroup => {
    const key = agent_type ?? model_key ?? "";
    const c = camelKeys(counts);
    return { key, name: model_name ?? agentName[key] ?? key, ...c, costUsd: Number(c.costUsd), avgCostUsd: c.avgCostUsd === null ? null : Number(c.avgCostUsd) };
  };
  return {
    from: r.from,
    to: r.to,
    totals: { ...camelKeys(r.totals), costUsd: Number(r.totals.cost_usd) },
    perDay: r.per_day.map((d) => ({ ...camelKeys(d), costUsd: Number(d.cost_usd) })),
    llmCallsDistribution: r.llm_calls_distribution.map(camelKeys),
    feedbackByAgent: r.feedback_by_agent.map(group),
    feedbackByModel: r.feedback_by_model.map(group),
    usageByAgent: r.usage_by_agent.map(usage),
    usageByModel: r.usage_by_model.map(usage),
    // the A/B comparison's variants (a model's experiment_name; "experiments" are dataset runs: docs/glossary.md)
    abComparison: r.ab_comparison.map(camelKeys),
    comparison: r.comparison.map(camelKeys),
    channels: channels.map((c) => ({ ...camelKeys(c), costUsd: Number(c.cost_usd) })),
    outbox: outbox && camelKeys(outbox),
    queues,
    scores: scoreSeries(scores, agentName),
  };
}

export type DashboardStats = Awaited<ReturnType<typeof dashboardStats>>;
