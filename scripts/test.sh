#!/usr/bin/env bash
# npm test: every suite, on real things. One PostgreSQL server and one
# production build are shared by all suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh
bash scripts/ensure-tools.sh
[ -d node_modules/next ] || npm install --no-audit --no-fund

echo "== lint and types"
npx tsc --noEmit
npx eslint --max-warnings 0 .

echo "== production build"
export NEXT_TELEMETRY_DISABLED=1
npx next build > .next-build.log 2>&1 || { cat .next-build.log; exit 1; }
tail -n 5 .next-build.log

echo "== unit, database (with the pgTAP suite under pg_prove) and HTTP tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json

echo "== browser tests (Playwright, Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json npx playwright test --reporter=list,json

node scripts/test-summary.mjs
