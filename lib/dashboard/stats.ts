import { getAgent } from "../agents/registry";
import type { Database } from "../db/types";
import { outboxStatus } from "../telemetry/outbox-status";
import type { DashboardQuery } from "./query";

// The dashboard's figures, computed by dashboard_stats() in SQL (never by loading rows),
// in the API's camelCase shape.

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type CamelKeys<T> = { [K in keyof T as Camel<K & string>]: T[K] };

function camelKeys<T extends object>(row: T): CamelKeys<T> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) as CamelKeys<T>;
}

interface FeedbackCounts {
  traces: number;
  positive: number;
  negative: number;
  pending: number;
  /** positive / rated; null when nothing is rated */
  positive_ratio: number | null;
}

interface TotalsRow extends FeedbackCounts {
  visitors: number;
  llm_calls: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  latency_ms: number;
  avg_llm_calls: number | null;
  avg_tokens: number | null;
  avg_latency_ms_per_call: number | null;
  errors: number;
  first_trace_at: string | null;
  last_trace_at: string | null;
  /** USD; numeric in SQL */
  cost_usd: number;
  avg_cost_usd: number | null;
  tool_calls: number;
  traces_with_errors: number;
  votes_up: number;
  votes_down: number;
}

interface DayRow {
  day: string;
  traces: number;
  llm_calls: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  positive: number;
  negative: number;
  cost_usd: number;
}

/** Cost, calls, failed steps and message votes of one agent or model. */
interface UsageCounts {
  traces: number;
  llm_calls: number;
  tool_calls: number;
  traces_with_errors: number;
  cost_usd: number;
  avg_cost_usd: number | null;
  votes_up: number;
  votes_down: number;
}

interface BucketRow {
  bucket: string;
  min_calls: number;
  max_calls: number | null;
  sessions: number;
}

interface ExperimentRow extends FeedbackCounts {
  experiment_name: string;
  visitors: number;
  llm_calls: number;
  total_tokens: number;
  avg_llm_calls?: number | null;
  avg_tokens?: number | null;
  avg_tokens_per_call?: number | null;
  avg_latency_ms_per_call?: number | null;
  errors: number;
}

interface StatsRow {
  from: string | null;
  to: string | null;
  totals: TotalsRow;
  per_day: DayRow[];
  llm_calls_distribution: BucketRow[];
  feedback_by_agent: (FeedbackCounts & { agent_type: string })[];
  feedback_by_model: (FeedbackCounts & { model_key: string; model_name: string })[];
  usage_by_agent: (UsageCounts & { agent_type: string })[];
  usage_by_model: (UsageCounts & { model_key: string; model_name: string })[];
  experiments: ExperimentRow[];
  comparison: ExperimentRow[];
}

export type ExperimentStats = CamelKeys<ExperimentRow>;
export type FeedbackGroup = CamelKeys<FeedbackCounts> & { key: string; name: string };
export type UsageGroup = CamelKeys<UsageCounts> & { key: string; name: string };

export async function dashboardStats(db: Database, q: DashboardQuery) {
  const [r, outbox] = await Promise.all([
    db.rpc<StatsRow>("dashboard_stats", {
      p_from: q.from?.toISOString(),
      p_to: q.to?.toISOString(),
      p_experiment_a: q.a,
      p_experiment_b: q.b,
    }),
    // the OTLP outbox now (not of the range): the same figures as /api/health
    outboxStatus(db),
  ]);
  const group = ({ agent_type, model_key, model_name, ...counts }: FeedbackCounts & { agent_type?: string; model_key?: string; model_name?: string }): FeedbackGroup => {
    const key = agent_type ?? model_key ?? "";
    return { key, name: model_name ?? getAgent(key)?.name ?? key, ...camelKeys(counts) };
  };
  const usage = ({ agent_type, model_key, model_name, ...counts }: UsageCounts & { agent_type?: string; model_key?: string; model_name?: string }): UsageGroup => {
    const key = agent_type ?? model_key ?? "";
    const c = camelKeys(counts);
    return { key, name: model_name ?? getAgent(key)?.name ?? key, ...c, costUsd: Number(c.costUsd), avgCostUsd: c.avgCostUsd === null ? null : Number(c.avgCostUsd) };
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
    experiments: r.experiments.map(camelKeys),
    comparison: r.comparison.map(camelKeys),
    outbox: outbox && camelKeys(outbox),
  };
}

export type DashboardStats = Awaited<ReturnType<typeof dashboardStats>>;
