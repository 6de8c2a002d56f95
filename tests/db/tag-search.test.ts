import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";

// A tag substring in the explorer (search_traces with a q that reads as a tag): the tags are derived
// from the counters (private.search_tags) and merged per tag, or walked newest first, by how many
// match (docs/performance.md, "Tag search at scale"). Whichever plan runs, a page must be exactly
// what `session_tag ilike '%q%'` with the filters, ordered and cut, gives: compared here with that
// plain query over many calls (every sort, both directions, page 2 by the cursor, filters, no match).

interface Page {
  traces: { id: string; session_tag: string; sort_value: string }[];
  has_more: boolean;
  mode: string;
}

const SORTS: Record<string, (dir: string) => string> = {
  created_at: (d) => `t.created_at ${d}, t.id ${d}`,
  llm_calls: (d) => `t.llm_calls ${d}, t.id ${d}`,
  total_tokens: (d) => `t.total_tokens ${d}, t.id ${d}`,
  cost_usd: (d) => `t.cost_usd ${d}, t.created_at ${d}, t.id ${d}`,
};

describe.each(backends)("tag substring search on $name", ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
    // three models; 30 visitors with 1–70 sessions on each, and one with 2,100 on the first (tags past 999, and more than 2,000 tags in all)
    await t.sql(`
      insert into public.llm_models (key, name, provider) select 'tagsearch-' || i, 'Tag search ' || i, 'offline' from generate_series(1, 3) i
      on conflict do nothing`);
    await t.sql(`
      create temporary table plan as
      select v.user_id, m.id as model_id, m.i as model_n, n
        from (select 'tagvisitor-' || v as user_id, v from generate_series(1, 30) v) v
        cross join (select id, row_number() over (order by key) as i from public.llm_models where key like 'tagsearch-%') m
        cross join lateral generate_series(1, ((v.v * 7 + m.i * 11) % 70 + 1)::int) n
      union all
      select 'tagvisitor-heavy', (select id from public.llm_models where key = 'tagsearch-1'), 1, n from generate_series(1, 2100) n`);
    await t.sql(`
      insert into public.session_tag_counters (user_id, model_id, last_value)
      select user_id, model_id, max(n) from plan group by user_id, model_id`);
    await t.sql(`
      insert into public.conversation_sessions (id, user_id, agent_type, model_id, session_tag, is_active, started_at, last_activity_at, ended_at, end_reason, duration_seconds)
      select gen_random_uuid(), user_id, 'support', model_id, private.session_tag(model_id, n), false, c, c, c, 'user', 0
        from (select *, timestamptz '2026-11-01' + (n * 37 + length(user_id) * 13 + model_n * 101) % 3000 * interval '1 minute'
                        - (hashtext(user_id || n) % 5) * interval '1 minute' as c from plan) p`);
    await t.sql(`
      insert into public.llm_traces (session_id, session_tag, user_id, agent_type, model_id, created_at, llm_calls, input_tokens, cost_usd, feedback)
      select s.id, s.session_tag, s.user_id, s.agent_type, s.model_id, s.started_at, abs(hashtext(s.id::text)) % 4,
             abs(hashtext(s.session_tag)) % 50, (abs(hashtext(s.user_id || s.session_tag)) % 3) / 100.0,
             (array['pending', 'positive', 'negative'])[abs(hashtext(s.id::text || 'f')) % 3 + 1]
        from public.conversation_sessions s where s.user_id like 'tagvisitor-%'`);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const escape = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

  /** The page as the plain query gives it: ids in order, and whether another page exists. */
  async function expected(q: string, sort: string, dir: string, limit: number, extra: { feedback?: string; after?: { value: string; id: string } }) {
    const params: unknown[] = [`%${escape(q)}%`, limit + 1];
    let where = "t.session_tag ilike $1 and t.channel <> 'experiment'";
    if (extra.feedback) where += ` and t.feedback = $${params.push(extra.feedback)}`;
    if (extra.after) {
      const op = dir === "desc" ? "<" : ">";
      const keys = sort === "cost_usd" ? "t.cost_usd, t.created_at, t.id" : `t.${sort}, t.id`;
      const [a, b] = extra.after.value.split("|");
      const values = sort === "cost_usd" ? `$${params.push(a)}::numeric, $${params.push(b)}::timestamptz`
        : `$${params.push(a)}::${sort === "created_at" ? "timestamptz" : "bigint"}`;
      where += ` and (${keys}) ${op} (${values}, $${params.push(extra.after.id)}::uuid)`;
    }
    const rows = await t.sql<{ id: string }>(`select t.id from public.llm_traces t where ${where} order by ${SORTS[sort](dir)} limit $2`, params);
    return { ids: rows.slice(0, limit).map((r) => r.id), hasMore: rows.length > limit };
  }

  async function check(q: string, sort = "created_at", dir = "desc", limit = 50, feedback?: string) {
    const args = { p_q: q, p_sort: sort, p_dir: dir, p_limit: limit, p_feedback: feedback };
    const first = (await t.db.rpc("search_traces", args)) as Page;
    expect(first.mode).toBe("contains");
    const want = await expected(q, sort, dir, limit, { feedback });
    expect({ q, sort, dir, feedback, ids: first.traces.map((r) => r.id), more: first.has_more }).toEqual({ q, sort, dir, feedback, ids: want.ids, more: want.hasMore });
    if (!first.has_more) return first.traces.length;
    const last = first.traces[first.traces.length - 1];
    const second = (await t.db.rpc("search_traces", { ...args, p_after_value: last.sort_value, p_after_id: last.id })) as Page;
    const want2 = await expected(q, sort, dir, limit, { feedback, after: { value: last.sort_value, id: last.id } });
    expect({ q, sort, dir, page: 2, ids: second.traces.map((r) => r.id), more: second.has_more }).toEqual({ q, sort, dir, page: 2, ids: want2.ids, more: want2.hasMore });
    return first.traces.length;
  }

  it("derives each matching tag once, as private.session_tag writes it, and none that do not match", async () => {
    const [{ ok }] = await t.sql<{ ok: boolean }>(`
      select coalesce((select array_agg(x order by x) from unnest(private.search_tags('_00')) x), '{}') =
             coalesce((select array_agg(private.session_tag(c.model_id, n) order by private.session_tag(c.model_id, n))
                         from (select model_id, max(last_value) as last from public.session_tag_counters group by model_id) c
                        cross join lateral generate_series(1, c.last) n where private.session_tag(c.model_id, n) ilike '%\\_00%'), '{}') as ok`);
    expect(ok).toBe(true);
    const [{ none, all }] = await t.sql<{ none: string[]; all: string[] | null }>(
      "select private.search_tags('zx123456') as none, private.search_tags('chat') as all");
    expect(none).toEqual([]);
    expect(all).toBeNull(); // more than 2,000 tags: the search walks instead
  });

  it("gives exactly the plain query's pages for few tags, many tags, every tag and none, by every sort and direction", async () => {
    const [{ hex }] = await t.sql<{ hex: string }>(
      "select substring(private.session_tag(id, 1) from 'chat_model_([0-9a-f]{6})_') as hex from public.llm_models where key = 'tagsearch-1'");
    // few tags ('<hex>_01', '_100x'), hundreds ('_0', '_00' past 200 with three models), every tag ('chat', 'model'), none
    const qs = [`${hex}_01`, `${hex}_001`, `${hex}`, "_0", "_00", "_01", "_1", "1", "99", "_100", "_1005", "00", "5", "chat", "l_", "zx123456", "_9999"];
    let rows = 0;
    for (const q of qs) rows += await check(q);
    for (const q of ["_0", "_01", `${hex}_0`, "_100"]) {
      for (const sort of Object.keys(SORTS)) for (const dir of ["desc", "asc"]) rows += await check(q, sort, dir, 20);
    }
    for (const q of ["_0", "_1", `${hex}_00`]) for (const feedback of ["positive", "negative"]) rows += await check(q, "created_at", "desc", 30, feedback);
    for (const q of ["_0", "_02", "99"]) rows += await check(q, "created_at", "asc", 7);
    expect(rows).toBeGreaterThan(1000); // the comparisons saw real pages
  }, 120_000);

  it("answers a whole tag alone (search_traces' static statement) exactly as the general page (private.search_page) does", async () => {
    const [{ tag, hidden }] = await t.sql<{ tag: string; hidden: string }>(`
      select private.session_tag(id, 1) as tag, private.session_tag(id, 2) as hidden from public.llm_models where key = 'tagsearch-2'`);
    // an experiment's trace is never in the explorer's list unless asked for by its channel
    await t.sql("update public.llm_traces set channel = 'experiment' where id = (select id from public.llm_traces where session_tag = $1 order by created_at desc, id desc limit 1)", [hidden]);
    const general = "select private.search_page('created_at', 'desc', $2, $1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null) as r";
    let rows = 0;
    for (const q of [tag, hidden, "chat_model_000000_001"]) {
      const plain = await t.sql<{ id: string }>(
        "select id from public.llm_traces where session_tag = $1 and channel <> 'experiment' order by created_at desc, id desc", [q]);
      for (const limit of [1, 2, plain.length - 1, plain.length, plain.length + 1, 50, 0, null]) {
        const size = Math.min(Math.max(limit ?? 50, 1), 200);
        const [{ r: want }] = await t.sql<{ r: Page }>(general, [q, size]);
        for (const args of [{ p_session_tag: q }, { p_q: q }]) {
          const page = (await t.db.rpc("search_traces", { ...args, p_limit: limit ?? undefined })) as Page;
          expect(page).toEqual(want);
          expect({ ids: page.traces.map((r) => r.id), more: page.has_more, mode: page.mode })
            .toEqual({ ids: plain.slice(0, size).map((r) => r.id), more: plain.length > size, mode: "exact" });
          rows += page.traces.length;
        }
      }
    }
    expect(rows).toBeGreaterThan(100);
  });
});
