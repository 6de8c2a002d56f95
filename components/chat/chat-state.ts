// The panel's state and every way it can change. Pure: no fetch, no storage.

import type { SessionHistory, TurnResult, TurnSession, Vote } from "@/lib/chat/wire";
import { messagesFromHistory } from "./chat-messages";
import type { ChatMessage, ChatRequestBody, Rating } from "./types";

/**
 * The conversation's current session as the panel knows it: everything a turn or the history said
 * about it, or only its id while its history could not be loaded.
 */
export type ShownSession = Pick<TurnSession, "sessionId"> & Partial<Pick<TurnSession, "sessionTag" | "visitorRef" | "traceId" | "agent" | "model">>;

/** What the Retry button does. */
export type RetryPlan =
  | { kind: "send"; body: ChatRequestBody }
  | { kind: "restore"; sessionId: string }
  | { kind: "new-chat" };

export interface ChatFailure {
  message: string;
  retry: RetryPlan | null;
}

export interface ChatState {
  /** False until the stored session (if any) has been looked at; storage is not written before. */
  ready: boolean;
  restoring: boolean;
  session: ShownSession | null;
  messages: ChatMessage[];
  /** Key of the reply being received; null when no request is in flight. */
  pendingReplyKey: string | null;
  /** "Try again": id of the shown reply the pending one takes the place of. */
  replacing: string | null;
  failure: ChatFailure | null;
  /** The server asked us to slow down: until when (epoch ms), and for how long it said. */
  rateLimit: { until: number; seconds: number } | null;
  feedback: Record<string, Rating>;
  /** Per session id: whether it has a trace (false when tracking was off). Unknown for restored sessions. */
  traced: Record<string, boolean>;
  /** Latest text for the polite live region. */
  announcement: string;
}

export const initialChatState: ChatState = {
  ready: false,
  restoring: false,
  session: null,
  messages: [],
  pendingReplyKey: null,
  replacing: null,
  failure: null,
  rateLimit: null,
  feedback: {},
  traced: {},
  announcement: "",
};

export type ChatEvent =
  | { type: "restore-started"; sessionId: string }
  | { type: "restored"; history: SessionHistory; feedback: Rating | null }
  | { type: "restore-skipped" }
  | { type: "restore-failed"; sessionId: string; failure: ChatFailure }
  | { type: "send-started"; userMessage: ChatMessage | null; replyKey: string; replaces?: string | null }
  | { type: "session-known"; info: TurnSession; userKey: string }
  /** The reply's text so far (the whole text, not a delta). */
  | { type: "reply-text"; replyKey: string; text: string }
  | { type: "reply-finished"; replyKey: string; userKey: string; result: TurnResult }
  | { type: "reply-stopped"; replyKey: string }
  | { type: "send-failed"; replyKey: string; failure: ChatFailure; forgetSession?: boolean }
  | { type: "rate-limited"; userKey: string; seconds: number; until: number }
  | { type: "rate-limit-over" }
  | { type: "failure-shown"; failure: ChatFailure }
  | { type: "failure-dismissed" }
  | { type: "cleared" }
  | { type: "feedback-given"; sessionId: string; rating: Rating | null }
  | { type: "vote-given"; messageKey: string; vote: Vote | null };

function sessionOf(info: TurnSession | SessionHistory): ShownSession {
  const { sessionId, sessionTag, visitorRef, traceId, agent, model } = info;
  return { sessionId, sessionTag, visitorRef, traceId, agent, model };
}

function withTraced(state: ChatState, info: TurnSession): Record<string, boolean> {
  return { ...state.traced, [info.sessionId]: info.traceId !== null };
}

/** Adds a reply; a "Try again" reply takes the place of the one it replaces. */
function placeReply(messages: ChatMessage[], replacing: string | null | undefined, reply: ChatMessage): ChatMessage[] {
  return replacing && messages.some((m) => m.id === replacing)
    ? messages.map((m) => (m.id === replacing ? reply : m))
    : [...messages, reply];
}

/** The note the previous agent left when it handed over, as a message of the session it ended. */
function handoffNote(handoff: NonNullable<TurnResult["handoff"]>, replyKey: string, createdAt: string): ChatMessage {
  const { fromReply } = handoff;
  return {
    key: `note-${replyKey}`, id: fromReply.id, role: "agent", content: fromReply.content, buttons: fromReply.buttons,
    createdAt, sessionId: handoff.fromSessionId, status: fromReply.partial ? "partial" : "done", vote: null,
  };
}

function updateMessage(messages: ChatMessage[], key: string, change: (m: ChatMessage) => ChatMessage): ChatMessage[] {
  return messages.map((m) => (m.key === key ? change(m) : m));
}

