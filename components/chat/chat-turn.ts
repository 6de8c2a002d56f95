// One chat turn from the browser's side: send it, follow its stream, and turn
// every outcome (reply, stop, failure, rate limit) into state events.

import type { WireError } from "@/lib/chat/wire";
import { ChatApiError, streamChatTurn } from "./api";
import type { ChatEvent, ChatFailure } from "./chat-state";
import { StreamFailure } from "./stream";
import type { ChatMessage, ChatRequestBody } from "./types";

const DEFAULT_RATE_LIMIT_SECONDS = 10;

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** An `error` chunk as the failure it stands for (its code's type, lib/errors.ts). */
function errorFromStream({ code, message }: WireError): ChatApiError {
  const type = code.split(":")[0];
  if (type === "rate_limited" || type === "rate_limit") return new ChatApiError("rate_limited", message, 429, code);
  if (type === "unavailable") return new ChatApiError("unavailable", message, 503, code);
  return new ChatApiError("server", message, null, code);
}

function failureFor(error: ChatApiError, body: ChatRequestBody): ChatFailure {
  const retry = { kind: "send" as const, body };
  switch (error.kind) {
    case "network":
      return { message: error.message, retry };
    case "unavailable":
      return {
        message: `The chat service is temporarily unavailable.${error.retryAfter ? ` Try again in ${error.retryAfter} s.` : ""}`,
        retry,
      };
    case "server":
      return { message: "Something went wrong while answering. Please retry.", retry };
    default:
      return { message: error.message, retry: null };
  }
}

export interface ChatTurn {
  body: ChatRequestBody;
  /** The bubble to show for this turn; null when retrying (it is already shown). */
  userMessage: ChatMessage | null;
  signal: AbortSignal;
  dispatch: (event: ChatEvent) => void;
  /** Puts a message the server refused (rate limit) back into the composer. */
  returnDraft: (text: string) => void;
}

/** "Try again" (the regenerate action): the id of the shown reply the new one replaces. */
function replacedBy(body: ChatRequestBody): string | null {
  const id = body.action?.id === "regenerate" ? body.action.payload?.messageId : null;
  return typeof id === "string" ? id : null;
}

export async function runChatTurn(turn: ChatTurn): Promise<void> {
  const { body, userMessage, signal, dispatch, returnDraft } = turn;
  const userKey = body.clientMessageId;
  const replyKey = `reply-${userKey}`;
  dispatch({ type: "send-started", userMessage, replyKey, replaces: replacedBy(body) });
  let finished = false;
  let session: string | null = null;
  let text = "";
  try {
    for await (const progress of streamChatTurn(body, signal)) {
      if (finished) continue;
      if (progress.session && progress.session.sessionId !== session) {
        session = progress.session.sessionId;
        dispatch({ type: "session-known", info: progress.session, userKey });
      }
      if (progress.result) {
        dispatch({ type: "reply-finished", replyKey, userKey, result: progress.result });
        finished = true;
      } else if (progress.text !== text) {
        text = progress.text;
        dispatch({ type: "reply-text", replyKey, text });
      }
    }
    if (!finished) throw new ChatApiError("network", "The connection dropped before the reply finished. Please retry.");
  } catch (caught) {
    if (signal.aborted || isAbort(caught)) {
      dispatch({ type: "reply-stopped", replyKey });
      return;
    }
    const error =
      caught instanceof ChatApiError ? caught
      : caught instanceof StreamFailure ? errorFromStream(caught.error)
      : new ChatApiError("network", "The connection dropped before the reply finished. Please retry.");
    if (error.kind === "rate_limited") {
      const seconds = error.retryAfter ?? DEFAULT_RATE_LIMIT_SECONDS;
      dispatch({ type: "rate-limited", userKey, seconds, until: Date.now() + seconds * 1000 });
      if (body.message && !body.action) returnDraft(body.message);
    } else if (error.kind === "not_found" && body.sessionId) {
      // The conversation is gone (e.g. the database was reset): retrying starts a new one.
      const fresh: ChatRequestBody = { ...body };
      delete fresh.sessionId;
      dispatch({
        type: "send-failed",
        replyKey,
        forgetSession: true,
        failure: { message: "This conversation is no longer available. Retry to start a new one.", retry: { kind: "send", body: fresh } },
      });
    } else {
      dispatch({ type: "send-failed", replyKey, failure: failureFor(error, body) });
    }
  }
}
