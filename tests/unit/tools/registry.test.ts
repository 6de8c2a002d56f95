import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { toolNames, toolRegistry } from "../../../lib/tools/registry";

// The tools in code and the names the database accepts (agent_tools) are the same list.
const migration = readFileSync(path.resolve(import.meta.dirname, "../../../supabase/migrations/20261129000000_agents_and_observations.sql"), "utf8");

function registeredInMigration(): string[] {
  const insert = /insert into public\.agent_tools \(name, description\) values([\s\S]*?);/.exec(migration);
  if (!insert) throw new Error("agent_tools insert not found");
  return [...insert[1].matchAll(/\(\s*'([a-z0-9_]+)'/g)].map((m) => m[1]);
}

describe("tool registry", () => {
  it("names exactly the rows of agent_tools", () => {
    expect([...toolNames].sort()).toEqual(registeredInMigration().sort());
  });

  it("every tool has a description and a zod input schema", () => {
    for (const [name, def] of toolRegistry) {
      expect(def.name).toBe(name);
      expect(typeof def.input.safeParse).toBe("function");
      const description = typeof def.description === "function" ? def.description({ handoffTargets: [] } as never) : def.description;
      expect(description.length, name).toBeGreaterThan(10);
    }
  });

  it("the seeded agents only name registered tools", () => {
    const seeded = [...migration.matchAll(/'\{([a-z_,]+)\}', '\{/g)].flatMap((m) => m[1].split(","));
    expect(seeded.length).toBeGreaterThan(5);
    for (const t of seeded) expect(toolNames).toContain(t);
  });
});
