// npm start: build only when the sources changed since the last build, then serve (README "Start").
// The build's fingerprint is a sha256 over every file the build reads (app code, public files,
// configs, package.json and the lockfile, the .env files) and the NEXT_PUBLIC_* settings it inlines,
// stored in .next/threadline-sources.sha256 after a successful build. Same fingerprint and a
// complete .next: serve at once. Anything else: `next build` first.
// Plain Node (no TypeScript loader), so the check itself takes well under a second.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = process.cwd();
const stampFile = path.join(root, ".next", "threadline-sources.sha256");
const sourceDirs = ["app", "components", "lib", "public", "supabase/migrations", "supabase/seed.sql"];
const sourceFiles = [
  "package.json", "package-lock.json", "next.config.js", "tsconfig.json", "postcss.config.mjs",
  "proxy.ts", "instrumentation.ts", ".env", ".env.local", ".env.production", ".env.production.local",
];

function walk(entry, out) {
  const full = path.join(root, entry);
  if (!existsSync(full)) return;
  const stat = statSync(full);
  if (stat.isFile()) out.push(entry);
  else if (stat.isDirectory()) for (const name of readdirSync(full).sort()) walk(path.join(entry, name), out);
}

export function sourcesFingerprint() {
  const files = [];
  for (const entry of [...sourceDirs, ...sourceFiles]) walk(entry, files);
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(path.join(root, file))).update("\0");
  const inlined = Object.keys(process.env).filter((k) => k.startsWith("NEXT_PUBLIC_")).sort();
  for (const key of inlined) hash.update(`env:${key}=${process.env[key]}\0`);
  return hash.digest("hex");
}

function run(args) {
  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [next, ...args], { stdio: "inherit" });
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const fingerprint = sourcesFingerprint();
const built = existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === fingerprint;
if (built) {
  console.log("threadline: nothing changed since the last build; serving it (delete .next to force a build).");
} else {
  console.log("threadline: sources changed since the last build (or none yet); building first.");
  const code = await run(["build"]);
  if (code !== 0) process.exit(code);
  writeFileSync(stampFile, fingerprint + "\n");
}
process.exit(await run(["start", ...process.argv.slice(2)]));
