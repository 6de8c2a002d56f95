import type { Database } from "../db/types";
import { newVisitorId, signVisitor, verifyVisitor, visitorCookie, visitorCookieMaxAge } from "../chat/visitor-cookie";
import { env } from "../env";
import { AppError } from "../errors";
import { sessionSecret } from "../settings";
import { clientIp } from "./client-address";

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
  await countNewVisitor(request, db);
  const fresh = newVisitorId();
  // over https the widget may be framed by another site (embed.js): a partitioned third-party cookie
  const site = new URL(request.url).protocol === "https:" ? "SameSite=None; Secure; Partitioned" : "SameSite=Lax";
  return {
    id: fresh,
    setCookie: `${visitorCookie}=${signVisitor(fresh, secret)}; Path=/; HttpOnly; ${site}; Max-Age=${visitorCookieMaxAge}`,
  };
}

export { clientIp } from "./client-address";

/** Dropping the cookie must not escape the per-visitor limit: new visitors per address and minute are limited too. */
async function countNewVisitor(request: Request, db: Database): Promise<void> {
  const limit = env().NEW_VISITORS_PER_IP_PER_MINUTE;
  const ip = clientIp(request);
  if (limit <= 0 || !ip) return;
  const hit = await db.rpc("count_new_visitor", { p_client_ip: ip, p_limit: limit });
  if (hit.limited) {
    throw new AppError("rate_limit:chat", "Too many new visitors from this address. Wait a moment and try again.", { retryAfter: hit.retry_after });
  }
}
