-- The dashboard's distinct visitors as they were before dashboard_visitor_gaps (main at 378d3c0): read
-- by scripts/bench/dashboard-ab.ts to time both definitions alternately on one data set.
set check_function_bodies = off;
CREATE OR REPLACE FUNCTION private.dashboard_groups(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS SETOF private.dashboard_group
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with g as (
    select case when grouping(s.day) = 0 then 'day' when grouping(s.agent_type) = 0 then 'agent'
                when grouping(s.model_id) = 0 then 'model' when grouping(s.experiment_name) = 0 then 'experiment'
                else 'all' end as dim,
           s.day, s.agent_type, s.model_id, s.experiment_name,
           coalesce(sum(s.traces), 0)::bigint as traces, coalesce(sum(s.llm_calls), 0)::bigint as llm_calls,
           coalesce(sum(s.input_tokens), 0)::bigint as input_tokens, coalesce(sum(s.output_tokens), 0)::bigint as output_tokens,
           coalesce(sum(s.input_tokens + s.output_tokens), 0)::bigint as total_tokens,
           coalesce(sum(s.latency_ms), 0)::bigint as latency_ms, coalesce(sum(s.cost_usd), 0) as cost_usd,
           coalesce(sum(s.tool_calls), 0)::bigint as tool_calls, coalesce(sum(s.traces_with_errors), 0)::bigint as traces_with_errors,
           coalesce(sum(s.errors), 0)::bigint as errors, coalesce(sum(s.positive), 0)::bigint as positive,
           coalesce(sum(s.negative), 0)::bigint as negative, coalesce(sum(s.pending), 0)::bigint as pending,
           coalesce(sum(s.votes_up), 0)::bigint as votes_up, coalesce(sum(s.votes_down), 0)::bigint as votes_down,
           array[coalesce(sum(s.calls_0), 0), coalesce(sum(s.calls_1), 0), coalesce(sum(s.calls_2), 0), coalesce(sum(s.calls_3), 0),
                 coalesce(sum(s.calls_4), 0), coalesce(sum(s.calls_5), 0), coalesce(sum(s.calls_6_10), 0),
                 coalesce(sum(s.calls_11_20), 0), coalesce(sum(s.calls_21_up), 0)]::bigint[] as buckets
      from public.dashboard_slices(p_from, p_to) s
     group by grouping sets ((), (s.day), (s.agent_type), (s.model_id), (s.experiment_name))
  ),
  -- distinct (visitor, experiment) pairs by hashing (a count(distinct) would sort them by collation)
  pairs as materialized (
    select p.user_id, p.experiment_name from public.dashboard_visitor_pairs(p_from, p_to) p group by p.user_id, p.experiment_name
  ),
  v as (
    select true as everyone, null::text as experiment_name,
           (select count(*) from (select x.user_id from pairs x group by x.user_id) u) as visitors
    union all
    select false, x.experiment_name, count(*) from pairs x group by x.experiment_name
  )
  -- ratios shared by the groups (positive_ratio = positive / rated, null when nothing is rated)
  select g.*, round(g.positive::numeric / nullif(g.positive + g.negative, 0), 4),
         round(g.cost_usd / nullif(g.traces, 0), 8), round(g.llm_calls::numeric / nullif(g.traces, 0), 2),
         round(g.total_tokens::numeric / nullif(g.traces, 0), 1), round(g.total_tokens::numeric / nullif(g.llm_calls, 0), 1),
         round(g.latency_ms::numeric / nullif(g.llm_calls, 0), 1),
         case g.dim when 'all' then (select v.visitors from v where v.everyone)
                    when 'experiment' then (select v.visitors from v where not v.everyone and v.experiment_name = g.experiment_name) end
    from g
$$;

CREATE OR REPLACE FUNCTION public.dashboard_visitor_pairs(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(user_id text, experiment_name text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with every_trace as (
    select (p_from is null or p_from <= (select min(t.created_at) from public.llm_traces t))
       and (p_to is null or p_to > (select max(t.created_at) from public.llm_traces t)) as yes
  ),
  w as (select * from public.dashboard_window(p_from, p_to))
  select v.user_id, v.experiment_name from public.dashboard_visitors v where (select e.yes from every_trace e)
  union all
  select d.user_id, d.experiment_name from public.dashboard_visitor_days d, w
   where not (select e.yes from every_trace e)
     and d.day >= coalesce(w.first_day, '-infinity'::date) and d.day < coalesce(w.end_day, 'infinity'::date)
  union all
  select t.user_id, t.experiment_name from public.llm_traces t
   where not (select e.yes from every_trace e) and t.channel <> 'experiment'
     and t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < (select w.edge_lo from w)
  union all
  select t.user_id, t.experiment_name from public.llm_traces t
   where not (select e.yes from every_trace e) and t.channel <> 'experiment'
     and t.created_at >= (select w.edge_hi from w) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
$$;
