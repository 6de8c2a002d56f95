import { NextResponse, type NextRequest } from "next/server";
import { refreshSupabaseSession } from "./lib/supabase/proxy";

// Page requests only: the Content-Security-Policy (scripts only from our origin and with this
// response's nonce, which Next.js puts on its own scripts; who may frame us: the embed page
// EMBED_ALLOWED_ORIGINS, everything else nobody), and the Supabase Auth session refresh when
// Supabase is configured. Other responses (API, static files) get their headers from next.config.js.
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const embed = request.nextUrl.pathname === "/embed" || request.nextUrl.pathname.startsWith("/embed/");
  const origins = (process.env.EMBED_ALLOWED_ORIGINS ?? "").trim() || "*";
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  // the dev server evaluates modules with eval (React's call stacks); a production build does not
  const evalInDev = process.env.NODE_ENV === "production" ? "" : " 'unsafe-eval'";
  const csp = [
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${evalInDev}`,
    "object-src 'none'",
    "base-uri 'self'",
    `frame-ancestors ${embed ? origins : "'self'"}`,
  ].join("; ");
  // Next.js reads the nonce from the request's Content-Security-Policy header
  const requestHeaders = { "content-security-policy": csp, "x-nonce": nonce };
  const headers = new Headers(request.headers);
  for (const [k, v] of Object.entries(requestHeaders)) headers.set(k, v);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  if (!embed) response.headers.set("X-Frame-Options", "SAMEORIGIN");
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  return refreshSupabaseSession(request, response, requestHeaders);
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|embed\\.js|favicon).*)"],
};
