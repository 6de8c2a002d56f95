import type { InferUIMessageChunk, UIMessage } from "ai";
import { z } from "zod";
import { withinJsonBounds } from "../http/json-bounds";

// The chat wire contract (docs/architecture.md, "The chat wire contract"): every shape that crosses
// HTTP between the widget and POST /api/chat or GET /api/sessions/{id}/messages, as zod schemas with
// their inferred types. The route parses requests with these, the server's turn returns these types,
// and the widget (components/chat) parses answers with these. No server-only imports: the browser
// bundle imports this module.

// ── the request: POST /api/chat ──────────────────────────────────────────────────────────────────

// A button payload nests at most 8 levels and is at most 2000 characters of JSON.
const payloadSchema = z.record(z.string().max(64), z.unknown()).refine((p) => withinJsonBounds(p, 8, 2000), "payload is too large or too deeply nested");

/** Unknown keys are rejected; "Try again" is the `regenerate` action (docs/architecture.md "Try again"). */
export const chatRequestSchema = z
  .object({
    message: z.string().trim().min(1, "message must not be empty").max(4000, "message must be at most 4000 characters").optional(),
    sessionId: z.uuid("sessionId must be a uuid").optional(),
    // an agent key; whether it names an enabled agent is begin_turn's decision (400 bad_request:agent)
    agent: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "agent must be an agent key (lower-case letters, digits and _)").optional(),
    action: z.object({ id: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_]*$/, "action.id is not a known action"), payload: payloadSchema.optional() }).strict().optional(),
    clientMessageId: z.uuid("clientMessageId must be a uuid").optional(),
    model: z.string().min(1).max(128).optional(),
    tracking: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.message !== undefined || b.action !== undefined || b.agent !== undefined, {
    message: "message is required unless an action or agent is given",
    path: ["message"],
  })
  .refine((b) => b.action?.id !== "regenerate" || (z.uuid().safeParse(b.action.payload?.messageId).success && b.message === undefined), {
    message: "the regenerate action needs payload.messageId (a uuid) and no message",
    path: ["action", "payload", "messageId"],
  });

/** A parsed POST /api/chat body. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;

// ── what the server answers ──────────────────────────────────────────────────────────────────────

export const messageRoleSchema = z.enum(["user", "agent", "system"]);
export type MessageRole = z.infer<typeof messageRoleSchema>;

/** What a reply button does when pressed; sent back as the request's `action`. */
export const buttonActionSchema = z.object({ id: z.string(), payload: z.record(z.string(), z.unknown()).optional() });
export type ButtonAction = z.infer<typeof buttonActionSchema>;

export const buttonSchema = z.object({ label: z.string(), action: buttonActionSchema });
export type Button = z.infer<typeof buttonSchema>;

export const agentRefSchema = z.object({ key: z.string(), name: z.string() });
export type AgentRef = z.infer<typeof agentRefSchema>;

export const modelRefSchema = z.object({ key: z.string(), name: z.string() });
export type ModelRef = z.infer<typeof modelRefSchema>;

/** The session a turn ran in; the stream's `data-session` part, sent before any text. */
export const turnSessionSchema = z.object({
  sessionId: z.string(),
  newSession: z.boolean(),
  sessionTag: z.string(),
  /** the visitor's reference, shown and copied next to the tag (lib/visitors/reference.ts) */
  visitorRef: z.string().optional(),
  traceId: z.string().nullable(),
  agent: agentRefSchema,
  model: modelRefSchema,
});
export type TurnSession = z.infer<typeof turnSessionSchema>;

/** An agent reply; `partial` when it was cut off (the visitor stopped it or went away). */
export const turnReplySchema = z.object({
  id: z.string(),
  role: z.literal("agent"),
  content: z.string(),
  buttons: z.array(buttonSchema),
  partial: z.boolean(),
  /** false: the turn changed state through a tool (an order line, contact details, a confirmation), so no "Try again". */
  retryable: z.boolean().optional(),
});
export type TurnReply = z.infer<typeof turnReplySchema>;

/** The JSON answer of POST /api/chat, and the stream's closing `data-result` part. */
export const turnResultSchema = turnSessionSchema.extend({
  reply: turnReplySchema,
  /** "Try again": the earlier reply this one replaces (kept in the database, marked superseded). */
  replaces: z.string().optional(),
  /** Set when the agent handed the visitor over in this turn: the session it left and its note. */
  handoff: z.object({ fromSessionId: z.string(), fromReply: turnReplySchema }).optional(),
});
export type TurnResult = z.infer<typeof turnResultSchema>;

