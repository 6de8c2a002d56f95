import "server-only";
import { NextResponse } from "next/server";
import type { Database } from "../db/types";
import { env } from "../env";
import { AppError } from "../errors";
import { clearedOperatorCookie, login, logout } from "./auth";

// The answers of the operator login routes (README "Operators"): the admin token, Supabase
// Auth email + password, and logout, each with the cookies it sets or clears.

function supabaseAuthConfigured(): boolean {
  const e = env();
  return Boolean(e.NEXT_PUBLIC_SUPABASE_URL && e.NEXT_PUBLIC_SUPABASE_ANON_KEY);
}

/** POST /api/operator/login: a new login session on every login; a wrong token is 401. */
export async function tokenLogin(db: Database, request: Request, token: string): Promise<Response> {
  const cookie = await login(db, request, token);
  if (!cookie) throw new AppError("unauthorized:login", "That token is not valid.");
  return Response.json({ ok: true }, { headers: { "Set-Cookie": cookie } });
}

/** POST /api/operator/password-login: only users with app_metadata.role = "operator" get a session. */
export async function passwordLogin(request: Request, email: string, password: string): Promise<Response> {
  if (!supabaseAuthConfigured()) throw new AppError("not_found:login", "Supabase Auth is not configured: log in with the admin token.");
  const { signInOperator } = await import("../supabase/server");
  const result = await signInOperator(request, email, password);
  const response =
    result.status === "ok"
      ? NextResponse.json({ ok: true })
      : result.status === "not_operator"
        ? NextResponse.json({ error: { code: "forbidden:login", message: "This account is not an operator." } }, { status: 403 })
        : NextResponse.json({ error: { code: "unauthorized:login", message: "Wrong email or password." } }, { status: 401 });
  for (const c of result.cookies) response.cookies.set(c.name, c.value, c.options);
  return response;
}

/** POST /api/operator/logout: revokes the login session on the server (and signs a Supabase Auth user out). */
export async function operatorLogout(db: Database, request: Request): Promise<Response> {
  const response = NextResponse.json({ ok: true });
  await logout(db, request);
  response.cookies.set(clearedOperatorCookie);
  if (supabaseAuthConfigured()) {
    const { signOutSupabase } = await import("../supabase/server");
    for (const c of await signOutSupabase(request)) response.cookies.set(c.name, c.value, c.options);
  }
  return response;
}
