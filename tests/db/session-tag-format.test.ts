import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, visitor } from "./turn-helpers";

// The session-tag format has one home (docs/architecture.md, "Session tags"): private.session_tag
// writes it (next_session_tag, and search_tags' candidates), private.session_tag_pattern recognises a
// whole tag (search_traces searches it exactly and answers its `mode`), and the app keeps no copy.

describe.each(backends)("the session-tag format on $name", ({ open }) => {
  const t = databaseFor(open);

  it("every tag the database writes is one its pattern recognises, and nothing else is", async () => {
    const u = visitor();
    const first = await begin(t.db, u, { p_message: "a tent" });
    const second = await begin(t.db, u, { p_message: "a lamp", p_agent: "order_assistant" });
    const [stored] = await t.sql<{ ok: boolean; same: boolean }>(
      `select bool_and(s.session_tag ~ private.session_tag_pattern()) as ok,
              bool_and(s.session_tag = private.session_tag(s.model_id, substring(s.session_tag from '[0-9]+$')::bigint)) as same
         from conversation_sessions s where s.user_id = $1`, [u]);
    expect(stored).toEqual({ ok: true, same: true });
    expect(first.session.session_tag).not.toBe(second.session.session_tag);
    const [made] = await t.sql<{ tags: string[]; ok: boolean[] }>(
      `select array_agg(private.session_tag(m.id, n) order by n) as tags,
              array_agg(private.session_tag(m.id, n) ~ private.session_tag_pattern() order by n) as ok
         from llm_models m, unnest(array[1, 7, 999, 1000, 123456]::bigint[]) n where m.key = 'offline'`);
    expect(made.ok).toEqual([true, true, true, true, true]);
    expect(made.tags.map((tag) => tag.replace(/^chat_model_[0-9a-f]{6}/, "x"))).toEqual(["x_001", "x_007", "x_999", "x_1000", "x_123456"]);
    for (const tag of [first.session.session_tag, second.session.session_tag]) {
      expect((await t.sql<{ ok: boolean }>("select $1 ~ private.session_tag_pattern() as ok", [tag]))[0].ok).toBe(true);
    }
    for (const near of ["chat_model_3f2a9_001", "chat_model_3f2a9c_01", "chat_model_3f2a9c", "xchat_model_3f2a9c_001", "chat_model_3f2a9c_001 ", "refund"]) {
      expect([near, (await t.sql<{ ok: boolean }>("select $1 ~ private.session_tag_pattern() as ok", [near]))[0].ok]).toEqual([near, false]);
    }
  });

  it("search_traces searches a whole tag exactly and a piece of one through the same format (search_tags)", async () => {
    const u = visitor();
    const q = await begin(t.db, u, { p_message: "a tent", p_tracking: true });
    const tag = q.session.session_tag;
    const exact = (await t.db.rpc("search_traces", { p_q: tag, p_user_id: u })) as { mode: string; traces: { session_tag: string }[] };
    expect(exact.mode).toBe("exact");
    expect(exact.traces.map((r) => r.session_tag)).toEqual([tag]);
    const piece = tag.slice("chat_model_".length); // "<6 hex>_001": matched against the tags search_tags writes
    const contains = (await t.db.rpc("search_traces", { p_q: piece, p_user_id: u })) as { mode: string; traces: { session_tag: string }[] };
    expect(contains.mode).toBe("contains");
    expect(contains.traces.map((r) => r.session_tag)).toEqual([tag]);
  });
});

describe("the app keeps no copy of the session-tag format", () => {
  it("no regular expression of a tag in app/, components/ or lib/", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const files = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []);
    const copies = ["app", "components", "lib"].flatMap(files).filter((f) => !f.endsWith("database.types.ts"))
      // code only (comments may name the format): a pattern over the tag, or a test of its prefix
      .filter((f) => /chat_model_(\[|\\|\{|\(|\$\{)|\/\^?chat_model|"chat_model_"\.includes/.test(
        readFileSync(path.join(root, f), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")));
    expect(copies).toEqual([]);
  });
});
