import path from "node:path";
import { defineConfig } from "vitest/config";

// One Postgres server for every suite (started in global-setup), three projects:
// unit (pure logic), db (invariants on PGlite and PostgreSQL), api (HTTP against `next start`).
export default defineConfig({
  // server-only resolves as on the server (its react-server build): tests run server code
  resolve: { alias: { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js") } },
  test: {
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "db", include: ["tests/db/**/*.test.ts"] } },
      { extends: true, test: { name: "api", include: ["tests/api/**/*.test.ts"], fileParallelism: false } },
      { extends: true, test: { name: "reliability", include: ["tests/reliability/**/*.test.ts"], fileParallelism: false } },
    ],
  },
});
