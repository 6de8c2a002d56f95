"use client";
import { createBrowserClient } from "@supabase/ssr";

// Supabase Auth in the browser (the operator login form, when Supabase is configured).
export function supabaseBrowser() {
  return createBrowserClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!);
}
