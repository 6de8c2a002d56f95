// A model behind any OpenAI-compatible /chat/completions endpoint, through the AI SDK.
// It words the agent's plan: the facts (tool outputs) and the draft go into the system prompt.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText, type LanguageModelUsage, type ModelMessage } from "ai";
import type { AgentPlan, ChatModel, ModelStream, ModelUsage, StoredMessage } from "../chat/types";
import { countPromptTokens, countTokens, promptMessages, type PromptMessage } from "./tokens";

export interface OpenAICompatibleOptions {
  baseURL: string;
  apiKey?: string;
  model: string;
  /** Retries of a failed request before any text arrived; default 1. */
  maxRetries?: number;
}

/** The system prompt sent to the model: the agent's instructions, the facts, and the draft as guidance. */
export function systemWithFacts(plan: AgentPlan): string {
  const parts = [plan.system];
  if (Object.keys(plan.toolOutputs).length > 0) {
    parts.push(`Facts from the tools (JSON) — use only these facts:\n${JSON.stringify(plan.toolOutputs)}`);
  }
  if (plan.draft) {
    parts.push(`Draft reply (keep its facts, numbers, references and questions; you may rephrase):\n${plan.draft}`);
  }
  if (plan.buttons.length > 0) {
    parts.push(`The reply is shown with these buttons: ${plan.buttons.map((b) => b.label).join(" | ")}.`);
  }
  return parts.join("\n\n");
}

/** The conversation as AI SDK messages: agent → assistant; system notes are left out. */
export function toModelMessages(messages: readonly PromptMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const m of messages) {
    if (m.role === "user") out.push({ role: "user", content: m.content });
    else if (m.role === "agent") out.push({ role: "assistant", content: m.content });
  }
  return out;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(typeof error === "string" ? error : JSON.stringify(error));
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || (error instanceof Error && error.name === "AbortError");
}

function generate(
  options: OpenAICompatibleOptions,
  input: { plan: AgentPlan; history: StoredMessage[]; message: string; signal?: AbortSignal },
): ModelStream {
  const { signal } = input;
  const system = systemWithFacts(input.plan);
  // System notes of the history are not sent (the AI SDK takes instructions separately), so not counted either.
  const conversation = promptMessages(input.history, input.message).filter((m) => m.role !== "system");
  const provider = createOpenAICompatible({
    name: "openai_compatible",
    baseURL: options.baseURL.replace(/\/+$/, ""),
    apiKey: options.apiKey || undefined,
    includeUsage: true,
  });

  let emitted = "";
  let reported: LanguageModelUsage | undefined;
  let started = false;
  let settle!: { resolve: (u: ModelUsage) => void; reject: (e: Error) => void };
  const usage = new Promise<ModelUsage>((resolve, reject) => (settle = { resolve, reject }));
  usage.catch(() => undefined); // the caller sees the error from `text`; usage() still rejects with it
  const counted = (): ModelUsage => ({
    inputTokens: reported?.inputTokens ?? countPromptTokens(system, conversation),
    outputTokens: reported?.outputTokens ?? countTokens(emitted),
  });

  async function* stream(): AsyncGenerator<string, void, undefined> {
    started = true;
    let failure: Error | null = null;
    try {
      const result = streamText({
        model: provider.chatModel(options.model),
        instructions: system,
        messages: toModelMessages(conversation),
        abortSignal: signal,
        maxRetries: options.maxRetries ?? 1,
        onError: () => {}, // errors are rethrown below, not logged twice
      });
      for await (const part of result.stream) {
        if (part.type === "text-delta") {
          emitted += part.text;
          yield part.text;
        } else if (part.type === "finish") {
          reported = part.totalUsage;
        } else if (part.type === "error") {
          throw asError(part.error);
        } else if (part.type === "abort") {
          return;
        }
      }
    } catch (error) {
      if (isAbort(error, signal)) return; // the client went away: stop quietly, keep what was emitted
      failure = asError(error);
      throw failure;
    } finally {
      if (failure) settle.reject(failure);
      else settle.resolve(counted());
    }
  }
  const text = stream();

  return {
    text,
    async usage() {
      // Like the AI SDK, asking for usage before reading the text consumes the stream.
      if (!started) while (!(await text.next()).done);
      return usage;
    },
  };
}

export function createOpenAICompatibleModel(options: OpenAICompatibleOptions): ChatModel {
  return {
    info: { key: options.model, name: options.model, provider: "openai_compatible" },
    generate: (input) => generate(options, input),
  };
}
