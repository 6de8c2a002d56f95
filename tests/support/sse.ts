// Reads an AI SDK UI message stream (SSE `data: {json}` lines) into its chunks.
export type StreamChunk = { type: string; [key: string]: unknown };

export async function* sseChunks(response: Response): AsyncGenerator<StreamChunk> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split("\n")) {
        if (!line.startsWith("data: ")) continue;
        const data = line.slice(6);
        if (data !== "[DONE]") yield JSON.parse(data) as StreamChunk;
      }
    }
  }
}

export async function readAll(response: Response): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const c of sseChunks(response)) out.push(c);
  return out;
}
