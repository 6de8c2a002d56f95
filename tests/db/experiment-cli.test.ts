import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresDatabase } from "@/lib/db/postgres";
import { addDatasetItem, createDataset } from "@/lib/datasets/datasets";
import { freshPostgresUrl } from "../support/databases";

// `npm run experiment` (scripts/experiment.ts; docs/architecture.md, "Datasets and experiments") on a
// PostgreSQL database: ten bulk-order conversations replayed by three versions of the Order
// Assistant, graded by the order rule. The baseline exits 0; a draft that only rewords its
// instructions compares equal and exits 0; a version without `confirm_order` confirms no order,
// its score falls from 1 to 0 and the command exits 1.

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
let url: string;
let db: ReturnType<typeof createPostgresDatabase>;

const people = [
  ["Ana Lopez", "555-123-4501"], ["Ben Carter", "555-123-4502"], ["Chloe Nguyen", "555-123-4503"], ["David Kim", "555-123-4504"],
  ["Emma Rossi", "555-123-4505"], ["Farid Haddad", "555-123-4506"], ["Grace Lee", "555-123-4507"], ["Hugo Martin", "555-123-4508"],
  ["Ines Silva", "555-123-4509"], ["Jonas Berg", "555-123-4510"],
];

beforeAll(async () => {
  url = await freshPostgresUrl();
  db = createPostgresDatabase(url);
  await db.rpc("register_model", { p_key: "offline", p_name: "Threadline Offline", p_provider: "offline" });
  await createDataset(db, { name: "bulk-orders", description: "ten bulk orders to confirm" }, "ci");
  for (const [i, [name, phone]] of people.entries()) {
    const user = (content: string) => ({ role: "user" as const, content });
    const messages = [user(`Hi so i need to buy ${11 + i} remote controls`), user(name), user(`my number is ${phone}`), user(`${name.split(" ")[0].toLowerCase()}@example.com`), user("yes")];
    // the agent's replies between the questions are the replay's own; the item keeps the visitor's words
    await addDatasetItem(db, "bulk-orders", { input: { messages } });
  }
}, 120_000);
afterAll(() => db?.close());

async function experiment(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run("npx", ["tsx", "scripts/experiment.ts", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: url }, timeout: 240_000 });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

it("prints the comparison of two agent versions and exits 1 only when the candidate regresses past --max-regression", async () => {
  const baseline = await experiment("--dataset", "bulk-orders", "--agent", "order_assistant@1", "--evaluators", "order_confirmed_with_contact");
  expect(baseline.code, baseline.out).toBe(0);
  const baselineId = baseline.out.match(/^experiment ([0-9a-f-]{36})/m)![1];
  expect(baseline.out).toMatch(/mean\s+1\s/);

  const [agent] = (await db.pool.query("select instructions, tools from agents where key = 'order_assistant'")).rows;
  await db.rpc("save_agent", { p_key: "order_assistant", p_changes: { instructions: `${agent.instructions}\nBe brief.` }, p_draft: true, p_author: "ci" });
  const same = await experiment("--dataset", "bulk-orders", "--agent", "order_assistant@draft", "--baseline", baselineId);
  expect(same.code, same.out).toBe(0);
  expect(same.out).toMatch(/compared with baseline/);
  expect(same.out).toMatch(/no score fell more than 0 below the baseline/);

  const worse = await db.rpc("save_agent", {
    p_key: "order_assistant", p_changes: { tools: (agent.tools as string[]).filter((t) => t !== "confirm_order") }, p_draft: true, p_author: "ci",
  });
  const regressed = await experiment("--dataset", "bulk-orders", "--agent", `order_assistant@${worse.version}`, "--baseline", baselineId, "--max-regression", "0.5");
  expect(regressed.code, regressed.out).toBe(1);
  expect(regressed.out).toMatch(/REGRESSION order_confirmed_with_contact: 1 → 0 \(-1, allowed −0\.5\)/);
  // a regression within the allowance passes
  const allowed = await experiment("--dataset", "bulk-orders", "--agent", `order_assistant@${worse.version}`, "--baseline", baselineId, "--max-regression", "1");
  expect(allowed.code, allowed.out).toBe(0);
  // the table has one row per item, ten items
  expect(regressed.out.split("compared with baseline")[1].split("\n").filter((l) => /^\d+\s/.test(l))).toHaveLength(10);

  const bad = await experiment("--dataset", "bulk-orders", "--agent", "order_assistant");
  expect(bad.code).toBe(2);
}, 900_000);
