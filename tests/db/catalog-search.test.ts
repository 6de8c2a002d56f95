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
