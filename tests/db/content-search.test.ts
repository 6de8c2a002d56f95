import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";
import { begin, finish, step, visitor } from "./turn-helpers";

// The explorer's search by what was said (search_traces with a q that does not read as a tag):
// messages and tool steps through their generated tsvector (GIN), fragments through trigrams; a
// snippet with the words marked; masked like every explorer output; retention's removed rows not found.

const START = "\u0002";
const STOP = "\u0003";

describe.each(backends)("content search on $name", ({ open }) => {
  let t: TestDatabase;
  const ids: Record<string, { trace: string; session: string; message: string }> = {};
  async function chat(words: string, tool?: Record<string, unknown>) {
    const asked = await begin(t.db, visitor(), { p_message: words });
    const steps = tool ? [step("generation"), step("tool", { name: "lookup", arguments: tool, result: { ok: true } })] : [step("generation")];
    await finish(t.db, asked.user_message.id, { p_content: "Let me check that for you.", p_observations: steps });
    return { trace: asked.session.trace_id as string, session: asked.session.id as string, message: asked.user_message.id as string };
  }
  beforeAll(async () => {
    t = await open();
    ids.tent = await chat("I want a refund for my tent");
    ids.removed = await chat("Please refund my old stove");
    ids.other = await chat("Which lantern is brightest?");
    ids.tool = await chat("Where is my parcel?", { query: "parcel tracking zebracode" });
    ids.pii = await chat("refund to ana.lopez@example.com please");
    // retention removes the old conversation's rows (its trace stays, marked)
    await t.sql("update conversation_messages set created_at = now() - interval '60 days' where session_id = $1", [ids.removed.session]);
    await t.sql("update llm_observations set created_at = now() - interval '60 days', started_at = started_at - interval '60 days', ended_at = ended_at - interval '60 days' where session_id = $1", [ids.removed.session]);
    await t.db.rpc("configure_retention", { p_days: 30 });
    for (let i = 0; i < 10 && (await t.db.rpc("apply_retention", {})).more; i++);
    await t.db.rpc("configure_retention", { p_days: null });
  });
  afterAll(async () => {
    await t?.db.rpc("configure_privacy", { p_pii_masking: "off" });
    await t?.close();
  });

  const found = async (q: string, extra: Record<string, unknown> = {}) => (await t.db.rpc("search_traces", { p_q: q, p_limit: 200, ...extra })).traces;

  it("finds a visitor's words, with the message and the words marked, and not a conversation retention removed", async () => {
    const rows = await found("refund");
    const ours = rows.filter((r) => [ids.tent.trace, ids.removed.trace].includes(r.id));
    expect(ours.map((r) => r.id)).toEqual([ids.tent.trace]);
    expect(ours[0].match).toMatchObject({ kind: "message", message_id: ids.tent.message, role: "user" });
    expect(ours[0].match?.snippet).toBe(`I want a ${START}refund${STOP} for my tent`);
    expect(rows.some((r) => r.id === ids.other.trace)).toBe(false);
  });

  it("finds phrases, stems and fragments, and tool arguments", async () => {
    expect((await found('"refund for my tent"')).map((r) => r.id)).toContain(ids.tent.trace);
    expect((await found('"tent for refund"')).map((r) => r.id)).not.toContain(ids.tent.trace);
    expect((await found("refunds")).map((r) => r.id)).toContain(ids.tent.trace);
    expect((await found("lante")).map((r) => r.id)).toEqual(expect.arrayContaining([ids.other.trace]));
    const tool = (await found("zebracode")).find((r) => r.id === ids.tool.trace);
    expect(tool?.match).toMatchObject({ kind: "tool", name: "lookup" });
    expect(tool?.match?.snippet).toContain(`${START}zebracode${STOP}`);
  });

  it("keeps a q that reads as a tag a tag search (no match attached)", async () => {
    const [{ session_tag: tag }] = await t.sql<{ session_tag: string }>("select session_tag from llm_traces where id = $1", [ids.tent.trace]);
    const rows = await found(tag);
    // tags repeat across visitors by design: every visitor's first chat has this one
    expect(rows.map((r) => r.id)).toContain(ids.tent.trace);
    expect(rows.every((r) => r.session_tag === tag && r.match == null)).toBe(true);
  });

  it("says how it read the search box (the explorer shows it, keeping no copy of the rule), and never scans for a fragment under three characters", async () => {
    const modes: Record<string, string> = {
      refund: "words", chat_model_3f2a9c_015: "exact", "3f2a9c": "contains", abcdef: "contains", _01: "contains", chat: "contains",
      model: "contains", "tent 2": "words", "I want a refund": "words", "<script>": "words", "%": "words",
    };
    for (const [q, mode] of Object.entries(modes)) {
      const r = (await t.db.rpc("search_traces", { p_q: q })) as { mode: string };
      expect([q, r.mode]).toEqual([q, mode]);
    }
    expect(((await t.db.rpc("search_traces", {})) as { mode: string | null }).mode).toBeNull();
    expect((await found("te")).map((r) => r.id)).not.toContain(ids.tent.trace);
  });

  it("pages a content search by keyset", async () => {
    const first = await t.db.rpc("search_traces", { p_q: "refund", p_limit: 1 });
    expect(first.has_more).toBe(true);
    const last = first.traces[0];
    const next = await t.db.rpc("search_traces", { p_q: "refund", p_limit: 1, p_after_value: last.sort_value, p_after_id: last.id });
    expect(next.traces[0].id).not.toBe(last.id);
  });

  it("masks the snippet when PII_MASKING masks outputs", async () => {
    await t.db.rpc("configure_privacy", { p_pii_masking: "export" });
    const row = (await found("refund")).find((r) => r.id === ids.pii.trace);
    expect(row?.match?.snippet).not.toContain("ana.lopez@example.com");
    expect(row?.match?.snippet).toContain("[email]");
    await t.db.rpc("configure_privacy", { p_pii_masking: "off" });
    expect((await found("refund")).find((r) => r.id === ids.pii.trace)?.match?.snippet).toContain("ana.lopez@example.com");
  });

  it("pages a word exactly, newest first, whether the newest traces fill the page or the GIN indexes are read", async () => {
    // five chats with the word (one only in a tool step), three without, interleaved
    const made: string[] = [];
    for (let i = 0; i < 8; i++) {
      const c = i % 3 === 2 ? await chat(`just browsing ${i}`) : i === 4 ? await chat(`looking around ${i}`, { note: "quokkaword" }) : await chat(`a quokkaword question ${i}`);
      if (i % 3 !== 2) made.push(c.trace);
    }
    const newestFirst = [...made].reverse();
    const seen: string[] = [];
    let cursor: { v?: string; i?: string } = {};
    // limit 2: pages 1 and 2 fill from the newest traces; page 3 (one left) falls back to the indexes
    for (let page = 0; page < 4; page++) {
      const r = await t.db.rpc("search_traces", { p_q: "quokkaword", p_limit: 2, p_after_value: cursor.v, p_after_id: cursor.i });
      seen.push(...r.traces.map((x) => x.id));
      if (!r.has_more) break;
      const last = r.traces.at(-1)!;
      cursor = { v: last.sort_value, i: last.id };
    }
    expect(seen).toEqual(newestFirst);
    const [first] = (await t.db.rpc("search_traces", { p_q: "quokkaword", p_limit: 1 })).traces;
    expect(first.match).toMatchObject({ kind: "message" });
  });

  it("pages a phrase and a fragment exactly through the short walk, the deeper walk and the GIN indexes", async () => {
    // 2,500 newer traces, one message each: the phrase in every 40th, its words apart in every 7th
    // (a decoy the phrase must not find), a fragment inside a longer word in every 30th, and in five the
    // quoted phrase only inside an HTML tag, which the text parser swallows whole (not in the tsvector):
    // found by the `ilike` half alone, behind its literal `"` (private.search_literal)
    await t.sql(
      `with s as (
         insert into conversation_sessions (user_id, agent_type, model_id, session_tag, is_active, started_at, ended_at, duration_seconds, end_reason)
         select 'walker', 'support', (select id from llm_models order by key limit 1), 'chat_walk_' || i, false,
                now() + interval '1 hour' + make_interval(secs => i), now() + interval '1 hour' + make_interval(secs => i), 0, 'user'
           from generate_series(1, 2500) i
         returning id, session_tag, started_at),
       tr as (
         insert into llm_traces (session_id, session_tag, user_id, agent_type, model_id, created_at)
         select s.id, s.session_tag, 'walker', 'support', (select id from llm_models order by key limit 1), s.started_at from s
         returning session_id)
       insert into conversation_messages (session_id, user_id, role, content, created_at)
       select s.id, 'walker', 'user',
              concat_ws(' ', 'hello', case when i % 40 = 0 then 'amber walrus' when i % 7 = 0 then 'walrus and amber' end,
                        case when i % 30 = 0 then 'xqzfragmentx' end,
                        case when i % 500 = 250 then '<b title="Amber Walrus">x</b>' end), s.started_at
         from s cross join lateral (select substring(s.session_tag from 11)::int as i) n`,
    );
    const expected = async (where: string) =>
      (await t.sql<{ id: string }>(
        `select t.id from llm_traces t where exists (select 1 from conversation_messages m where m.session_id = t.session_id and ${where})
          order by t.created_at desc, t.id desc`,
      )).map((r) => r.id);
    const pages = async (q: string, limit: number) => {
      const seen: string[] = [];
      let cursor: { v?: string; i?: string } = {};
      for (let page = 0; page < 100; page++) {
        const r = await t.db.rpc("search_traces", { p_q: q, p_limit: limit, p_after_value: cursor.v, p_after_id: cursor.i });
        seen.push(...r.traces.map((x) => x.id));
        if (!r.has_more) break;
        const last = r.traces.at(-1)!;
        cursor = { v: last.sort_value, i: last.id };
      }
      return seen;
    };
    const phrase = await expected("m.content ilike '%amber walrus%'");
    const fragment = await expected("m.content like '%qzfra%'");
    expect([phrase.length, fragment.length]).toEqual([67, 83]);
    const [tagged] = await t.sql<{ words: boolean }>(
      `select to_tsvector('english', '<b title="Amber Walrus">x</b>') @@ websearch_to_tsquery('english', '"amber walrus"') as words`);
    expect(tagged.words).toBe(false);
    // limit 20: 5 phrases in the newest 200 → a walk of 2,000 fills the page; limits 50 and 200: a walk
    // of 4,080 and 10,000 (all 2,500); the last pages of each fall back to the GIN and trigram indexes
    for (const limit of [20, 50, 200]) {
      expect(await pages('"amber walrus"', limit)).toEqual(phrase);
      expect(await pages("qzfra", limit)).toEqual(fragment);
    }
    // tool steps: a word in the steps of 25 of those traces (the walk tests their list, private.search_tool_traces)
    // and one in the steps of 1,250 (over 1,000: the walk probes each trace's steps), paged exactly either way
    await t.sql(
      `insert into llm_observations (trace_id, session_id, user_id, position, kind, name, started_at, ended_at, duration_ms, arguments, result)
       select t.id, t.session_id, t.user_id, 1, 'tool', 'lookup', t.created_at, t.created_at, 0,
              jsonb_build_object('q', concat_ws(' ', case when n.i % 100 = 0 then 'fewtoolword' end, case when n.i % 2 = 0 then 'manytoolword' end)), '{}'
         from llm_traces t cross join lateral (select substring(t.session_tag from 11)::int as i) n
        where t.session_tag like 'chat_walk_%' and (n.i % 100 = 0 or n.i % 2 = 0)`,
    );
    const tooled = async (word: string) =>
      (await t.sql<{ id: string }>(
        `select t.id from llm_traces t where exists (select 1 from llm_observations o where o.trace_id = t.id and o.kind = 'tool' and o.arguments->>'q' like $1)
          order by t.created_at desc, t.id desc`, [`%${word}%`])).map((r) => r.id);
    const [lists] = await t.sql<{ few: number | null; many: number | null }>(
      `select cardinality(private.search_tool_traces(to_tsquery('english', 'fewtoolword'))) as few,
              cardinality(private.search_tool_traces(to_tsquery('english', 'manytoolword'))) as many`);
    expect(lists).toEqual({ few: 25, many: null });
    for (const limit of [20, 200]) {
      expect(await pages("fewtoolword", limit)).toEqual(await tooled("fewtoolword"));
      expect(await pages("manytoolword", limit)).toEqual(await tooled("manytoolword"));
    }
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(200, 5, 20) as n")).toEqual([{ n: 2000 }]);
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(200, 2, 50) as n")).toEqual([{ n: 10000 }]);
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(200, 0, 50) as n")).toEqual([{ n: 2000 }]);
    // a deeper walk that fell short walks again at its rate, to 10,000 in all; one that found nothing goes to the indexes
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(2266, 34, 50) as n")).toEqual([{ n: 6798 }]);
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(2000, 50, 50) as n")).toEqual([{ n: 4080 }]);
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(6798, 40, 50) as n")).toEqual([{ n: 10000 }]);
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(10000, 30, 50) as n")).toEqual([{ n: 0 }]);
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(2000, 0, 50) as n")).toEqual([{ n: 0 }]);
  });

  it("tests a fragment's literal character before its ilike: only an ASCII character that is no letter, digit or space", async () => {
    const literal = async (q: string | null) => (await t.sql<{ c: string | null }>("select private.search_literal($1) as c", [q]))[0].c;
    expect([await literal('"refund tent"'), await literal("tent-stove"), await literal("50% off"), await literal("refund tent"),
      await literal("ÉCRAN 4k"), await literal("«tente»"), await literal(null)]).toEqual(['"', "-", "%", null, null, null, null]);
  });
  it("hands the index stage a rare word's traces by id (messages' traces and the tool list), and nothing above the cap", async () => {
    const traces = async (word: string, tools: string[] | null, cap = 5000) =>
      (await t.sql<{ ids: string[] | null }>(
        "select private.search_content_traces(websearch_to_tsquery('english', $1), '%' || $1 || '%', $2::uuid[], $3) as ids", [word, tools, cap]))[0].ids;
    const joined = async (word: string) =>
      (await t.sql<{ id: string }>(
        `select distinct c.id from conversation_messages m join llm_traces c on c.session_id = m.session_id
          where m.search_vector @@ websearch_to_tsquery('english', $1) or m.content ilike '%' || $1 || '%'`, [word])).map((r) => r.id);
    const refund = await joined("refund");
    expect(refund.length).toBeGreaterThan(1);
    expect(refund).not.toContain(ids.removed.trace); // retention removed its messages
    expect(new Set(await traces("refund", []))).toEqual(new Set(refund));
    // the tool steps' list (private.search_tool_traces) is part of the answer
    expect(await traces("zebracode", [ids.tool.trace])).toEqual([ids.tool.trace]);
    expect(new Set(await traces("refund", [ids.tool.trace]))).toEqual(new Set([...refund, ids.tool.trace]));
    // more matching messages than the cap, or tool steps too many to list: null (the planner's join instead)
    expect(await traces("refund", [], 1)).toBeNull();
    expect(await traces("refund", null)).toBeNull();
    expect(await traces("nosuchwordanywhere", [])).toEqual([]);
  });
  it("skips the index stage when the walk read every trace of the filters (a visitor's few traces): same rows", async () => {
    const [{ user_id: user }] = await t.sql<{ user_id: string }>("select user_id from llm_traces where id = $1", [ids.tent.trace]);
    // calls of the index stage's collector inside one search_traces call (track_functions, this transaction)
    await t.sql(`create or replace function public.index_stage_calls(p_args jsonb) returns jsonb language plpgsql as $$
      declare v_before bigint; v_result jsonb;
      begin
        perform set_config('track_functions', 'all', true);
        v_before := coalesce(pg_stat_get_xact_function_calls('private.search_content_traces(tsquery,text,uuid[],integer)'::regprocedure), 0);
        v_result := public.search_traces(p_q => p_args->>'q', p_user_id => p_args->>'user', p_limit => 50);
        return jsonb_build_object('calls', coalesce(pg_stat_get_xact_function_calls('private.search_content_traces(tsquery,text,uuid[],integer)'::regprocedure), 0) - v_before,
                                  'ids', (select jsonb_agg(r->'id') from jsonb_array_elements(v_result->'traces') r));
      end $$`);
    const run = async (args: Record<string, string>) =>
      (await t.sql<{ r: { calls: number; ids: string[] | null } }>("select public.index_stage_calls($1) as r", [JSON.stringify(args)]))[0].r;
    const visitorOnly = await run({ q: "refund", user });
    expect(visitorOnly).toEqual({ calls: 0, ids: [ids.tent.trace] });
    expect((await run({ q: "nosuchwordanywhere", user })).calls).toBe(0);
    await t.sql("drop function public.index_stage_calls(jsonb)");
  });
  it("walks a heavy visitor's traces past 10,000 when they are fewer than the messages the indexes would read: the plain query's rows, no index stage", async () => {
    // 10,600 traces of one visitor, one message each: "copper heron" in every 250th (40 in the newest
    // 10,000, fewer than a page of 50; two more past them), its words apart in every other (6,000 messages
    // the index stage would read); "violet ibis" in five, one past the newest 10,000 (few messages: the indexes)
    await t.sql(
      `with s as (
         insert into conversation_sessions (user_id, agent_type, model_id, session_tag, is_active, started_at, ended_at, duration_seconds, end_reason)
         select 'heavy', 'support', (select id from llm_models order by key limit 1), 'chat_heavy_' || i, false,
                now() + interval '2 hours' + make_interval(secs => i), now() + interval '2 hours' + make_interval(secs => i), 0, 'user'
           from generate_series(1, 10600) i
         returning id, session_tag, started_at),
       tr as (
         insert into llm_traces (session_id, session_tag, user_id, agent_type, model_id, created_at)
         select s.id, s.session_tag, 'heavy', 'support', (select id from llm_models order by key limit 1), s.started_at from s
         returning session_id)
       insert into conversation_messages (session_id, user_id, role, content, created_at)
       select s.id, 'heavy', 'user',
              concat_ws(' ', 'hi', case when i % 250 = 0 then 'copper heron' when i % 2 = 0 then 'heron and copper' end,
                        case when i % 3000 = 1500 or i = 300 then 'violet ibis' end), s.started_at
         from s cross join lateral (select substring(s.session_tag from 12)::int as i) n`,
    );
    await t.sql("analyze conversation_messages");
    const expected = async (words: string) =>
      (await t.sql<{ id: string }>(
        `select t.id from llm_traces t where t.user_id = 'heavy'
            and exists (select 1 from conversation_messages m where m.session_id = t.session_id and m.content like $1)
          order by t.created_at desc, t.id desc`, [`%${words}%`])).map((r) => r.id);
    // every page of a search of the visitor, and the calls of the index stage's collector (track_functions, one transaction)
    await t.sql(`create or replace function public.visitor_pages(p_q text, p_limit integer) returns jsonb language plpgsql as $$
      declare v_fn regprocedure := 'private.search_content_traces(tsquery,text,uuid[],integer)'; v_before bigint; v_page jsonb; v_ids jsonb := '[]'; v_last jsonb;
      begin
        perform set_config('track_functions', 'all', true);
        v_before := coalesce(pg_stat_get_xact_function_calls(v_fn), 0);
        loop
          v_page := public.search_traces(p_q => p_q, p_user_id => 'heavy', p_limit => p_limit, p_after_value => v_last->>'sort_value', p_after_id => (v_last->>'id')::uuid);
          v_ids := v_ids || coalesce((select jsonb_agg(r->'id') from jsonb_array_elements(v_page->'traces') r), '[]');
          v_last := v_page->'traces'->-1;
          exit when not (v_page->>'has_more')::boolean;
        end loop;
        return jsonb_build_object('calls', coalesce(pg_stat_get_xact_function_calls(v_fn), 0) - v_before, 'ids', v_ids);
      end $$`);
    const pages = async (q: string, limit: number) =>
      (await t.sql<{ r: { calls: number; ids: string[] } }>("select public.visitor_pages($1, $2) as r", [q, limit]))[0].r;
    const phrase = await expected("copper heron");
    const rare = await expected("violet ibis");
    expect([phrase.length, rare.length]).toEqual([42, 5]);
    // limit 50: the walks read the newest 10,000 (40 found), then the other 600 (2 more): one page, no index stage
    expect(await pages('"copper heron"', 50)).toEqual({ calls: 0, ids: phrase });
    for (const limit of [20, 200]) expect((await pages('"copper heron"', limit)).ids).toEqual(phrase);
    // the rare phrase: more traces past the walk than messages to read, so the indexes find the fifth
    expect(await pages('"violet ibis"', 50)).toEqual({ calls: 1, ids: rare });
    const depth = async (q: string, user: string | null) =>
      (await t.sql<{ n: number }>("select private.search_walk_deeper(10000, 40, 50, $2, websearch_to_tsquery('english', $1)) as n", [q, user]))[0].n;
    expect([await depth('"copper heron"', "heavy"), await depth('"copper heron"', null), await depth('"violet ibis"', "heavy")]).toEqual([10600, 0, 0]);
    // walks that found nothing in 2,000 traces (a rare word, a code) go to the indexes, a visitor's too
    expect(await t.sql<{ n: number }>("select private.search_walk_deeper(2000, 0, 50, 'heavy', websearch_to_tsquery('english', '\"copper heron\"')) as n")).toEqual([{ n: 0 }]);
    await t.sql("drop function public.visitor_pages(text, integer)");
  });

  it("reads a content walk's keys first and the page's rows by key: the plain query's rows for every sort, direction and filter", async () => {
    // 3,000 traces of one visitor, one message each: "cobalt finch" in every 60th, its words apart in every
    // 5th; costs and latencies that tie across traces (the order's t.id decides), scores on some
    await t.sql(
      `with s as (
         insert into conversation_sessions (user_id, agent_type, model_id, session_tag, is_active, started_at, ended_at, duration_seconds, end_reason)
         select 'keyed', 'support', (select id from llm_models order by key limit 1), 'chat_keyed_' || i, false,
                now() + interval '3 hours' + make_interval(secs => i), now() + interval '3 hours' + make_interval(secs => i), 0, 'user'
           from generate_series(1, 3000) i
         returning id, session_tag, started_at),
       tr as (
         insert into llm_traces (session_id, session_tag, user_id, agent_type, model_id, created_at, cost_usd, latency_ms)
         select s.id, s.session_tag, 'keyed', case when n.i % 4 = 0 then 'sales' else 'support' end, (select id from llm_models order by key limit 1),
                s.started_at, (n.i % 7) / 100.0, n.i % 11
           from s cross join lateral (select substring(s.session_tag from 12)::int as i) n
         returning session_id)
       insert into conversation_messages (session_id, user_id, role, content, created_at)
       select s.id, 'keyed', 'user', concat_ws(' ', 'hey', case when i % 60 = 0 then 'cobalt finch' when i % 5 = 0 then 'finch and cobalt' end), s.started_at
         from s cross join lateral (select substring(s.session_tag from 12)::int as i) n`,
    );
    // the walk's statement names only the columns its order and match read (for a visitor: the index's)
    const [{ sql }] = await t.sql<{ sql: string }>(
      "select private.search_walk_query('t.created_at::text', 't.created_at desc, t.id desc', 'true and t.user_id = $5', private.search_content_match(true, false, true)) as sql");
    expect(sql).toContain("select t.created_at, t.id, t.session_id from public.llm_traces t where true and t.user_id = $5");
    const plain = async (order: string, where = "true") =>
      (await t.sql<{ id: string }>(
        `select t.id from llm_traces t where t.user_id = 'keyed' and ${where}
            and exists (select 1 from conversation_messages m where m.session_id = t.session_id and m.content like '%cobalt finch%')
          order by ${order}`)).map((r) => r.id);
    const pages = async (limit: number, extra: Record<string, unknown>) => {
      const seen: string[] = [];
      let cursor: { v?: string; i?: string } = {};
      for (let page = 0; page < 50; page++) {
        const r = await t.db.rpc("search_traces", { p_q: '"cobalt finch"', p_user_id: "keyed", p_limit: limit, p_after_value: cursor.v, p_after_id: cursor.i, ...extra });
        seen.push(...r.traces.map((x) => x.id));
        if (!r.has_more) break;
        const last = r.traces.at(-1)!;
        cursor = { v: last.sort_value, i: last.id };
      }
      return seen;
    };
    const newest = await plain("t.created_at desc, t.id desc");
    expect(newest.length).toBe(50);
    for (const limit of [7, 50]) {
      expect(await pages(limit, {})).toEqual(newest);
      expect(await pages(limit, { p_dir: "asc" })).toEqual(await plain("t.created_at asc, t.id asc"));
      expect(await pages(limit, { p_sort: "cost_usd" })).toEqual(await plain("t.cost_usd desc, t.created_at desc, t.id desc"));
      expect(await pages(limit, { p_sort: "latency_ms", p_dir: "asc" })).toEqual(await plain("t.latency_ms asc, t.id asc"));
      expect(await pages(limit, { p_agent: "sales" })).toEqual(await plain("t.created_at desc, t.id desc", "t.agent_type = 'sales'"));
    }
    // an exact tag with the words: the match names t.session_tag, read with the keys
    const [tag] = await t.sql<{ session_tag: string; id: string }>("select session_tag, id from llm_traces where session_tag = 'chat_keyed_600'");
    expect(await pages(50, { p_session_tag: tag.session_tag })).toEqual([tag.id]);
    expect(await pages(50, { p_session_tag: "chat_keyed_601" })).toEqual([]);
  });
});
