import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// The model's context begin_turn returns (docs/performance.md, "The turn-cost change"): who said
// what, the newest messages first bounded by count and by size, nothing the agents do not read.

describe.each(backends)("the model's context on $name", ({ open }) => {
  const t = databaseFor(open);

  it("holds each message's id, seq, role and words, not its metadata (buttons, tool outputs)", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_message: "a tent for two" });
    await finish(t.db, a.user_message.id, {
      p_content: "Here are two tents.",
      p_metadata: { buttons: [{ label: "Compare", action: { id: "compare" } }], tools: ["search_catalog"], products: [{ sku: "T-2" }] },
    });
    const b = await begin(t.db, u, { p_message: "the lighter one" });
    expect(b.history).toEqual([
      { id: a.user_message.id, seq: expect.any(Number), role: "user", content: "a tent for two" },
      { id: expect.any(String), seq: expect.any(Number), role: "agent", content: "Here are two tents." },
      { id: b.user_message.id, seq: expect.any(Number), role: "user", content: "the lighter one" },
    ]);
  });

  it("keeps the newest messages within about 6,000 tokens of text (24,000 characters), the newest always", async () => {
    const u = visitor();
    let last = await begin(t.db, u, { p_message: "a".repeat(10_000) });
    for (const letter of ["b", "c", "d"]) last = await begin(t.db, u, { p_message: letter.repeat(10_000) });
    // newest first: d (0 before it), c (10,000), b (20,000) fit; a has 30,000 newer characters
    expect(last.history.map((m) => m.content[0])).toEqual(["b", "c", "d"]);
    const huge = await begin(t.db, u, { p_message: "e".repeat(30_000) });
    expect(huge.history.map((m) => m.content[0])).toEqual(["e"]);
    const limited = await begin(t.db, u, { p_message: "f", p_history_limit: 2 });
    expect(limited.history.map((m) => m.content[0])).toEqual(["e", "f"]);
  });

  it("reads a long session's newest messages and buttons from the session's own index, however many newer messages other sessions hold", async () => {
    // a long session (a frequent value in the statistics), then many newer messages of other sessions: a plan made
    // for this session's id (the caller asks for one here; session_context keeps its generic plan) walked the
    // table-wide seq index back past all of them (docs/performance.md, "The catalog search and begin_turn")
    const u = visitor();
    await t.sql(`do $$ declare r jsonb; begin
      for i in 1..150 loop
        r := public.begin_turn(p_user_id => '${u}', p_message => 'question ' || i);
        perform public.finish_turn(p_user_message_id => (r -> 'user_message' ->> 'id')::uuid, p_content => 'answer ' || i);
      end loop;
      for i in 1..400 loop
        r := public.begin_turn(p_user_id => 'other-${u}-' || i, p_message => 'hello');
        perform public.finish_turn(p_user_message_id => (r -> 'user_message' ->> 'id')::uuid, p_content => 'hi');
      end loop; end $$`);
    await t.sql("analyze public.conversation_messages");
    await t.sql(`create function public.scans_during(p_sql text) returns bigint language plpgsql as $$
      declare v_before bigint;
      begin
        perform set_config('plan_cache_mode', 'force_custom_plan', true);
        v_before := pg_stat_get_xact_numscans('public.conversation_messages_seq'::regclass);
        execute p_sql;
        return pg_stat_get_xact_numscans('public.conversation_messages_seq'::regclass) - v_before;
      end $$`);
    await t.sql(`create function public.history_probe(p_user_id text) returns jsonb language plpgsql as $$
      declare v_session uuid; v_before bigint; v_context jsonb;
      begin
        perform set_config('plan_cache_mode', 'force_custom_plan', true);
        select s.id into v_session from public.conversation_sessions s where s.user_id = p_user_id and s.is_active;
        v_before := pg_stat_get_xact_numscans('public.conversation_messages_seq'::regclass);
        v_context := public.session_context(v_session, 20);
        return jsonb_build_object('seq_index_scans', pg_stat_get_xact_numscans('public.conversation_messages_seq'::regclass) - v_before,
                                  'history', v_context -> 'history');
      end $$`);
    const [{ probe }] = await t.sql<{ probe: { seq_index_scans: number; history: { content: string }[] } }>(
      "select public.history_probe($1) as probe", [u]);
    expect(probe.seq_index_scans).toBe(0);
    // the same for the session's last agent message a pressed button (action_source: the app's own actions find
    // none, the worst case) or a menu number (menu_pick) is looked up in
    const [{ scans }] = await t.sql<{ scans: number }>(`select public.scans_during($$
      select private.action_source(s.id, '{"id": "menu"}'), private.menu_pick(s.id, '2')
        from public.conversation_sessions s where s.user_id = '${u}' and s.is_active $$)::int as scans`);
    expect(scans).toBe(0);
    await t.sql("drop function public.scans_during(text)");
    expect(probe.history.map((m) => m.content)).toEqual(
      Array.from({ length: 10 }, (_, k) => [`question ${141 + k}`, `answer ${141 + k}`]).flat());
    await t.sql("drop function public.history_probe(text)");
  });
});
