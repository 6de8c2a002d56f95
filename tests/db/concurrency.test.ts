import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";
import type { Tables } from "@/lib/db/database.types";

// The rule codes in the test names (R1–R11, T1–T3) are defined in docs/rules.md.

describe.each(backends)("concurrency, exactly-once and counters on $name", ({ open }) => {
  const t = databaseFor(open);

  it("R7: 50 concurrent first messages of one visitor make one active session with one trace", async () => {
    const u = visitor();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => begin(t.db, u, { p_message: `m${i}` })));
    expect(new Set(results.map((r) => r.session.id)).size).toBe(1);
    expect(results.filter((r) => r.new_session)).toHaveLength(1);
    const [counts] = await t.sql<{ active: number; sessions: number; traces: number; messages: number }>(
      `select (select count(*)::int from conversation_sessions where user_id = $1 and is_active) as active,
              (select count(*)::int from conversation_sessions where user_id = $1) as sessions,
              (select count(*)::int from llm_traces where user_id = $1) as traces,
              (select count(*)::int from conversation_messages where user_id = $1) as messages`, [u]);
    expect(counts).toEqual({ active: 1, sessions: 1, traces: 1, messages: 50 });
  });

  it("R7: 50 concurrent random agent switches never leave two active sessions or a session without a trace", async () => {
    const u = visitor();
    const agents = ["product_recommendation", "sales_pitch", "order_assistant"];
    await Promise.all(Array.from({ length: 50 }, (_, i) => begin(t.db, u, { p_agent: agents[(i * 7) % 3] })));
    const [row] = await t.sql<{ active: number; untraced: number; dup: number }>(
      `select (select count(*)::int from conversation_sessions where user_id = $1 and is_active) as active,
              (select count(*)::int from conversation_sessions s where user_id = $1
                 and not exists (select 1 from llm_traces t where t.session_id = s.id)) as untraced,
              (select count(*)::int - count(distinct session_tag)::int from conversation_sessions where user_id = $1) as dup`, [u]);
    expect(row).toEqual({ active: 1, untraced: 0, dup: 0 });
  });

  it("R8: a repeated client_message_id returns the first result and writes nothing new", async () => {
    const u = visitor();
    const id = randomUUID();
    const first = await begin(t.db, u, { p_client_message_id: id, p_message: "once" });
    const reply = await finish(t.db, first.user_message.id, { p_content: "the answer" });
    const again = await begin(t.db, u, { p_client_message_id: id, p_message: "once" });
    expect(again.status).toBe("replay");
    expect(again.user_message.id).toBe(first.user_message.id);
    expect(again.reply?.id).toBe(reply.reply.id);
    expect(again.new_session).toBe(true);
    // a second finish for the same question stores nothing and counts nothing
    const dup = await finish(t.db, first.user_message.id, { p_content: "another answer" });
    expect(dup.status).toBe("duplicate");
    expect(dup.reply.content).toBe("the answer");
    const [n] = await t.sql<{ messages: number; calls: number }>(
      `select (select count(*)::int from conversation_messages where user_id = $1) as messages,
              (select llm_calls from llm_traces where user_id = $1) as calls`, [u]);
    expect(n).toEqual({ messages: 2, calls: 1 });
  });

  it("R8: 20 concurrent copies of one message store it once", async () => {
    const u = visitor();
    const id = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => begin(t.db, u, { p_client_message_id: id })));
    expect(new Set(results.map((r) => r.user_message.id)).size).toBe(1);
    expect(await t.sql("select 1 from conversation_messages where user_id = $1", [u])).toHaveLength(1);
  });

  it("T2: each model call adds one call, its tokens and latency; a failure records the error", async () => {
    const u = visitor();
    const usage = [[12, 30, 100], [7, 11, 40], [100, 1, 5]];
    let sessionId = "";
    for (const [i, o, l] of usage) {
      const r = await begin(t.db, u);
      sessionId = r.session.id;
      await finish(t.db, r.user_message.id, { p_input_tokens: i, p_output_tokens: o, p_latency_ms: l });
    }
    const failed = await begin(t.db, u);
    await t.db.rpc("finish_turn", { p_user_message_id: failed.user_message.id, p_error: "model timed out", p_latency_ms: 9 });
    const [trace] = await t.sql(
      "select llm_calls, input_tokens::int, output_tokens::int, total_tokens::int, latency_ms::int, status, last_error from llm_traces where session_id = $1",
      [sessionId]);
    expect(trace).toEqual({ llm_calls: 3, input_tokens: 119, output_tokens: 42, total_tokens: 161, latency_ms: 154, status: "error", last_error: "model timed out" });
  });

  it("T3: tags count 001, 002, … per (user, model), with none lost or repeated under 100 concurrent starts", async () => {
    const u = visitor();
    const starts = await Promise.all(
      Array.from({ length: 100 }, (_, i) => begin(t.db, u, { p_channel: `c${i}` })),
    );
    const [model] = await t.sql<Pick<Tables<"llm_models">, "id">>("select id from llm_models where key = 'offline'");
    const prefix = `chat_model_${model.id.replace(/-/g, "").slice(0, 6)}_`;
    const tags = starts.map((s) => s.session.session_tag).sort();
    expect(tags).toEqual(Array.from({ length: 100 }, (_, i) => prefix + String(i + 1).padStart(3, "0")));
    // another visitor starts at 001 again
    const other = await begin(t.db, visitor());
    expect(other.session.session_tag).toBe(`${prefix}001`);
  });

  it("T3: the counter is per model", async () => {
    const u = visitor();
    await t.db.rpc("register_model", { p_key: "test-model-b", p_name: "Test B", p_provider: "openai_compatible" });
    const a = await begin(t.db, u, { p_channel: "x1" });
    const b = await begin(t.db, u, { p_channel: "x2", p_model_key: "test-model-b" });
    expect(a.session.session_tag.endsWith("_001")).toBe(true);
    expect(b.session.session_tag.endsWith("_001")).toBe(true);
    expect(a.session.session_tag).not.toBe(b.session.session_tag);
    await expect(begin(t.db, u, { p_model_key: "nope" })).rejects.toMatchObject({ code: "bad_request:model", status: 400 });
  });
});
