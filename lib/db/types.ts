// The one data-access interface. Every operation is a SQL function in
// supabase/migrations/, called by name with named arguments; each backend
// only knows how to call a function and return its jsonb result.

export type Backend = "pglite" | "postgres" | "supabase";

import { checkRpcResult, type RpcArgsOf, type RpcName, type RpcResultOf } from "./registry";

export type RpcArgs = Record<string, string | number | boolean | null | undefined | object>;

export interface Database {
  readonly backend: Backend;
  /** Calls public.<fn>(name => value, …) and returns its jsonb result, typed by lib/db/registry.ts. Throws AppError. */
  rpc<N extends RpcName>(fn: N, ...args: {} extends RpcArgsOf<N> ? [args?: RpcArgsOf<N>] : [args: RpcArgsOf<N>]): Promise<RpcResultOf<N>>;
  close(): Promise<void>;
}

/** A backend's untyped call, made the typed `rpc` whose results are checked against the registry. */
export function checkedRpc(call: (fn: string, args?: RpcArgs) => Promise<unknown>): Database["rpc"] {
  return (async (fn: RpcName, args?: RpcArgs) => checkRpcResult(fn, await call(fn, args))) as Database["rpc"];
}

/** Turns args into `name => $n` SQL and its parameter list (undefined args keep their SQL default). */
export function namedCall(fn: string, args: RpcArgs = {}): { sql: string; params: unknown[] } {
  if (!/^[a-z_][a-z0-9_]*$/.test(fn)) throw new Error(`Invalid function name: ${fn}`);
  const params: unknown[] = [];
  const parts: string[] = [];
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) continue;
    if (!/^p_[a-z0-9_]+$/.test(name)) throw new Error(`Invalid argument name: ${name}`);
    params.push(value !== null && typeof value === "object" ? JSON.stringify(value) : value);
    parts.push(`${name} => $${params.length}`);
  }
  return { sql: `select public.${fn}(${parts.join(", ")}) as result`, params };
}
