// Observations: every step of a turn (a model generation, a tool call) as finish_turn
// stores them under the session's trace (docs/architecture.md "Observations").
import { randomUUID } from "node:crypto";
import { isoMicros } from "../clock";

/** Tool arguments and results are cut at this many bytes each; the cap is recorded. */
export const PAYLOAD_CAP_BYTES = 8192;

export interface Observation {
  id: string;
  parent_id: string | null;
  position: number;
  kind: "generation" | "tool" | "transcription" | "speech";
  name: string;
  status: "ok" | "error";
  started_at: string;
  ended_at: string;
  duration_ms: number;
  model?: string;
  /** The model the provider answered with (a dated snapshot of the one asked for, say); generations only. */
  response_model?: string | null;
  input_tokens?: number;
  output_tokens?: number;
  cached_input_tokens?: number;
  time_to_first_token_ms?: number | null;
  finish_reason?: string | null;
  tool_call_id?: string;
  arguments?: unknown;
  result?: unknown;
  payload_cap_bytes?: number;
  truncated?: boolean;
  error?: string | null;
}

/** A JSON value cut to the cap: the value itself, or its JSON text's first bytes as a string. */
export function capPayload(value: unknown, cap = PAYLOAD_CAP_BYTES): { value: unknown; truncated: boolean } {
  if (value === undefined) return { value: null, truncated: false };
  const json = JSON.stringify(value) ?? "null";
  const bytes = Buffer.byteLength(json);
  if (bytes <= cap) return { value, truncated: false };
  // cut on a character boundary, within the cap
  let text = Buffer.from(json).subarray(0, cap).toString("utf8");
  while (Buffer.byteLength(text) > cap) text = text.slice(0, -1);
  return { value: text.replace(/\uFFFD$/, ""), truncated: true };
}

/** What every step has: a new id, its parent, kind and name, ok or its error (cut), its time span
 * (epoch ms with a fraction, kept to the microsecond: lib/clock.ts). */
function step(kind: Observation["kind"], name: string, parentId: string | null, start: number, end: number, error: string | null | undefined) {
  return {
    id: randomUUID(),
    parent_id: parentId,
    position: 0,
    kind,
    name,
    status: error ? ("error" as const) : ("ok" as const),
    started_at: isoMicros(start),
    ended_at: isoMicros(Math.max(start, end)),
    duration_ms: Math.max(0, Math.round(end - start)),
    error: error ? error.slice(0, 4000) : null,
  };
}

export function generationObservation(g: {
  /** epoch ms with a fraction (preciseNow) */
  start: number;
  end: number;
  agent: string;
  model: string;
  responseModel?: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  timeToFirstTokenMs: number | null;
  finishReason: string | null;
  error?: string | null;
}): Observation {
  return {
    ...step("generation", g.agent, null, g.start, g.end, g.error),
    model: g.model,
    response_model: g.responseModel ?? null,
    input_tokens: g.inputTokens,
    output_tokens: g.outputTokens,
    cached_input_tokens: g.cachedInputTokens,
    time_to_first_token_ms: g.timeToFirstTokenMs,
    finish_reason: g.finishReason,
  };
}

export function toolObservation(t: {
  parentId: string;
  start: number;
  end: number;
  name: string;
  toolCallId: string;
  input: unknown;
  output?: unknown;
  error?: string | null;
}): Observation {
  const args = capPayload(t.input);
  const result = capPayload(t.error ? null : t.output);
  return {
    ...step("tool", t.name, t.parentId, t.start, t.end, t.error),
    tool_call_id: t.toolCallId,
    arguments: args.value,
    result: result.value,
    payload_cap_bytes: PAYLOAD_CAP_BYTES,
    truncated: args.truncated || result.truncated,
  };
}

/** Positions in order: each generation, then the tools it called. */
export function numbered(observations: Observation[]): Observation[] {
  return observations.map((o, i) => ({ ...o, position: i }));
}
