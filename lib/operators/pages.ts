import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { database } from "../db";
import type { Database } from "../db/types";
import { isOperator, operatorIdentity, type OperatorIdentity } from "./auth";

// Operator pages: the same check as the operator API (login cookie, bearer token,
// Supabase user; lib/http/route.ts), from the page request's headers; others go to /login?next=….

export async function requireOperatorPage(next: string): Promise<Database> {
  const db = await database();
  if (!(await isOperatorRequest(db))) redirect(`/login?next=${encodeURIComponent(next)}`);
  return db;
}

export async function isOperatorRequest(db: Database): Promise<boolean> {
  // the page request's own headers: credentials, and the client address for the failed-login limit
  return isOperator(new Request("http://threadline.local/", { headers: new Headers(await headers()) }), db);
}

/** `requireOperatorPage`, and who the operator is (their own scores and comments are marked). */
export async function requireOperatorPageAs(next: string): Promise<{ db: Database; operator: OperatorIdentity }> {
  const db = await database();
  const operator = await operatorIdentity(new Request("http://threadline.local/", { headers: new Headers(await headers()) }), db);
  if (!operator) redirect(`/login?next=${encodeURIComponent(next)}`);
  return { db, operator };
}
