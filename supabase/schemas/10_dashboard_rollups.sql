-- The dashboard: daily rollups of traces kept by triggers (per day, per channel, visitors per
-- day) and the functions that read a date range from them.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Per day and channel: traces, LLM calls, tokens and cost (8 shards per key so concurrent turns do not
-- wait on one row; readers sum them).
CREATE TABLE public.dashboard_channel_rollup (
    day date NOT NULL,
    channel text NOT NULL,
    shard smallint NOT NULL,
    traces bigint DEFAULT 0 NOT NULL,
    llm_calls bigint DEFAULT 0 NOT NULL,
    total_tokens bigint DEFAULT 0 NOT NULL,
    cost_usd numeric DEFAULT 0 NOT NULL,
    CONSTRAINT dashboard_channel_rollup_shard_check CHECK (((shard >= 0) AND (shard <= 7)))
);

ALTER TABLE ONLY public.dashboard_channel_rollup
    ADD CONSTRAINT dashboard_channel_rollup_pkey PRIMARY KEY (day, channel, shard);

ALTER TABLE public.dashboard_channel_rollup ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.dashboard_channel_rollup TO service_role;

-- Per day, agent, model and experiment: the sums the dashboard reads instead of scanning llm_traces
-- (8 shards per key; readers sum them). Kept by the llm_traces triggers below.
CREATE TABLE public.dashboard_rollup (
    day date NOT NULL,
    agent_type text NOT NULL,
    model_id uuid NOT NULL,
    experiment_name text,
    shard smallint NOT NULL,
    traces bigint DEFAULT 0 NOT NULL,
    llm_calls bigint DEFAULT 0 NOT NULL,
    input_tokens bigint DEFAULT 0 NOT NULL,
    output_tokens bigint DEFAULT 0 NOT NULL,
    latency_ms bigint DEFAULT 0 NOT NULL,
    cost_usd numeric DEFAULT 0 NOT NULL,
    tool_calls bigint DEFAULT 0 NOT NULL,
    traces_with_errors bigint DEFAULT 0 NOT NULL,
    errors bigint DEFAULT 0 NOT NULL,
    positive bigint DEFAULT 0 NOT NULL,
    negative bigint DEFAULT 0 NOT NULL,
    pending bigint DEFAULT 0 NOT NULL,
    votes_up bigint DEFAULT 0 NOT NULL,
    votes_down bigint DEFAULT 0 NOT NULL,
    calls_0 bigint DEFAULT 0 NOT NULL,
    calls_1 bigint DEFAULT 0 NOT NULL,
    calls_2 bigint DEFAULT 0 NOT NULL,
    calls_3 bigint DEFAULT 0 NOT NULL,
    calls_4 bigint DEFAULT 0 NOT NULL,
    calls_5 bigint DEFAULT 0 NOT NULL,
    calls_6_10 bigint DEFAULT 0 NOT NULL,
    calls_11_20 bigint DEFAULT 0 NOT NULL,
    calls_21_up bigint DEFAULT 0 NOT NULL,
    CONSTRAINT dashboard_rollup_shard_check CHECK (((shard >= 0) AND (shard <= 7)))
);

ALTER TABLE ONLY public.dashboard_rollup
    ADD CONSTRAINT dashboard_rollup_key UNIQUE NULLS NOT DISTINCT (day, agent_type, model_id, experiment_name, shard);

ALTER TABLE public.dashboard_rollup ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.dashboard_rollup TO service_role;

-- Distinct visitors cannot be summed over days: which visitors had traces on which
-- day (per experiment), and in total (the all-time figure reads the smaller table).
-- prev_day: the visitor's previous day with traffic (any experiment), null for their first;
-- prev_day_in_experiment: their previous day in this row's experiment (null without one). A range's
-- partial edge days read them instead of probing each edge visitor (docs/performance.md, "Distinct
-- visitors over any range"); kept by the gap triggers (private.dashboard_visitor_days_prev).
CREATE TABLE public.dashboard_visitor_days (
    day date NOT NULL,
    user_id text NOT NULL,
    experiment_name text,
    traces bigint NOT NULL,
    prev_day date,
    prev_day_in_experiment date
);

-- The previous days ride in the key (INCLUDE): a range's upper edge day reads its visitors' previous
-- days from the index alone (the rows of one day are scattered over the heap after a bulk load).
ALTER TABLE ONLY public.dashboard_visitor_days
    ADD CONSTRAINT dashboard_visitor_days_key UNIQUE NULLS NOT DISTINCT (day, user_id, experiment_name) INCLUDE (prev_day, prev_day_in_experiment);

-- A visitor's days in order: the gap counts' neighbours and a new visitor day's previous days (the
-- probes of dashboard_rollup_rows and private.dashboard_visitor_gaps_append).
CREATE INDEX dashboard_visitor_days_visitor ON public.dashboard_visitor_days USING btree (user_id, day, experiment_name);

-- The visitors of a day who came back, with the day they came back (their first day after it): the
-- visitors of a range's lower edge day seen on its whole days, one index range (per experiment below).
CREATE INDEX dashboard_visitor_days_return ON public.dashboard_visitor_days USING btree (prev_day, day, user_id) WHERE (prev_day IS NOT NULL);

CREATE INDEX dashboard_visitor_days_return_in_experiment ON public.dashboard_visitor_days USING btree (prev_day_in_experiment, day, user_id, experiment_name) WHERE (prev_day_in_experiment IS NOT NULL);

ALTER TABLE public.dashboard_visitor_days ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.dashboard_visitor_days TO service_role;

-- Traces per visitor and experiment, all time (the unique-visitor counts).
CREATE TABLE public.dashboard_visitors (
    user_id text NOT NULL,
    experiment_name text,
    traces bigint NOT NULL
);

ALTER TABLE ONLY public.dashboard_visitors
    ADD CONSTRAINT dashboard_visitors_key UNIQUE NULLS NOT DISTINCT (user_id, experiment_name);

ALTER TABLE public.dashboard_visitors ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.dashboard_visitors TO service_role;

-- Distinct visitors over whole days without reading the visitor days (docs/performance.md, "Distinct
-- visitors over any range"): every visitor day counted at (day, the visitor's previous day with traffic,
-- null for their first). A visitor is counted once in [a, b], on their first day in it, so the visitors
-- of whole days [a, b] = sum(visitors) where day between a and b and (prev_day < a or prev_day is null).
-- experiment_name null: every visitor (whatever the experiment); otherwise that experiment's visitors.
-- Kept from dashboard_visitor_days by its triggers (private.dashboard_visitor_gaps_rows).
CREATE TABLE public.dashboard_visitor_gaps (
    day date NOT NULL,
    prev_day date,
    experiment_name text,
    visitors bigint NOT NULL,
    CONSTRAINT dashboard_visitor_gaps_order CHECK ((prev_day < day))
);

ALTER TABLE ONLY public.dashboard_visitor_gaps
    ADD CONSTRAINT dashboard_visitor_gaps_key UNIQUE NULLS NOT DISTINCT (day, prev_day, experiment_name);

ALTER TABLE public.dashboard_visitor_gaps ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.dashboard_visitor_gaps TO service_role;

-- Add signed counts to one key (the one upsert every path uses). plpgsql: its plan is kept for the
-- connection (a `language sql` function with `set search_path` is planned again on every call).
CREATE FUNCTION private.dashboard_channel_bump(p_day date, p_channel text, p_shard smallint, p_traces bigint, p_llm_calls bigint, p_total_tokens bigint, p_cost_usd numeric) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  insert into public.dashboard_channel_rollup as r (day, channel, shard, traces, llm_calls, total_tokens, cost_usd)
  values (p_day, p_channel, p_shard, p_traces, p_llm_calls, p_total_tokens, p_cost_usd)
  on conflict (day, channel, shard) do update set
    traces = r.traces + excluded.traces, llm_calls = r.llm_calls + excluded.llm_calls,
    total_tokens = r.total_tokens + excluded.total_tokens, cost_usd = r.cost_usd + excluded.cost_usd;
end
$$;

