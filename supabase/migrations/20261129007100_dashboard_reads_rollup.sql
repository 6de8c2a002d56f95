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

-- The rollup rows of a range, its shards summed (one row per day, agent, model and
-- experiment, shard 0): stored rows for its whole days, computed ones for its edges.
create function public.dashboard_slices(p_from timestamptz, p_to timestamptz)
returns setof public.dashboard_rollup
language sql stable
security invoker
set search_path = ''
as $$
  select u.day, u.agent_type, u.model_id, u.experiment_name, 0::smallint,
         sum(u.traces), sum(u.llm_calls), sum(u.input_tokens), sum(u.output_tokens), sum(u.latency_ms), sum(u.cost_usd),
         sum(u.tool_calls), sum(u.traces_with_errors), sum(u.errors), sum(u.positive), sum(u.negative), sum(u.pending),
         sum(u.votes_up), sum(u.votes_down), sum(u.calls_0), sum(u.calls_1), sum(u.calls_2), sum(u.calls_3), sum(u.calls_4),
         sum(u.calls_5), sum(u.calls_6_10), sum(u.calls_11_20), sum(u.calls_21_up)
    from (
      select r.* from public.dashboard_window(p_from, p_to) w
        join public.dashboard_rollup r on r.day >= coalesce(w.first_day, '-infinity'::date) and r.day < coalesce(w.end_day, 'infinity'::date)
      union all
      select e.* from public.dashboard_window(p_from, p_to) w cross join lateral public.dashboard_rollup_of(p_from, w.edge_lo) e
      union all
      select e.* from public.dashboard_window(p_from, p_to) w cross join lateral public.dashboard_rollup_of(w.edge_hi, p_to) e
    ) u
   group by u.day, u.agent_type, u.model_id, u.experiment_name
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

