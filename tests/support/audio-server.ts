import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for the OpenAI audio endpoints on 127.0.0.1:
// POST /v1/audio/transcriptions (multipart: file, model) → {text}, and
// POST /v1/audio/speech ({model, input, voice}) → audio/mpeg bytes. The transcript is
// `transcript` (set by the test); every request is recorded.

export interface AudioServer {
  baseURL: string;
  transcript: string;
  transcriptions: { model: string; fileType: string; fileSize: number; auth?: string }[];
  speeches: { model: string; input: string; voice: string }[];
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

/** A few bytes that start like an MP3 frame (players only need a header for the test). */
export const fakeMp3 = Buffer.from([0xff, 0xfb, 0x90, 0x64, ...new Array(400).fill(0)]);

export async function startAudioServer(): Promise<AudioServer> {
  const state = { transcript: "do you have running shoes", transcriptions: [] as AudioServer["transcriptions"], speeches: [] as AudioServer["speeches"] };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.method === "POST" && req.url === "/v1/audio/transcriptions") {
      const form = await new Request("http://stand-in/", { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body }).formData();
      const file = form.get("file");
      const model = form.get("model");
      if (!(file instanceof Blob) || typeof model !== "string") {
        res.writeHead(400, { "content-type": "application/json" });
        return res.end(JSON.stringify({ error: { message: "file and model are required", type: "invalid_request_error" } }));
      }
      state.transcriptions.push({ model, fileType: file.type, fileSize: file.size, auth: req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ text: state.transcript }));
    }
    if (req.method === "POST" && req.url === "/v1/audio/speech") {
      const json = JSON.parse(body.toString("utf8")) as { model: string; input: string; voice: string };
      state.speeches.push({ model: json.model, input: json.input, voice: json.voice });
      res.writeHead(200, { "content-type": "audio/mpeg" });
      return res.end(fakeMp3);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(state, {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as AudioServer;
}
