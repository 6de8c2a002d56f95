-- The operator dashboard: every number is an SQL aggregate over llm_traces
-- (one trace per tracked session), for traces created in [p_from, p_to)
-- (either bound may be null). One table function per chart, so the same
-- numbers can be pulled up in the SQL editor, e.g.
--   select * from public.dashboard_daily(now() - interval '7 days', null);
--   select * from public.dashboard_feedback_by_model(null, null);
-- and dashboard_stats(), which returns all of them as one jsonb document.
-- Days are UTC calendar days.

-- Headline figures.
create or replace function public.dashboard_totals(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  traces bigint, visitors bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
  latency_ms bigint, avg_llm_calls numeric, avg_tokens numeric, avg_latency_ms_per_call numeric,
  positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint,
  first_trace_at timestamptz, last_trace_at timestamptz
)
language sql stable
security invoker
set search_path = ''
as $$
  select count(*), count(distinct t.user_id), coalesce(sum(t.llm_calls), 0)::bigint,
         coalesce(sum(t.input_tokens), 0)::bigint, coalesce(sum(t.output_tokens), 0)::bigint,
         coalesce(sum(t.total_tokens), 0)::bigint, coalesce(sum(t.latency_ms), 0)::bigint,
         round(avg(t.llm_calls), 2), round(avg(t.total_tokens), 1),
         round(sum(t.latency_ms)::numeric / nullif(sum(t.llm_calls), 0), 1),
         count(*) filter (where t.feedback = 'positive'), count(*) filter (where t.feedback = 'negative'),
         count(*) filter (where t.feedback = 'pending'),
         round((count(*) filter (where t.feedback = 'positive'))::numeric
               / nullif(count(*) filter (where t.feedback <> 'pending'), 0), 4),
         count(*) filter (where t.status = 'error'), min(t.created_at), max(t.created_at)
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
$$;

-- Traces and tokens per day, every day of the range (at most the last 366), empty days as zeros.
create or replace function public.dashboard_daily(p_from timestamptz default null, p_to timestamptz default null)
returns table (
  day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
  positive bigint, negative bigint
)
language sql stable
security invoker
set search_path = ''
as $$
  with ranged as (
    select * from public.llm_traces t
     where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
  ),
  bounds as (
    select (coalesce(p_from, min(r.created_at)) at time zone 'UTC')::date as first_day,
           (coalesce(p_to - interval '1 microsecond', greatest(max(r.created_at), now())) at time zone 'UTC')::date as last_day
      from ranged r
  ),
  days as (
    select d::date as day
      from bounds b, generate_series(greatest(b.first_day, b.last_day - 365)::timestamp, b.last_day::timestamp, interval '1 day') d
  ),
  agg as (
    select (r.created_at at time zone 'UTC')::date as day, count(*) as traces, sum(r.llm_calls) as llm_calls,
           sum(r.input_tokens) as input_tokens, sum(r.output_tokens) as output_tokens, sum(r.total_tokens) as total_tokens,
           count(*) filter (where r.feedback = 'positive') as positive, count(*) filter (where r.feedback = 'negative') as negative
      from ranged r
     group by 1
  )
  select d.day, coalesce(a.traces, 0), coalesce(a.llm_calls, 0)::bigint, coalesce(a.input_tokens, 0)::bigint,
         coalesce(a.output_tokens, 0)::bigint, coalesce(a.total_tokens, 0)::bigint,
         coalesce(a.positive, 0), coalesce(a.negative, 0)
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
  with buckets(ord, bucket, lo, hi) as (
    values (1, '0', 0, 0), (2, '1', 1, 1), (3, '2', 2, 2), (4, '3', 3, 3), (5, '4', 4, 4), (6, '5', 5, 5),
           (7, '6–10', 6, 10), (8, '11–20', 11, 20), (9, '21+', 21, null::integer)
  )
  select b.bucket, b.lo, b.hi, count(t.id)
    from buckets b
    left join public.llm_traces t
      on t.llm_calls >= b.lo and (b.hi is null or t.llm_calls <= b.hi)
     and t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by b.ord, b.bucket, b.lo, b.hi
   order by b.ord
$$;

