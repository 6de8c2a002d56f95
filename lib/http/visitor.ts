import type { Database } from "../db/types";
import { env } from "../env";
import { sessionSecret } from "../settings";
import { clientIp } from "../request/client-address";
import { cookieValue } from "../request/cookies";
import { newVisitorId, newVisitorRefused, verifyVisitor, visitorCookie, visitorSetCookie } from "./visitor-cookie";

// The visitor behind a request: from the signed cookie, or a new one (and the cookie to set).

export interface Visitor {
  id: string;
  /** Set-Cookie header value when the visitor is new (or their cookie was forged). */
  setCookie?: string;
  /** A new visitor whose count is left to begin_turn: their address's limit per minute. */
  newVisitorLimit?: number;
}

/** The known visitor, or null (routes that only serve existing visitors answer 404). */
export async function knownVisitor(request: Request, db: Database): Promise<string | null> {
  return verifyVisitor(cookieValue(request, visitorCookie), await sessionSecret(db));
}

/**
 * The visitor of a request that may start a new one. A new visitor is counted against their address's
 * limit here, or, with `countInTurn`, by the caller's begin_turn (its `p_new_visitor_limit`: no extra
 * round trip); then `newVisitorLimit` says the limit to pass.
 */
export async function visitorFor(request: Request, db: Database, options: { countInTurn?: boolean } = {}): Promise<Visitor> {
  const secret = await sessionSecret(db);
  const id = verifyVisitor(cookieValue(request, visitorCookie), secret);
  if (id) return { id };
  const fresh = newVisitorId();
  const visitor = { id: fresh, setCookie: visitorSetCookie(request, fresh, secret) };
  if (options.countInTurn) return { ...visitor, newVisitorLimit: env().NEW_VISITORS_PER_IP_PER_MINUTE };
  await countNewVisitor(request, db);
  return visitor;
}

/**
 * A new visitor, counted as new, with its cookie: for a request whose cookie the database refused
 * because an erasure retired its id (begin_turn, voice_allowance answer `retired`; docs/privacy.md).
 */
export async function newVisitor(request: Request, db: Database, secret?: string): Promise<Visitor & { setCookie: string }> {
  await countNewVisitor(request, db);
  const fresh = newVisitorId();
  return { id: fresh, setCookie: visitorSetCookie(request, fresh, secret ?? (await sessionSecret(db))) };
}

export { clientIp } from "../request/client-address";

/** Dropping the cookie must not escape the per-visitor limit: new visitors per address and minute are limited too. */
async function countNewVisitor(request: Request, db: Database): Promise<void> {
  const limit = env().NEW_VISITORS_PER_IP_PER_MINUTE;
  const ip = clientIp(request);
  if (limit <= 0 || !ip) return;
  const hit = await db.rpc("count_new_visitor", { p_client_ip: ip, p_limit: limit });
  if (hit.limited) throw newVisitorRefused(hit.retry_after);
}
