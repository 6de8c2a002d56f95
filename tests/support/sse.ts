import { uiMessageChunks } from "@/components/chat/stream";

// Reads a chat turn's AI SDK UI message stream into its chunks with the SDK's own parser, as the
// widget does (components/chat/stream.ts): a chunk the SDK's schema refuses fails the test.
export type StreamChunk = { type: string; [key: string]: unknown };

export async function* sseChunks(response: Response): AsyncGenerator<StreamChunk> {
  const reader = uiMessageChunks(response.body!).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value as StreamChunk;
  }
}

export async function readAll(response: Response): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const c of sseChunks(response)) out.push(c);
  return out;
}
