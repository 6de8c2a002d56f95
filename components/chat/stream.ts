// Reading a chat turn's stream with the AI SDK's own reader: parseJsonEventStream checks every
// server-sent event against the SDK's chunk schema, readUIMessageStream builds the assistant
// message from the chunks, and the data parts are checked against the chat wire contract
// (lib/chat/wire.ts, docs/widget.md "Reading a reply").

import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema, type UIMessageChunk } from "ai";
import {
  chatDataPartSchemas,
  readStreamError,
  type AgentRef,
  type ChatUIMessage,
  type TurnResult,
  type TurnSession,
  type WireError,
} from "@/lib/chat/wire";

/** How far a turn's reply has come: the message so far, read from the stream. */
export interface TurnProgress {
  /** The session the turn runs in, once the server has decided it (`data-session`). */
  session: TurnSession | null;
  /** The agents handed over to so far (`data-handoff`). */
  handoffs: AgentRef[];
  /** The reply's text so far (after a handoff: the note, then the new agent's text). */
  text: string;
  /** The turn's answer, the last part (`data-result`); null until the reply is complete. */
  result: TurnResult | null;
}

/** The stream sent an `error` chunk: the server's {code, message}. */
export class StreamFailure extends Error {
  constructor(readonly error: WireError) {
    super(error.message);
    this.name = "StreamFailure";
  }
}

/** The UI message chunks of a response body; a chunk the SDK's schema refuses ends the stream with its error. */
export function uiMessageChunks(body: ReadableStream<Uint8Array>): ReadableStream<UIMessageChunk> {
  return parseJsonEventStream({ stream: body, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream({
      transform(parsed, controller) {
        if (parsed.success) controller.enqueue(parsed.value);
        else controller.error(parsed.error);
      },
    }),
  );
}

/** The turn's progress as one assistant message shows it; data parts are parsed with the wire schemas. */
export function progressOf(message: ChatUIMessage): TurnProgress {
  const progress: TurnProgress = { session: null, handoffs: [], text: "", result: null };
  const texts: string[] = [];
  for (const part of message.parts) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "data-session") progress.session = chatDataPartSchemas.session.parse(part.data);
    else if (part.type === "data-handoff") progress.handoffs.push(chatDataPartSchemas.handoff.parse(part.data));
    else if (part.type === "data-result") progress.result = chatDataPartSchemas.result.parse(part.data);
  }
  progress.text = texts.filter((t) => t !== "").join("\n\n");
  return progress;
}

/**
 * Reads a chat turn's stream and yields its progress after every chunk that changed the message.
 * Throws a StreamFailure for an `error` chunk; an aborted or broken body throws its own error.
 */
export async function* readChatTurn(body: ReadableStream<Uint8Array>): AsyncGenerator<TurnProgress> {
  const messages = readUIMessageStream<ChatUIMessage>({ stream: uiMessageChunks(body), terminateOnError: true });
  try {
    for await (const message of messages) yield progressOf(message);
  } catch (error) {
    // the SDK turns an `error` chunk into an Error whose message is the chunk's errorText
    const sent = error instanceof Error && !(error instanceof DOMException) ? readStreamError(error.message) : null;
    throw sent ? new StreamFailure(sent) : error;
  }
}
