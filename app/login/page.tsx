import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/operator/LoginForm";
import { PasswordLoginForm } from "@/components/operator/PasswordLoginForm";
import { safeNext } from "@/lib/http/return-path";
import { isOperatorRequest } from "@/lib/operators/pages";
import { database } from "@/lib/db";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Operator login", robots: { index: false } };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const next = safeNext(params.next);
  const token = typeof params.token === "string" && params.token.trim() ? params.token : undefined;
  // already signed in (and no new token to try): straight on
  if (!token && (await isOperatorRequest(await database()).catch(() => false))) redirect(next);
  const e = env();
  const supabaseAuth = Boolean(e.NEXT_PUBLIC_SUPABASE_URL && e.NEXT_PUBLIC_SUPABASE_ANON_KEY);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 bg-slate-50 px-4 dark:bg-slate-950">
      {supabaseAuth && <PasswordLoginForm next={next} />}
      <LoginForm token={token} next={next} />
    </main>
  );
}
