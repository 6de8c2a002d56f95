-- The dashboard functions read the daily rollup (20261129007000_dashboard_rollup.sql)
-- for the whole UTC days of [p_from, p_to) and llm_traces only for the partial days
-- at its edges; same signatures, same results as the full scans they replace
-- (docs/performance.md, "Dashboard rollup").

-- The whole UTC days inside [p_from, p_to) as [first_day, end_day) (null: unbounded),
-- and the partial edges [p_from, edge_lo) and [edge_hi, p_to). A range inside one
-- day has no whole day: its first edge is the whole range.
create function public.dashboard_window(p_from timestamptz, p_to timestamptz,
  out first_day date, out end_day date, out edge_lo timestamptz, out edge_hi timestamptz)
language sql immutable
security invoker
set search_path = ''
as $$
  select case when w.whole then w.d1 else 'infinity'::date end,
         case when w.whole then w.d2 else '-infinity'::date end,
         case when not w.whole then p_to when w.d1 is null then '-infinity'::timestamptz else w.d1::timestamp at time zone 'UTC' end,
         case when not w.whole then p_to when w.d2 is null then 'infinity'::timestamptz else w.d2::timestamp at time zone 'UTC' end
    from (select d.d1, d.d2, (d.d1 is null or d.d2 is null or d.d1 < d.d2) as whole
            from (select ((p_from at time zone 'UTC') + interval '1 day' - interval '1 microsecond')::date as d1,
                         (p_to at time zone 'UTC')::date as d2) d) w
$$;

-- The rollup rows of a range: stored ones for its whole days, computed ones for its edges.
create function public.dashboard_slices(p_from timestamptz, p_to timestamptz)
returns setof public.dashboard_rollup
language sql stable
security invoker
set search_path = ''
as $$
  select r.* from public.dashboard_window(p_from, p_to) w
    join public.dashboard_rollup r on r.day >= coalesce(w.first_day, '-infinity'::date) and r.day < coalesce(w.end_day, 'infinity'::date)
  union all
  select e.* from public.dashboard_window(p_from, p_to) w cross join lateral public.dashboard_rollup_of(p_from, w.edge_lo) e
  union all
  select e.* from public.dashboard_window(p_from, p_to) w cross join lateral public.dashboard_rollup_of(w.edge_hi, p_to) e
$$;

-- (visitor, experiment) pairs with traces in the range, repeated across days: the
-- all-time table when the range holds every trace, else the visitor days plus the edges.
create function public.dashboard_visitor_pairs(p_from timestamptz, p_to timestamptz)
returns table (user_id text, experiment_name text)
language sql stable
security invoker
set search_path = ''
as $$
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
  select t.user_id, t.experiment_name from public.llm_traces t, w
   where not (select e.yes from every_trace e)
     and t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < w.edge_lo
  union all
  select t.user_id, t.experiment_name from public.llm_traces t, w
   where not (select e.yes from every_trace e)
     and t.created_at >= w.edge_hi and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
$$;

-- Headline figures.
create or replace function public.dashboard_totals(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  traces bigint, visitors bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
  latency_ms bigint, avg_llm_calls numeric, avg_tokens numeric, avg_latency_ms_per_call numeric,
  positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint,
  first_trace_at timestamptz, last_trace_at timestamptz,
  cost_usd numeric, avg_cost_usd numeric, tool_calls bigint, traces_with_errors bigint, votes_up bigint, votes_down bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce(sum(s.traces), 0)::bigint,
         (select count(distinct v.user_id) from public.dashboard_visitor_pairs(p_from, p_to) v),
         coalesce(sum(s.llm_calls), 0)::bigint, coalesce(sum(s.input_tokens), 0)::bigint, coalesce(sum(s.output_tokens), 0)::bigint,
         coalesce(sum(s.input_tokens + s.output_tokens), 0)::bigint, coalesce(sum(s.latency_ms), 0)::bigint,
         round(sum(s.llm_calls) / nullif(sum(s.traces), 0), 2),
         round(sum(s.input_tokens + s.output_tokens) / nullif(sum(s.traces), 0), 1),
         round(sum(s.latency_ms) / nullif(sum(s.llm_calls), 0), 1),
         coalesce(sum(s.positive), 0)::bigint, coalesce(sum(s.negative), 0)::bigint, coalesce(sum(s.pending), 0)::bigint,
         round(sum(s.positive) / nullif(sum(s.positive) + sum(s.negative), 0), 4),
         coalesce(sum(s.errors), 0)::bigint,
         (select min(t.created_at) from public.llm_traces t
           where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)),
         (select max(t.created_at) from public.llm_traces t
           where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)),
         coalesce(sum(s.cost_usd), 0), round(sum(s.cost_usd) / nullif(sum(s.traces), 0), 8),
         coalesce(sum(s.tool_calls), 0)::bigint, coalesce(sum(s.traces_with_errors), 0)::bigint,
         coalesce(sum(s.votes_up), 0)::bigint, coalesce(sum(s.votes_down), 0)::bigint
    from public.dashboard_slices(p_from, p_to) s
