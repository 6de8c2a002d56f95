import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "@/lib/db/postgres";
import { freshPostgresUrl } from "../support/databases";

// DATABASE_URL's calls are named prepared statements (lib/db/postgres.ts): a connection parses and plans
// each call's text once. One connection (max 1), so pg_prepared_statements is that connection's.

describe("node-postgres backend: prepared calls", () => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
  });

  const prepared = async (db: ReturnType<typeof createPostgresDatabase>) =>
    (await db.pool.query<{ name: string; statement: string }>("select name, statement from pg_prepared_statements order by name")).rows;

  it("prepares each call's text once per connection and reuses it", async () => {
    const db = createPostgresDatabase(await freshPostgresUrl(), { max: 1 });
    opened.push(db);
    const first = await db.rpc("list_agents");
    expect(await db.rpc("list_agents")).toEqual(first);
    await db.rpc("product_cards", { p_skus: [] });
    const rows = await prepared(db);
    expect(rows.map((r) => r.statement)).toEqual([
      "select public.list_agents() as result",
      "select public.product_cards(p_skus => $1) as result",
    ]);
    expect(new Set(rows.map((r) => r.name)).size).toBe(2);
  });

  it("sends every call unnamed when prepared statements are off (a pooler in transaction mode)", async () => {
    const db = createPostgresDatabase(await freshPostgresUrl(), { max: 1, prepared: false });
    opened.push(db);
    await db.rpc("list_agents");
    await db.rpc("list_agents");
    expect(await prepared(db)).toEqual([]);
  });
  it("names a text by its digest, the same in every instance, and prepares it again after a migration changes its result", async () => {
    const url = await freshPostgresUrl();
    const a = createPostgresDatabase(url, { max: 1 });
    const b = createPostgresDatabase(url, { max: 1 });
    opened.push(a, b);
    await a.rpc("list_agents");
    await b.rpc("list_agents");
    const [nameA] = (await prepared(a)).map((r) => r.name);
    const [nameB] = (await prepared(b)).map((r) => r.name);
    expect(nameA).toMatch(/^threadline_[0-9a-f]{24}_0$/);
    expect(nameB).toBe(nameA);
    // a migration replaces the function with another result type: the cached plan cannot serve it
    const list = await a.rpc("list_agents");
    await a.pool.query(`drop function public.list_agents();
      create function public.list_agents() returns json language plpgsql set search_path = '' as $$ begin return $list$${JSON.stringify(list)}$list$::json; end $$;`);
    expect(await a.rpc("list_agents")).toEqual(list);
    // answered through the statement prepared again under the text's next name
    expect((await prepared(a)).map((r) => r.name)).toContain(nameA.replace(/_0$/, "_1"));
  });
});
