// A model this instance can run, as the chat turn uses it (lib/chat) and the model factories make it
// (lib/models/from-env.ts, openai-compatible.ts, offline.ts).
import type { LanguageModelV4 } from "@ai-sdk/provider";

export interface ModelInfo {
  id: string;
  key: string;
  name: string;
  provider: "offline" | "openai_compatible";
}

/** A model this instance can run: an AI SDK language model and how it is registered. */
export interface ChatModel {
  info: Omit<ModelInfo, "id">;
  languageModel: LanguageModelV4;
  /** Retries of a failed request before any text arrived. */
  maxRetries: number;
}