export function chatReducer(state: ChatState, event: ChatEvent): ChatState {
  switch (event.type) {
    case "restore-started":
      return { ...state, restoring: true, failure: null };
    case "restored": {
      const { history } = event;
      const messages = messagesFromHistory(history);
      const session = sessionOf(history);
      const feedback = event.feedback ? { ...state.feedback, [history.sessionId]: event.feedback } : state.feedback;
      const traced = { ...state.traced, [history.sessionId]: history.traceId !== null };
      return { ...state, ready: true, restoring: false, session, messages, feedback, traced };
    }
    case "restore-skipped":
      return { ...state, ready: true, restoring: false, session: null };
    case "restore-failed":
      // Keep the id: the conversation still exists, we just could not load it yet.
      return {
        ...state,
        ready: true,
        restoring: false,
        failure: event.failure,
        session: state.session ?? { sessionId: event.sessionId },
      };
    case "send-started":
      return {
        ...state,
        messages: event.userMessage ? [...state.messages, event.userMessage] : state.messages,
        pendingReplyKey: event.replyKey,
        replacing: event.replaces ?? null,
        failure: null,
        rateLimit: null,
      };
    case "session-known":
      // Adopt a new session id silently; the message just sent belongs to it.
      return {
        ...state,
        session: sessionOf(event.info),
        traced: withTraced(state, event.info),
        messages: updateMessage(state.messages, event.userKey, (m) => ({ ...m, sessionId: event.info.sessionId })),
      };
    case "reply-text": {
      const exists = state.messages.some((m) => m.key === event.replyKey);
      const messages = exists
        ? updateMessage(state.messages, event.replyKey, (m) => ({ ...m, content: event.text }))
        : placeReply(state.messages, state.replacing, {
              key: event.replyKey,
              id: null,
              role: "agent" as const,
              content: event.text,
              buttons: [],
              createdAt: new Date().toISOString(),
              sessionId: state.session?.sessionId ?? null,
              status: "streaming" as const,
              vote: null,
            });
      return { ...state, messages };
    }
    case "reply-finished": {
      const { result, replyKey } = event;
      const finished: ChatMessage = {
        key: replyKey,
        id: result.reply.id,
        role: "agent",
        content: result.reply.content,
        buttons: result.reply.buttons,
        createdAt: new Date().toISOString(),
        sessionId: result.sessionId,
        // a reply the server stored cut off (the visitor went away mid-stream) stays marked as such
        status: result.reply.partial ? "partial" : "done",
        vote: null,
        retryable: result.reply.retryable,
      };
      if (result.handoff) finished.handoff = { to: result.agent };
      const exists = state.messages.some((m) => m.key === replyKey);
      let messages = exists
        ? updateMessage(state.messages, replyKey, (m) => ({ ...finished, createdAt: m.createdAt }))
        : placeReply(state.messages, result.replaces ?? state.replacing, finished);
      // A handoff: the question and the previous agent's note stay in the session it ended, before the divider.
      const handoff = result.handoff;
      if (handoff) messages = messages.flatMap((m) => (m.key === replyKey ? [handoffNote(handoff, replyKey, m.createdAt), m] : [m]));
      const askedIn = handoff?.fromSessionId ?? result.sessionId;
      return {
        ...state,
        replacing: null,
        session: sessionOf(result),
        traced: withTraced(state, result),
        messages: updateMessage(messages, event.userKey, (m) => ({ ...m, sessionId: askedIn })),
        pendingReplyKey: null,
        announcement: `${result.agent.name} replied: ${result.reply.content}`,
      };
    }
    case "reply-stopped":
      return {
        ...state,
        pendingReplyKey: null,
        replacing: null,
        messages: updateMessage(state.messages, event.replyKey, (m) => ({ ...m, status: "partial" })),
        announcement: "Reply stopped.",
      };
    case "send-failed":
      return {
        ...state,
        pendingReplyKey: null,
        replacing: null,
        // A half-received reply is dropped: Retry asks for it again.
        messages: state.messages.filter((m) => m.key !== event.replyKey),
        failure: event.failure,
        session: event.forgetSession ? null : state.session,
      };
    case "rate-limited":
      return {
        ...state,
        pendingReplyKey: null,
        replacing: null,
        // Nothing was stored: take the message (and any half reply) back; its text returns to the composer.
        messages: state.messages.filter((m) => m.key !== event.userKey && m.key !== state.pendingReplyKey),
        rateLimit: { until: event.until, seconds: event.seconds },
      };
    case "rate-limit-over":
      return { ...state, rateLimit: null };
    case "failure-shown":
      return { ...state, failure: event.failure };
    case "failure-dismissed":
      return { ...state, failure: null };
    case "cleared":
      return { ...initialChatState, ready: true, feedback: state.feedback, traced: state.traced, announcement: "Started a new chat." };
    case "feedback-given": {
      const feedback = { ...state.feedback };
      if (event.rating) feedback[event.sessionId] = event.rating;
      else delete feedback[event.sessionId];
      return { ...state, feedback };
    }
    case "vote-given":
      return { ...state, messages: updateMessage(state.messages, event.messageKey, (m) => ({ ...m, vote: event.vote })) };
  }
}
