import { NextResponse } from "next/server";
import { database } from "@/lib/db";
import { env } from "@/lib/env";
import { otherMethods } from "@/lib/http/methods";
import { mutation } from "@/lib/http/same-origin";
import { clearedOperatorCookie, logout } from "@/lib/operators/auth";

export const dynamic = "force-dynamic";

// POST /api/operator/logout: revokes the login session on the server (and signs a Supabase Auth user out).
export async function POST(request: Request): Promise<Response> {
  return mutation(request, async () => {
    const response = NextResponse.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
    await logout(await database(), request);
    response.cookies.set(clearedOperatorCookie);
    const e = env();
    if (e.NEXT_PUBLIC_SUPABASE_URL && e.NEXT_PUBLIC_SUPABASE_ANON_KEY) {
      const { signOutSupabase } = await import("@/lib/supabase/server");
      for (const c of await signOutSupabase(request)) response.cookies.set(c.name, c.value, c.options);
    }
    return response;
  });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
