import { createServerClient } from "@supabase/ssr";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "../env";

// Refreshes a Supabase Auth session on page requests (the documented @supabase/ssr proxy step).
// Read through env(): `process.env.NEXT_PUBLIC_*` would be fixed at build time.
export async function refreshSupabaseSession(request: NextRequest, response: NextResponse): Promise<NextResponse> {
  const { NEXT_PUBLIC_SUPABASE_URL: url, NEXT_PUBLIC_SUPABASE_ANON_KEY: anonKey } = env();
  if (!url || !anonKey || !request.cookies.getAll().some((c) => c.name.startsWith("sb-"))) return response;
  let out = response;
  const supabase = createServerClient(url, anonKey, {
    cookies: {
      getAll: () => request.cookies.getAll(),
      setAll: (cookies) => {
        cookies.forEach(({ name, value }) => request.cookies.set(name, value));
        out = NextResponse.next({ request, headers: response.headers });
        cookies.forEach(({ name, value, options }) => out.cookies.set(name, value, options));
      },
    },
  });
  await supabase.auth.getUser();
  return out;
}
