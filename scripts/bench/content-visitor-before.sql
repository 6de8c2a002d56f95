-- The content search's walk as it was before 20261211130000_content_search_visitor_walk, …130100 and …130200 (a visitor's search
-- went to the index stage after 10,000 traces like any other): scripts/bench/visitor-phrase-ab.ts applies
-- this and the migration in turn on one database.
drop function if exists private.search_walk_deeper(integer, integer, integer, text, tsquery, text);
drop function if exists private.search_walk_visitor(integer, text, tsquery, text);
drop function if exists private.search_content_estimate(tsquery, text);
drop function if exists private.search_walk_deeper(integer, integer, integer, text, tsquery);
drop function if exists private.search_walk_visitor(integer, text, tsquery);
drop function if exists private.search_content_estimate(tsquery);
drop function if exists private.search_walk_deeper(integer, integer, integer);
create function private.search_walk_deeper(p_depth integer, p_found integer, p_limit integer) returns integer
  language sql immutable
  set search_path = ''
as $$
  select case when p_found = 0 then case when p_depth = 200 then 2000 else 0 end
              when p_depth >= 10000 then 0
              else least(10000, greatest(2000, 2 * p_depth, 2 * p_depth * (p_limit + 1) / p_found)) end
$$;

revoke all on function private.search_walk_deeper(integer, integer, integer) from public, anon, authenticated;
grant all on function private.search_walk_deeper(integer, integer, integer) to service_role;

create or replace function public.search_traces(p_session_tag text default null, p_q text default null, p_agent text default null,
    p_model text default null, p_user_id text default null, p_feedback text default null, p_from timestamptz default null,
    p_to timestamptz default null, p_sort text default 'created_at', p_dir text default 'desc', p_after_value text default null,
    p_after_id uuid default null, p_limit integer default 50, p_tool text default null, p_has_error boolean default null,
    p_min_cost numeric default null, p_channel text default null, p_score text default null, p_score_op text default null,
    p_score_value numeric default null) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_sort text := case when p_sort in ('created_at', 'updated_at', 'llm_calls', 'total_tokens', 'latency_ms', 'cost_usd')
                        or (p_sort = 'score' and p_score is not null) then p_sort else 'created_at' end;
  v_dir text := case when lower(p_dir) = 'asc' then 'asc' else 'desc' end;
  k record;
  v_where text; v_match text := '';
  v_limit integer := least(greatest(coalesce(p_limit, 50), 1), 200);
  v_tag text := coalesce(p_session_tag, substring(p_q from private.session_tag_pattern())); -- a whole tag: exact
  v_q text := case when p_session_tag is not null or v_tag is null then p_q end;
  v_pattern text := '%' || replace(replace(replace(coalesce(v_q, ''), '\', '\\'), '%', '\%'), '_', '\_') || '%';
  v_content boolean := v_q is not null and not private.search_is_tag(v_q);
  v_literal text := private.search_literal(v_q);
  v_tags text[] := case when v_q is not null and not v_content and v_tag is null then private.search_tags(v_q) end; v_source text := 'public.llm_traces t';
  -- newest traces walked first, else 0: probed one by one (words), or tested by tag (> 200 tags, a dense substring's page)
  v_depth integer := case when v_content then 200 when cardinality(v_tags) > 200 and v_sort = 'created_at' then 2000 else 0 end;
  v_skip integer := 0; v_probe boolean := false; -- of them, probed by the walk before; the next query a probe past the walk
  v_rows jsonb := '[]'; v_found integer := 0; v_page jsonb; v_count integer; -- the page so far, a query's rows
  v_mask boolean := private.masking_outputs(); -- read once per call, not per row (never inlined: own search_path)
  v_query tsquery := case when v_q is not null then websearch_to_tsquery('english', v_q) end;
  v_tools uuid[] := case when v_content then private.search_tool_traces(v_query) end; -- null: probed per trace
begin
  -- a fragment under three characters has no trigram: words only (never a scan of every message)
  if v_content and length(v_q) < 3 then v_pattern := null; end if;
  k := private.search_keyset(v_sort, v_dir);
  v_where := private.search_where(p_agent is not null, p_model is not null, p_user_id is not null, p_feedback is not null,
    p_from is not null, p_to is not null, p_tool is not null, p_has_error, p_min_cost is not null, p_channel is not null)
    || case when p_score is not null then private.search_score_filter(p_score_op, p_score_value is not null) else '' end
    || case when p_after_id is not null and p_after_value is not null then format(' and (%s, t.id) %s (%s, $10)', k.keys, case when v_dir = 'desc' then '<' else '>' end, k.after) else '' end;
  if v_tag is not null then v_match := v_match || ' and t.session_tag = $1'; end if;
  if v_q is not null and not v_content then v_match := v_match || ' and t.session_tag ilike $2'; end if;
  if v_tags is not null then v_match := ''; v_source := private.search_tag_source(v_where, k.ord, v_sort, v_dir); end if;
  -- words: the newest traces probed, a deeper walk after them, else the GIN indexes (docs/performance.md, "Content search")
  loop
    execute private.search_step(v_probe, k.value, k.ord, v_where, v_match, v_content, v_depth > 0, v_literal is not null, v_tools is not null, v_source)
    into v_page, v_count
    using v_tag, v_pattern, p_agent, p_model, p_user_id, p_feedback, p_from, p_to, p_after_value, p_after_id, v_limit + 1 - v_found,
          v_tags, p_tool, p_min_cost, p_channel, v_mask, p_score, p_score_value, v_query, v_depth - v_skip, v_skip, v_literal, v_tools;
    exit when v_probe and v_count = 0; -- no trace past the walk: it read every trace of the filters, its rows are all
    -- else the indexes' query starts again from the cursor, with the matches' traces when they are few
    if v_probe then v_probe := false; v_depth := 0; v_rows := '[]'; v_found := 0; v_tools := case when v_content then private.search_content_traces(v_query, v_pattern, v_tools) end; continue; end if;
    v_rows := v_rows || v_page; v_found := v_found + v_count; exit when v_depth = 0 or v_found > v_limit;
    v_skip := v_depth; v_depth := case when v_content then private.search_walk_deeper(v_depth, v_found, v_limit) else 0 end; -- a tag walk: once
    -- a walk that found less than a page: probe for one trace past it ($21 = v_skip traces walked, $20 = 1)
    if v_depth = 0 then v_probe := true; v_depth := v_skip + 1; end if;
  end loop;
  -- one row more than asked tells whether another page exists
  if v_found > v_limit then v_rows := v_rows - v_limit; end if;
  return jsonb_build_object('traces', case when v_content then private.search_matches(v_rows, v_query, v_pattern, v_mask) else v_rows end,
    'has_more', v_found > v_limit, 'mode', case when v_tag is not null then 'exact' when v_content then 'words' when v_q is not null then 'contains' end);
end
$$;

comment on function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid, integer, text, boolean, numeric, text, text, text, numeric) is
  'The explorer''s page of traces: filters (tag, agent, model, visitor, feedback, time, tool, errors, cost, channel, a trace-level score), keyset paging; p_q is a whole tag (searched exactly), a tag substring when it reads as a tag, else words, phrases or a fragment of the conversation (each row then with its `match`); `mode` says which (exact, contains, words).';

revoke all on function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid, integer, text, boolean, numeric, text, text, text, numeric) from public, anon, authenticated;
grant all on function public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid, integer, text, boolean, numeric, text, text, text, numeric) to service_role;
