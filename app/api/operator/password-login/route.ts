import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/methods";
import { mutation } from "@/lib/http/same-origin";
import { passwordLoginSchema } from "./schema";

export const dynamic = "force-dynamic";

// POST /api/operator/password-login {email, password}: Supabase Auth sign-in (@supabase/ssr);
// only users with app_metadata.role = "operator" get a session (README "Operators").
export async function POST(request: Request): Promise<Response> {
  return mutation(request, async () => {
    const e = env();
    if (!e.NEXT_PUBLIC_SUPABASE_URL || !e.NEXT_PUBLIC_SUPABASE_ANON_KEY) {
      throw new AppError("not_found:login", "Supabase Auth is not configured: log in with the admin token.");
    }
    const { email, password } = await readJson(request, passwordLoginSchema, "login", 4 * 1024);
    const { signInOperator } = await import("@/lib/supabase/server");
    const result = await signInOperator(request, email, password);
    const response =
      result.status === "ok"
        ? NextResponse.json({ ok: true })
        : result.status === "not_operator"
          ? NextResponse.json({ error: { code: "forbidden:login", message: "This account is not an operator." } }, { status: 403 })
          : NextResponse.json({ error: { code: "unauthorized:login", message: "Wrong email or password." } }, { status: 401 });
    for (const c of result.cookies) response.cookies.set(c.name, c.value, c.options);
    response.headers.set("Cache-Control", "no-store");
    return response;
  });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