$$;

-- Traces, tokens and cost per day, every day of the range (at most the last 366), empty days as zeros.
create or replace function public.dashboard_daily(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
  positive bigint, negative bigint, cost_usd numeric
)
language sql stable
security invoker
set search_path = ''
as $$
  with agg as (
    select s.day, sum(s.traces) as traces, sum(s.llm_calls) as llm_calls, sum(s.input_tokens) as input_tokens,
           sum(s.output_tokens) as output_tokens, sum(s.positive) as positive, sum(s.negative) as negative,
           sum(s.cost_usd) as cost_usd
      from public.dashboard_slices(p_from, p_to) s
     group by s.day
  ),
  bounds as (
    select coalesce((p_from at time zone 'UTC')::date, min(a.day)) as first_day,
           coalesce(((p_to - interval '1 microsecond') at time zone 'UTC')::date,
                    greatest(max(a.day), (now() at time zone 'UTC')::date)) as last_day
      from agg a
  ),
  days as (
    select d::date as day
      from bounds b, generate_series(greatest(b.first_day, b.last_day - 365)::timestamp, b.last_day::timestamp, interval '1 day') d
  )
  select d.day, coalesce(a.traces, 0)::bigint, coalesce(a.llm_calls, 0)::bigint, coalesce(a.input_tokens, 0)::bigint,
         coalesce(a.output_tokens, 0)::bigint, coalesce(a.input_tokens + a.output_tokens, 0)::bigint,
         coalesce(a.positive, 0)::bigint, coalesce(a.negative, 0)::bigint, coalesce(a.cost_usd, 0)
    from days d left join agg a on a.day = d.day
   order by d.day
$$;

-- How many sessions made how many LLM calls (every bucket, empty ones as zeros).
create or replace function public.dashboard_llm_calls_distribution(p_from timestamptz default null, p_to timestamptz default null)
returns table (bucket text, min_calls integer, max_calls integer, sessions bigint)
language sql stable
security invoker
set search_path = ''
as $$
  select b.bucket, b.lo, b.hi, coalesce(b.n, 0)::bigint
    from (select sum(s.calls_0) as c0, sum(s.calls_1) as c1, sum(s.calls_2) as c2, sum(s.calls_3) as c3,
                 sum(s.calls_4) as c4, sum(s.calls_5) as c5, sum(s.calls_6_10) as c6, sum(s.calls_11_20) as c11,
                 sum(s.calls_21_up) as c21
            from public.dashboard_slices(p_from, p_to) s) x
   cross join lateral (
     values (1, '0', 0, 0, x.c0), (2, '1', 1, 1, x.c1), (3, '2', 2, 2, x.c2), (4, '3', 3, 3, x.c3), (5, '4', 4, 4, x.c4),
            (6, '5', 5, 5, x.c5), (7, '6–10', 6, 10, x.c6), (8, '11–20', 11, 20, x.c11), (9, '21+', 21, null::integer, x.c21)
   ) b(ord, bucket, lo, hi, n)
   order by b.ord
$$;

