import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// squawk, the migration linter, on every migration after the baseline, with the rules of .squawk.toml
// (docs/architecture.md, "Migrations"): a new migration that would queue the app behind a lock fails
// the test command.
const squawk = (files: string[]): { ok: boolean; report: string } => {
  try {
    execFileSync("node_modules/.bin/squawk", ["--config", ".squawk.toml", "--reporter", "gcc", ...files], { encoding: "utf8", stdio: "pipe" });
    return { ok: true, report: "" };
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return { ok: false, report: `${stdout}${stderr}`.trim() };
  }
};

const scratch = mkdtempSync(path.join(os.tmpdir(), "threadline-squawk-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const migration = (name: string, sql: string) => {
  const file = path.join(scratch, name);
  writeFileSync(file, sql);
  return file;
};

describe("squawk", () => {
  it("finds nothing in the migrations (those written before it ran are excluded by name in .squawk.toml)", () => {
    const files = readdirSync("supabase/migrations").filter((f) => f.endsWith(".sql")).sort().map((f) => `supabase/migrations/${f}`);
    expect(files.length).toBeGreaterThan(6);
    expect(squawk(files)).toEqual({ ok: true, report: "" });
  });

  it("fails a migration that indexes or alters a table without a lock_timeout, and passes it with one", () => {
    const index = "create index t_a on public.t (a);\nalter table public.t add column b text;\n";
    const without = squawk([migration("20990101000000_without.sql", index)]);
    expect(without.ok).toBe(false);
    expect(without.report).toContain("require-lock-timeout");
    expect(squawk([migration("20990101000001_with.sql", `set lock_timeout = '5s';\n\n${index}`)])).toEqual({ ok: true, report: "" });
  });

  it("fails a migration that takes a table's ACCESS EXCLUSIVE lock for a long rewrite", () => {
    const rewrite = squawk([migration("20990101000002_rewrite.sql", "set lock_timeout = '5s';\nalter table public.t alter column a type bigint;\n")]);
    expect(rewrite.ok).toBe(false);
    expect(rewrite.report).toContain("changing-column-type");
  });
});
