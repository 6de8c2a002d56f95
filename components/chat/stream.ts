// A small reader for the AI SDK "UI message stream": server-sent events whose
// `data:` lines each carry one JSON chunk, ending with `data: [DONE]`.

import type { ChatTurnResult, SessionInfo } from "./types";

export type UiStreamChunk =
  | { type: "start" }
  | { type: "data-session"; data: SessionInfo }
  | { type: "text-start"; id: string }
  | { type: "text-delta"; id: string; delta: string }
  | { type: "text-end"; id: string }
  | { type: "data-result"; data: ChatTurnResult }
  | { type: "error"; errorText: string }
  | { type: "finish" }
  | { type: "other"; raw: unknown };

const KNOWN = new Set(["start", "data-session", "text-start", "text-delta", "text-end", "data-result", "error", "finish"]);

/** Turns one event's data into a chunk; null for [DONE] and for anything unreadable. */
export function parseChunk(data: string): UiStreamChunk | null {
  const text = data.trim();
  if (text === "" || text === "[DONE]") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const type = (value as { type?: unknown }).type;
  if (typeof type === "string" && KNOWN.has(type)) {
    if (type === "text-delta" && typeof (value as { delta?: unknown }).delta !== "string") return null;
    return value as UiStreamChunk;
  }
  return { type: "other", raw: value };
}

/**
 * Reads server-sent events from a response body and yields their parsed chunks.
 * Handles CRLF/LF, events split across network reads, multi-line data and a
 * last event without its trailing blank line. Stops at `[DONE]`.
 */
export async function* readUiMessageStream(body: ReadableStream<Uint8Array>): AsyncGenerator<UiStreamChunk> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let dataLines: string[] = [];

  function* flushEvent(): Generator<UiStreamChunk | "done"> {
    if (dataLines.length === 0) return;
    const data = dataLines.join("\n");
    dataLines = [];
    if (data.trim() === "[DONE]") {
      yield "done";
      return;
    }
    const chunk = parseChunk(data);
    if (chunk) yield chunk;
  }

  function* takeLine(rawLine: string): Generator<UiStreamChunk | "done"> {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line === "") {
      yield* flushEvent();
    } else if (line.startsWith("data:")) {
      const rest = line.slice(5);
      dataLines.push(rest.startsWith(" ") ? rest.slice(1) : rest);
    }
    // Comments (":") and other fields (event:, id:, retry:) carry nothing we use.
  }

  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        buffer += decoder.decode();
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let match: RegExpExecArray | null;
      const lineBreak = /\r\n|\n|\r(?!$)/g;
      let consumed = 0;
      while ((match = lineBreak.exec(buffer)) !== null) {
        for (const item of takeLine(buffer.slice(consumed, match.index))) {
          if (item === "done") return;
          yield item;
        }
        consumed = match.index + match[0].length;
      }
      buffer = buffer.slice(consumed);
    }
    // The stream ended: whatever is left forms the last event.
    if (buffer !== "") for (const item of takeLine(buffer)) if (item !== "done") yield item;
    for (const item of flushEvent()) if (item !== "done") yield item;
  } finally {
    reader.cancel().catch(() => {});
    try {
      reader.releaseLock();
    } catch {
      // already released
    }
  }
}

/** The {code, message} an `error` chunk carries as a JSON string (or plain text). */
export function parseStreamError(errorText: string): { code: string; message: string } {
  try {
    const value = JSON.parse(errorText) as { code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown } };
    const inner = value.error ?? value;
    if (typeof inner.message === "string") {
      return { code: typeof inner.code === "string" ? inner.code : "internal:chat", message: inner.message };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: "internal:chat", message: errorText || "The reply was interrupted." };
}