-- Feedback per agent; positive_ratio = positive / rated (null when nothing is rated).
create or replace function public.dashboard_feedback_by_agent(p_from timestamptz default null, p_to timestamptz default null)
returns table (agent_type text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
language sql stable
security invoker
set search_path = ''
as $$
  select t.agent_type, count(*),
         count(*) filter (where t.feedback = 'positive'), count(*) filter (where t.feedback = 'negative'),
         count(*) filter (where t.feedback = 'pending'),
         round((count(*) filter (where t.feedback = 'positive'))::numeric
               / nullif(count(*) filter (where t.feedback <> 'pending'), 0), 4)
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by t.agent_type
   order by count(*) desc, t.agent_type
$$;

-- Feedback per model.
create or replace function public.dashboard_feedback_by_model(p_from timestamptz default null, p_to timestamptz default null)
returns table (model_key text, model_name text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
language sql stable
security invoker
set search_path = ''
as $$
  select m.key, m.name, count(*),
         count(*) filter (where t.feedback = 'positive'), count(*) filter (where t.feedback = 'negative'),
         count(*) filter (where t.feedback = 'pending'),
         round((count(*) filter (where t.feedback = 'positive'))::numeric
               / nullif(count(*) filter (where t.feedback <> 'pending'), 0), 4)
    from public.llm_traces t
    join public.llm_models m on m.id = t.model_id
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by m.key, m.name
   order by count(*) desc, m.key
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
  select t.experiment_name, count(*), count(distinct t.user_id), sum(t.llm_calls)::bigint, sum(t.total_tokens)::bigint,
         round(avg(t.llm_calls), 2), round(avg(t.total_tokens), 1),
         round(sum(t.total_tokens)::numeric / nullif(sum(t.llm_calls), 0), 1),
         round(sum(t.latency_ms)::numeric / nullif(sum(t.llm_calls), 0), 1),
         count(*) filter (where t.feedback = 'positive'), count(*) filter (where t.feedback = 'negative'),
         count(*) filter (where t.feedback = 'pending'),
         round((count(*) filter (where t.feedback = 'positive'))::numeric
               / nullif(count(*) filter (where t.feedback <> 'pending'), 0), 4),
         count(*) filter (where t.status = 'error')
    from public.llm_traces t
   where t.experiment_name is not null
     and t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by t.experiment_name
   order by count(*) desc, t.experiment_name
$$;

-- Everything the dashboard shows, in one document. The two compared experiments
-- default to the two with the most traces in the range; a named experiment
-- without traces in the range compares as zeros.
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
  v_experiments jsonb;
  v_a text := nullif(btrim(p_experiment_a), '');
  v_b text := nullif(btrim(p_experiment_b), '');
begin
  if p_from is not null and p_to is not null and p_from >= p_to then
    raise exception using errcode = 'PT400', message = 'bad_request:dashboard', detail = 'from must be before to.';
  end if;
  select coalesce(jsonb_agg(to_jsonb(x) order by x.traces desc, x.experiment_name), '[]'::jsonb) into v_experiments
    from public.dashboard_experiments(p_from, p_to) x;
  if v_a is null then
    select e ->> 'experiment_name' into v_a from jsonb_array_elements(v_experiments) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_b order by i limit 1;
  end if;
  if v_b is null then
    select e ->> 'experiment_name' into v_b from jsonb_array_elements(v_experiments) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_a order by i limit 1;
  end if;
  return jsonb_build_object(
    'from', p_from,
    'to', p_to,
    'totals', (select to_jsonb(x) from public.dashboard_totals(p_from, p_to) x),
    'per_day', coalesce((select jsonb_agg(to_jsonb(x) order by x.day) from public.dashboard_daily(p_from, p_to) x), '[]'::jsonb),
    'llm_calls_distribution', (select jsonb_agg(to_jsonb(x) order by x.min_calls) from public.dashboard_llm_calls_distribution(p_from, p_to) x),
    'feedback_by_agent', coalesce((select jsonb_agg(to_jsonb(x) order by x.traces desc, x.agent_type) from public.dashboard_feedback_by_agent(p_from, p_to) x), '[]'::jsonb),
    'feedback_by_model', coalesce((select jsonb_agg(to_jsonb(x) order by x.traces desc, x.model_key) from public.dashboard_feedback_by_model(p_from, p_to) x), '[]'::jsonb),
    'experiments', v_experiments,
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

-- The models traces can be filtered by (the explorer's model filter).
create or replace function public.operator_models()
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('key', m.key, 'name', m.name, 'provider', m.provider,
                                               'experiment_name', m.experiment_name) order by m.name, m.key), '[]'::jsonb)
    from public.llm_models m
$$;

revoke execute on function public.dashboard_totals, public.dashboard_daily, public.dashboard_llm_calls_distribution,
  public.dashboard_feedback_by_agent, public.dashboard_feedback_by_model, public.dashboard_experiments,
  public.dashboard_stats, public.operator_models from public, anon, authenticated;
grant execute on function public.dashboard_totals, public.dashboard_daily, public.dashboard_llm_calls_distribution,
  public.dashboard_feedback_by_agent, public.dashboard_feedback_by_model, public.dashboard_experiments,
  public.dashboard_stats, public.operator_models to service_role;
