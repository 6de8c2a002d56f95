import { randomUUID } from "node:crypto";
import { createUIMessageStream, createUIMessageStreamResponse } from "ai";
import type { Database } from "../db/types";
import { AppError, isAppError } from "../errors";
import { errorResponse } from "../http/respond";
import type { TurnRequest } from "./begin";
import { runTurn } from "./turn";
import { streamErrorText, type ChatStreamChunk, type ChatUIMessage, type TurnSession } from "./wire";

// A turn as an AI SDK UI message stream of the chat wire contract's chunks (wire.ts: data-session,
// the text, data-handoff, data-result). The stream opens once the session is decided, so a bad
// session id is still a plain 404.
export async function streamTurn(db: Database, turn: TurnRequest, headers: Headers, requestSignal: AbortSignal): Promise<Response> {
  // the client is gone when the request aborts or the response stream is cancelled
  const gone = new AbortController();
  const signal = AbortSignal.any([requestSignal, gone.signal]);
  let textId = randomUUID();
  let write: ((chunk: ChatStreamChunk) => void) | undefined;
  const buffered: ChatStreamChunk[] = [];
  const send = (chunk: ChatStreamChunk) => {
    try {
      if (write) write(chunk);
      else buffered.push(chunk);
    } catch {
      // the client went away; the turn still finishes and stores the partial reply
    }
  };
  let opened: (session: TurnSession) => void = () => {};
  const sessionReady = new Promise<TurnSession>((resolve) => (opened = resolve));
  let textStarted = false;
  const result = runTurn(db, turn, {
    signal,
    onSession(session) {
      send({ type: "start", messageId: textId });
      send({ type: "data-session", data: session });
      opened(session);
    },
    onText(delta) {
      if (!textStarted) send({ type: "text-start", id: textId });
      textStarted = true;
      send({ type: "text-delta", id: textId, delta });
    },
    onHandoff(agent) {
      // the handing-over note ends; the new agent's reply is a text part of its own
      if (textStarted) send({ type: "text-end", id: textId });
      textId = randomUUID();
      textStarted = false;
      send({ type: "data-handoff", data: agent });
    },
  });
  // errors before the session is known are answered with their status
  const first = await Promise.race([sessionReady.then(() => null), result.then(() => null, (error: unknown) => error)]);
  if (first) return errorResponse(first, headers);

  const stream = createUIMessageStream<ChatUIMessage>({
    async execute({ writer }) {
      write = (chunk) => writer.write(chunk);
      for (const chunk of buffered.splice(0)) writer.write(chunk);
      const done = await result;
      if (!textStarted) writer.write({ type: "text-start", id: textId });
      writer.write({ type: "text-end", id: textId });
      writer.write({ type: "data-result", data: done });
      writer.write({ type: "finish" });
    },
    onError(error) {
      const e = isAppError(error) ? error : new AppError("internal:chat", "Something went wrong on our side.");
      return streamErrorText({ code: e.code, message: e.message });
    },
  });
  const reader = stream.getReader();
  const watched = new ReadableStream<ChatStreamChunk>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      gone.abort(reason);
      return reader.cancel(reason);
    },
  });
  return createUIMessageStreamResponse({ stream: watched, headers });
}
