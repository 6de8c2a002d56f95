import "server-only";
import type { Database } from "../../db/types";
import { AppError } from "../../errors";
import { hasUnstorableText, readBytes } from "../../http/body";
import { log } from "../../log";
import { whatsappConfig } from "./config";
import { validSignature } from "./signature";
import { whatsappWorker } from "./start";
import { parseDelivery } from "./webhook";

// GET: Meta's verification handshake. POST: a signed delivery, stored in the inbox before the
// 200 (R9); the turn runs after the answer (and again from the poller if this process dies).

const maxBody = 1024 * 1024;

export function verifyHandshake(request: Request): Response {
  const config = whatsappConfig();
  const q = new URL(request.url).searchParams;
  const token = q.get("hub.verify_token");
  const challenge = q.get("hub.challenge");
  if (!config.verifyToken || q.get("hub.mode") !== "subscribe" || token !== config.verifyToken || !challenge || challenge.length > 256) {
    throw new AppError("forbidden:whatsapp", "The verification token does not match.");
  }
  return new Response(challenge, { status: 200, headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
}

/** `openDatabase`: the route wrapper's, opened only for a delivery with messages to store. */
export async function receiveDelivery(request: Request, after: (task: () => Promise<void>) => void, openDatabase: () => Promise<Database>): Promise<Response> {
  const config = whatsappConfig();
  if (!config.enabled || !config.appSecret) throw new AppError("unavailable:whatsapp", "The WhatsApp channel is not configured.");
  const raw = await readBytes(request, maxBody, "whatsapp");
  if (!validSignature(raw, request.headers.get("x-hub-signature-256"), config.appSecret)) {
    throw new AppError("unauthorized:whatsapp", "The X-Hub-Signature-256 signature does not match the body.");
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    log("whatsapp.unreadable_delivery", { problem: "not JSON" }, "warn");
    return Response.json({ received: 0 });
  }
  const delivery = parseDelivery(body);
  // text Postgres cannot store (NUL, a lone surrogate) is bad input: logged, not stored
  const storable = delivery.messages.filter((m) => !hasUnstorableText(m));
  if (storable.length < delivery.messages.length) delivery.unreadable.push("message: text with NUL or a lone surrogate");
  delivery.messages = storable;
  if (delivery.unreadable.length) log("whatsapp.unreadable_delivery", { problems: delivery.unreadable.slice(0, 10) }, "warn");
  if (!delivery.messages.length) return Response.json({ received: 0, statuses: delivery.statuses });
  const db = await openDatabase();
  const stored = await db.rpc("whatsapp_receive", {
    p_messages: delivery.messages.map((m) => ({ id: m.id, from: m.from, message: m.message })),
  });
  const worker = whatsappWorker(db);
  if (worker && stored.stored.length) {
    after(() => worker.worker.work(stored.stored).catch((error) => log("whatsapp.work_failed", { error: String((error as Error)?.message ?? error) }, "warn")));
  }
  return Response.json({ received: delivery.messages.length, stored: stored.stored.length });
}
