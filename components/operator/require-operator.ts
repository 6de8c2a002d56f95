import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { database, type Database } from "@/lib/db";
import { isOperator } from "@/lib/operators/auth";

// Operator pages: the same check as the operator API (login cookie, bearer token,
// Supabase user), from the page request's headers; others go to /login?next=….

export async function requireOperatorPage(next: string): Promise<Database> {
  const db = await database();
  if (!(await isOperatorRequest(db))) redirect(`/login?next=${encodeURIComponent(next)}`);
  return db;
}

export async function isOperatorRequest(db: Database): Promise<boolean> {
  const incoming = await headers();
  const forwarded = new Headers();
  for (const name of ["cookie", "authorization"]) {
    const value = incoming.get(name);
    if (value) forwarded.set(name, value);
  }
  return isOperator(new Request("http://threadline.local/", { headers: forwarded }), db);
}

/** A same-site path to return to after login (never another origin). */
export function safeNext(next: string | string[] | undefined, fallback = "/traces"): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : fallback;
}

/** Page search params as a query string ("?a=1&b=2", or ""). */
export function queryString(params: Record<string, string | string[] | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) qs.append(k, item);
  }
  const s = qs.toString();
  return s ? `?${s}` : "";
}
