// A model behind any OpenAI-compatible /chat/completions endpoint, through the AI SDK
// provider: tool calls and text stream back as the provider sends them.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { ChatModel } from "./types";

export interface OpenAICompatibleOptions {
  baseURL: string;
  apiKey?: string;
  model: string;
  /** Retries of a failed request before any text arrived; default 1. */
  maxRetries?: number;
}

export function createOpenAICompatibleModel(options: OpenAICompatibleOptions): ChatModel {
  const provider = createOpenAICompatible({
    name: "openai_compatible",
    baseURL: options.baseURL.replace(/\/+$/, ""),
    apiKey: options.apiKey || undefined,
    includeUsage: true,
  });
  return {
    info: { key: options.model, name: options.model, provider: "openai_compatible" },
    languageModel: provider.chatModel(options.model),
    maxRetries: options.maxRetries ?? 1,
  };
}
