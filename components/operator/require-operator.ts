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
  // the page request's own headers: credentials, and the client address for the failed-login limit
  return isOperator(new Request("http://threadline.local/", { headers: new Headers(await headers()) }), db);
}

export { safeNext } from "@/lib/http/return-path";

/** Page search params as a query string ("?a=1&b=2", or ""). */
export function queryString(params: Record<string, string | string[] | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) qs.append(k, item);
  }
  const s = qs.toString();
  return s ? `?${s}` : "";
}
