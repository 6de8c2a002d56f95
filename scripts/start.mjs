// npm start: build only when the sources changed since the last build, then serve (README "Two
// commands", docs/operations.md). The sources' fingerprint (sources-fingerprint.mjs) is stored in
// .next/threadline-sources.sha256 after a successful build; the same fingerprint and a complete
// .next serve at once, anything else runs `next build` first.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { builtFrom, sourcesFingerprint, stampFile } from "./sources-fingerprint.mjs";

const root = process.cwd();

function next(args) {
  const bin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: "inherit" });
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

const fingerprint = sourcesFingerprint(root);
if (builtFrom(root, fingerprint)) {
  console.log("threadline: nothing changed since the last build; serving it (delete .next to force a build).");
} else {
  console.log("threadline: sources changed since the last build (or none yet); building first.");
  const code = await next(["build"]);
  if (code !== 0) process.exit(code);
  writeFileSync(stampFile(root), fingerprint + "\n");
}
process.exit(await next(["start", ...process.argv.slice(2)]));
