// Evaluators (docs/architecture.md, "Evaluators"): grade a trace's last reply with a rule or a
// model-graded evaluator and store the score (source `evaluator`, author the evaluator's id).
import type { Database } from "../db/types";
import { gradeTrace as grade, type GradeResult } from "./grade";

export { listEvaluators, createEvaluator, setEvaluatorArchived, agentEvaluators, setAgentEvaluators, type EvaluatorView, type AgentEvaluatorsView } from "./evaluators";
export { ruleRegistry, ruleKeys } from "./rules";
export type { EvaluationInput, Expected, ExpectedToolCall, Grade, RuleDefinition } from "./types";
export type { GradeResult } from "./grade";

/** Grades the trace's last reply with the named evaluator and writes its score (source `evaluator`). */
export function gradeTrace(
  db: Database,
  input: { traceId: string; evaluator: string; expected?: { output?: string | null; toolCalls?: { name: string; args?: unknown }[] | null } },
): Promise<GradeResult> {
  return grade(db, input);
}
