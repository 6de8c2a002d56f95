import type { WhatsAppConfig } from "./config";
import type { GraphMessage } from "./outgoing";

// The Graph API calls the channel makes: send a message, and fetch a media file (voice).

export class GraphError extends Error {
  name = "GraphError";
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

const timeoutMs = 15_000;

function authorization(config: WhatsAppConfig): Record<string, string> {
  return { Authorization: `Bearer ${config.accessToken ?? ""}` };
}

export async function sendMessage(config: WhatsAppConfig, to: string, message: GraphMessage): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${config.graphUrl}/${config.phoneNumberId}/messages`, {
      method: "POST",
      headers: { ...authorization(config), "Content-Type": "application/json" },
      body: JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", to, ...message }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new GraphError(`Graph API unreachable: ${(error as Error).message}`);
  }
  if (!res.ok) throw new GraphError(`Graph API answered ${res.status}: ${(await res.text().catch(() => "")).slice(0, 500)}`, res.status);
  await res.body?.cancel();
}

/** Uploads a media file (a spoken reply) and returns its id for an `audio` message. */
export async function uploadMedia(config: WhatsAppConfig, bytes: Uint8Array, mimeType: string): Promise<string> {
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", mimeType);
  form.set("file", new Blob([Buffer.from(bytes)], { type: mimeType }), "reply.mp3");
  let res: Response;
  try {
    res = await fetch(`${config.graphUrl}/${config.phoneNumberId}/media`, { method: "POST", headers: authorization(config), body: form, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new GraphError(`Graph API unreachable: ${(error as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { id?: unknown } | null;
  if (!res.ok || typeof body?.id !== "string") throw new GraphError(`Graph media upload answered ${res.status}`, res.status);
  return body.id;
}

/** A media file by id: Graph answers its URL, which is fetched with the same token. */
export async function fetchMedia(config: WhatsAppConfig, mediaId: string, maxBytes: number): Promise<{ bytes: Uint8Array; mimeType: string }> {
  const info = await fetch(`${config.graphUrl}/${encodeURIComponent(mediaId)}`, { headers: authorization(config), signal: AbortSignal.timeout(timeoutMs) });
  if (!info.ok) throw new GraphError(`Graph media lookup answered ${info.status}`, info.status);
  const meta = (await info.json()) as { url?: unknown; mime_type?: unknown; file_size?: unknown };
  if (typeof meta.url !== "string") throw new GraphError("Graph media lookup had no url");
  if (typeof meta.file_size === "number" && meta.file_size > maxBytes) throw new GraphError(`media is ${meta.file_size} bytes, over ${maxBytes}`, 413);
  const file = await fetch(meta.url, { headers: authorization(config), signal: AbortSignal.timeout(timeoutMs) });
  if (!file.ok) throw new GraphError(`Graph media download answered ${file.status}`, file.status);
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw new GraphError(`media is ${bytes.byteLength} bytes, over ${maxBytes}`, 413);
  const mimeType = typeof meta.mime_type === "string" ? meta.mime_type : file.headers.get("content-type") ?? "application/octet-stream";
  return { bytes, mimeType };
}
