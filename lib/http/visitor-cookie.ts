import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { AppError } from "../errors";

// The visitor cookie: a random id, signed with the session secret, in an httpOnly cookie
// (lib/http/visitor.ts reads it from a request).

export const visitorCookie = "tl_visitor";
const visitorCookieMaxAge = 60 * 60 * 24 * 365;

const sign = (id: string, secret: string) => createHmac("sha256", secret).update(`visitor:${id}`).digest("base64url");

export function signVisitor(id: string, secret: string): string {
  return `${id}.${sign(id, secret)}`;
}

/** The visitor id in a cookie value, or null when it is missing, malformed or forged. */
export function verifyVisitor(value: string | undefined, secret: string): string | null {
  if (!value || value.length > 200) return null;
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const expected = Buffer.from(sign(match[1], secret));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given) ? match[1] : null;
}

export function newVisitorId(): string {
  return randomUUID();
}

// over https the widget may be framed by another site (embed.js): a partitioned third-party cookie
function siteAttributes(request: Request): string {
  return new URL(request.url).protocol === "https:" ? "SameSite=None; Secure; Partitioned" : "SameSite=Lax";
}

/** The Set-Cookie value that gives a request's client the visitor `id`. */
export function visitorSetCookie(request: Request, id: string, secret: string): string {
  return `${visitorCookie}=${signVisitor(id, secret)}; Path=/; HttpOnly; ${siteAttributes(request)}; Max-Age=${visitorCookieMaxAge}`;
}

/** The Set-Cookie value that removes the visitor cookie: a partitioned cookie is only removed by a partitioned Set-Cookie. */
export function forgetVisitorCookie(request: Request): string {
  return `${visitorCookie}=; Path=/; HttpOnly; ${siteAttributes(request)}; Max-Age=0`;
}

/** begin_turn refused a new visitor: too many from their address (no cookie is handed out then). Here, not
 * in visitor.ts, so the chat turn (run by scripts too: npm run experiment) needs no server-only module. */
export function newVisitorRefused(retryAfter: number): AppError {
  return new AppError("rate_limit:chat", "Too many new visitors from this address. Wait a moment and try again.", { retryAfter });
}
