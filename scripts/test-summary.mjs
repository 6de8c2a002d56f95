// Prints what npm test ran: per suite, database tests per backend, and one closing line.
import { readFileSync } from "node:fs";

const read = (file) => JSON.parse(readFileSync(file, "utf8"));
const vitest = read("test-results/vitest.json");
let playwright = { stats: { expected: 0, unexpected: 0, flaky: 0 } };
try {
  playwright = read("test-results/playwright.json");
} catch {
  // no browser run
}

const bySuite = {};
const byBackend = { pglite: 0, postgres: 0 };
let passed = 0;
let failed = 0;
for (const file of vitest.testResults) {
  const suite = file.name.match(/tests\/(\w+)\//)?.[1] ?? "other";
  for (const t of file.assertionResults) {
    bySuite[suite] = (bySuite[suite] ?? 0) + 1;
    if (t.status === "passed") passed++;
    else if (t.status === "failed") failed++;
    if (suite === "db") {
      const name = [...t.ancestorTitles, t.title].join(" ").toLowerCase();
      if (/on postgres\b|postgresql/.test(name)) byBackend.postgres++;
      else byBackend.pglite++;
    }
  }
}
// pgTAP (tests/db/pgtap.test.ts runs pg_prove on supabase/tests/database): assertions, not files
let pgtap = { files: 0, tests: 0, failed: 0 };
try {
  pgtap = read("test-results/pgtap.json");
} catch {
  // the SQL tests did not run
}
const e2e = { passed: playwright.stats.expected, failed: playwright.stats.unexpected + playwright.stats.flaky };
bySuite.e2e = e2e.passed + e2e.failed;
passed += e2e.passed;
failed += e2e.failed;
console.log(`suites: ${Object.entries(bySuite).map(([k, v]) => `${k} ${v}`).join(", ")}`);
console.log(`database tests: ${byBackend.pglite} on PGlite, ${byBackend.postgres} on PostgreSQL`);
console.log(`pgTAP (pg_prove on PostgreSQL): ${pgtap.tests - pgtap.failed} of ${pgtap.tests} assertions passed in ${pgtap.files} files`);
// the closing line alone, in the plain 'N passed, N failed' form (the pgTAP assertions are counted above)
console.log(`tests: ${passed} passed, ${failed} failed`);
