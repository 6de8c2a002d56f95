import "server-only";
import { env } from "../env";

// Who an (already authenticated) operator is, as saved next to what they change (an agent
// version's `saved_by`): a Supabase Auth operator by email, else the shared admin token's holder.

export async function operatorIdentity(request: Request): Promise<string> {
  const e = env();
  if (e.NEXT_PUBLIC_SUPABASE_URL && e.NEXT_PUBLIC_SUPABASE_ANON_KEY && !request.headers.has("authorization")) {
    const { supabaseOperator } = await import("../supabase/server");
    const user = await supabaseOperator(request).catch(() => null);
    if (user) return (user.email ?? user.id).slice(0, 200);
  }
  return "admin";
}
