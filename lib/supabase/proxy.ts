import { createServerClient } from "@supabase/ssr";
import { NextResponse, type NextRequest } from "next/server";

// Refreshes a Supabase Auth session on page requests (the documented @supabase/ssr proxy step).
export async function refreshSupabaseSession(request: NextRequest, response: NextResponse): Promise<NextResponse> {
  const url = process.env.NEXT_PUBLIC_SUPABASE_URL;
  const anonKey = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;
  if (!url || !anonKey) return response;
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