REVOKE ALL ON FUNCTION private.dashboard_channel_bump(p_day date, p_channel text, p_shard smallint, p_traces bigint, p_llm_calls bigint, p_total_tokens bigint, p_cost_usd numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_bump(p_day date, p_channel text, p_shard smallint, p_traces bigint, p_llm_calls bigint, p_total_tokens bigint, p_cost_usd numeric) TO service_role;

-- The rollup rows of the traces created in [p_from, p_to) (null: unbounded), counted from
-- llm_traces: the backfill, a range's edges, and the recount the tests compare with.
CREATE FUNCTION private.dashboard_channel_rollup_of(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS SETOF public.dashboard_channel_rollup
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select (t.created_at at time zone 'UTC')::date, t.channel, (get_byte(uuid_send(t.id), 15) % 8)::smallint,
         count(*), sum(t.llm_calls), sum(t.total_tokens), sum(t.cost_usd)
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
     and t.channel <> 'experiment' -- an experiment's replays are not traffic (17_datasets_and_experiments.sql)
   group by 1, 2, 3
$$;

REVOKE ALL ON FUNCTION private.dashboard_channel_rollup_of(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_rollup_of(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- Inserted (+1) or deleted (-1) traces: one grouped pass over the statement's rows, in key order.
CREATE FUNCTION private.dashboard_channel_rows() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_sign integer := case tg_op when 'INSERT' then 1 else -1 end;
begin
  perform private.dashboard_channel_bump(g.day, g.channel, g.shard, v_sign * g.traces, v_sign * g.llm_calls,
                                         v_sign * g.total_tokens, v_sign * g.cost_usd)
     from (select (t.created_at at time zone 'UTC')::date as day, t.channel, (get_byte(uuid_send(t.id), 15) % 8)::smallint as shard,
                  count(*) as traces, sum(t.llm_calls)::bigint as llm_calls, sum(t.total_tokens)::bigint as total_tokens,
                  sum(t.cost_usd) as cost_usd
             from changed t where t.channel <> 'experiment' group by 1, 2, 3 order by 1, 2, 3) g;
  if v_sign < 0 then
    delete from public.dashboard_channel_rollup r where r.traces = 0;
  end if;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.dashboard_channel_rows() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_rows() TO service_role;

CREATE TRIGGER llm_traces_dashboard_channel_delete AFTER DELETE ON public.llm_traces REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION private.dashboard_channel_rows();
CREATE TRIGGER llm_traces_dashboard_channel_insert AFTER INSERT ON public.llm_traces REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION private.dashboard_channel_rows();

-- Truncating llm_traces empties the channel rollup.
CREATE FUNCTION private.dashboard_channel_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  truncate public.dashboard_channel_rollup;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.dashboard_channel_truncate() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_truncate() TO service_role;

CREATE TRIGGER llm_traces_dashboard_channel_truncate AFTER TRUNCATE ON public.llm_traces FOR EACH STATEMENT EXECUTE FUNCTION private.dashboard_channel_truncate();

-- One trace's counted columns changed: the old figures leave their key, the new join theirs
-- (the same row when only the counters moved: every turn, so one plain update of the row the
-- trace's insert counted it in, the upsert only if that row is missing).
CREATE FUNCTION private.dashboard_channel_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_old_day date := (old.created_at at time zone 'UTC')::date;
  v_new_day date := (new.created_at at time zone 'UTC')::date;
  v_shard smallint := (get_byte(uuid_send(new.id), 15) % 8)::smallint;
begin
  if new.channel = 'experiment' then
    return null; -- an experiment's replay is never counted (a trace's channel never changes)
  end if;
  if v_old_day = v_new_day and old.channel = new.channel then
    update public.dashboard_channel_rollup r
       set llm_calls = r.llm_calls + (new.llm_calls - old.llm_calls), total_tokens = r.total_tokens + (new.total_tokens - old.total_tokens),
           cost_usd = r.cost_usd + (new.cost_usd - old.cost_usd)
     where r.day = v_new_day and r.channel = new.channel and r.shard = v_shard;
    if not found then
      perform private.dashboard_channel_bump(v_new_day, new.channel, v_shard, 0, (new.llm_calls - old.llm_calls)::bigint,
                                             new.total_tokens - old.total_tokens, new.cost_usd - old.cost_usd);
    end if;
  else
    perform private.dashboard_channel_bump(v_old_day, old.channel, v_shard, -1, -old.llm_calls::bigint, -old.total_tokens, -old.cost_usd);
    perform private.dashboard_channel_bump(v_new_day, new.channel, v_shard, 1, new.llm_calls::bigint, new.total_tokens, new.cost_usd);
    delete from public.dashboard_channel_rollup r where r.traces = 0;
  end if;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.dashboard_channel_update() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_channel_update() TO service_role;

CREATE TRIGGER llm_traces_dashboard_channel_update AFTER UPDATE OF created_at, channel, llm_calls, input_tokens, output_tokens, cost_usd ON public.llm_traces FOR EACH ROW WHEN (((old.created_at IS DISTINCT FROM new.created_at) OR (old.channel IS DISTINCT FROM new.channel) OR (old.llm_calls IS DISTINCT FROM new.llm_calls) OR (old.input_tokens IS DISTINCT FROM new.input_tokens) OR (old.output_tokens IS DISTINCT FROM new.output_tokens) OR (old.cost_usd IS DISTINCT FROM new.cost_usd))) EXECUTE FUNCTION private.dashboard_channel_update();

-- The split for [p_from, p_to): one row per channel with traces in the range, most traces first.
CREATE FUNCTION public.dashboard_channels(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  if p_from is not null and p_to is not null and p_from >= p_to then
    raise exception using errcode = 'PT400', message = 'bad_request:dashboard', detail = 'from must be before to.';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object('channel', c.channel, 'traces', c.traces, 'llm_calls', c.llm_calls,
                                        'total_tokens', c.total_tokens, 'cost_usd', c.cost_usd)
                     order by c.traces desc, c.channel)
      from (select u.channel, sum(u.traces) as traces, sum(u.llm_calls) as llm_calls, sum(u.total_tokens) as total_tokens,
                   sum(u.cost_usd) as cost_usd
              from (
                select r.* from public.dashboard_window(p_from, p_to) w
                  join public.dashboard_channel_rollup r
                    on r.day >= coalesce(w.first_day, '-infinity'::date) and r.day < coalesce(w.end_day, 'infinity'::date)
                union all
                select e.* from public.dashboard_window(p_from, p_to) w
                  cross join lateral private.dashboard_channel_rollup_of(p_from, w.edge_lo) e
                union all
                select e.* from public.dashboard_window(p_from, p_to) w
                  cross join lateral private.dashboard_channel_rollup_of(w.edge_hi, p_to) e
              ) u
             group by u.channel
            having sum(u.traces) > 0) c), '[]'::jsonb);
end
$$;

REVOKE ALL ON FUNCTION public.dashboard_channels(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_channels(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- Traces, tokens and cost per day, every day of the range (at most the last 366), empty days as zeros.
CREATE FUNCTION public.dashboard_daily(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint, positive bigint, negative bigint, cost_usd numeric)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.* from jsonb_to_recordset(public.dashboard_figures(p_from, p_to) -> 'per_day') as x(
    day date, traces bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
    positive bigint, negative bigint, cost_usd numeric)
   order by x.day
$$;

REVOKE ALL ON FUNCTION public.dashboard_daily(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_daily(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- The A/B comparison's rows (docs/glossary.md): one per model experiment_name (traces without one are
-- left out), most traces first. ("Experiments" are dataset runs: 17_datasets_and_experiments.sql.)
CREATE FUNCTION public.dashboard_ab_comparison(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(experiment_name text, traces bigint, visitors bigint, llm_calls bigint, total_tokens bigint, avg_llm_calls numeric, avg_tokens numeric, avg_tokens_per_call numeric, avg_latency_ms_per_call numeric, positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.experiment_name, x.traces, x.visitors, x.llm_calls, x.total_tokens, x.avg_llm_calls, x.avg_tokens, x.avg_tokens_per_call,
         x.avg_latency_ms_per_call, x.positive, x.negative, x.pending, x.positive_ratio, x.errors
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'ab_comparison') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(
     experiment_name text, traces bigint, visitors bigint, llm_calls bigint, total_tokens bigint,
     avg_llm_calls numeric, avg_tokens numeric, avg_tokens_per_call numeric, avg_latency_ms_per_call numeric,
     positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint)
   order by e.i
$$;

REVOKE ALL ON FUNCTION public.dashboard_ab_comparison(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_ab_comparison(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- Feedback per agent; positive_ratio = positive / rated (null when nothing is rated).
CREATE FUNCTION public.dashboard_feedback_by_agent(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(agent_type text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.agent_type, x.traces, x.positive, x.negative, x.pending, x.positive_ratio
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'feedback_by_agent') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(agent_type text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
   order by e.i
$$;

REVOKE ALL ON FUNCTION public.dashboard_feedback_by_agent(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_feedback_by_agent(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- Feedback per model.
CREATE FUNCTION public.dashboard_feedback_by_model(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(model_key text, model_name text, traces bigint, positive bigint, negative bigint, pending bigint, positive_ratio numeric)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.model_key, x.model_name, x.traces, x.positive, x.negative, x.pending, x.positive_ratio
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'feedback_by_model') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(model_key text, model_name text, traces bigint, positive bigint, negative bigint,
                                                   pending bigint, positive_ratio numeric)
   order by e.i
$$;

REVOKE ALL ON FUNCTION public.dashboard_feedback_by_model(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_feedback_by_model(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- One group of a range's rollup rows (dim 'all', 'day', 'agent', 'model' or 'experiment'): its sums,
-- the ratios the charts show and, for 'all' and each experiment, its distinct visitors. Made by
-- private.dashboard_groups(), put into JSON by the private.dashboard_*_json steps.
CREATE TYPE private.dashboard_group AS (
	dim text,
	day date,
	agent_type text,
	model_id uuid,
	experiment_name text,
	traces bigint,
	llm_calls bigint,
	input_tokens bigint,
	output_tokens bigint,
	total_tokens bigint,
	latency_ms bigint,
	cost_usd numeric,
	tool_calls bigint,
	traces_with_errors bigint,
	errors bigint,
	positive bigint,
	negative bigint,
	pending bigint,
	votes_up bigint,
	votes_down bigint,
	buckets bigint[],
	positive_ratio numeric,
	avg_cost_usd numeric,
	avg_llm_calls numeric,
	avg_tokens numeric,
	avg_tokens_per_call numeric,
	avg_latency_ms_per_call numeric,
	visitors bigint
);

-- The groups of [p_from, p_to): one pass over the range's rollup rows (grouping sets: all, per day,
-- per agent, per model, per experiment) and the range's distinct visitors (none for the traces
-- without an experiment_name, which the A/B comparison leaves out).
CREATE FUNCTION private.dashboard_groups(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS SETOF private.dashboard_group
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
  -- distinct visitors: experiment_name null for every visitor, else per experiment
  v as materialized (select c.experiment_name, c.visitors from private.dashboard_visitor_counts(p_from, p_to) c)
  -- ratios shared by the groups (positive_ratio = positive / rated, null when nothing is rated)
  select g.*, round(g.positive::numeric / nullif(g.positive + g.negative, 0), 4),
         round(g.cost_usd / nullif(g.traces, 0), 8), round(g.llm_calls::numeric / nullif(g.traces, 0), 2),
         round(g.total_tokens::numeric / nullif(g.traces, 0), 1), round(g.total_tokens::numeric / nullif(g.llm_calls, 0), 1),
         round(g.latency_ms::numeric / nullif(g.llm_calls, 0), 1),
         case g.dim when 'all' then (select v.visitors from v where v.experiment_name is null)
                    when 'experiment' then (select v.visitors from v where v.experiment_name = g.experiment_name) end
    from g
$$;

REVOKE ALL ON FUNCTION private.dashboard_groups(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_groups(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- `totals` and `llm_calls_distribution` of the dashboard, from the range's 'all' group.
CREATE FUNCTION private.dashboard_totals_json(p_groups private.dashboard_group[], p_from timestamp with time zone, p_to timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'totals', jsonb_build_object(
        'traces', a.traces, 'visitors', coalesce(a.visitors, 0), 'llm_calls', a.llm_calls,
        'input_tokens', a.input_tokens, 'output_tokens', a.output_tokens, 'total_tokens', a.total_tokens, 'latency_ms', a.latency_ms,
        'avg_llm_calls', a.avg_llm_calls, 'avg_tokens', a.avg_tokens, 'avg_latency_ms_per_call', a.avg_latency_ms_per_call,
        'positive', a.positive, 'negative', a.negative, 'pending', a.pending, 'positive_ratio', a.positive_ratio, 'errors', a.errors,
        -- from the index on created_at: exact at any range
        'first_trace_at', (select min(t.created_at) from public.llm_traces t
                            where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
                              and t.channel <> 'experiment'),
        'last_trace_at', (select max(t.created_at) from public.llm_traces t
                           where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
                             and t.channel <> 'experiment'),
        'cost_usd', a.cost_usd, 'avg_cost_usd', a.avg_cost_usd, 'tool_calls', a.tool_calls,
        'traces_with_errors', a.traces_with_errors, 'votes_up', a.votes_up, 'votes_down', a.votes_down),
    -- how many sessions made how many LLM calls (every bucket, empty ones as zeros)
    'llm_calls_distribution', (
      select jsonb_agg(jsonb_build_object('bucket', b.bucket, 'min_calls', b.lo, 'max_calls', b.hi, 'sessions', a.buckets[b.ord])
                       order by b.ord)
        from (values (1, '0', 0, 0), (2, '1', 1, 1), (3, '2', 2, 2), (4, '3', 3, 3), (5, '4', 4, 4), (6, '5', 5, 5),
                     (7, '6–10', 6, 10), (8, '11–20', 11, 20), (9, '21+', 21, null::integer)) b(ord, bucket, lo, hi)))
    from unnest(p_groups) a where a.dim = 'all'
$$;

REVOKE ALL ON FUNCTION private.dashboard_totals_json(p_groups private.dashboard_group[], p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_totals_json(p_groups private.dashboard_group[], p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- `per_day` of the dashboard: every day of the range (at most the last 366), empty days as zeros.
CREATE FUNCTION private.dashboard_per_day_json(p_groups private.dashboard_group[], p_from timestamp with time zone, p_to timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with f as (select x.* from unnest(p_groups) x where x.dim = 'day'),
  bounds as (
    select coalesce((p_from at time zone 'UTC')::date, min(f.day)) as first_day,
           coalesce(((p_to - interval '1 microsecond') at time zone 'UTC')::date,
                    greatest(max(f.day), (now() at time zone 'UTC')::date)) as last_day
      from f
  ),
  days as (
    select d::date as day
      from bounds b, generate_series(greatest(b.first_day, b.last_day - 365)::timestamp, b.last_day::timestamp, interval '1 day') d
  )
  select jsonb_build_object('per_day', coalesce((
      select jsonb_agg(jsonb_build_object(
               'day', d.day, 'traces', coalesce(x.traces, 0), 'llm_calls', coalesce(x.llm_calls, 0),
               'input_tokens', coalesce(x.input_tokens, 0), 'output_tokens', coalesce(x.output_tokens, 0),
               'total_tokens', coalesce(x.total_tokens, 0), 'positive', coalesce(x.positive, 0),
               'negative', coalesce(x.negative, 0), 'cost_usd', coalesce(x.cost_usd, 0)) order by d.day)
        from days d left join f x on x.day = d.day), '[]'::jsonb))
$$;

REVOKE ALL ON FUNCTION private.dashboard_per_day_json(p_groups private.dashboard_group[], p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_per_day_json(p_groups private.dashboard_group[], p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- The dashboard's breakdowns (`feedback_by_*`, `usage_by_*`, `ab_comparison`) from the range's
-- agent, model and experiment groups.
CREATE FUNCTION private.dashboard_breakdowns_json(p_groups private.dashboard_group[]) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with f as (select x.* from unnest(p_groups) x where x.dim in ('agent', 'model', 'experiment'))
  select jsonb_build_object(
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
    -- the A/B comparison: one row per experiment_name (traces without one are left out), most traces first
    'ab_comparison', coalesce((
      select jsonb_agg(jsonb_build_object(
               'experiment_name', x.experiment_name, 'traces', x.traces, 'visitors', coalesce(x.visitors, 0),
               'llm_calls', x.llm_calls, 'total_tokens', x.total_tokens, 'avg_llm_calls', x.avg_llm_calls, 'avg_tokens', x.avg_tokens,
               'avg_tokens_per_call', x.avg_tokens_per_call, 'avg_latency_ms_per_call', x.avg_latency_ms_per_call,
               'positive', x.positive, 'negative', x.negative, 'pending', x.pending, 'positive_ratio', x.positive_ratio, 'errors', x.errors)
             order by x.traces desc, x.experiment_name)
        from f x where x.dim = 'experiment' and x.experiment_name is not null), '[]'::jsonb))
$$;

REVOKE ALL ON FUNCTION private.dashboard_breakdowns_json(p_groups private.dashboard_group[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_breakdowns_json(p_groups private.dashboard_group[]) TO service_role;

-- Every figure of the dashboard for [p_from, p_to): the range's groups (private.dashboard_groups:
-- one pass over its rollup rows, one over its visitors) put into JSON by three steps. The one home
-- of the dashboard's formulas: dashboard_stats() returns it, the per-chart functions below read
-- their part of it.
CREATE FUNCTION public.dashboard_figures(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with grp as (select array_agg(g) as groups from private.dashboard_groups(p_from, p_to) g)
  select private.dashboard_totals_json(grp.groups, p_from, p_to)
         || private.dashboard_per_day_json(grp.groups, p_from, p_to)
         || private.dashboard_breakdowns_json(grp.groups)
    from grp
$$;

REVOKE ALL ON FUNCTION public.dashboard_figures(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_figures(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- How many sessions made how many LLM calls (every bucket, empty ones as zeros).
CREATE FUNCTION public.dashboard_llm_calls_distribution(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(bucket text, min_calls integer, max_calls integer, sessions bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.* from jsonb_to_recordset(public.dashboard_figures(p_from, p_to) -> 'llm_calls_distribution') as x(
    bucket text, min_calls integer, max_calls integer, sessions bigint)
   order by x.min_calls
$$;

REVOKE ALL ON FUNCTION public.dashboard_llm_calls_distribution(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_llm_calls_distribution(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- One trace counted with a sign (+1 gained, -1 lost) in the three tables.
CREATE FUNCTION public.dashboard_rollup_add(p_trace public.llm_traces, p_sign integer) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  insert into public.dashboard_rollup as r values (
    (p_trace.created_at at time zone 'UTC')::date, p_trace.agent_type, p_trace.model_id, p_trace.experiment_name,
    (get_byte(uuid_send(p_trace.id), 15) % 8)::smallint,
    p_sign, p_sign * p_trace.llm_calls, p_sign * p_trace.input_tokens, p_sign * p_trace.output_tokens,
    p_sign * p_trace.latency_ms, p_sign * p_trace.cost_usd, p_sign * p_trace.tool_calls,
    p_sign * (p_trace.error_count > 0)::int, p_sign * (p_trace.status = 'error')::int,
    p_sign * (p_trace.feedback = 'positive')::int, p_sign * (p_trace.feedback = 'negative')::int,
    p_sign * (p_trace.feedback = 'pending')::int, p_sign * p_trace.votes_up, p_sign * p_trace.votes_down,
    p_sign * (p_trace.llm_calls = 0)::int, p_sign * (p_trace.llm_calls = 1)::int, p_sign * (p_trace.llm_calls = 2)::int,
    p_sign * (p_trace.llm_calls = 3)::int, p_sign * (p_trace.llm_calls = 4)::int, p_sign * (p_trace.llm_calls = 5)::int,
    p_sign * (p_trace.llm_calls between 6 and 10)::int, p_sign * (p_trace.llm_calls between 11 and 20)::int,
    p_sign * (p_trace.llm_calls >= 21)::int)
  on conflict (day, agent_type, model_id, experiment_name, shard) do update set
    traces = r.traces + excluded.traces, llm_calls = r.llm_calls + excluded.llm_calls,
    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
    latency_ms = r.latency_ms + excluded.latency_ms, cost_usd = r.cost_usd + excluded.cost_usd,
    tool_calls = r.tool_calls + excluded.tool_calls, traces_with_errors = r.traces_with_errors + excluded.traces_with_errors,
    errors = r.errors + excluded.errors, positive = r.positive + excluded.positive, negative = r.negative + excluded.negative,
    pending = r.pending + excluded.pending, votes_up = r.votes_up + excluded.votes_up, votes_down = r.votes_down + excluded.votes_down,
    calls_0 = r.calls_0 + excluded.calls_0, calls_1 = r.calls_1 + excluded.calls_1, calls_2 = r.calls_2 + excluded.calls_2,
    calls_3 = r.calls_3 + excluded.calls_3, calls_4 = r.calls_4 + excluded.calls_4, calls_5 = r.calls_5 + excluded.calls_5,
    calls_6_10 = r.calls_6_10 + excluded.calls_6_10, calls_11_20 = r.calls_11_20 + excluded.calls_11_20,
    calls_21_up = r.calls_21_up + excluded.calls_21_up;
  insert into public.dashboard_visitor_days as v (day, user_id, experiment_name, traces)
  values ((p_trace.created_at at time zone 'UTC')::date, p_trace.user_id, p_trace.experiment_name, p_sign)
  on conflict (day, user_id, experiment_name) do update set traces = v.traces + excluded.traces;
  insert into public.dashboard_visitors as v (user_id, experiment_name, traces)
  values (p_trace.user_id, p_trace.experiment_name, p_sign)
  on conflict (user_id, experiment_name) do update set traces = v.traces + excluded.traces;
$$;

REVOKE ALL ON FUNCTION public.dashboard_rollup_add(p_trace public.llm_traces, p_sign integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_add(p_trace public.llm_traces, p_sign integer) TO service_role;

-- The rollup rows of the traces created in [p_from, p_to) (null: unbounded), computed
-- from llm_traces: the rebuild, the dashboard's partial days, and the recount the
-- tests compare the rollup with.
CREATE FUNCTION public.dashboard_rollup_of(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS SETOF public.dashboard_rollup
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select (t.created_at at time zone 'UTC')::date, t.agent_type, t.model_id, t.experiment_name,
         (get_byte(uuid_send(t.id), 15) % 8)::smallint,
         count(*), sum(t.llm_calls), sum(t.input_tokens), sum(t.output_tokens), sum(t.latency_ms), sum(t.cost_usd),
         sum(t.tool_calls), count(*) filter (where t.error_count > 0), count(*) filter (where t.status = 'error'),
         count(*) filter (where t.feedback = 'positive'), count(*) filter (where t.feedback = 'negative'),
         count(*) filter (where t.feedback = 'pending'), sum(t.votes_up), sum(t.votes_down),
         count(*) filter (where t.llm_calls = 0), count(*) filter (where t.llm_calls = 1),
         count(*) filter (where t.llm_calls = 2), count(*) filter (where t.llm_calls = 3),
         count(*) filter (where t.llm_calls = 4), count(*) filter (where t.llm_calls = 5),
         count(*) filter (where t.llm_calls between 6 and 10), count(*) filter (where t.llm_calls between 11 and 20),
         count(*) filter (where t.llm_calls >= 21)
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
     and t.channel <> 'experiment' -- an experiment's replays are not traffic (17_datasets_and_experiments.sql)
   group by 1, 2, 3, 4, 5
$$;

REVOKE ALL ON FUNCTION public.dashboard_rollup_of(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_of(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- Recompute the rollup and the visitor tables from llm_traces (the migration's
-- backfill; also a repair for an operator).
CREATE FUNCTION public.dashboard_rollup_rebuild() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  delete from public.dashboard_rollup;
  delete from public.dashboard_visitor_days;
  delete from public.dashboard_visitors;
  insert into public.dashboard_rollup select * from public.dashboard_rollup_of(null, null);
  insert into public.dashboard_visitor_days (day, user_id, experiment_name, traces, prev_day, prev_day_in_experiment)
  select x.day, x.user_id, x.experiment_name, x.traces,
         max(x.day) over (partition by x.user_id order by x.day range between unbounded preceding and '1 day' preceding),
         case when x.experiment_name is not null
              then lag(x.day) over (partition by x.user_id, x.experiment_name order by x.day) end
    from (select (t.created_at at time zone 'UTC')::date as day, t.user_id, t.experiment_name, count(*) as traces
            from public.llm_traces t where t.channel <> 'experiment' group by 1, 2, 3) x;
  insert into public.dashboard_visitors (user_id, experiment_name, traces)
  select t.user_id, t.experiment_name, count(*) from public.llm_traces t where t.channel <> 'experiment' group by 1, 2;
end
$$;

REVOKE ALL ON FUNCTION public.dashboard_rollup_rebuild() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_rebuild() TO service_role;

-- Inserted (+1) or deleted (-1) traces, as one grouped upsert per table.
-- `changed` is the statement's transition table (new rows or old rows).
CREATE FUNCTION public.dashboard_rollup_rows() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_sign integer := case tg_op when 'INSERT' then 1 else -1 end;
begin
  -- the visitor locks the gap counts take, first: before any rollup row (the order a turn takes them in)
  perform private.dashboard_visitor_gaps_lock(array(select distinct c.user_id from changed c where c.channel <> 'experiment'));
  insert into public.dashboard_rollup as r
  select (t.created_at at time zone 'UTC')::date, t.agent_type, t.model_id, t.experiment_name,
         (get_byte(uuid_send(t.id), 15) % 8)::smallint,
         v_sign * count(*), v_sign * sum(t.llm_calls), v_sign * sum(t.input_tokens), v_sign * sum(t.output_tokens),
         v_sign * sum(t.latency_ms), v_sign * sum(t.cost_usd), v_sign * sum(t.tool_calls),
         v_sign * count(*) filter (where t.error_count > 0), v_sign * count(*) filter (where t.status = 'error'),
         v_sign * count(*) filter (where t.feedback = 'positive'), v_sign * count(*) filter (where t.feedback = 'negative'),
         v_sign * count(*) filter (where t.feedback = 'pending'), v_sign * sum(t.votes_up), v_sign * sum(t.votes_down),
         v_sign * count(*) filter (where t.llm_calls = 0), v_sign * count(*) filter (where t.llm_calls = 1),
         v_sign * count(*) filter (where t.llm_calls = 2), v_sign * count(*) filter (where t.llm_calls = 3),
         v_sign * count(*) filter (where t.llm_calls = 4), v_sign * count(*) filter (where t.llm_calls = 5),
         v_sign * count(*) filter (where t.llm_calls between 6 and 10),
         v_sign * count(*) filter (where t.llm_calls between 11 and 20), v_sign * count(*) filter (where t.llm_calls >= 21)
    from changed t where t.channel <> 'experiment'
   group by 1, 2, 3, 4, 5
   order by 1, 2, 3, 4, 5
  on conflict (day, agent_type, model_id, experiment_name, shard) do update set
    traces = r.traces + excluded.traces, llm_calls = r.llm_calls + excluded.llm_calls,
    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
    latency_ms = r.latency_ms + excluded.latency_ms, cost_usd = r.cost_usd + excluded.cost_usd,
    tool_calls = r.tool_calls + excluded.tool_calls, traces_with_errors = r.traces_with_errors + excluded.traces_with_errors,
    errors = r.errors + excluded.errors, positive = r.positive + excluded.positive, negative = r.negative + excluded.negative,
    pending = r.pending + excluded.pending, votes_up = r.votes_up + excluded.votes_up, votes_down = r.votes_down + excluded.votes_down,
    calls_0 = r.calls_0 + excluded.calls_0, calls_1 = r.calls_1 + excluded.calls_1, calls_2 = r.calls_2 + excluded.calls_2,
    calls_3 = r.calls_3 + excluded.calls_3, calls_4 = r.calls_4 + excluded.calls_4, calls_5 = r.calls_5 + excluded.calls_5,
    calls_6_10 = r.calls_6_10 + excluded.calls_6_10, calls_11_20 = r.calls_11_20 + excluded.calls_11_20,
    calls_21_up = r.calls_21_up + excluded.calls_21_up;

  -- a new visitor day's previous days (two index probes; private.dashboard_visitor_gaps_rows checks them)
  insert into public.dashboard_visitor_days as v (day, user_id, experiment_name, traces, prev_day, prev_day_in_experiment)
  select x.day, x.user_id, x.experiment_name, x.traces,
         case when v_sign > 0 then (select max(d.day) from public.dashboard_visitor_days d where d.user_id = x.user_id and d.day < x.day) end,
         case when v_sign > 0 and x.experiment_name is not null then (select max(d.day) from public.dashboard_visitor_days d
                where d.user_id = x.user_id and d.experiment_name = x.experiment_name and d.day < x.day) end
    from (select (t.created_at at time zone 'UTC')::date as day, t.user_id, t.experiment_name, v_sign * count(*) as traces
            from changed t where t.channel <> 'experiment' group by 1, 2, 3) x order by 1, 2, 3
  on conflict (day, user_id, experiment_name) do update set traces = v.traces + excluded.traces;

  insert into public.dashboard_visitors as v (user_id, experiment_name, traces)
  select t.user_id, t.experiment_name, v_sign * count(*)
    from changed t where t.channel <> 'experiment' group by 1, 2 order by 1, 2
  on conflict (user_id, experiment_name) do update set traces = v.traces + excluded.traces;

  if v_sign < 0 then -- the emptied rows, by their keys' first columns (no index on the counts: updates stay HOT)
    delete from public.dashboard_rollup r where r.traces = 0 and (r.day, r.agent_type) in (select (t.created_at at time zone 'UTC')::date, t.agent_type from changed t);
    delete from public.dashboard_visitor_days v where v.traces = 0 and (v.day, v.user_id) in (select (t.created_at at time zone 'UTC')::date, t.user_id from changed t);
    delete from public.dashboard_visitors v where v.traces = 0 and v.user_id in (select t.user_id from changed t);
  end if;
  return null;
end
$$;

REVOKE ALL ON FUNCTION public.dashboard_rollup_rows() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_rows() TO service_role;

CREATE TRIGGER llm_traces_dashboard_delete AFTER DELETE ON public.llm_traces REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.dashboard_rollup_rows();
CREATE TRIGGER llm_traces_dashboard_insert AFTER INSERT ON public.llm_traces REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.dashboard_rollup_rows();

-- Truncating llm_traces empties the rollups.
CREATE FUNCTION public.dashboard_rollup_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  truncate public.dashboard_rollup, public.dashboard_visitor_days, public.dashboard_visitors, public.dashboard_visitor_gaps;
  return null;
end
$$;

REVOKE ALL ON FUNCTION public.dashboard_rollup_truncate() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_truncate() TO service_role;

CREATE TRIGGER llm_traces_dashboard_truncate AFTER TRUNCATE ON public.llm_traces FOR EACH STATEMENT EXECUTE FUNCTION public.dashboard_rollup_truncate();

-- One trace's counted columns changed. The usual case (its day, agent, model,
-- experiment and visitor stay) is one update of its shard's row; otherwise the
-- old trace leaves its keys and the new one joins its own.
CREATE FUNCTION public.dashboard_rollup_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if new.channel = 'experiment' then
    return null; -- an experiment's replay is never counted (a trace's channel never changes)
  end if;
  if (old.created_at at time zone 'UTC')::date = (new.created_at at time zone 'UTC')::date
     and old.agent_type = new.agent_type and old.model_id = new.model_id and old.user_id = new.user_id
     and old.experiment_name is not distinct from new.experiment_name then
    update public.dashboard_rollup r set
      llm_calls = r.llm_calls + (new.llm_calls - old.llm_calls),
      input_tokens = r.input_tokens + (new.input_tokens - old.input_tokens),
      output_tokens = r.output_tokens + (new.output_tokens - old.output_tokens),
      latency_ms = r.latency_ms + (new.latency_ms - old.latency_ms),
      cost_usd = r.cost_usd + (new.cost_usd - old.cost_usd),
      tool_calls = r.tool_calls + (new.tool_calls - old.tool_calls),
      traces_with_errors = r.traces_with_errors + ((new.error_count > 0)::int - (old.error_count > 0)::int),
      errors = r.errors + ((new.status = 'error')::int - (old.status = 'error')::int),
      positive = r.positive + ((new.feedback = 'positive')::int - (old.feedback = 'positive')::int),
      negative = r.negative + ((new.feedback = 'negative')::int - (old.feedback = 'negative')::int),
      pending = r.pending + ((new.feedback = 'pending')::int - (old.feedback = 'pending')::int),
      votes_up = r.votes_up + (new.votes_up - old.votes_up),
      votes_down = r.votes_down + (new.votes_down - old.votes_down),
      calls_0 = r.calls_0 + ((new.llm_calls = 0)::int - (old.llm_calls = 0)::int),
      calls_1 = r.calls_1 + ((new.llm_calls = 1)::int - (old.llm_calls = 1)::int),
      calls_2 = r.calls_2 + ((new.llm_calls = 2)::int - (old.llm_calls = 2)::int),
      calls_3 = r.calls_3 + ((new.llm_calls = 3)::int - (old.llm_calls = 3)::int),
      calls_4 = r.calls_4 + ((new.llm_calls = 4)::int - (old.llm_calls = 4)::int),
      calls_5 = r.calls_5 + ((new.llm_calls = 5)::int - (old.llm_calls = 5)::int),
      calls_6_10 = r.calls_6_10 + ((new.llm_calls between 6 and 10)::int - (old.llm_calls between 6 and 10)::int),
      calls_11_20 = r.calls_11_20 + ((new.llm_calls between 11 and 20)::int - (old.llm_calls between 11 and 20)::int),
      calls_21_up = r.calls_21_up + ((new.llm_calls >= 21)::int - (old.llm_calls >= 21)::int)
     where r.day = (new.created_at at time zone 'UTC')::date and r.agent_type = new.agent_type
       and r.model_id = new.model_id and r.experiment_name is not distinct from new.experiment_name
       and r.shard = (get_byte(uuid_send(new.id), 15) % 8)::smallint;
  else
    perform public.dashboard_rollup_add(old, -1);
    perform public.dashboard_rollup_add(new, 1);
    -- the old key's rows if emptied, by their keys (no index on the counts: updates stay HOT)
    delete from public.dashboard_rollup r where r.traces = 0
       and r.day = (old.created_at at time zone 'UTC')::date and r.agent_type = old.agent_type;
    delete from public.dashboard_visitor_days v where v.traces = 0
       and v.day = (old.created_at at time zone 'UTC')::date and v.user_id = old.user_id;
    delete from public.dashboard_visitors v where v.traces = 0 and v.user_id = old.user_id;
  end if;
  return null;
end
$$;

REVOKE ALL ON FUNCTION public.dashboard_rollup_update() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_rollup_update() TO service_role;

CREATE TRIGGER llm_traces_dashboard_update AFTER UPDATE OF created_at, user_id, agent_type, model_id, experiment_name, llm_calls, input_tokens, output_tokens, latency_ms, status, feedback, cost_usd, tool_calls, error_count, votes_up, votes_down ON public.llm_traces FOR EACH ROW WHEN (((old.created_at IS DISTINCT FROM new.created_at) OR (old.user_id IS DISTINCT FROM new.user_id) OR (old.agent_type IS DISTINCT FROM new.agent_type) OR (old.model_id IS DISTINCT FROM new.model_id) OR (old.experiment_name IS DISTINCT FROM new.experiment_name) OR (old.llm_calls IS DISTINCT FROM new.llm_calls) OR (old.input_tokens IS DISTINCT FROM new.input_tokens) OR (old.output_tokens IS DISTINCT FROM new.output_tokens) OR (old.latency_ms IS DISTINCT FROM new.latency_ms) OR (old.status IS DISTINCT FROM new.status) OR (old.feedback IS DISTINCT FROM new.feedback) OR (old.cost_usd IS DISTINCT FROM new.cost_usd) OR (old.tool_calls IS DISTINCT FROM new.tool_calls) OR (old.error_count IS DISTINCT FROM new.error_count) OR (old.votes_up IS DISTINCT FROM new.votes_up) OR (old.votes_down IS DISTINCT FROM new.votes_down))) EXECUTE FUNCTION public.dashboard_rollup_update();

-- The rollup rows of a range, its shards summed (one row per day, agent, model and
-- experiment, shard 0): stored rows for its whole days, computed ones for its edges.
CREATE FUNCTION public.dashboard_slices(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS SETOF public.dashboard_rollup
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
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

REVOKE ALL ON FUNCTION public.dashboard_slices(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_slices(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- Everything the dashboard shows, in one document: dashboard_figures() plus the two
-- compared A/B variants, experiment_names of live traffic (by default the two with the most traces in
-- the range; a named variant without traces in the range compares as zeros).
CREATE FUNCTION public.dashboard_stats(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone, p_experiment_a text DEFAULT NULL::text, p_experiment_b text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_figures jsonb;
  v_variants jsonb;
  v_a text := nullif(btrim(p_experiment_a), '');
  v_b text := nullif(btrim(p_experiment_b), '');
begin
  if p_from is not null and p_to is not null and p_from >= p_to then
    raise exception using errcode = 'PT400', message = 'bad_request:dashboard', detail = 'from must be before to.';
  end if;
  v_figures := public.dashboard_figures(p_from, p_to);
  v_variants := v_figures -> 'ab_comparison';
  if v_a is null then
    select e ->> 'experiment_name' into v_a from jsonb_array_elements(v_variants) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_b order by i limit 1;
  end if;
  if v_b is null then
    select e ->> 'experiment_name' into v_b from jsonb_array_elements(v_variants) with ordinality x(e, i)
     where e ->> 'experiment_name' is distinct from v_a order by i limit 1;
  end if;
  return v_figures || jsonb_build_object(
    'from', p_from,
    'to', p_to,
    'comparison', coalesce((
      select jsonb_agg(coalesce(
               (select e from jsonb_array_elements(v_variants) e where e ->> 'experiment_name' = n.name),
               jsonb_build_object('experiment_name', n.name, 'traces', 0, 'visitors', 0, 'llm_calls', 0, 'total_tokens', 0,
                                  'positive', 0, 'negative', 0, 'pending', 0, 'errors', 0))
             order by n.ord)
        from (values (1, v_a), (2, v_b)) n(ord, name)
       where n.name is not null), '[]'::jsonb)
  );
end
$$;

REVOKE ALL ON FUNCTION public.dashboard_stats(p_from timestamp with time zone, p_to timestamp with time zone, p_experiment_a text, p_experiment_b text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_stats(p_from timestamp with time zone, p_to timestamp with time zone, p_experiment_a text, p_experiment_b text) TO service_role;

-- The per-chart functions (for the SQL editor): their part of dashboard_figures().
CREATE FUNCTION public.dashboard_totals(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(traces bigint, visitors bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint, latency_ms bigint, avg_llm_calls numeric, avg_tokens numeric, avg_latency_ms_per_call numeric, positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint, first_trace_at timestamp with time zone, last_trace_at timestamp with time zone, cost_usd numeric, avg_cost_usd numeric, tool_calls bigint, traces_with_errors bigint, votes_up bigint, votes_down bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.* from jsonb_to_record(public.dashboard_figures(p_from, p_to) -> 'totals') as x(
    traces bigint, visitors bigint, llm_calls bigint, input_tokens bigint, output_tokens bigint, total_tokens bigint,
    latency_ms bigint, avg_llm_calls numeric, avg_tokens numeric, avg_latency_ms_per_call numeric,
    positive bigint, negative bigint, pending bigint, positive_ratio numeric, errors bigint,
    first_trace_at timestamptz, last_trace_at timestamptz,
    cost_usd numeric, avg_cost_usd numeric, tool_calls bigint, traces_with_errors bigint, votes_up bigint, votes_down bigint)
$$;

REVOKE ALL ON FUNCTION public.dashboard_totals(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_totals(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- Cost, calls, errors and message votes per agent (one scan of the range, like the feedback per agent).
CREATE FUNCTION public.dashboard_usage_by_agent(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(agent_type text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.agent_type, x.traces, x.llm_calls, x.tool_calls, x.traces_with_errors, x.cost_usd, x.avg_cost_usd, x.votes_up, x.votes_down
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'usage_by_agent') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(agent_type text, traces bigint, llm_calls bigint, tool_calls bigint,
     traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
   order by e.i
$$;

REVOKE ALL ON FUNCTION public.dashboard_usage_by_agent(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_usage_by_agent(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- The same per model (grouped by model id first, the name joined after).
CREATE FUNCTION public.dashboard_usage_by_model(p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(model_key text, model_name text, traces bigint, llm_calls bigint, tool_calls bigint, traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.model_key, x.model_name, x.traces, x.llm_calls, x.tool_calls, x.traces_with_errors, x.cost_usd, x.avg_cost_usd,
         x.votes_up, x.votes_down
    from jsonb_array_elements(public.dashboard_figures(p_from, p_to) -> 'usage_by_model') with ordinality e(doc, i)
   cross join lateral jsonb_to_record(e.doc) as x(model_key text, model_name text, traces bigint, llm_calls bigint, tool_calls bigint,
     traces_with_errors bigint, cost_usd numeric, avg_cost_usd numeric, votes_up bigint, votes_down bigint)
   order by e.i
$$;

REVOKE ALL ON FUNCTION public.dashboard_usage_by_model(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_usage_by_model(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- Distinct visitors of [p_from, p_to): every visitor (experiment_name null) and per experiment. Its
-- whole days [lo, hi) are summed from the gap counts (a few thousand rows whatever the traffic); the
-- visitors of its partial edges (at most two, read from llm_traces by created_at) are added unless seen
-- on a whole day, so a visitor seen on an edge and inside counts once. Seen, from the visitor days'
-- previous days (no probe per edge visitor; docs/performance.md, "Distinct visitors over any range"):
-- on the lower edge's day, a visitor whose first day after it is before hi (a row whose prev_day is
-- that day); on the upper edge's day, one whose previous day is lo or later. The bounds are scalar
-- subqueries: parameters of index ranges (a join with the window's row is a clause the planner cannot
-- estimate; docs/performance.md, "10 million traces").
CREATE FUNCTION private.dashboard_visitor_counts(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(experiment_name text, visitors bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with w as materialized (
    select coalesce(x.first_day, '-infinity'::date) as lo, coalesce(x.end_day, 'infinity'::date) as hi, x.edge_lo, x.edge_hi,
           (p_from at time zone 'UTC')::date as lo_edge_day, (p_to at time zone 'UTC')::date as hi_edge_day
      from public.dashboard_window(p_from, p_to) x
  ),
  whole as (
    select g.experiment_name, sum(g.visitors) as visitors from public.dashboard_visitor_gaps g
     where g.day >= (select w.lo from w) and g.day < (select w.hi from w)
       and (g.prev_day is null or g.prev_day < (select w.lo from w))
     group by g.experiment_name
  ),
  edge as materialized (
    select t.user_id, t.experiment_name from public.llm_traces t
     where t.channel <> 'experiment' and t.created_at >= coalesce(p_from, '-infinity'::timestamptz)
       and t.created_at < (select w.edge_lo from w)
    union
    select t.user_id, t.experiment_name from public.llm_traces t
     where t.channel <> 'experiment' and t.created_at >= (select w.edge_hi from w)
       and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
  ),
  -- the upper edge day's visitor days, read once from the key (index only)
  upper_day as materialized (
    select d.user_id, d.experiment_name, d.prev_day >= (select w.lo from w) as seen,
           d.prev_day_in_experiment >= (select w.lo from w) as seen_in_experiment
      from public.dashboard_visitor_days d where d.day = (select w.hi_edge_day from w)
  ),
  -- visitors with a day in [lo, hi), among those of the edges' days (each side sound for any visitor,
  -- complete for its own edge's)
  seen as materialized (
    select d.user_id from public.dashboard_visitor_days d
     where d.prev_day = (select w.lo_edge_day from w) and d.day < (select w.hi from w)
    union
    select u.user_id from upper_day u where u.seen
  ),
  seen_in_experiment as materialized (
    select d.user_id, d.experiment_name from public.dashboard_visitor_days d
     where d.prev_day_in_experiment = (select w.lo_edge_day from w) and d.day < (select w.hi from w)
    union
    select u.user_id, u.experiment_name from upper_day u where u.seen_in_experiment
  )
  select x.experiment_name, sum(x.visitors)::bigint from (
    select * from whole
    union all
    select null, count(distinct e.user_id) from edge e where not exists (select from seen s where s.user_id = e.user_id)
    union all
    select e.experiment_name, count(*) from edge e
     where e.experiment_name is not null
       and not exists (select from seen_in_experiment s where s.user_id = e.user_id and s.experiment_name = e.experiment_name)
     group by 1
  ) x group by x.experiment_name
$$;

REVOKE ALL ON FUNCTION private.dashboard_visitor_counts(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_visitor_counts(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;

-- The gap counts recounted from the visitor days (the rebuild and the migration's backfill): each
-- visitor day at (day, the visitor's previous day), every visitor and per experiment.
CREATE FUNCTION private.dashboard_visitor_gaps_of() RETURNS SETOF public.dashboard_visitor_gaps
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select x.day, x.prev_day, x.experiment_name, count(*) from (
    select a.day, lag(a.day) over (partition by a.user_id order by a.day) as prev_day, null::text as experiment_name
      from (select d.user_id, d.day from public.dashboard_visitor_days d group by 1, 2) a
    union all
    select d.day, lag(d.day) over (partition by d.user_id, d.experiment_name order by d.day), d.experiment_name
      from public.dashboard_visitor_days d where d.experiment_name is not null
  ) x
   group by 1, 2, 3
$$;

REVOKE ALL ON FUNCTION private.dashboard_visitor_gaps_of() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_visitor_gaps_of() TO service_role;

-- Two transactions writing days of one visitor must not each count the visitor's days without the
-- other's (two experiments' first traces of a day would both count the day for every visitor): the
-- writers of llm_traces (dashboard_rollup_rows, and before a move dashboard_visitor_lock_move) first
-- take the visitor lock of each visitor they change (a turn's own, already held by the turn; in user_id
-- order) and a shared lock on the gap counts, or, for more than 64 visitors (a bulk load, a retention
-- pass), that lock exclusively instead of one lock per visitor; the gap trigger takes them again (held:
-- no wait). Its next statement (read committed) then sees what the lock's previous holder committed.
CREATE FUNCTION private.dashboard_visitor_gaps_lock(p_users text[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if cardinality(p_users) > 64 then
    perform pg_advisory_xact_lock(hashtextextended('threadline:visitor_gaps', 0));
    return;
  end if;
  perform pg_advisory_xact_lock_shared(hashtextextended('threadline:visitor_gaps', 0));
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || u.user_id, 0))
     from (select distinct x as user_id from unnest(p_users) x order by x) u;
end
$$;

REVOKE ALL ON FUNCTION private.dashboard_visitor_gaps_lock(p_users text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_visitor_gaps_lock(p_users text[]) TO service_role;

-- A trace about to move to another day, visitor or experiment: the visitor locks the gap counts will
-- take (private.dashboard_visitor_gaps_lock), taken before the rollup rows the move updates, as the
-- insert and delete triggers take them first (two writers of one visitor would otherwise deadlock).
CREATE FUNCTION private.dashboard_visitor_lock_move() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if new.channel <> 'experiment' then
    perform private.dashboard_visitor_gaps_lock(array[old.user_id, new.user_id]);
  end if;
  return new;
end
$$;

REVOKE ALL ON FUNCTION private.dashboard_visitor_lock_move() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_visitor_lock_move() TO service_role;

CREATE TRIGGER llm_traces_dashboard_visitor_lock BEFORE UPDATE OF created_at, user_id, experiment_name ON public.llm_traces FOR EACH ROW WHEN ((((old.created_at AT TIME ZONE 'UTC'::text))::date IS DISTINCT FROM ((new.created_at AT TIME ZONE 'UTC'::text))::date) OR (old.user_id IS DISTINCT FROM new.user_id) OR (old.experiment_name IS DISTINCT FROM new.experiment_name)) EXECUTE FUNCTION private.dashboard_visitor_lock_move();

-- One visitor day inserted after every other day of its visitor (live traffic: their first trace of
-- today): it only adds itself at (day, the visitor's previous day), for every visitor unless the visitor
-- already has the day in another experiment, and for its experiment; no later day's gap moves. A few
-- index probes instead of the general count; the row's previous days (p_prev_day, p_prev_in_experiment:
-- as its inserter stored them) are set when they differ. False (nothing done) when the visitor has a
-- later day.
CREATE FUNCTION private.dashboard_visitor_gaps_append(p_day date, p_user text, p_experiment text, p_prev_day date, p_prev_in_experiment date) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_prev date;
  v_prev_x date;
begin
  if exists (select from public.dashboard_visitor_days d where d.user_id = p_user and d.day > p_day) then
    return false;
  end if;
  v_prev := (select max(d.day) from public.dashboard_visitor_days d where d.user_id = p_user and d.day < p_day);
  if not exists (select from public.dashboard_visitor_days d
                  where d.user_id = p_user and d.day = p_day and d.experiment_name is distinct from p_experiment) then
    insert into public.dashboard_visitor_gaps as g (day, prev_day, experiment_name, visitors)
    values (p_day, v_prev, null, 1)
    on conflict (day, prev_day, experiment_name) do update set visitors = g.visitors + 1;
  end if;
  if p_experiment is not null then
    v_prev_x := (select max(d.day) from public.dashboard_visitor_days d
                  where d.user_id = p_user and d.experiment_name = p_experiment and d.day < p_day);
    insert into public.dashboard_visitor_gaps as g (day, prev_day, experiment_name, visitors)
    values (p_day, v_prev_x, p_experiment, 1)
    on conflict (day, prev_day, experiment_name) do update set visitors = g.visitors + 1;
  end if;
  if v_prev is distinct from p_prev_day or v_prev_x is distinct from p_prev_in_experiment then
    update public.dashboard_visitor_days d set prev_day = v_prev, prev_day_in_experiment = v_prev_x
     where d.day = p_day and d.user_id = p_user and d.experiment_name is not distinct from p_experiment;
  end if;
  return true;
end
$$;

REVOKE ALL ON FUNCTION private.dashboard_visitor_gaps_append(p_day date, p_user text, p_experiment text, p_prev_day date, p_prev_in_experiment date) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_visitor_gaps_append(p_day date, p_user text, p_experiment text, p_prev_day date, p_prev_in_experiment date) TO service_role;

-- The previous days of the given visitors' visitor days (dashboard_visitor_days.prev_day and
-- prev_day_in_experiment) recounted from their days and set where they differ: after a statement
-- that inserted or deleted visitor days other than a visitor's new latest day (a backfilled day moves
-- the next day's previous day, a deleted one moves it back; a multi-row insert's own days).
CREATE FUNCTION private.dashboard_visitor_days_prev(p_users text[]) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  update public.dashboard_visitor_days d set prev_day = x.prev_day, prev_day_in_experiment = x.prev_day_in_experiment
    from (select v.day, v.user_id, v.experiment_name,
                 max(v.day) over (partition by v.user_id order by v.day range between unbounded preceding and '1 day' preceding) as prev_day,
                 case when v.experiment_name is not null
                      then lag(v.day) over (partition by v.user_id, v.experiment_name order by v.day) end as prev_day_in_experiment
            from public.dashboard_visitor_days v where v.user_id = any(p_users)) x
   where d.user_id = x.user_id and d.day = x.day and d.experiment_name is not distinct from x.experiment_name
     and (d.prev_day is distinct from x.prev_day or d.prev_day_in_experiment is distinct from x.prev_day_in_experiment)
$$;

REVOKE ALL ON FUNCTION private.dashboard_visitor_days_prev(p_users text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_visitor_days_prev(p_users text[]) TO service_role;

-- Inserted or deleted visitor days (`changed`, the statement's transition table): the gap counts of
-- the visitors they belong to are counted over those visitors' days after the statement (+1) and
-- before it (-1: without the inserted days, with the deleted ones), and the difference added in one
-- grouped upsert. Only the changed days and the day after each move; the rest cancels. A bulk load
-- or a retention delete is one pass; live traffic adds a visitor's first trace of the day once.
CREATE FUNCTION private.dashboard_visitor_gaps_rows() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_n bigint;
  v_user text; v_experiment text;
  v_day date; v_prev date; v_prev_x date;
  v_users text[]; v_emptied date[];
begin
  select count(*), min(c.day), min(c.user_id), min(c.experiment_name), min(c.prev_day), min(c.prev_day_in_experiment)
    into v_n, v_day, v_user, v_experiment, v_prev, v_prev_x from changed c;
  if v_n = 0 then
    return null; -- an upsert that only updated counts
  elsif v_n = 1 then -- live traffic: a visitor's first trace of the day
    perform private.dashboard_visitor_gaps_lock(array[v_user]);
    if tg_op = 'INSERT' and private.dashboard_visitor_gaps_append(v_day, v_user, v_experiment, v_prev, v_prev_x) then
      return null;
    end if;
  end if;
  v_users := array(select distinct c.user_id from changed c);
  perform private.dashboard_visitor_gaps_lock(v_users);
  with after_days as (
    select d.user_id, d.experiment_name, d.day
      from (select distinct c.user_id from changed c) u
     cross join lateral (select d.user_id, d.experiment_name, d.day from public.dashboard_visitor_days d
                          where d.user_id = u.user_id) d
  ),
  before_days as (
    select a.user_id, a.experiment_name, a.day from after_days a
    except all
    select c.user_id, c.experiment_name, c.day from changed c where tg_op = 'INSERT'
    union all
    select c.user_id, c.experiment_name, c.day from changed c where tg_op = 'DELETE'
  ),
  states as (
    select 1 as sign, a.* from after_days a
    union all
    select -1, b.* from before_days b
  ),
  gaps as (
    select s.sign, s.day, lag(s.day) over (partition by s.sign, s.user_id order by s.day) as prev_day, null::text as experiment_name
      from (select s.sign, s.user_id, s.day from states s group by 1, 2, 3) s
    union all
    select s.sign, s.day, lag(s.day) over (partition by s.sign, s.user_id, s.experiment_name order by s.day), s.experiment_name
      from states s where s.experiment_name is not null
  ),
  counted as (
    insert into public.dashboard_visitor_gaps as g (day, prev_day, experiment_name, visitors)
    select x.day, x.prev_day, x.experiment_name, sum(x.sign) from gaps x group by 1, 2, 3 having sum(x.sign) <> 0 order by 1, 2, 3
    on conflict (day, prev_day, experiment_name) do update set visitors = g.visitors + excluded.visitors
    returning g.day, g.visitors)
  select array_agg(distinct c.day) filter (where c.visitors = 0) into v_emptied from counted c;
  if v_emptied is not null then -- the counts this emptied, by their day (no index on the counts: updates stay HOT)
    delete from public.dashboard_visitor_gaps g where g.visitors = 0 and g.day = any(v_emptied);
  end if;
  perform private.dashboard_visitor_days_prev(v_users);
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.dashboard_visitor_gaps_rows() FROM PUBLIC;
GRANT ALL ON FUNCTION private.dashboard_visitor_gaps_rows() TO service_role;

CREATE TRIGGER dashboard_visitor_days_gaps_delete AFTER DELETE ON public.dashboard_visitor_days REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION private.dashboard_visitor_gaps_rows();
CREATE TRIGGER dashboard_visitor_days_gaps_insert AFTER INSERT ON public.dashboard_visitor_days REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION private.dashboard_visitor_gaps_rows();

-- Recompute the gap counts and the visitor days' previous days from the visitor days (a repair for an
-- operator; the migration's backfill).
CREATE FUNCTION public.dashboard_visitor_gaps_rebuild() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  delete from public.dashboard_visitor_gaps;
  insert into public.dashboard_visitor_gaps select * from private.dashboard_visitor_gaps_of();
  perform private.dashboard_visitor_days_prev(array(select distinct d.user_id from public.dashboard_visitor_days d));
end
$$;

REVOKE ALL ON FUNCTION public.dashboard_visitor_gaps_rebuild() FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_visitor_gaps_rebuild() TO service_role;

-- The whole UTC days inside [p_from, p_to) as [first_day, end_day) (null: unbounded),
-- and the partial edges [p_from, edge_lo) and [edge_hi, p_to). A range inside one
-- day has no whole day: its first edge is the whole range.
CREATE FUNCTION public.dashboard_window(p_from timestamp with time zone, p_to timestamp with time zone, OUT first_day date, OUT end_day date, OUT edge_lo timestamp with time zone, OUT edge_hi timestamp with time zone) RETURNS record
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select case when w.whole then w.d1 else 'infinity'::date end,
         case when w.whole then w.d2 else '-infinity'::date end,
         case when not w.whole then p_to when w.d1 is null then '-infinity'::timestamptz else w.d1::timestamp at time zone 'UTC' end,
         case when not w.whole then p_to when w.d2 is null then 'infinity'::timestamptz else w.d2::timestamp at time zone 'UTC' end
    from (select d.d1, d.d2, (d.d1 is null or d.d2 is null or d.d1 < d.d2) as whole
            from (select ((p_from at time zone 'UTC') + interval '1 day' - interval '1 microsecond')::date as d1,
                         (p_to at time zone 'UTC')::date as d2) d) w
$$;

REVOKE ALL ON FUNCTION public.dashboard_window(p_from timestamp with time zone, p_to timestamp with time zone, OUT first_day date, OUT end_day date, OUT edge_lo timestamp with time zone, OUT edge_hi timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.dashboard_window(p_from timestamp with time zone, p_to timestamp with time zone, OUT first_day date, OUT end_day date, OUT edge_lo timestamp with time zone, OUT edge_hi timestamp with time zone) TO service_role;
