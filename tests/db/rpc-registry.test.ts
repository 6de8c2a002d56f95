import { z } from "zod";
import { afterAll, beforeAll, expect, it } from "vitest";
import { checkRpcResult, notCalledByApp, rpcRegistry, RpcShapeError } from "@/lib/db/registry";
import { openPglite, type TestDatabase } from "../support/databases";

// lib/db/registry.ts is the one list of SQL functions the app calls: each exists in the migrated
// database with the argument names the registry gives it, and no public function is left out.

let t: TestDatabase;
beforeAll(async () => {
  t = await openPglite();
});
afterAll(() => t.close());

interface Proc { name: string; in_args: string[]; required: string[] }

const procs = () =>
  t.sql<Proc>(`
    select p.proname as name,
           coalesce((select array_agg(a.n order by a.i) from unnest(p.proargnames, p.proargmodes::text[]) with ordinality a(n, m, i)
                      where coalesce(a.m, 'i') in ('i', 'b')), p.proargnames, '{}') as in_args,
           coalesce(p.proargnames[1:p.pronargs - p.pronargdefaults], '{}') as required
      from pg_proc p
     where p.pronamespace = 'public'::regnamespace
       and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`);

it("every registry function exists in public with exactly the registry's argument names", async () => {
  const byName = new Map((await procs()).map((p) => [p.name, p]));
  const wrong: string[] = [];
  for (const [name, entry] of Object.entries(rpcRegistry)) {
    const proc = byName.get(name);
    if (!proc) {
      wrong.push(`${name}: no such function`);
      continue;
    }
    const registryArgs = Object.keys(entry.args.shape).sort();
    if (JSON.stringify(registryArgs) !== JSON.stringify([...proc.in_args].sort())) {
      wrong.push(`${name}: registry (${registryArgs.join(", ")}) vs SQL (${proc.in_args.join(", ")})`);
    }
    // an argument without a default in SQL is required in the registry too
    for (const arg of proc.required) if ((entry.args.shape as Record<string, z.ZodType>)[arg]?.safeParse(undefined).success) wrong.push(`${name}.${arg} is required in SQL`);
  }
  expect(wrong).toEqual([]);
});

it("every public function is in the registry or deliberately not called by the app", async () => {
  const known = new Set<string>([...Object.keys(rpcRegistry), ...notCalledByApp]);
  const names = [...new Set((await procs()).map((p) => p.name))];
  expect(names.filter((n) => !known.has(n)).sort()).toEqual([]);
  expect(notCalledByApp.filter((n) => !names.includes(n))).toEqual([]);
  expect(notCalledByApp.filter((n) => n in rpcRegistry)).toEqual([]);
});

it("rpc results are checked against the registry outside production: a wrong shape fails loudly", async () => {
  const health = await t.db.rpc("app_health");
  expect(health.migration_version).toMatch(/^\d{14}$/);
  expect(() => checkRpcResult("app_health", { migration_version: 42 })).toThrow(RpcShapeError);
  expect(() => checkRpcResult("set_message_vote", { message_id: "m", session_id: "s", vote: "sideways", trace_id: null })).toThrow(/vote/);
});

it("the functions that take no arguments answer in their registry shape on a freshly migrated database", async () => {
  for (const name of ["app_health", "catalog_products", "list_agents", "operator_tools", "operator_models", "maintenance_scheduler", "otlp_outbox_status"] as const) {
    await expect(t.db.rpc(name), name).resolves.toBeDefined();
  }
  expect((await t.db.rpc("catalog_products")).length).toBeGreaterThan(0);
});
