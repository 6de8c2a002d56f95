import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import type { Tables } from "@/lib/db/database.types";

// search_catalog: full-text search with ranking, trigram similarity for typos, a featured
// selection for a question that names nothing (the seeded demo catalog).

interface Hit {
  sku: string;
  name: string;
  category: string;
  price_cents: number;
  tags: string[];
  pickup_location: string;
  rank: number;
  featured: boolean;
}

describe.each(backends)("catalog search on $name", ({ open }) => {
  const t = databaseFor(open);

  const search = (query: string | null, limit?: number) =>
    t.db.rpc("search_catalog", limit === undefined ? { p_query: query } : { p_query: query, p_limit: limit });
  const skus = async (query: string | null, limit?: number) => (await search(query, limit)).map((h) => h.sku);

  it("ranks the product matching more of the words, and the name above the description", async () => {
    const boots = await search("waterproof hiking boots");
    expect(boots[0]).toMatchObject({ sku: "TRL-BOOT-M", name: "Summit Waterproof Hiking Boot", category: "footwear", featured: false });
    expect(boots[0].pickup_location).toBe("Store B, 48 Market Street, Seattle");
    expect(boots[1].sku).toBe("TRL-JKT-RN"); // waterproof + hiking, no boot
    expect(boots.map((h) => h.rank)).toEqual([...boots.map((h) => h.rank)].sort((a, b) => b - a));
    expect((await skus("tent for camping with my family")).slice(0, 2)).toEqual(["TRL-TENT-4", "TRL-TENT-2"]);
    expect((await skus("a backpack for my laptop"))[0]).toBe("TRL-PACK-20");
    expect(await skus("corporate gifts", 2)).toEqual(["TRL-MUG", "TRL-BOTTLE"]);
  });

  it("finds a misspelt product", async () => {
    expect(await skus("do you have a hedlamp?")).toEqual(["TRL-LAMP"]);
    expect((await skus("sleping bagg"))[0]).toBe("TRL-BAG-20");
  });

  it("a question that names nothing gets one featured product per category; one that names something absent gets none", async () => {
    const categories = (await t.sql<Pick<Tables<"products">, "category">>("select distinct category from products order by 1")).map((r) => r.category);
    for (const generic of ["what do you have?", "", null, "What do you sell? Any recommendations?"]) {
      const hits = await search(generic, 50);
      expect(hits.map((h) => h.category)).toEqual(categories);
      expect(hits.every((h) => h.featured && h.rank === 0)).toBe(true);
    }
    expect(await search("what do you have?")).toHaveLength(Math.min(5, categories.length));
    expect(await search("Hi so i need to buy 11 remote controls")).toEqual([]);
  });

  it("respects the limit", async () => {
    expect(await search("camping", 2)).toHaveLength(2);
    expect((await search("camping", 0)).length).toBe(1);
  });
});

// The stored trigrams only skip word_similarity where it cannot reach 0.5 (docs/performance.md, "The
// catalog search and begin_turn"): the answers, ranks and ties, equal the plain search's over the bench's
// wordings, misspellings and generic questions at every limit.
// the reference SQL, one statement at a time (a prepared statement holds one command)
const reference = () => readFileSync("tests/db/catalog-search-reference.sql", "utf8").split(/^-- statement$/m);

describe.each(backends)("catalog search against the plain reference on $name", ({ open }) => {
  const t = databaseFor(open);
  const needs = ["light", "waterproof", "warm", "cheap", "small", "family", "winter", "summer", "travel", "trail", "camping", "running", "gift", "rain", "night", "laptop"];
  const things = ["tent", "jacket", "backpack", "hiking boots", "trail shoes", "sleeping bag", "headlamp", "camp stove", "mug", "water bottle", "fleece", "trekking poles", "sleeping pad", "daypack"];
  const trips = ["Alps", "Rockies", "Andes", "Highlands", "Dolomites", "Cascades", "Sierra", "Pyrenees", "Tatras", "Atlas", "Yukon", "Patagonia", "Lapland", "Olympics", "Catskills", "Smokies", "Cairngorms"];
  const odd = ["", null, "what do you have?", "hedlamp", "sleping bagg", "waterproof hiking boots", "tent for camping with my family", "corporate gifts",
    "e-mail me a backpak", "jackit", "bootz", "stove", "cofee mug", "lamp night running", "trekking polez", "fleece warm", "cheap cheap cheap",
    "laptop commute", "Hi so i need to buy 11 remote controls", "Ünïcode tént", "headlamps", "daypak", "sleepingbag", "watter botle", "raincoat", "torch", "tentt"];

  it("answers exactly what the plain search answers", async () => {
    for (const statement of reference()) await t.sql(statement);
    let seed = 27;
    const pick = <T,>(list: readonly T[]) => list[(seed = (seed * 1103515245 + 12345) % 2147483648) % list.length];
    const queries: (string | null)[] = [...odd];
    for (let i = 0; i < 300; i++) queries.push(`${pick(needs)} ${pick(needs)} ${pick(things)} ${pick(trips).toLowerCase()}`);
    const rows = await t.sql<{ differ: number; total: number }>(
      `select count(*) filter (where public.search_catalog(q, l)::text is distinct from public.search_catalog_reference(q, l)::text)::int as differ,
              count(*)::int as total
         from unnest($1::text[]) q, unnest(array[1, 3, 5, 50]) l`,
      [queries],
    );
    expect(rows[0]).toMatchObject({ differ: 0, total: queries.length * 4 });
    // the misspelt words reach the trigram branch (a word found by similarity adds less than 1)
    const misspelt = await t.sql<{ n: number }>(
      `select count(*)::int as n from public.products p, unnest(array['hedlamp', 'jackit', 'bootz', 'polez', 'daypak', 'tentt']) w
        where not p.search_vector @@ plainto_tsquery('simple', w) and extensions.word_similarity(w, p.search_text) >= 0.5`,
    );
    expect(misspelt[0].n).toBeGreaterThan(0);
    await t.sql("drop function public.search_catalog_reference(text, integer)");
    await t.sql("drop function public.product_hit_reference(public.products, real, boolean)");
  });

  it("calls word_similarity only where the stored trigrams leave 0.5 in reach", async () => {
    for (const statement of reference()) await t.sql(statement);
    await t.sql(`create function public.similarity_calls(p_search text, p_query text) returns bigint language plpgsql as $$
      declare v_before bigint;
      begin
        perform set_config('track_functions', 'all', true);
        v_before := coalesce(pg_stat_get_xact_function_calls('extensions.word_similarity(text,text)'::regprocedure), 0);
        execute format('select public.%I($1, 3)', p_search) using p_query;
        return coalesce(pg_stat_get_xact_function_calls('extensions.word_similarity(text,text)'::regprocedure), 0) - v_before;
      end $$`);
    const calls = async (query: string) => (await t.sql<{ plain: number; stored: number }>(
      "select public.similarity_calls('search_catalog_reference', $1)::int as plain, public.similarity_calls('search_catalog', $1)::int as stored",
      [query],
    ))[0];
    const bench = await calls("light warm tent alps");
    expect(bench.plain).toBeGreaterThan(30); // every product for every word the full text misses
    expect(bench.stored).toBeLessThan(bench.plain / 4);
    expect((await calls("hedlamp")).stored).toBeGreaterThan(0); // the misspelt word's product is still compared
    await t.sql("drop function public.similarity_calls(text, text)");
    await t.sql("drop function public.search_catalog_reference(text, integer)");
    await t.sql("drop function public.product_hit_reference(public.products, real, boolean)");
  });
});