export const voteSchema = z.enum(["up", "down"]);
export type Vote = z.infer<typeof voteSchema>;

/** One stored message of GET /api/sessions/{id}/messages. */
export const historyMessageSchema = z.object({
  id: z.string(),
  role: messageRoleSchema,
  content: z.string(),
  buttons: z.array(buttonSchema),
  createdAt: z.string(),
  partial: z.boolean(),
  vote: voteSchema.nullable(),
  audioUrl: z.string().nullable(),
  /** As the reply's `retryable`. */
  retryable: z.boolean().optional(),
});
export type HistoryMessage = z.infer<typeof historyMessageSchema>;

/** GET /api/sessions/{id}/messages: a visitor's own session and its messages ("Try again" replaced ones left out). */
export const sessionHistorySchema = z.object({
  sessionId: z.string(),
  sessionTag: z.string(),
  visitorRef: z.string().optional(),
  traceId: z.string().nullable(),
  isActive: z.boolean(),
  trackingEnabled: z.boolean(),
  agent: agentRefSchema,
  model: modelRefSchema,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  messages: z.array(historyMessageSchema),
  /**
   * Set when an agent handed the visitor over to this session: the note the previous agent left (in the
   * session it ended) and the id of the question carried over, so the widget shows them after a reload.
   */
  handoff: z.object({ fromSessionId: z.string(), fromAgent: agentRefSchema, questionId: z.string(), note: historyMessageSchema }).nullish(),
});
export type SessionHistory = z.infer<typeof sessionHistorySchema>;

/** GET /api/sessions: the visitor's own sessions, newest first (the widget's chat list). */
export const sessionSummarySchema = z.object({
  sessionId: z.string(),
  agent: agentRefSchema,
  /** Null when the session was not tracked: a tag that names no trace is not shown. */
  sessionTag: z.string().nullable(),
  model: z.object({ name: z.string() }),
  isActive: z.boolean(),
  startedAt: z.string(),
  lastActivityAt: z.string(),
  lastMessage: z.object({ role: messageRoleSchema, content: z.string(), createdAt: z.string() }).nullable(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;
export const sessionListSchema = z.object({ sessions: z.array(sessionSummarySchema) });
export type SessionList = z.infer<typeof sessionListSchema>;

// ── errors ───────────────────────────────────────────────────────────────────────────────────────

/** `type:surface`, e.g. `not_found:session` (lib/errors.ts maps the type to the status). */
const errorCodeSchema = z.string().regex(/^[a-z_]+:[a-z_]+$/);

/** What an error answer carries (lib/http/respond.ts), and, as JSON text, a stream's `error` chunk. */
export const wireErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type WireError = z.infer<typeof wireErrorSchema>;

/** The body of every error answer: `{error: {code, message}}`. */
export const errorBodySchema = z.object({ error: wireErrorSchema });

/** The `errorText` of a stream's `error` chunk. */
export function streamErrorText(error: WireError): string {
  return JSON.stringify({ code: error.code, message: error.message });
}

/** The error an `error` chunk's text carries; null when it is not one of ours. */
export function readStreamError(errorText: string): WireError | null {
  try {
    const parsed = wireErrorSchema.safeParse(JSON.parse(errorText));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// ── the stream: an AI SDK UI message stream with typed data parts ────────────────────────────────

/**
 * The data parts of a chat turn's stream, in order: `data-session` once the session is decided,
 * `data-handoff` when the agent hands over (the text after it is the new agent's), `data-result`
 * at the end (the same object as the JSON answer).
 */
export const chatDataPartSchemas = {
  session: turnSessionSchema,
  handoff: agentRefSchema,
  result: turnResultSchema,
};
export type ChatDataParts = { [K in keyof typeof chatDataPartSchemas]: z.infer<(typeof chatDataPartSchemas)[K]> };

/** The assistant message a chat turn streams (no message metadata: the session is a data part). */
export type ChatUIMessage = UIMessage<never, ChatDataParts>;

/** One chunk of a chat turn's stream, typed by its data parts. */
export type ChatStreamChunk = InferUIMessageChunk<ChatUIMessage>;
