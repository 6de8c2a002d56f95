// Shapes shared by the chat turn, the tools and the models.
import type { LanguageModelV4 } from "@ai-sdk/provider";

export type Role = "user" | "agent" | "system";

export interface ButtonAction {
  id: string;
  payload?: Record<string, unknown>;
}

export interface Button {
  label: string;
  action: ButtonAction;
}

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
