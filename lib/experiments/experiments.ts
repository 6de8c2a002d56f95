import type { ExperimentItemRow, ExperimentRow } from "../db/rpc/datasets";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { grading as defaultGrading, type Grading } from "./grade";
import type { ExperimentBody } from "./wire";

// Experiments: runs of one agent version over a dataset (docs/architecture.md, "Datasets and
// experiments"), and the comparison of two runs item by item. Not the dashboard's A/B comparison,
// which splits live traffic by a model's experiment_name (docs/glossary.md).

type Score = ExperimentItemRow["scores"][number];

/** A score as a number: true 1, false 0, a number itself; a label has none. */
export function scoreNumber(value: Score["value"]): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  return typeof value === "number" ? value : null;
}

function meanScores(items: readonly { scores: readonly Score[] }[]): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const item of items) {
    for (const s of item.scores) {
      const v = scoreNumber(s.value);
      if (v === null) continue;
      const e = sums.get(s.name) ?? { sum: 0, n: 0 };
      sums.set(s.name, { sum: e.sum + v, n: e.n + 1 });
    }
  }
  return Object.fromEntries([...sums].map(([name, { sum, n }]) => [name, Math.round((sum / n) * 10_000) / 10_000]));
}

function itemView(i: ExperimentItemRow) {
  return {
    itemId: i.item_id,
    position: i.position,
    status: i.status,
    traceId: i.trace_id,
    input: i.messages,
    expectedOutput: i.expected_output,
    reply: i.reply,
    steps: i.steps,
    scores: i.scores.map((s) => ({ name: s.name, value: s.value, comment: s.comment })),
    costUsd: Number(i.cost_usd),
    latencyMs: i.latency_ms,
    error: i.error,
  };
}

export type ExperimentItemView = ReturnType<typeof itemView>;

export function experimentSummary(x: ExperimentRow) {
  return {
    id: x.id,
    dataset: x.dataset,
    agent: x.agent_key,
    version: x.agent_version,
    isDraft: x.is_draft,
    evaluators: x.evaluators,
    status: x.status,
    createdBy: x.created_by,
    createdAt: x.created_at,
    finishedAt: x.finished_at,
    totals: {
      items: x.totals.items,
      completed: x.totals.completed,
      failed: x.totals.failed,
      costUsd: Number(x.totals.cost_usd),
      latencyMs: Number(x.totals.latency_ms),
      avgLatencyMs: x.totals.avg_latency_ms === null ? null : Number(x.totals.avg_latency_ms),
    },
  };
}

export type ExperimentSummary = ReturnType<typeof experimentSummary>;

export async function experimentDetail(db: Database, id: string) {
  const x = await db.rpc("experiment_detail", { p_id: id });
  const items = x.items.map(itemView);
  const summary = experimentSummary(x);
  return { ...summary, items, totals: { ...summary.totals, scores: meanScores(items) } };
}

export type ExperimentDetail = Awaited<ReturnType<typeof experimentDetail>>;

export async function listExperiments(db: Database, dataset?: string): Promise<{ experiments: ExperimentSummary[] }> {
  return { experiments: (await db.rpc("list_experiments", { p_dataset: dataset ?? null })).experiments.map(experimentSummary) };
}

/** Starts a run (its items queued; the caller kicks the worker): `{id}` at once. */
export async function startExperiment(db: Database, body: ExperimentBody, author: string | null, grading: Grading = defaultGrading) {
  const evaluators = body.evaluators ?? [];
  if (evaluators.length > 0) {
    const known = new Set(await grading.names(db));
    const unknown = evaluators.filter((e) => !known.has(e));
    if (unknown.length) throw new AppError("bad_request:experiment", `No evaluator named ${unknown.join(", ")}.`);
  }
  const r = await db.rpc("create_experiment", {
    p_dataset: body.dataset, p_agent: body.agent, p_version: body.version === "draft" ? null : body.version,
    p_draft: body.version === "draft", p_evaluators: evaluators, p_author: author,
  });
  return { id: r.id, version: r.agent_version, items: r.items };
}

const delta = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : Math.round((b - a) * 10_000) / 10_000;

/** Two runs side by side, item by item (by dataset item), with the deltas other − base. */
export async function compareExperiments(db: Database, baseId: string, otherId: string) {
  const [base, other] = await Promise.all([experimentDetail(db, baseId), experimentDetail(db, otherId)]);
  const byItem = new Map(other.items.map((i) => [i.itemId, i]));
  const itemIds = [...new Set([...base.items.map((i) => i.itemId), ...other.items.map((i) => i.itemId)])];
  const baseByItem = new Map(base.items.map((i) => [i.itemId, i]));
  const items = itemIds.map((itemId) => {
    const a = baseByItem.get(itemId) ?? null;
    const b = byItem.get(itemId) ?? null;
    const names = [...new Set([...(a?.scores ?? []), ...(b?.scores ?? [])].map((s) => s.name))];
    const scoreDeltas = Object.fromEntries(names.map((n) => {
      const av = a?.scores.find((s) => s.name === n);
      const bv = b?.scores.find((s) => s.name === n);
      return [n, delta(av ? scoreNumber(av.value) : null, bv ? scoreNumber(bv.value) : null)];
    }));
    return {
      itemId,
      input: (a ?? b)!.input,
      expectedOutput: (a ?? b)!.expectedOutput,
      base: a,
      other: b,
      deltas: { scores: scoreDeltas, costUsd: delta(a?.costUsd, b?.costUsd), latencyMs: delta(a?.latencyMs, b?.latencyMs) },
    };
  });
  const names = [...new Set([...Object.keys(base.totals.scores), ...Object.keys(other.totals.scores)])];
  return {
    base: { ...base, items: undefined },
    other: { ...other, items: undefined },
    items,
    totals: {
      scores: Object.fromEntries(names.map((n) => [n, { base: base.totals.scores[n] ?? null, other: other.totals.scores[n] ?? null, delta: delta(base.totals.scores[n], other.totals.scores[n]) }])),
      costUsd: { base: base.totals.costUsd, other: other.totals.costUsd, delta: delta(base.totals.costUsd, other.totals.costUsd) },
      avgLatencyMs: { base: base.totals.avgLatencyMs, other: other.totals.avgLatencyMs, delta: delta(base.totals.avgLatencyMs, other.totals.avgLatencyMs) },
    },
  };
}

export type ExperimentComparison = Awaited<ReturnType<typeof compareExperiments>>;

/** The score names whose mean fell more than `maxRegression` below the base's (the CLI's gate). */
export function regressions(c: ExperimentComparison, maxRegression: number): { name: string; base: number; other: number; delta: number }[] {
  return Object.entries(c.totals.scores)
    .filter(([, s]) => s.base !== null && (s.other ?? 0) < s.base - maxRegression - 1e-9)
    .map(([name, s]) => ({ name, base: s.base!, other: s.other ?? 0, delta: s.delta ?? -(s.base as number) }));
}
