-- The dashboard's Scores card as it was computed before its rollup (scores ⨝ llm_traces at each call),
-- for an A/B run on one database: BENCH_APPLY_SQL=scripts/bench/dashboard-scores-from-scratch.sql npm run
-- bench:search times the rollup first, then this (docs/performance.md, "Dashboard scores").
create or replace function private.dashboard_score_groups(p_from timestamptz, p_to timestamptz)
  returns table (dim text, name text, data_type text, source text, day date, agent_type text, agent_version integer,
                 model_id uuid, category text, scores bigint, average numeric)
  language sql stable
  set search_path = ''
as $$
  select case when grouping(x.day) = 0 then 'day' when grouping(x.agent_version) = 0 then 'agent_version'
              when grouping(x.agent_type) = 0 then 'agent' when grouping(x.model_id) = 0 then 'model'
              when grouping(x.category) = 0 then 'category' else 'all' end,
         x.name, x.data_type, x.source, x.day, x.agent_type, x.agent_version, x.model_id, x.category,
         count(*), round(avg(x.value), 4)
    from (select c.name, c.data_type, s.source, s.value, (t.created_at at time zone 'UTC')::date as day,
                 t.agent_type, t.agent_version, t.model_id, case when c.data_type = 'categorical' then s.string_value end as category
            from public.scores s
            join public.llm_traces t on t.id = s.trace_id
            join public.score_configs c on c.id = s.config_id
           where t.created_at >= coalesce(p_from, '-infinity'::timestamptz)
             and t.created_at < coalesce(p_to, 'infinity'::timestamptz)) x
   group by grouping sets ((x.name, x.data_type, x.source), (x.name, x.data_type, x.source, x.day),
                           (x.name, x.data_type, x.source, x.agent_type), (x.name, x.data_type, x.source, x.agent_type, x.agent_version),
                           (x.name, x.data_type, x.source, x.model_id), (x.name, x.data_type, x.source, x.category))
$$;
