import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types (start.mjs runs it before any loader)
import { builtFrom, sourcesFingerprint, stampFile } from "../../../scripts/sources-fingerprint.mjs";

// npm start builds only when what the build reads changed (docs/operations.md, "npm start").

function tree() {
  const root = mkdtempSync(path.join(os.tmpdir(), "threadline-fingerprint-"));
  for (const dir of ["app", "lib", "tests", ".next"]) mkdirSync(path.join(root, dir));
  writeFileSync(path.join(root, "app", "page.tsx"), "export default 1;");
  writeFileSync(path.join(root, "package.json"), "{}");
  writeFileSync(path.join(root, "tests", "a.test.ts"), "1");
  return root;
}

describe("the sources' fingerprint", () => {
  it("is the same for the same sources and changes with a source file, a config, a .env file or a NEXT_PUBLIC_ setting", () => {
    const root = tree();
    const env = { NEXT_PUBLIC_X: "1", OTHER: "a" };
    const first = sourcesFingerprint(root, env);
    expect(sourcesFingerprint(root, { ...env, OTHER: "b" })).toBe(first);
    writeFileSync(path.join(root, "tests", "a.test.ts"), "2"); // tests are not built
    expect(sourcesFingerprint(root, env)).toBe(first);
    expect(sourcesFingerprint(root, { ...env, NEXT_PUBLIC_X: "2" })).not.toBe(first);
    for (const [file, text] of [["app/page.tsx", "export default 2;"], ["package.json", '{"a":1}'], [".env", "X=1"], ["lib/new.ts", "1"]]) {
      const before = sourcesFingerprint(root, env);
      writeFileSync(path.join(root, file), text);
      expect(sourcesFingerprint(root, env)).not.toBe(before);
    }
  });

  it("counts as built only with a complete .next stamped with the same fingerprint", () => {
    const root = tree();
    const fingerprint = sourcesFingerprint(root, {});
    expect(builtFrom(root, fingerprint)).toBe(false);
    writeFileSync(stampFile(root), fingerprint + "\n");
    expect(builtFrom(root, fingerprint)).toBe(false); // no BUILD_ID: an interrupted build
    writeFileSync(path.join(root, ".next", "BUILD_ID"), "x");
    expect(builtFrom(root, fingerprint)).toBe(true);
    writeFileSync(path.join(root, "app", "page.tsx"), "changed");
    expect(builtFrom(root, sourcesFingerprint(root, {}))).toBe(false);
  });
});
