// Model-graded evaluators (LLM-as-judge): the evaluator's prompt template filled with the
// conversation, the reply and the expected answer, answered through the model registry with a
// structured output {score, reasoning}. The offline model grades it from rules (lib/models/offline-judge.ts).
import { generateText, Output } from "ai";
import { z } from "zod";
import { chatModelFor } from "../chat/available-models";
import type { EvaluatorRow } from "../db/rpc/evaluators";
import { JUDGE_DATA_LABEL, type JudgeAnswer } from "../models/offline-judge";
import type { EvaluationInput } from "./types";

export const judgeAnswerSchema = z.object({
  score: z.number().min(0).max(1).describe("0 (fails completely) to 1 (fully meets the criteria)"),
  reasoning: z.string().max(2000).describe("one to three sentences: why this score"),
});

const JUDGE_TIMEOUT_MS = 60_000;

const SYSTEM =
  "You grade an AI support agent's reply against the criteria the user gives. " +
  "Answer with a JSON object: score (a number from 0 to 1) and reasoning (one to three sentences).";

/** The template with {conversation}, {reply} and {expected} filled in (other braces stay as written). */
export function renderTemplate(template: string, input: EvaluationInput): string {
  const conversation = input.conversation.map((m) => `${m.role === "user" ? "Visitor" : "Agent"}: ${m.content}`).join("\n");
  const values: Record<string, string> = {
    conversation,
    reply: input.reply?.content ?? "",
    expected: input.expected.output ?? "(none)",
  };
  return template.replace(/\{(conversation|reply|expected)\}/g, (_m, k: string) => values[k]);
}

export interface JudgeRun {
  answer: JudgeAnswer;
  /** The judge's model call as a generation step (record_evaluation stores it with its cost). */
  step: Record<string, unknown>;
}

export async function runJudge(evaluator: EvaluatorRow, input: EvaluationInput): Promise<JudgeRun> {
  const model = chatModelFor(evaluator.model_key ?? "");
  const data = { reply: input.reply?.content ?? "", expected: input.expected.output ?? null };
  const startedAt = new Date();
  const result = await generateText({
    model: model.languageModel,
    system: `${SYSTEM}\n${JUDGE_DATA_LABEL}${JSON.stringify(data)}`,
    prompt: renderTemplate(evaluator.prompt_template ?? "{reply}", input),
    output: Output.object({ schema: judgeAnswerSchema }),
    maxRetries: model.maxRetries,
    abortSignal: AbortSignal.timeout(JUDGE_TIMEOUT_MS),
  });
  const endedAt = new Date();
  const answer = result.output;
  return {
    answer,
    step: {
      name: `judge:${evaluator.name}`,
      model: model.info.key,
      message_id: input.reply?.id ?? null,
      started_at: startedAt.toISOString(),
      ended_at: endedAt.toISOString(),
      duration_ms: endedAt.getTime() - startedAt.getTime(),
      input_tokens: result.usage.inputTokens ?? 0,
      output_tokens: result.usage.outputTokens ?? 0,
      finish_reason: result.finishReason,
      arguments: { evaluator: evaluator.name },
      result: answer,
    },
  };
}

/** A judge's 0–1 score as a value of its config: a boolean at 0.5, a number scaled to the config's range. */
export function judgeValue(score: number, config: EvaluatorRow["config"]): boolean | number {
  if (config.data_type === "boolean") return score >= 0.5;
  const min = config.min === null ? null : Number(config.min);
  const max = config.max === null ? null : Number(config.max);
  if (min !== null && max !== null) return Math.round((min + score * (max - min)) * 10_000) / 10_000;
  return score;
}
