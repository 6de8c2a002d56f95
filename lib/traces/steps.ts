// A turn's steps (llm_observations rows, as trace_detail returns them) for the
// trace detail: camelCase views, grouped by the visitor message they answer,
// nested by parent step, placed on one time axis per turn.
import type { ObservationRow } from "../db/rpc/rows";

export type { ObservationRow } from "../db/rpc/rows";

export function stepView(o: ObservationRow) {
  return {
    id: o.id,
    messageId: o.message_id,
    parentId: o.parent_id,
    position: o.position,
    kind: o.kind,
    name: o.name,
    status: o.status,
    startedAt: o.started_at,
    endedAt: o.ended_at,
    durationMs: o.duration_ms,
    model: o.model,
    inputTokens: o.input_tokens,
    outputTokens: o.output_tokens,
    cachedInputTokens: o.cached_input_tokens,
    timeToFirstTokenMs: o.time_to_first_token_ms,
    finishReason: o.finish_reason,
    costUsd: o.cost_usd === null ? null : Number(o.cost_usd),
    toolCallId: o.tool_call_id,
    arguments: o.arguments,
    result: o.result,
    payloadCapBytes: o.payload_cap_bytes,
    truncated: o.truncated,
    error: o.error,
  };
}

export type Step = ReturnType<typeof stepView>;

/** A step with its children and its place on the turn's time axis (percent of the turn). */
export interface StepNode extends Step {
  children: StepNode[];
  /** where the bar starts and how wide it is, in percent of the turn's span */
  offsetPct: number;
  widthPct: number;
}

export interface Turn {
  messageId: string | null;
  startedAt: string;
  spanMs: number;
  costUsd: number;
  steps: StepNode[];
}

/** The steps of each visitor message (null: steps of no stored message), in the order given. */
export function stepTurns(steps: Step[]): Turn[] {
  const byMessage = new Map<string | null, Step[]>();
  for (const s of steps) byMessage.set(s.messageId, [...(byMessage.get(s.messageId) ?? []), s]);
  return [...byMessage].map(([messageId, own]) => {
    const start = Math.min(...own.map((s) => Date.parse(s.startedAt)));
    const end = Math.max(...own.map((s) => Math.max(Date.parse(s.endedAt), Date.parse(s.startedAt) + s.durationMs)));
    const spanMs = Math.max(end - start, 1);
    const nodes = new Map<string, StepNode>(
      own.map((s) => {
        const offset = Date.parse(s.startedAt) - start;
        const offsetPct = Math.min((offset / spanMs) * 100, 100);
        return [s.id, { ...s, children: [], offsetPct, widthPct: Math.min((s.durationMs / spanMs) * 100, 100 - offsetPct) }];
      }),
    );
    const roots: StepNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      if (parent && parent !== node) parent.children.push(node);
      else roots.push(node);
    }
    return {
      messageId,
      startedAt: new Date(start).toISOString(),
      spanMs: end - start,
      costUsd: own.reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
      steps: roots,
    };
  });
}
