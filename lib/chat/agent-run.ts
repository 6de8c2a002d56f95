// One agent answering one visitor message: the AI SDK tool loop (streamText with the
// agent's tools and a step limit), its text streamed as it comes, every step recorded as
// an observation. Nothing is written here: the caller hands the result to finish_turn.
import { hasToolCall, stepCountIs, streamText, type LanguageModelUsage, type ModelMessage } from "ai";
import type { Database } from "../db/types";
import { TURN_CONTEXT_LABEL } from "../models/turn-context";
import { countTokens, countTokensOnce } from "../models/tokens";
import { BULK_ORDER_FLOW, isOpen, readOrder } from "../orders/bulk-order";
import { view } from "../tools/order";
import { toolsFor, type ToolTiming } from "../tools/registry";
import type { AgentDefinition, HandoffTarget, ToolRun } from "../tools/types";
import { preciseNow } from "../clock";
import { generationObservation, numbered, toolObservation, type Observation } from "./observations";
import type { Button, ButtonAction, ChatModel, StoredMessage } from "./types";

/** Steps per agent run (model calls); a handoff ends the run early. */
export const MAX_STEPS = 6;

export interface AgentRunInput {
  db: Database;
  model: ChatModel;
  agent: AgentDefinition;
  handoffTargets: HandoffTarget[];
  sessionId: string;
  /** The session's recent messages, oldest first, the visitor's message last. */
  history: readonly HistoryMessage[];
  message: string;
  action: ButtonAction | null;
  /** Metadata of the stored message whose button was pressed (R10): what that reply offered and used. */
  actionSource?: Record<string, unknown> | null;
  flows: Record<string, Record<string, unknown>>;
  /** "Try again": the visitor asked for another answer to the same message. */
  tryAgain?: boolean;
  signal?: AbortSignal;
  onText?(delta: string): void;
}

export interface AgentRunResult {
  content: string;
  partial: boolean;
  buttons: Button[];
  /** Only the flows a tool changed (finish_turn saves these). */
  flows: Record<string, Record<string, unknown> | null>;
  observations: Observation[];
  handoff: { agent: string; reason: string } | null;
  toolsUsed: string[];
  usage: { inputTokens: number; outputTokens: number };
  /** The model failed (not the client going away): the turn reports it. */
  error: Error | null;
}

/** What the agents read of a stored message: who said what (begin_turn's history). */
export type HistoryMessage = Pick<StoredMessage, "role" | "content">;

/** The conversation as AI SDK messages: agent → assistant; system notes are left out. */
export function toModelMessages(history: readonly HistoryMessage[], message: string): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const m of history) {
    if (!m.content.trim()) continue;
    if (m.role === "user") out.push({ role: "user", content: m.content });
    else if (m.role === "agent") out.push({ role: "assistant", content: m.content });
  }
  const last = out.at(-1);
  if (message.trim() && !(last?.role === "user" && last.content === message)) out.push({ role: "user", content: message });
  return out;
}

/** The agent's instructions plus what this turn knows that the conversation text does not. */
export function instructionsFor(agent: AgentDefinition, input: Pick<AgentRunInput, "action" | "actionSource" | "flows" | "tryAgain">): string {
  const order = readOrder(input.flows[BULK_ORDER_FLOW]);
  const source = input.actionSource;
  const context = {
    pressed_button: input.action
      ? {
          id: input.action.id,
          payload: input.action.payload ?? {},
          // the reply that offered it: its agent, buttons and the tools it used
          ...(source ? { offered_by: { agent: source.agent ?? null, buttons: source.buttons ?? [], tools: source.tools ?? [] } } : {}),
        }
      : null,
    bulk_order: agent.tools.includes("set_order_line") && order ? (isOpen(order) ? view(order) : { status: order.status }) : null,
    // the visitor pressed "Try again": their last message wants a different answer than before
    ...(input.tryAgain ? { try_again: true } : {}),
  };
  return `${agent.instructions}\n\n${TURN_CONTEXT_LABEL}${JSON.stringify(context)}`;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(typeof e === "string" ? e : JSON.stringify(e)));
const isAbort = (e: unknown, signal?: AbortSignal) => Boolean(signal?.aborted) || (e instanceof Error && e.name === "AbortError");

