import "server-only";
import { randomBytes } from "node:crypto";
import type { Database } from "../db/types";
import { env } from "../env";
import { AppError } from "../errors";
import { clientIp } from "../http/client-address";
import { cookieValue } from "../http/cookies";
import { adminTokenReady, secretHash } from "../settings";

// Operators (README "Operators"): `Authorization: Bearer $ADMIN_TOKEN`, a login
// session cookie (a random id whose hash lives in operator_sessions), or a Supabase
// Auth user whose app_metadata.role is "operator". Visitor cookies never count.
// Failed token attempts are counted per client address and answered 429 past the limit.

export const operatorCookie = "tl_operator";
const sessionHours = 12;
const cookieId = /^[A-Za-z0-9_-]{43}$/;

async function authenticate(db: Database, request: Request, token: string, sessionHash?: string): Promise<boolean> {
  await adminTokenReady(db);
  const result = await db.rpc("operator_authenticate", {
    p_token_hash: secretHash(token),
    p_bucket: clientIp(request) ?? null,
    p_limit: env().OPERATOR_AUTH_FAILURES_PER_MINUTE,
    p_session_hash: sessionHash,
    p_ttl_minutes: sessionHours * 60,
  });
  if (result.status === "limited") {
    throw new AppError("rate_limit:operator", "Too many failed operator logins from this address. Wait a moment and try again.", {
      retryAfter: result.retry_after,
    });
  }
  return result.status === "ok";
}

/** Checks the admin token and opens a login session: the Set-Cookie value, or null for a wrong token. */
export async function login(db: Database, request: Request, token: string): Promise<string | null> {
  const id = randomBytes(32).toString("base64url");
  if (!(await authenticate(db, request, token, secretHash(id)))) return null;
  const secure = new URL(request.url).protocol === "https:";
  return `${operatorCookie}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${sessionHours * 60 * 60}${secure ? "; Secure" : ""}`;
}

/** Revokes the request's login session, if any (its cookie is cleared with `clearedOperatorCookie`). */
export async function logout(db: Database, request: Request): Promise<void> {
  const id = cookieValue(request, operatorCookie);
  if (id && cookieId.test(id)) await db.rpc("operator_logout", { p_session_hash: secretHash(id) });
}

export const clearedOperatorCookie = { name: operatorCookie, value: "", path: "/", httpOnly: true, sameSite: "strict", maxAge: 0 } as const;

/**
 * Who an operator is (docs/rules.md, "Scores and comments"): a Bearer call is the API (`api`, author
 * "admin": the one admin token); a login session made with that token is the operator "admin"; a
 * Supabase operator is their user id. Scores and comments are written as this source and author.
 */
export interface OperatorIdentity {
  source: "operator" | "api";
  author: string;
}

export const adminAuthor = "admin";

export async function operatorIdentity(request: Request, db: Database): Promise<OperatorIdentity | null> {
  const auth = request.headers.get("authorization");
  if (auth) {
    const token = /^Bearer\s+(\S.*)$/i.exec(auth)?.[1]?.trim();
    return token && (await authenticate(db, request, token)) ? { source: "api", author: adminAuthor } : null;
  }
  const id = cookieValue(request, operatorCookie);
  if (id && cookieId.test(id)) {
    const { valid } = await db.rpc("operator_session_valid", { p_session_hash: secretHash(id) });
    if (valid) return { source: "operator", author: adminAuthor };
  }
  const e = env();
  if (e.NEXT_PUBLIC_SUPABASE_URL && e.NEXT_PUBLIC_SUPABASE_ANON_KEY) {
    const { supabaseOperator } = await import("../supabase/server");
    const user = await supabaseOperator(request);
    if (user) return { source: "operator", author: user.id };
  }
  return null;
}

export async function isOperator(request: Request, db: Database): Promise<boolean> {
  return (await operatorIdentity(request, db)) !== null;
}

export async function requireOperator(request: Request, db: Database): Promise<OperatorIdentity> {
  const who = await operatorIdentity(request, db);
  if (!who) {
    throw new AppError("unauthorized:operator", "Operator login required: send Authorization: Bearer <ADMIN_TOKEN> or log in at /login.");
  }
  return who;
}
