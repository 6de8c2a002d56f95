import { createServerClient } from "@supabase/ssr";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "../env";

// Refreshes a Supabase Auth session on page requests (the documented @supabase/ssr proxy step).
// Read through env(): `process.env.NEXT_PUBLIC_*` would be fixed at build time.
// `requestHeaders`: what the proxy added to the request (the CSP nonce), kept on the refreshed one.
export async function refreshSupabaseSession(request: NextRequest, response: NextResponse, requestHeaders: Record<string, string> = {}): Promise<NextResponse> {
  const { NEXT_PUBLIC_SUPABASE_URL: url, NEXT_PUBLIC_SUPABASE_ANON_KEY: anonKey } = env();
  if (!url || !anonKey || !request.cookies.getAll().some((c) => c.name.startsWith("sb-"))) return response;
  let out = response;
  const supabase = createServerClient(url, anonKey, {
    cookies: {
      getAll: () => request.cookies.getAll(),
      setAll: (cookies) => {
        cookies.forEach(({ name, value }) => request.cookies.set(name, value));
        const headers = new Headers(request.headers);
        for (const [k, v] of Object.entries(requestHeaders)) headers.set(k, v);
        out = NextResponse.next({ request: { headers }, headers: response.headers });
        cookies.forEach(({ name, value, options }) => out.cookies.set(name, value, options));
      },
    },
  });
  await supabase.auth.getUser();
  return out;
}
