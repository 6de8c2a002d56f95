// Shapes of the chat HTTP API as the widget sees them (docs/architecture.md, "A chat turn (second release)").

export type MessageRole = "user" | "agent" | "system";

export interface ReplyAction {
  id: string;
  payload?: Record<string, unknown>;
}

export interface ReplyButton {
  label: string;
  action: ReplyAction;
}

export interface AgentRef {
  key: string;
  name: string;
}

/** An entry of the agent menu (GET /api/agents). */
export interface AgentOption extends AgentRef {
  description: string;
  greeting: string | null;
}

export interface ModelRef {
  key: string;
  name: string;
}

/** What the server says about the session a turn ran in. */
export interface SessionInfo {
  sessionId: string;
  newSession: boolean;
  sessionTag: string | null;
  traceId: string | null;
  agent: AgentRef | null;
  model: ModelRef | null;
}

/** The JSON answer of POST /api/chat (and the final `data-result` of a stream). */
export interface ChatTurnResult extends SessionInfo {
  reply: {
    id: string;
    role: "agent";
    content: string;
    buttons: ReplyButton[];
    /** Tool outputs and the like, when the server sends them (read defensively). */
    metadata?: Record<string, unknown> | null;
  };
  /** "Try again": the id of the earlier reply this one replaces. */
  replaces?: string;
}

/** The body of POST /api/chat. */
export interface ChatRequestBody {
  message?: string;
  sessionId?: string;
  agent?: string;
  action?: ReplyAction;
  clientMessageId: string;
  model?: string;
  tracking?: boolean;
}

export interface HistoryMessage {
  id: string;
  role: MessageRole;
  content: string;
  buttons?: ReplyButton[];
  createdAt: string;
  partial?: boolean;
  vote?: Vote | null;
  metadata?: Record<string, unknown> | null;
}

/** GET /api/sessions/{id}/messages */
export interface SessionHistory {
  sessionId: string;
  sessionTag: string | null;
  agent: AgentRef | null;
  model: ModelRef | null;
  isActive: boolean;
  messages: HistoryMessage[];
}

export type Rating = "positive" | "negative";

/** A visitor's vote on one agent message. */
export type Vote = "up" | "down";

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
  buttons: ReplyButton[];
  createdAt: string;
  sessionId: string | null;
  /** streaming: text still arriving; partial: cut off (stopped or dropped). */
  status: "done" | "streaming" | "partial";
  /** The visitor's vote on an agent message. */
  vote: Vote | null;
  metadata: Record<string, unknown> | null;
}
