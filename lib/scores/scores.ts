import type { ScoreConfigRow, ScoreRow } from "../db/rpc/scores";
import type { Database } from "../db/types";
import type { OperatorIdentity } from "../operators/auth";
import type { ScoreBody, ScoreConfigBody } from "./wire";

// Scores and their configs (docs/rules.md, "Scores and comments"): one author's value of a config on a
// trace, a message or a step. Who may replace or delete a score, and which values fit, is decided in SQL.

export function scoreView(s: ScoreRow) {
  return {
    id: s.id,
    name: s.name,
    dataType: s.data_type,
    value: s.value,
    numericValue: Number(s.numeric_value),
    source: s.source,
    author: s.author,
    comment: s.comment,
    traceId: s.trace_id,
    messageId: s.message_id,
    observationId: s.observation_id,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
    mine: s.mine,
  };
}

export type ScoreView = ReturnType<typeof scoreView>;

export function scoreConfigView(c: ScoreConfigRow) {
  return {
    id: c.id,
    name: c.name,
    dataType: c.data_type,
    min: c.min === null ? null : Number(c.min),
    max: c.max === null ? null : Number(c.max),
    categories: c.categories,
    description: c.description,
    archived: c.archived,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

export type ScoreConfigView = ReturnType<typeof scoreConfigView>;

export async function scoreConfigs(db: Database): Promise<{ configs: ScoreConfigView[] }> {
  const r = await db.rpc("score_configs", {});
  return { configs: r.configs.map(scoreConfigView) };
}

export async function createScoreConfig(db: Database, body: ScoreConfigBody): Promise<ScoreConfigView> {
  return scoreConfigView(
    await db.rpc("create_score_config", {
      p_name: body.name, p_data_type: body.dataType, p_min: body.min, p_max: body.max,
      p_categories: body.categories, p_description: body.description,
    }),
  );
}

/** Sets the caller's own score (a second call replaces it; another author's stays). */
export async function setScore(db: Database, who: OperatorIdentity, body: ScoreBody): Promise<ScoreView> {
  return scoreView(
    await db.rpc("set_score", {
      p_name: body.name, p_value: String(body.value), p_source: who.source, p_author: who.author,
      p_trace_id: body.traceId, p_message_id: body.messageId, p_observation_id: body.observationId, p_comment: body.comment,
    }),
  );
}

export async function traceScores(db: Database, traceId: string, who?: OperatorIdentity): Promise<{ scores: ScoreView[] }> {
  const r = await db.rpc("trace_scores", { p_trace_id: traceId, p_source: who?.source, p_author: who?.author });
  return { scores: r.scores.map(scoreView) };
}

export async function deleteScore(db: Database, who: OperatorIdentity, scoreId: string): Promise<{ deleted: boolean; id: string }> {
  return db.rpc("delete_score", { p_score_id: scoreId, p_source: who.source, p_author: who.author });
}
