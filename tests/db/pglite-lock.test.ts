import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { createPgliteDatabase } from "@/lib/db/pglite";

const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("a dead holder's lock is taken over", async () => {
  const other = mkdtempSync(path.join(os.tmpdir(), "threadline-lock-"));
  writeFileSync(path.join(other, "threadline.lock"), "999999");
  const db = await createPgliteDatabase(other);
  expect(await db.rpc("app_health")).toMatchObject({ ok: true });
  await db.close();
  rmSync(other, { recursive: true, force: true });
});

it("a second process opening the same PGlite folder is refused with a clear error", async () => {
  const db = await createPgliteDatabase(dir);
  try {
    const script = `import { createPgliteDatabase } from "./lib/db/pglite.ts";
      try { await createPgliteDatabase(${JSON.stringify(dir)}); console.log("OPENED"); process.exit(0); }
      catch (e) { console.log(e.name + ": " + e.message); process.exit(3); }`;
    const child = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd() })
      .then((r) => ({ ...r, status: 0 }), (e: { stdout: string; code: number }) => ({ stdout: e.stdout, status: e.code }));
    expect(child.stdout).toContain("DatabaseLockedError");
    expect(child.stdout).toContain("already open in another process");
    expect(child.status).toBe(3);
    // the first opener still works
    expect(await db.rpc("app_health")).toMatchObject({ ok: true });
  } finally {
    await db.close();
  }
});
