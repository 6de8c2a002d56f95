// Grading one trace with one evaluator: one read (evaluation_input), the rule or the judge, one
// write (record_evaluation: the score with source `evaluator`, author the evaluator's id, and a
// judge's model call as a step). docs/architecture.md, "Evaluators".
import type { EvaluationInputRow, EvaluatorRow } from "../db/rpc/evaluators";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { readOrder, type BulkOrder } from "../orders/bulk-order";
import { judgeValue, runJudge } from "./judge";
import { gradeWithRule } from "./rules";
import { UngradableError, type EvaluationInput, type Expected, type Grade } from "./types";

export interface GradeRequest {
  traceId: string;
  evaluator: string;
  expected?: Expected;
}

export interface GradeResult {
  scoreId: string;
  name: string;
  value: number | string | boolean;
  comment: string | null;
}

/** The typed input of the stored rows and what the caller expects. */
export function evaluationInput(row: EvaluationInputRow, expected: Expected = {}): EvaluationInput {
  return {
    traceId: row.trace.id,
    sessionId: row.trace.session_id,
    agent: row.trace.agent,
    conversation: row.conversation,
    reply: row.reply,
    toolCalls: row.tool_calls,
    orders: row.orders.map(readOrder).filter((o): o is BulkOrder => o !== null),
    products: row.products,
    expected: { output: expected.output ?? null, toolCalls: expected.toolCalls ?? null },
  };
}

/** A rule's true/false as a value of its config: a boolean, or a number config's max (else 1) and min (else 0). */
function ruleValue(value: boolean | number, config: EvaluatorRow["config"]): string {
  if (typeof value === "number" || config.data_type === "boolean") return String(value);
  return String(value ? (config.max ?? 1) : (config.min ?? 0));
}

export async function gradeTrace(db: Database, request: GradeRequest): Promise<GradeResult> {
  const row = await db.rpc("evaluation_input", { p_trace_id: request.traceId, p_evaluator: request.evaluator });
  const evaluator = row.evaluator;
  const input = evaluationInput(row, request.expected);
  let grade: Grade;
  let step: Record<string, unknown> | null = null;
  try {
    if (!input.reply) throw new UngradableError("The trace has no reply to grade yet.");
    if (evaluator.kind === "rule") {
      grade = gradeWithRule(evaluator.rule_key ?? "", evaluator.options, input);
    } else {
      const run = await runJudge(evaluator, input);
      grade = { value: judgeValue(run.answer.score, evaluator.config), comment: run.answer.reasoning };
      step = run.step;
    }
  } catch (error) {
    if (error instanceof UngradableError) throw new AppError("bad_request:evaluator", error.message);
    throw error;
  }
  const written = await db.rpc("record_evaluation", {
    p_trace_id: request.traceId,
    p_evaluator: evaluator.name,
    p_value: evaluator.kind === "rule" ? ruleValue(grade.value, evaluator.config) : String(grade.value),
    p_comment: grade.comment,
    p_observation: step,
  });
  return { scoreId: written.score.id, name: written.score.name, value: written.score.value, comment: written.score.comment };
}
