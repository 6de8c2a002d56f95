import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Database } from "../db/types";
import { env } from "../env";
import { AppError } from "../errors";
import { cookieValue } from "../http/visitor";
import { adminToken, sessionSecret } from "../settings";

// Operators: `Authorization: Bearer $ADMIN_TOKEN`, the dashboard login cookie,
// or a Supabase Auth user when Supabase is configured. Visitor cookies never count.

export const operatorCookie = "tl_operator";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The login cookie's value: bound to the current token, so rotating the token logs everyone out. */
async function cookieProof(db: Database): Promise<string> {
  const tokenHash = createHash("sha256").update(await adminToken(db)).digest("base64url");
  return createHmac("sha256", await sessionSecret(db)).update(`operator:${tokenHash}`).digest("base64url");
}

export async function checkToken(db: Database, token: string): Promise<boolean> {
  return same(token, await adminToken(db));
}

export async function loginCookie(db: Database, secure: boolean): Promise<string> {
  return `${operatorCookie}=${await cookieProof(db)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${60 * 60 * 12}${secure ? "; Secure" : ""}`;
}

export const logoutCookie = `${operatorCookie}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;

export async function isOperator(request: Request, db: Database): Promise<boolean> {
  const auth = request.headers.get("authorization");
  if (auth) return /^Bearer\s+/i.test(auth) && (await checkToken(db, auth.replace(/^Bearer\s+/i, "").trim()));
  const cookie = cookieValue(request, operatorCookie);
  if (cookie && same(cookie, await cookieProof(db))) return true;
  const e = env();
  if (e.NEXT_PUBLIC_SUPABASE_URL && e.NEXT_PUBLIC_SUPABASE_ANON_KEY) {
    const { supabaseUser } = await import("../supabase/server");
    return Boolean(await supabaseUser(request));
  }
  return false;
}

export async function requireOperator(request: Request, db: Database): Promise<void> {
  if (!(await isOperator(request, db))) {
    throw new AppError("unauthorized:operator", "Operator login required: send Authorization: Bearer <ADMIN_TOKEN> or log in at /login.");
  }
}