-- Feedback per agent; positive_ratio = positive / rated (null when nothing is rated).
create or replace function public.dashboard_feedback_by_agent(p_from timestamptz default null, p_to timestamptz default null)
returns table (agent_type text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
language sql stable
security invoker
set search_path = ''
as $$
  select s.agent_type, sum(s.traces)::bigint, sum(s.positive)::bigint, sum(s.negative)::bigint, sum(s.pending)::bigint,
         round(sum(s.positive) / nullif(sum(s.positive) + sum(s.negative), 0), 4)
    from public.dashboard_slices(p_from, p_to) s
   group by s.agent_type
   order by sum(s.traces) desc, s.agent_type
$$;

-- Feedback per model.
create or replace function public.dashboard_feedback_by_model(p_from timestamptz default null, p_to timestamptz default null)
returns table (model_key text, model_name text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
language sql stable
security invoker
set search_path = ''
as $$
  select m.key, m.name, sum(s.traces)::bigint, sum(s.positive)::bigint, sum(s.negative)::bigint, sum(s.pending)::bigint,
         round(sum(s.positive) / nullif(sum(s.positive) + sum(s.negative), 0), 4)
    from public.dashboard_slices(p_from, p_to) s
    join public.llm_models m on m.id = s.model_id
   group by m.key, m.name
   order by sum(s.traces) desc, m.key
$$;

-- One row per experiment_name (traces without one are left out), most traces first.
create or replace function public.dashboard_experiments(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  experiment_name text, traces bigint, visitors bigint, llm_calls bigint, total_tokens bigint,
  avg_llm_calls numeric, avg_tokens numeric, avg_tokens_per_call numeric, avg_latency_ms_per_call numeric,
  positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select e.experiment_name, e.traces, coalesce(v.visitors, 0), e.llm_calls, e.total_tokens,
         round(e.llm_calls::numeric / e.traces, 2), round(e.total_tokens::numeric / e.traces, 1),
         round(e.total_tokens::numeric / nullif(e.llm_calls, 0), 1), round(e.latency_ms / nullif(e.llm_calls, 0), 1),
         e.positive, e.negative, e.pending, round(e.positive::numeric / nullif(e.positive + e.negative, 0), 4), e.errors
    from (select s.experiment_name, sum(s.traces)::bigint as traces, sum(s.llm_calls)::bigint as llm_calls,
                 sum(s.input_tokens + s.output_tokens)::bigint as total_tokens, sum(s.latency_ms) as latency_ms,
                 sum(s.positive)::bigint as positive, sum(s.negative)::bigint as negative, sum(s.pending)::bigint as pending,
                 sum(s.errors)::bigint as errors
            from public.dashboard_slices(p_from, p_to) s
           where s.experiment_name is not null
           group by s.experiment_name) e
    left join (select p.experiment_name, count(distinct p.user_id) as visitors
                 from public.dashboard_visitor_pairs(p_from, p_to) p
                where p.experiment_name is not null
                group by p.experiment_name) v on v.experiment_name = e.experiment_name
   order by e.traces desc, e.experiment_name
$$;

-- Cost, calls, errors and message votes per agent.
create or replace function public.dashboard_usage_by_agent(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  agent_type text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint,
  cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select s.agent_type, sum(s.traces)::bigint, sum(s.llm_calls)::bigint, sum(s.tool_calls)::bigint,
         sum(s.traces_with_errors)::bigint, sum(s.cost_usd), round(sum(s.cost_usd) / sum(s.traces), 8),
         sum(s.votes_up)::bigint, sum(s.votes_down)::bigint
    from public.dashboard_slices(p_from, p_to) s
   group by s.agent_type
   order by sum(s.cost_usd) desc, sum(s.traces) desc, s.agent_type
$$;

-- The same per model.
create or replace function public.dashboard_usage_by_model(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  model_key text, model_name text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint,
  cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select m.key, m.name, u.traces, u.llm_calls, u.tool_calls, u.traces_with_errors, u.cost_usd,
         round(u.cost_usd / u.traces, 8), u.votes_up, u.votes_down
    from (select s.model_id, sum(s.traces)::bigint as traces, sum(s.llm_calls)::bigint as llm_calls,
                 sum(s.tool_calls)::bigint as tool_calls, sum(s.traces_with_errors)::bigint as traces_with_errors,
                 sum(s.cost_usd) as cost_usd, sum(s.votes_up)::bigint as votes_up, sum(s.votes_down)::bigint as votes_down
            from public.dashboard_slices(p_from, p_to) s
           group by s.model_id) u
    join public.llm_models m on m.id = u.model_id
   order by u.cost_usd desc, u.traces desc, m.key
$$;

-- Only the app calls these (the default privileges grant the same; made explicit).
revoke execute on function public.dashboard_rollup_of, public.dashboard_rollup_rebuild, public.dashboard_rollup_add,
  public.dashboard_window, public.dashboard_slices, public.dashboard_visitor_pairs
  from public, anon, authenticated;
grant execute on function public.dashboard_rollup_of, public.dashboard_rollup_rebuild, public.dashboard_rollup_add,
  public.dashboard_window, public.dashboard_slices, public.dashboard_visitor_pairs
  to service_role;
