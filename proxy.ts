import { NextResponse, type NextRequest } from "next/server";
import { refreshSupabaseSession } from "./lib/supabase/proxy";

// Page requests only: who may frame us (the embed page: EMBED_ALLOWED_ORIGINS; everything else: nobody),
// and the Supabase Auth session refresh when Supabase is configured.
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const response = NextResponse.next();
  const embed = request.nextUrl.pathname === "/embed" || request.nextUrl.pathname.startsWith("/embed/");
  const origins = (process.env.EMBED_ALLOWED_ORIGINS ?? "").trim() || "*";
  response.headers.set("Content-Security-Policy", `frame-ancestors ${embed ? origins : "'self'"}`);
  if (!embed) response.headers.set("X-Frame-Options", "SAMEORIGIN");
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  return refreshSupabaseSession(request, response);
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|embed\\.js|favicon).*)"],
};
