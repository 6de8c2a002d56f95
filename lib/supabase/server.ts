import { createServerClient, type CookieOptions } from "@supabase/ssr";
import { env } from "../env";

// Supabase Auth on the server (@supabase/ssr). Only users whose app_metadata.role is
// "operator" are operators (README "Operators"): app_metadata can only be written
// with the service role, so signing up is not enough.

export interface SupabaseCookie {
  name: string;
  value: string;
  options: CookieOptions;
}

function requestCookies(request: Request): { name: string; value: string }[] {
  return (request.headers.get("cookie") ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c.includes("="))
    .map((c) => ({ name: c.slice(0, c.indexOf("=")).trim(), value: c.slice(c.indexOf("=") + 1).trim() }));
}

/** A server client reading the request's cookies; cookies it wants to set are collected in `out`. */
export function supabaseFor(request: Request, out: SupabaseCookie[] = []) {
  const e = env();
  return createServerClient(e.NEXT_PUBLIC_SUPABASE_URL!, e.NEXT_PUBLIC_SUPABASE_ANON_KEY!, {
    cookies: {
      getAll: () => requestCookies(request),
      setAll: (cookies) => {
        out.push(...cookies);
      },
    },
  });
}

export function isOperatorUser(user: { app_metadata?: Record<string, unknown> } | null | undefined): boolean {
  return user?.app_metadata?.role === "operator";
}

/** The signed-in operator behind a request (checked with Supabase Auth, never from the cookie alone), or null. */
export async function supabaseOperator(request: Request): Promise<{ id: string; email?: string } | null> {
  if (!requestCookies(request).some((c) => c.name.startsWith("sb-"))) return null;
  const { data, error } = await supabaseFor(request).auth.getUser();
  return error || !isOperatorUser(data.user) ? null : { id: data.user!.id, email: data.user!.email };
}

export type PasswordLogin = { status: "ok"; cookies: SupabaseCookie[] } | { status: "invalid" | "not_operator"; cookies: SupabaseCookie[] };

/** Email + password sign-in; a user who is not an operator is signed out again at once. */
export async function signInOperator(request: Request, email: string, password: string): Promise<PasswordLogin> {
  const cookies: SupabaseCookie[] = [];
  const supabase = supabaseFor(request, cookies);
  const { data, error } = await supabase.auth.signInWithPassword({ email, password });
  if (error || !data.user) return { status: "invalid", cookies: [] };
  if (!isOperatorUser(data.user)) {
    const cleared: SupabaseCookie[] = [];
    await supabaseFor(new Request(request.url, { headers: cookieHeader(cookies) }), cleared).auth.signOut({ scope: "local" });
    return { status: "not_operator", cookies: cleared };
  }
  return { status: "ok", cookies };
}

/** Signs the request's Supabase session out (it is revoked by Supabase Auth); the cookies that clear it. */
export async function signOutSupabase(request: Request): Promise<SupabaseCookie[]> {
  if (!requestCookies(request).some((c) => c.name.startsWith("sb-"))) return [];
  const cookies: SupabaseCookie[] = [];
  await supabaseFor(request, cookies).auth.signOut();
  return cookies;
}

function cookieHeader(cookies: SupabaseCookie[]): Record<string, string> {
  return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") };
}
