import type { Database } from "../db/types";
import { newVisitorId, signVisitor, verifyVisitor, visitorCookie, visitorCookieMaxAge } from "../chat/visitor";
import { sessionSecret } from "../settings";

// The visitor behind a request: from the signed cookie, or a new one (and the cookie to set).

export interface Visitor {
  id: string;
  /** Set-Cookie header value when the visitor is new (or their cookie was forged). */
  setCookie?: string;
}

export function cookieValue(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The known visitor, or null (routes that only serve existing visitors answer 404). */
export async function knownVisitor(request: Request, db: Database): Promise<string | null> {
  return verifyVisitor(cookieValue(request, visitorCookie), await sessionSecret(db));
}

export async function visitorFor(request: Request, db: Database): Promise<Visitor> {
  const secret = await sessionSecret(db);
  const id = verifyVisitor(cookieValue(request, visitorCookie), secret);
  if (id) return { id };
  const fresh = newVisitorId();
  // over https the widget may be framed by another site (embed.js): a partitioned third-party cookie
  const site = new URL(request.url).protocol === "https:" ? "SameSite=None; Secure; Partitioned" : "SameSite=Lax";
  return {
    id: fresh,
    setCookie: `${visitorCookie}=${signVisitor(fresh, secret)}; Path=/; HttpOnly; ${site}; Max-Age=${visitorCookieMaxAge}`,
  };
}

/**
 * The client's address as the nearest proxy (or Next.js itself) reports it: the
 * last X-Forwarded-For entry, the one our own proxy appended. Entries before it
 * come from the client and would let it dodge the per-address rate limit.
 */
export function clientIp(request: Request): string | undefined {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  return forwarded || request.headers.get("x-real-ip")?.trim() || undefined;
}
