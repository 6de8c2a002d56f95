// Token counting with a real BPE tokenizer (gpt-tokenizer, o200k_base: GPT-4o / GPT-5 family).
import { countTokens as countWithTokenizer } from "gpt-tokenizer";
import type { StoredMessage } from "../chat/types";

// Text that happens to contain "<|endoftext|>" etc. is counted as plain text instead of throwing.
const plainText = { disallowedSpecial: new Set<string>() };

/** Number of tokens in a text. */
export function countTokens(text: string): number {
  return text ? countWithTokenizer(text, plainText) : 0;
}

export interface PromptMessage {
  role: "user" | "agent" | "system";
  content: string;
}

/**
 * The conversation a model answers: the session's history plus the visitor's message.
 * History from begin_turn already ends with the current user message; it is not repeated.
 */
export function promptMessages(history: readonly StoredMessage[], message: string): PromptMessage[] {
  const messages: PromptMessage[] = history
    .filter((m) => m.content.trim() !== "")
    .map((m) => ({ role: m.role, content: m.content }));
  const last = messages[messages.length - 1];
  if (message.trim() !== "" && !(last && last.role === "user" && last.content === message)) {
    messages.push({ role: "user", content: message });
  }
  return messages;
}

/** Tokens of a prompt: the system text plus every message of the conversation. */
export function countPromptTokens(system: string, messages: readonly PromptMessage[]): number {
  return messages.reduce((sum, m) => sum + countTokens(m.content), countTokens(system));
}
