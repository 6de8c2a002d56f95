// What `npm start` builds from, as one sha256 (docs/operations.md, "npm start"): every file the
// build reads (app code, public files, migrations, configs, package.json and the lockfile, the .env
// files) and the NEXT_PUBLIC_* settings Next inlines. Plain Node, so start.mjs needs no loader.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const sourceDirs = ["app", "components", "lib", "public", "supabase/migrations", "supabase/seed.sql"];
const sourceFiles = [
  "package.json", "package-lock.json", "next.config.js", "tsconfig.json", "postcss.config.mjs",
  "proxy.ts", "instrumentation.ts", ".env", ".env.local", ".env.production", ".env.production.local",
];

export const stampFile = (root) => path.join(root, ".next", "threadline-sources.sha256");

function walk(root, entry, out) {
  const full = path.join(root, entry);
  if (!existsSync(full)) return;
  const stat = statSync(full);
  if (stat.isFile()) out.push(entry);
  else if (stat.isDirectory()) for (const name of readdirSync(full).sort()) walk(root, path.join(entry, name), out);
}

export function sourcesFingerprint(root, env = process.env) {
  const files = [];
  for (const entry of [...sourceDirs, ...sourceFiles]) walk(root, entry, files);
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(path.join(root, file))).update("\0");
  for (const key of Object.keys(env).filter((k) => k.startsWith("NEXT_PUBLIC_")).sort()) hash.update(`env:${key}=${env[key]}\0`);
  return hash.digest("hex");
}

/** True when .next holds a complete build of exactly these sources. */
export function builtFrom(root, fingerprint) {
  const stamp = stampFile(root);
  return existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === fingerprint;
}
