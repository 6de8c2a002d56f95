import { createClient } from "@supabase/supabase-js";
import { toDatabaseError } from "./errors";
import { isRetryable, retryingLostLocks } from "./retry";
import { checkedRpc, type Database, type RpcArgs } from "./types";

// NEXT_PUBLIC_SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY: the same SQL functions through PostgREST rpc().
export function createSupabaseDatabase(url: string, serviceRoleKey: string): Database {
  const client = createClient(url, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });

  return {
    backend: "supabase",
    rpc: checkedRpc(async (fn: string, args: RpcArgs = {}): Promise<unknown> => {
      const body = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
      try {
        return await retryingLostLocks(async () => {
          const response = await client.rpc(fn, body);
          if (response.error) throw isRetryable(response.error) ? response.error : toDatabaseError(response.error);
          return response.data;
        }, fn);
      } catch (error) {
        throw toDatabaseError(error);
      }
    }),
    async close() {},
  };
}
