import type { Database } from "../db/types";
import { env } from "../env";
import { sessionSecret } from "../settings";
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
 * The visitor of a request that may start a new one: the cookie's, else a new visitor (`newVisitor`).
 */
export async function visitorFor(request: Request, db: Database): Promise<Visitor> {
  const secret = await sessionSecret(db);
  const id = verifyVisitor(cookieValue(request, visitorCookie), secret);
  return id ? { id } : newVisitor(request, db, secret);
}

/**
 * A new visitor: a random id, the cookie that gives it to the client, and `newVisitorLimit`. Dropping the
 * cookie must not escape the per-visitor limit, so the caller passes that limit to its first database call
 * (begin_turn's or voice_allowance's `p_new_visitor_limit`: no extra round trip). Also for a request whose
 * cookie the database refused because an erasure retired its id (begin_turn, voice_allowance answer
 * `retired`; docs/privacy.md).
 */
export async function newVisitor(request: Request, db: Database, secret?: string): Promise<Visitor & { setCookie: string }> {
  const id = newVisitorId();
  const setCookie = visitorSetCookie(request, id, secret ?? (await sessionSecret(db)));
  return { id, setCookie, newVisitorLimit: env().NEW_VISITORS_PER_IP_PER_MINUTE };
}

export { clientIp } from "../request/client-address";
