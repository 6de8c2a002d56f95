import type { Database } from "../db/types";
import { env } from "../env";
import { sessionSecret } from "../settings";
import { clientIp } from "../request/client-address";
import { cookieValue } from "../request/cookies";
import { newVisitorId, verifyVisitor, visitorCookie, visitorSetCookie } from "./visitor-cookie";

// The visitor behind a request: from the signed cookie, or a new one (and the cookie to set).

export interface Visitor {
  id: string;
  /** Set-Cookie header value when the visitor is new (or their cookie was forged). */
  setCookie?: string;
  /**
   * A new visitor: their address's new-visitor limit per minute, counted by the caller's first database
   * call (begin_turn's or voice_allowance's `p_new_visitor_limit`: no extra round trip).
   */
  newVisitorLimit?: number;
}

/** The known visitor, or null (routes that only serve existing visitors answer 404). */
export async function knownVisitor(request: Request, db: Database): Promise<string | null> {
  return verifyVisitor(cookieValue(request, visitorCookie), await sessionSecret(db));
}

/**
 * The visitor of a request that may start a new one. Dropping the cookie must not escape the per-visitor
 * limit: a new visitor carries `newVisitorLimit`, which the caller passes to its first database call.
 */
export async function visitorFor(request: Request, db: Database): Promise<Visitor> {
  const secret = await sessionSecret(db);
  const id = verifyVisitor(cookieValue(request, visitorCookie), secret);
  if (id) return { id };
  const fresh = newVisitorId();
  return { id: fresh, setCookie: visitorSetCookie(request, fresh, secret), newVisitorLimit: env().NEW_VISITORS_PER_IP_PER_MINUTE };
}

/**
 * A new visitor with its cookie and `newVisitorLimit` (the caller's next call counts them): for a request
 * whose cookie the database refused because an erasure retired its id (begin_turn, voice_allowance answer
 * `retired`; docs/privacy.md).
 */
export async function newVisitor(request: Request, db: Database, secret?: string): Promise<Visitor & { setCookie: string }> {
  const fresh = newVisitorId();
  return { id: fresh, setCookie: visitorSetCookie(request, fresh, secret ?? (await sessionSecret(db))), newVisitorLimit: env().NEW_VISITORS_PER_IP_PER_MINUTE };
}

export { clientIp } from "../request/client-address";
