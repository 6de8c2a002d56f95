// Evaluators as operators see and change them: the list (rules and judges), a new evaluator, and the
// evaluators attached to an agent with a sample rate (docs/architecture.md, "Evaluators").
import type { EvaluatorRow } from "../db/rpc/evaluators";
import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";
import type { OperatorIdentity } from "../operators/auth";
import { ruleRegistry } from "./rules";
import type { AgentEvaluatorsBody, EvaluatorBody } from "./wire";

export function evaluatorView(e: EvaluatorRow) {
  return {
    id: e.id,
    name: e.name,
    kind: e.kind,
    scoreConfig: e.config.name,
    dataType: e.config.data_type,
    rule: e.rule_key,
    options: e.options,
    promptTemplate: e.prompt_template,
    modelKey: e.model_key,
    description: e.description ?? (e.rule_key ? (ruleRegistry.get(e.rule_key)?.description ?? null) : null),
    createdBy: e.created_by,
    archived: e.archived,
    createdAt: e.created_at,
  };
}

export type EvaluatorView = ReturnType<typeof evaluatorView>;

/** The evaluators in use; with `archived` the archived ones too. */
export async function listEvaluators(db: Database, archived = false): Promise<{ evaluators: EvaluatorView[] }> {
  const r = await db.rpc("evaluators_list", { p_archived: archived });
  return { evaluators: r.evaluators.map(evaluatorView) };
}

/** Archives an evaluator (no new evaluation jobs, not attachable, left out of the list; its scores stay) or brings it back. */
export async function setEvaluatorArchived(db: Database, evaluatorId: string, archived: boolean): Promise<EvaluatorView> {
  return evaluatorView(await db.rpc("set_evaluator_archived", { p_evaluator_id: evaluatorId, p_archived: archived }));
}

export async function createEvaluator(db: Database, who: OperatorIdentity, body: EvaluatorBody): Promise<EvaluatorView> {
  const common = { p_name: body.name, p_kind: body.kind, p_created_by: who.author, p_description: body.description };
  const row =
    body.kind === "judge"
      ? await db.rpc("create_evaluator", { ...common, p_score_config: body.scoreConfig, p_prompt_template: body.promptTemplate, p_model_key: body.modelKey })
      : await db.rpc("create_evaluator", {
          ...common, p_score_config: body.scoreConfig ?? ruleRegistry.get(body.rule)!.scoreConfig, p_rule_key: body.rule, p_options: body.options ?? {},
        });
  return evaluatorView(row);
}

type Attached = RpcResultOf<"agent_evaluators">;

function attachedView(r: Attached) {
  return {
    agent: r.agent,
    evaluators: r.evaluators.map((e) => ({ name: e.name, kind: e.kind, sampleRate: Number(e.sample_rate), attachedBy: e.created_by, updatedAt: e.updated_at })),
  };
}

export type AgentEvaluatorsView = ReturnType<typeof attachedView>;

export async function agentEvaluators(db: Database, agent: string): Promise<AgentEvaluatorsView> {
  return attachedView(await db.rpc("agent_evaluators", { p_agent: agent }));
}

/** Replaces the evaluators attached to an agent (an empty list detaches them all). */
export async function setAgentEvaluators(db: Database, who: OperatorIdentity, agent: string, body: AgentEvaluatorsBody): Promise<AgentEvaluatorsView> {
  const r = await db.rpc("set_agent_evaluators", {
    p_agent: agent, p_author: who.author, p_evaluators: body.evaluators.map((e) => ({ name: e.name, sample_rate: e.sampleRate })),
  });
  return attachedView(r);
}
