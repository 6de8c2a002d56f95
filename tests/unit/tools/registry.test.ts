import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { toolNames, toolRegistry } from "../../../lib/tools/registry";

// The tools in code and the names the database accepts (agent_tools) are the same list.
const migrationsDir = path.resolve(import.meta.dirname, "../../../supabase/migrations");
const migration = readdirSync(migrationsDir)
  .filter((f) => f.endsWith(".sql"))
  .sort()
  .map((f) => readFileSync(path.join(migrationsDir, f), "utf8"))
  .join("\n");

function registeredInMigration(): string[] {
  const inserts = [...migration.matchAll(/insert into public\.agent_tools \([^)]*\) values([\s\S]*?);/gi)];
  if (inserts.length === 0) throw new Error("agent_tools insert not found");
  return inserts.flatMap((insert) => [...insert[1].matchAll(/\(\s*'([a-z0-9_]+)'/g)].map((m) => m[1]));
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