-- Every figure of the dashboard for [p_from, p_to) in one pass over the range's rollup
-- rows (grouping sets: all, per day, per agent, per model, per experiment) and one over
-- its visitors. The one home of the dashboard's formulas: dashboard_stats() returns it,
-- the per-chart functions below read their part of it.
create function public.dashboard_figures(p_from timestamptz default null, p_to timestamptz default null)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  with g as materialized (
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
  -- ratios shared by the groups (positive_ratio = positive / rated, null when nothing is rated)
  f as (
    select g.*, round(g.positive::numeric / nullif(g.positive + g.negative, 0), 4) as positive_ratio,
           round(g.cost_usd / nullif(g.traces, 0), 8) as avg_cost_usd,
           round(g.llm_calls::numeric / nullif(g.traces, 0), 2) as avg_llm_calls,
           round(g.total_tokens::numeric / nullif(g.traces, 0), 1) as avg_tokens,
           round(g.total_tokens::numeric / nullif(g.llm_calls, 0), 1) as avg_tokens_per_call,
           round(g.latency_ms::numeric / nullif(g.llm_calls, 0), 1) as avg_latency_ms_per_call
      from g
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
  ),
  bounds as (
    select coalesce((p_from at time zone 'UTC')::date, min(f.day)) as first_day,
           coalesce(((p_to - interval '1 microsecond') at time zone 'UTC')::date,
                    greatest(max(f.day), (now() at time zone 'UTC')::date)) as last_day
      from f where f.dim = 'day'
  ),
  days as (
    select d::date as day
      from bounds b, generate_series(greatest(b.first_day, b.last_day - 365)::timestamp, b.last_day::timestamp, interval '1 day') d
  )
  select jsonb_build_object(
    'totals', (
      select jsonb_build_object(
        'traces', a.traces, 'visitors', coalesce((select v.visitors from v where v.everyone), 0), 'llm_calls', a.llm_calls,
        'input_tokens', a.input_tokens, 'output_tokens', a.output_tokens, 'total_tokens', a.total_tokens, 'latency_ms', a.latency_ms,
        'avg_llm_calls', a.avg_llm_calls, 'avg_tokens', a.avg_tokens, 'avg_latency_ms_per_call', a.avg_latency_ms_per_call,
        'positive', a.positive, 'negative', a.negative, 'pending', a.pending, 'positive_ratio', a.positive_ratio, 'errors', a.errors,
        -- from the index on created_at: exact at any range
        'first_trace_at', (select min(t.created_at) from public.llm_traces t
                            where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)),
        'last_trace_at', (select max(t.created_at) from public.llm_traces t
                           where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)),
        'cost_usd', a.cost_usd, 'avg_cost_usd', a.avg_cost_usd, 'tool_calls', a.tool_calls,
        'traces_with_errors', a.traces_with_errors, 'votes_up', a.votes_up, 'votes_down', a.votes_down)
        from f a where a.dim = 'all'),
    -- every day of the range (at most the last 366), empty days as zeros
    'per_day', coalesce((
      select jsonb_agg(jsonb_build_object(
               'day', d.day, 'traces', coalesce(x.traces, 0), 'llm_calls', coalesce(x.llm_calls, 0),
               'input_tokens', coalesce(x.input_tokens, 0), 'output_tokens', coalesce(x.output_tokens, 0),
               'total_tokens', coalesce(x.total_tokens, 0), 'positive', coalesce(x.positive, 0),
               'negative', coalesce(x.negative, 0), 'cost_usd', coalesce(x.cost_usd, 0)) order by d.day)
        from days d left join f x on x.dim = 'day' and x.day = d.day), '[]'::jsonb),
    -- how many sessions made how many LLM calls (every bucket, empty ones as zeros)
    'llm_calls_distribution', (
      select jsonb_agg(jsonb_build_object('bucket', b.bucket, 'min_calls', b.lo, 'max_calls', b.hi, 'sessions', a.buckets[b.ord])
                       order by b.ord)
        from f a cross join (values (1, '0', 0, 0), (2, '1', 1, 1), (3, '2', 2, 2), (4, '3', 3, 3), (5, '4', 4, 4), (6, '5', 5, 5),
                                    (7, '6–10', 6, 10), (8, '11–20', 11, 20), (9, '21+', 21, null::integer)) b(ord, bucket, lo, hi)
       where a.dim = 'all'),
    'feedback_by_agent', coalesce((
      select jsonb_agg(jsonb_build_object('agent_type', x.agent_type, 'traces', x.traces, 'positive', x.positive,
                                          'negative', x.negative, 'pending', x.pending, 'positive_ratio', x.positive_ratio)
                       order by x.traces desc, x.agent_type)
        from f x where x.dim = 'agent'), '[]'::jsonb),
    'feedback_by_model', coalesce((
      select jsonb_agg(jsonb_build_object('model_key', m.key, 'model_name', m.name, 'traces', x.traces, 'positive', x.positive,
                                          'negative', x.negative, 'pending', x.pending, 'positive_ratio', x.positive_ratio)
                       order by x.traces desc, m.key)
        from f x join public.llm_models m on m.id = x.model_id where x.dim = 'model'), '[]'::jsonb),
    -- cost, calls, failed steps and message votes per agent and per model
    'usage_by_agent', coalesce((
      select jsonb_agg(jsonb_build_object('agent_type', x.agent_type, 'traces', x.traces, 'llm_calls', x.llm_calls,
                                          'tool_calls', x.tool_calls, 'traces_with_errors', x.traces_with_errors, 'cost_usd', x.cost_usd,
                                          'avg_cost_usd', x.avg_cost_usd, 'votes_up', x.votes_up, 'votes_down', x.votes_down)
                       order by x.cost_usd desc, x.traces desc, x.agent_type)
        from f x where x.dim = 'agent'), '[]'::jsonb),
    'usage_by_model', coalesce((
      select jsonb_agg(jsonb_build_object('model_key', m.key, 'model_name', m.name, 'traces', x.traces, 'llm_calls', x.llm_calls,
                                          'tool_calls', x.tool_calls, 'traces_with_errors', x.traces_with_errors, 'cost_usd', x.cost_usd,
                                          'avg_cost_usd', x.avg_cost_usd, 'votes_up', x.votes_up, 'votes_down', x.votes_down)
                       order by x.cost_usd desc, x.traces desc, m.key)
        from f x join public.llm_models m on m.id = x.model_id where x.dim = 'model'), '[]'::jsonb),
    -- one row per experiment_name (traces without one are left out), most traces first
    'experiments', coalesce((
      select jsonb_agg(jsonb_build_object(
               'experiment_name', x.experiment_name, 'traces', x.traces,
               'visitors', coalesce((select v.visitors from v where not v.everyone and v.experiment_name = x.experiment_name), 0),
               'llm_calls', x.llm_calls, 'total_tokens', x.total_tokens, 'avg_llm_calls', x.avg_llm_calls, 'avg_tokens', x.avg_tokens,
               'avg_tokens_per_call', x.avg_tokens_per_call, 'avg_latency_ms_per_call', x.avg_latency_ms_per_call,
               'positive', x.positive, 'negative', x.negative, 'pending', x.pending, 'positive_ratio', x.positive_ratio, 'errors', x.errors)
             order by x.traces desc, x.experiment_name)
        from f x where x.dim = 'experiment' and x.experiment_name is not null), '[]'::jsonb))
$$;

-- The per-chart functions (for the SQL editor, as before): their part of dashboard_figures().
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
  select x.* from jsonb_to_record(public.dashboard_figures(p_from, p_to) -> 'totals') as x(
    traces bigint, visitors bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
    latency_ms bigint, avg_llm_calls numeric, avg_tokens numeric, avg_latency_ms_per_call numeric,
    positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint,
    first_trace_at timestamptz, last_trace_at timestamptz,
    cost_usd numeric, avg_cost_usd numeric, tool_calls bigint, traces_with_errors bigint, votes_up bigint, votes_down bigint)
$$;

create or replace function public.dashboard_daily(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
  positive bigint, negative bigint, cost_usd numeric
)
language sql stable
security invoker
set search_path = ''
as $$
  select x.* from jsonb_to_recordset(public.dashboard_figures(p_from, p_to) -> 'per_day') as x(
    day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
    positive bigint, negative bigint, cost_usd numeric)
   order by x.day
$$;