export async function runAgent(input: AgentRunInput): Promise<AgentRunResult> {
  const { agent, model, signal } = input;
  const run: ToolRun = {
    db: input.db,
    sessionId: input.sessionId,
    message: input.message,
    action: input.action,
    flows: { ...input.flows },
    changedFlows: new Set(),
    buttons: [],
    handoffTargets: input.handoffTargets,
    handoff: null,
  };
  const timings = new Map<string, ToolTiming>();
  const instructions = instructionsFor(agent, input);
  const messages = toModelMessages(input.history, input.message);
  // only when the model reports no usage (the offline model and OpenAI-compatible servers do)
  let promptTokens: number | undefined;
  const estimatePrompt = () => (promptTokens ??= countTokensOnce(instructions) + messages.reduce((n, m) => n + countTokensOnce(String(m.content)), 0));

  const observations: Observation[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  let content = "";
  let partial = false;
  let error: Error | null = null;
  // the generation in progress
  let step: { start: number; id: string | null; firstTokenMs: number | null; text: string; tools: Observation[] } | null = null;
  const calls = new Map<string, { name: string; input: unknown; at: number }>();

  const closeStep = (u: LanguageModelUsage | undefined, finishReason: string | null, failure?: string, responseModel?: string) => {
    if (!step) return;
    const inputTokens = u?.inputTokens ?? estimatePrompt();
    const outputTokens = u?.outputTokens ?? countTokens(step.text);
    const generation = generationObservation({
      start: step.start,
      end: preciseNow(),
      agent: agent.key,
      model: model.info.key,
      responseModel,
      inputTokens,
      outputTokens,
      cachedInputTokens: u?.inputTokenDetails?.cacheReadTokens ?? 0,
      timeToFirstTokenMs: step.firstTokenMs,
      finishReason,
      error: failure,
    });
    usage.inputTokens += inputTokens;
    usage.outputTokens += outputTokens;
    // parallel calls finish in any order: keep the order the model called them in
    const order = [...calls.keys()];
    const tools = [...step.tools].sort((a, b) => order.indexOf(a.tool_call_id!) - order.indexOf(b.tool_call_id!));
    observations.push(generation, ...tools.map((t) => ({ ...t, parent_id: generation.id })));
    step = null;
  };

  try {
    const result = streamText({
      model: model.languageModel,
      instructions,
      messages,
      tools: toolsFor(agent.tools, run, timings),
      stopWhen: [stepCountIs(MAX_STEPS), hasToolCall("handoff")],
      abortSignal: signal,
      maxRetries: model.maxRetries,
      onError: () => {}, // errors are handled below, not logged twice
    });
    for await (const part of result.stream) {
      switch (part.type) {
        case "start-step":
          step = { start: preciseNow(), id: null, firstTokenMs: null, text: "", tools: [] };
          break;
        case "text-delta": {
          if (!part.text) break;
          if (step && step.firstTokenMs === null) step.firstTokenMs = Math.round(preciseNow() - step.start);
          // text of an earlier step (a note before a tool call) is kept apart from the next
          const delta = step && !step.text && content && !/\s$/.test(content) ? `\n\n${part.text}` : part.text;
          if (step) step.text += part.text;
          content += delta;
          input.onText?.(delta);
          break;
        }
        case "tool-call":
          calls.set(part.toolCallId, { name: part.toolName, input: part.input, at: preciseNow() });
          break;
        case "tool-result":
        case "tool-error": {
          const call = calls.get(part.toolCallId);
          const timing = timings.get(part.toolCallId);
          step?.tools.push(
            toolObservation({
              parentId: "",
              start: timing?.startedAt ?? call?.at ?? preciseNow(),
              end: timing?.endedAt ?? preciseNow(),
              name: part.toolName,
              toolCallId: part.toolCallId,
              input: part.input ?? call?.input,
              output: part.type === "tool-result" ? part.output : undefined,
              error: part.type === "tool-error" ? asError(part.error).message : null,
            }),
          );
          break;
        }
        case "finish-step":
          if (step && step.firstTokenMs === null && calls.size > 0) step.firstTokenMs = Math.round(preciseNow() - step.start);
          closeStep(part.usage, part.finishReason, undefined, part.response?.modelId);
          break;
        case "error":
          throw asError(part.error);
        case "abort":
          partial = true;
          break;
      }
    }
  } catch (e) {
    if (isAbort(e, signal)) {
      partial = true;
      closeStep(undefined, "aborted");
    } else {
      error = asError(e);
      step ??= { start: preciseNow(), id: null, firstTokenMs: null, text: "", tools: [] };
      closeStep(undefined, "error", error.message);
    }
  }
  if (signal?.aborted) partial = true;
  if (step) closeStep(undefined, partial ? "aborted" : null);

  const flows = Object.fromEntries([...run.changedFlows].map((f) => [f, run.flows[f]]));
  return {
    content,
    partial,
    buttons: run.buttons,
    flows,
    observations: numbered(observations),
    handoff: run.handoff,
    toolsUsed: [...new Set(observations.filter((o) => o.kind === "tool").map((o) => o.name))],
    usage,
    error,
  };
}
