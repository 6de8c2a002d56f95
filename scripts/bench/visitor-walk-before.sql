-- The definitions before `20261211170000_search_visitor_walk_keys` (scripts/bench/visitor-walk-ab.ts, docs/performance.md,
-- "The visitor's walk, index-only"): llm_traces_user_created without INCLUDE, a content walk reading whole rows.
drop index if exists public.llm_traces_user_created;
create index llm_traces_user_created on public.llm_traces using btree (user_id, created_at desc, id desc);
create or replace function private.search_step(p_probe boolean, p_value text, p_order text, p_where text, p_match text, p_content boolean,
    p_walk boolean, p_literal boolean, p_tools boolean, p_source text) returns text
  language sql immutable
  set search_path = ''
as $$
  select case when p_probe then format('select null::public.llm_traces[], null::text[], count(*)::int from %s', private.search_walk_source(p_where, p_order))
    else private.search_query(p_value, p_order, p_where || p_match || case when p_content then private.search_content_match(p_walk, p_literal, p_tools)
                                                                       when p_walk then ' and t.session_tag ilike $2' else '' end,
                              case when p_walk then private.search_walk_source(p_where, p_order) else p_source end) end
$$;

drop function if exists private.search_walk_query(text, text, text, text);