create or replace function public.dashboard_llm_calls_distribution(p_from timestamptz default null, p_to timestamptz default null)
returns table (bucket text, min_calls integer, max_calls integer, sessions bigint)
language sql stable
security invoker
set search_path = ''
as $$
  select x.* from jsonb_to_recordset(public.dashboard_figures(p_from, p_to) -> 'llm_calls_distribution') as x(
    bucket text, min_calls integer, max_calls integer, sessions bigint)
   order by x.min_calls
$$;

create or replace function public.dashboard_feedback_by_agent(p_from timestamptz default null, p_to timestamptz default null)
returns table (agent_type text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
language sql stable
security invoker
set search_path = ''
as $$
  select x.agent_type, x.traces, x.positive, x.negative, x.pending, x.positive_ratio
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'feedback_by_agent') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(agent_type text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
   order by e.i
$$;

create or replace function public.dashboard_feedback_by_model(p_from timestamptz default null, p_to timestamptz default null)
returns table (model_key text, model_name text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
language sql stable
security invoker
set search_path = ''
as $$
  select x.model_key, x.model_name, x.traces, x.positive, x.negative, x.pending, x.positive_ratio
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'feedback_by_model') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(model_key text, model_name text, traces bigint, positive bigint, negative bigint,
                                                   pending bigint, positive_ratio numeric)
   order by e.i
$$;

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
  select x.experiment_name, x.traces, x.visitors, x.llm_calls, x.total_tokens, x.avg_llm_calls, x.avg_tokens, x.avg_tokens_per_call,
         x.avg_latency_ms_per_call, x.positive, x.negative, x.pending, x.positive_ratio, x.errors
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'experiments') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(
     experiment_name text, traces bigint, visitors bigint, llm_calls bigint, total_tokens bigint,
     avg_llm_calls numeric, avg_tokens numeric, avg_tokens_per_call numeric, avg_latency_ms_per_call numeric,
     positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint)
   order by e.i
$$;

create or replace function public.dashboard_usage_by_agent(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  agent_type text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint,
  cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select x.agent_type, x.traces, x.llm_calls, x.tool_calls, x.traces_with_errors, x.cost_usd, x.avg_cost_usd, x.votes_up, x.votes_down
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'usage_by_agent') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(agent_type text, traces bigint, llm_calls bigint, tool_calls bigint,
     traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
   order by e.i
$$;

create or replace function public.dashboard_usage_by_model(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  model_key text, model_name text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint,
  cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  select x.model_key, x.model_name, x.traces, x.llm_calls, x.tool_calls, x.traces_with_errors, x.cost_usd, x.avg_cost_usd,
         x.votes_up, x.votes_down
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'usage_by_model') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(model_key text, model_name text, traces bigint, llm_calls bigint, tool_calls bigint,
     traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
   order by e.i
$$;

-- Everything the dashboard shows, in one document: dashboard_figures() plus the two
-- compared experiments (by default the two with the most traces in the range; a named
-- experiment without traces in the range compares as zeros).
create or replace function public.dashboard_stats(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_experiment_a text default null,
  p_experiment_b text default null
) returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
declare
  v_figures jsonb;
  v_experiments jsonb;
  v_a text := nullif(btrim(p_experiment_a), '');
  v_b text := nullif(btrim(p_experiment_b), '');
begin
  if p_from is not null and p_to is not null and p_from >= p_to then
    raise exception using errcode = 'PT400', message = 'bad_request:dashboard', detail = 'from must be before to.';
  end if;
  v_figures := public.dashboard_figures(p_from, p_to);
  v_experiments := v_figures -> 'experiments';
  if v_a is null then
    select e ->> 'experiment_name' into v_a from jsonb_array_elements(v_experiments) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_b order by i limit 1;
  end if;
  if v_b is null then
    select e ->> 'experiment_name' into v_b from jsonb_array_elements(v_experiments) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_a order by i limit 1;
  end if;
  return v_figures || jsonb_build_object(
    'from', p_from,
    'to', p_to,
    'comparison', coalesce((
      select jsonb_agg(coalesce(
               (select e from jsonb_array_elements(v_experiments) e where e ->> 'experiment_name' = n.name),
               jsonb_build_object('experiment_name', n.name, 'traces', 0, 'visitors', 0, 'llm_calls', 0, 'total_tokens', 0,
                                  'positive', 0, 'negative', 0, 'pending', 0, 'errors', 0))
             order by n.ord)
        from (values (1, v_a), (2, v_b)) n(ord, name)
       where n.name is not null), '[]'::jsonb)
  );
end
$$;

-- Only the app calls these (the default privileges grant the same; made explicit).
revoke execute on function public.dashboard_rollup_of, public.dashboard_rollup_rebuild, public.dashboard_rollup_add,
  public.dashboard_window, public.dashboard_slices, public.dashboard_visitor_pairs, public.dashboard_figures
  from public, anon, authenticated;
grant execute on function public.dashboard_rollup_of, public.dashboard_rollup_rebuild, public.dashboard_rollup_add,
  public.dashboard_window, public.dashboard_slices, public.dashboard_visitor_pairs, public.dashboard_figures
  to service_role;
