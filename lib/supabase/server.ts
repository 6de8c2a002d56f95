import { createServerClient } from "@supabase/ssr";
import { env } from "../env";
import { cookieValue } from "../http/visitor";

// Supabase Auth on the server (@supabase/ssr): the signed-in user behind a request, if any.
export function supabaseFor(request: Request, setCookie?: (name: string, value: string) => void) {
  const e = env();
  return createServerClient(e.NEXT_PUBLIC_SUPABASE_URL!, e.NEXT_PUBLIC_SUPABASE_ANON_KEY!, {
    cookies: {
      getAll: () =>
        (request.headers.get("cookie") ?? "")
          .split(";")
          .map((c) => c.trim())
          .filter(Boolean)
          .map((c) => ({ name: c.slice(0, c.indexOf("=")), value: cookieValue(request, c.slice(0, c.indexOf("="))) ?? "" })),
      setAll: (cookies) => cookies.forEach((c) => setCookie?.(c.name, c.value)),
    },
  });
}

export async function supabaseUser(request: Request): Promise<{ id: string; email?: string } | null> {
  const { data, error } = await supabaseFor(request).auth.getUser();
  return error || !data.user ? null : { id: data.user.id, email: data.user.email };
}
