// What an evaluator reads and answers (docs/architecture.md, "Evaluators"). The input is built from
// stored rows by one SQL read (evaluation_input) plus what the caller expects; rules are pure over it.
import type { z } from "zod";
import type { BulkOrder } from "../orders/bulk-order";

export interface ExpectedToolCall {
  name: string;
  /** When given, every field of it must equal the call's argument of the same name. */
  args?: unknown;
}

export interface Expected {
  output?: string | null;
  toolCalls?: ExpectedToolCall[] | null;
}

export interface ToolCallRecord {
  name: string;
  args: unknown;
  result: unknown;
  error: string | null;
}

export interface EvaluationInput {
  traceId: string;
  sessionId: string;
  agent: string;
  /** The conversation up to and including the graded reply, words only. */
  conversation: { role: "user" | "agent"; content: string }[];
  /** The trace's last reply (null: the trace has none yet). */
  reply: { id: string; content: string } | null;
  /** The tool calls of the reply's turn, in order. */
  toolCalls: ToolCallRecord[];
  /** The session's bulk orders as stored (the bulk_order flow). */
  orders: BulkOrder[];
  /** The catalog products whose SKU or name the reply contains. */
  products: { sku: string; name: string }[];
  expected: { output: string | null; toolCalls: ExpectedToolCall[] | null };
}

/** A grade: true/false for a boolean config, a number for a numeric one; the comment says why. */
export interface Grade {
  value: boolean | number;
  comment: string;
}

/** A rule evaluator: code in the registry (lib/evaluators/rules.ts), named by its key in SQL. */
export interface RuleDefinition<O = unknown> {
  key: string;
  description: string;
  /** The score config it writes by default (seeded with it). */
  scoreConfig: string;
  /** Its options (an evaluator row's `options`), e.g. a character limit. */
  options: z.ZodType<O>;
  grade(input: EvaluationInput, options: O): Grade;
}

/** An evaluator cannot grade this input (say, expected tool calls that were not given). */
export class UngradableError extends Error {
  name = "UngradableError";
}
