import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for Meta's Graph API (WhatsApp Cloud API) on 127.0.0.1:
// POST /{phone-number-id}/messages records the message and answers like Meta
// ({messaging_product, contacts, messages: [{id}]}), GET /{media-id} answers the media's
// URL and GET /media/{id} its bytes; POST /{phone-number-id}/media stores an upload. `failNext(n)` answers the next n sends with 500
// (a Graph outage), `failNext(n, 400)` with Meta's invalid-parameter error, `failNext(n, 429)` with its rate-limit error;
// `attempts` lists every send with its answer; a request without the bearer token is 401.

export interface SentMessage {
  to: string;
  type: string;
  body: Record<string, unknown>;
}

export interface SendAttempt {
  to: string;
  at: number;
  status: number;
}

export interface GraphServer {
  url: string;
  sent: SentMessage[];
  attempts: SendAttempt[];
  failures: number;
  failNext(n: number, status?: number): void;
  addMedia(id: string, bytes: Uint8Array, mimeType: string): void;
  /** Waits until `count` messages were sent to `to` (or throws after `ms`). */
  waitFor(to: string, count: number, ms?: number): Promise<SentMessage[]>;
  stop(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

export async function startGraphServer(opts: { token: string; phoneNumberId: string }): Promise<GraphServer> {
  const sent: SentMessage[] = [];
  const media = new Map<string, { bytes: Uint8Array; mimeType: string }>();
  const attempts: SendAttempt[] = [];
  let failNext = 0;
  let failStatus = 500;
  let failures = 0;
  let counter = 0;
  let base = "";
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.headers.authorization !== `Bearer ${opts.token}`) return json(res, 401, { error: { message: "Invalid OAuth access token", type: "OAuthException", code: 190 } });
    const url = new URL(req.url ?? "/", base);
    if (req.method === "POST" && url.pathname === `/${opts.phoneNumberId}/messages`) {
      const message = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      if (failNext > 0) {
        failNext--;
        failures++;
        attempts.push({ to: String(message.to), at: Date.now(), status: failStatus });
        return json(res, failStatus, failStatus === 400
          ? { error: { message: "(#131009) Parameter value is not valid", type: "OAuthException", code: 131009 } }
          : failStatus === 429
            ? { error: { message: "(#130429) Rate limit hit", type: "OAuthException", code: 130429 } }
            : { error: { message: "Service temporarily unavailable", type: "OAuthException", code: 2, is_transient: true } });
      }
      attempts.push({ to: String(message.to), at: Date.now(), status: 200 });
      if (message.messaging_product !== "whatsapp" || typeof message.to !== "string" || typeof message.type !== "string") {
        return json(res, 400, { error: { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 } });
      }
      sent.push({ to: message.to, type: message.type, body: message });
      return json(res, 200, { messaging_product: "whatsapp", contacts: [{ input: message.to, wa_id: message.to }], messages: [{ id: `wamid.stand-in-${++counter}` }] });
    }
    if (req.method === "POST" && url.pathname === `/${opts.phoneNumberId}/media`) {
      const form = await new Request("http://stand-in/", { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: new Uint8Array(body) }).formData();
      const file = form.get("file");
      if (form.get("messaging_product") !== "whatsapp" || !(file instanceof Blob)) return json(res, 400, { error: { message: "(#100) Invalid parameter", code: 100 } });
      const id = `media-upload-${++counter}`;
      media.set(id, { bytes: new Uint8Array(await file.arrayBuffer()), mimeType: file.type });
      return json(res, 200, { id });
    }
    const file = /^\/media\/(.+)$/.exec(url.pathname);
    if (req.method === "GET" && file && media.has(file[1])) {
      const m = media.get(file[1])!;
      res.writeHead(200, { "content-type": m.mimeType });
      return res.end(Buffer.from(m.bytes));
    }
    const info = /^\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && info && media.has(info[1])) {
      const m = media.get(info[1])!;
      return json(res, 200, { messaging_product: "whatsapp", url: `${base}/media/${info[1]}`, mime_type: m.mimeType, file_size: m.bytes.byteLength, id: info[1] });
    }
    json(res, 404, { error: { message: "Unknown path", code: 803 } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    sent,
    attempts,
    get failures() {
      return failures;
    },
    failNext: (n, status = 500) => {
      failNext = n;
      failStatus = status;
    },
    addMedia: (id, bytes, mimeType) => void media.set(id, { bytes, mimeType }),
    async waitFor(to, count, ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const mine = sent.filter((m) => m.to === to);
        if (mine.length >= count) return mine;
        if (Date.now() > deadline) throw new Error(`expected ${count} messages to ${to}, got ${mine.length}: ${JSON.stringify(mine.map((m) => m.body))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
