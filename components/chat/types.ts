// The widget's own shapes. Everything that crosses HTTP with POST /api/chat and the session
// history (request, session, reply, history, stream data parts, errors) is the chat wire
// contract in lib/chat/wire.ts (docs/architecture.md, "The chat wire contract").

import type { AgentRef, Button, ChatRequest, MessageRole, Vote } from "@/lib/chat/wire";

/** The body the widget sends: the wire contract's request, always with its clientMessageId. */
export type ChatRequestBody = ChatRequest & { clientMessageId: string };

/** An entry of the agent menu (GET /api/agents). */
export interface AgentOption {
  key: string;
  name: string;
  description: string;
  greeting: string | null;
}

export type Rating = "positive" | "negative";

/** A catalog product as a reply's card shows it (GET /api/products). */
export interface ProductCard {
  sku: string;
  name: string;
  priceCents: number | null;
  summary: string;
}

/** A message as the panel shows it. */
export interface ChatMessage {
  /** Stable React key: the clientMessageId for user messages, "reply-<clientMessageId>" for their replies. */
  key: string;
  /** Server id once known. */
  id: string | null;
  role: MessageRole;
  content: string;
  buttons: Button[];
  createdAt: string;
  sessionId: string | null;
  /** streaming: text still arriving; partial: cut off (stopped or dropped). */
  status: "done" | "streaming" | "partial";
  /** The visitor's vote on an agent message. */
  vote: Vote | null;
  /** false: the reply's turn changed state through a tool, so it offers no "Try again". */
  retryable?: boolean;
  /** On the first message of a session an agent handed the visitor to: the divider names the new agent. */
  handoff?: { to: AgentRef };
}
