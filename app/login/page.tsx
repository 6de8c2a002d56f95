import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/operator/LoginForm";
import { isOperatorRequest, safeNext } from "@/components/operator/require-operator";
import { database } from "@/lib/db";

export const metadata: Metadata = { title: "Operator login", robots: { index: false } };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const next = safeNext(params.next);
  const token = typeof params.token === "string" && params.token.trim() ? params.token : undefined;
  // already signed in (and no new token to try): straight on
  if (!token && (await isOperatorRequest(await database()).catch(() => false))) redirect(next);
  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 px-4 dark:bg-slate-950">
      <LoginForm token={token} next={next} />
    </main>
  );
}
