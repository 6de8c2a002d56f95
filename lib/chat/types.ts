// Shapes shared by the chat turn, the tools and the models. Shapes that cross HTTP live in the
// wire contract (wire.ts); the server-side ones live here.
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { MessageRole } from "./wire";

export type { Button, ButtonAction } from "./wire";

export type Role = MessageRole;

export interface StoredMessage {
  id: string;
  seq: number;
  role: Role;
  content: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

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
