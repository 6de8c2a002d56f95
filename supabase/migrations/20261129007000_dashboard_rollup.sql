-- The dashboard at any range (docs/performance.md, "Dashboard rollup"): a daily
-- rollup of llm_traces kept exact by triggers on llm_traces itself (whoever writes
-- a trace: start_session, finish_turn, feedback, votes, retention, an operator in
-- the SQL editor), so the turn functions are not touched. The dashboard reads the
-- rollup for the whole UTC days of a range and llm_traces only for the partial
-- days at its edges.
--
-- Hot rows: every finish_turn changes its trace's counters, so one row per
-- (day, agent, model) would be updated by every concurrent turn of that agent and
-- model and hold its row lock until the turn commits. Each key is therefore split
-- into 8 shards by the trace id (a trace always lands in the same shard), so
-- concurrent turns on different traces rarely wait for each other; readers sum
-- the shards. Statement triggers (with transition tables) handle inserts and
-- deletes, so a bulk load or a retention delete is one grouped upsert; updates
-- use a row trigger limited to the counted columns, so the common update (a
-- trace's counters move, its day/agent/model do not) is one update by key.
-- Upserts run in key order, so two statements lock shared rows in the same order.

create table public.dashboard_rollup (
  day date not null,
  agent_type text not null,
  model_id uuid not null,
  experiment_name text,
  shard smallint not null check (shard between 0 and 7),
  traces bigint not null default 0,
  llm_calls bigint not null default 0,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  latency_ms bigint not null default 0,
  cost_usd numeric not null default 0,
  tool_calls bigint not null default 0,
  traces_with_errors bigint not null default 0,
  errors bigint not null default 0,
  positive bigint not null default 0,
  negative bigint not null default 0,
  pending bigint not null default 0,
  votes_up bigint not null default 0,
  votes_down bigint not null default 0,
  -- the LLM-calls distribution's buckets (dashboard_llm_calls_distribution)
  calls_0 bigint not null default 0,
  calls_1 bigint not null default 0,
  calls_2 bigint not null default 0,
  calls_3 bigint not null default 0,
  calls_4 bigint not null default 0,
  calls_5 bigint not null default 0,
  calls_6_10 bigint not null default 0,
  calls_11_20 bigint not null default 0,
  calls_21_up bigint not null default 0,
  constraint dashboard_rollup_key unique nulls not distinct (day, agent_type, model_id, experiment_name, shard)
);
-- rows whose traces were all deleted (removed by the delete paths)
create index dashboard_rollup_empty on public.dashboard_rollup (day) where traces = 0;

-- Distinct visitors cannot be summed over days: which visitors had traces on which
-- day (per experiment), and in total (the all-time figure reads the smaller table).
create table public.dashboard_visitor_days (
  day date not null,
  user_id text not null,
  experiment_name text,
  traces bigint not null, -- no check: deltas are upserted (a check would see the delta, not the sum)
  constraint dashboard_visitor_days_key unique nulls not distinct (day, user_id, experiment_name)
);
create index dashboard_visitor_days_empty on public.dashboard_visitor_days (day) where traces = 0;

create table public.dashboard_visitors (
  user_id text not null,
  experiment_name text,
  traces bigint not null, -- no check: deltas are upserted (a check would see the delta, not the sum)
  constraint dashboard_visitors_key unique nulls not distinct (user_id, experiment_name)
);
create index dashboard_visitors_empty on public.dashboard_visitors (user_id) where traces = 0;

-- Aggregates for the app only (service_role / owner), like the other counters.
alter table public.dashboard_rollup enable row level security;
alter table public.dashboard_visitor_days enable row level security;
alter table public.dashboard_visitors enable row level security;
revoke all on public.dashboard_rollup, public.dashboard_visitor_days, public.dashboard_visitors from anon, authenticated;
grant all on public.dashboard_rollup, public.dashboard_visitor_days, public.dashboard_visitors to service_role;

-- The rollup rows of the traces created in [p_from, p_to) (null: unbounded), computed
-- from llm_traces: the rebuild, the dashboard's partial days, and the recount the
-- tests compare the rollup with.
create function public.dashboard_rollup_of(p_from timestamptz default null, p_to timestamptz default null)
returns setof public.dashboard_rollup
language sql stable
security invoker
set search_path = ''
as $$
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
   group by 1, 2, 3, 4, 5
$$;

-- Recompute the rollup and the visitor tables from llm_traces (the migration's
-- backfill; also a repair for an operator).
create function public.dashboard_rollup_rebuild()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  delete from public.dashboard_rollup;
  delete from public.dashboard_visitor_days;
  delete from public.dashboard_visitors;
  insert into public.dashboard_rollup select * from public.dashboard_rollup_of(null, null);
  insert into public.dashboard_visitor_days (day, user_id, experiment_name, traces)
  select (t.created_at at time zone 'UTC')::date, t.user_id, t.experiment_name, count(*)
    from public.llm_traces t group by 1, 2, 3;
  insert into public.dashboard_visitors (user_id, experiment_name, traces)
  select t.user_id, t.experiment_name, count(*) from public.llm_traces t group by 1, 2;
end
$$;

-- Inserted (+1) or deleted (-1) traces, as one grouped upsert per table.
-- `changed` is the statement's transition table (new rows or old rows).
create function public.dashboard_rollup_rows()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_sign integer := case tg_op when 'INSERT' then 1 else -1 end;
begin
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
    from changed t
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

  insert into public.dashboard_visitor_days as v (day, user_id, experiment_name, traces)
  select (t.created_at at time zone 'UTC')::date, t.user_id, t.experiment_name, v_sign * count(*)
    from changed t group by 1, 2, 3 order by 1, 2, 3
  on conflict (day, user_id, experiment_name) do update set traces = v.traces + excluded.traces;

  insert into public.dashboard_visitors as v (user_id, experiment_name, traces)
  select t.user_id, t.experiment_name, v_sign * count(*)
    from changed t group by 1, 2 order by 1, 2
  on conflict (user_id, experiment_name) do update set traces = v.traces + excluded.traces;

  if v_sign < 0 then
    delete from public.dashboard_rollup r where r.traces = 0;
    delete from public.dashboard_visitor_days v where v.traces = 0;
    delete from public.dashboard_visitors v where v.traces = 0;
  end if;
  return null;
end
$$;

-- One trace counted with a sign (+1 gained, -1 lost) in the three tables.
create function public.dashboard_rollup_add(p_trace public.llm_traces, p_sign integer)
returns void
language sql
security invoker
set search_path = ''
as $$
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

-- One trace's counted columns changed. The usual case (its day, agent, model,
-- experiment and visitor stay) is one update of its shard's row; otherwise the
-- old trace leaves its keys and the new one joins its own.
create function public.dashboard_rollup_update()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
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
    delete from public.dashboard_rollup r where r.traces = 0;
    delete from public.dashboard_visitor_days v where v.traces = 0;
    delete from public.dashboard_visitors v where v.traces = 0;
  end if;
  return null;
end
$$;

create function public.dashboard_rollup_truncate()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  truncate public.dashboard_rollup, public.dashboard_visitor_days, public.dashboard_visitors;
  return null;
end
$$;

create trigger llm_traces_dashboard_insert after insert on public.llm_traces
  referencing new table as changed for each statement execute function public.dashboard_rollup_rows();
create trigger llm_traces_dashboard_delete after delete on public.llm_traces
  referencing old table as changed for each statement execute function public.dashboard_rollup_rows();
create trigger llm_traces_dashboard_update
  after update of created_at, user_id, agent_type, model_id, experiment_name, llm_calls, input_tokens, output_tokens,
                  latency_ms, status, feedback, cost_usd, tool_calls, error_count, votes_up, votes_down
  on public.llm_traces for each row
  when ((old.created_at, old.user_id, old.agent_type, old.model_id, old.experiment_name, old.llm_calls, old.input_tokens,
         old.output_tokens, old.latency_ms, old.status, old.feedback, old.cost_usd, old.tool_calls, old.error_count,
         old.votes_up, old.votes_down)
        is distinct from
        (new.created_at, new.user_id, new.agent_type, new.model_id, new.experiment_name, new.llm_calls, new.input_tokens,
         new.output_tokens, new.latency_ms, new.status, new.feedback, new.cost_usd, new.tool_calls, new.error_count,
         new.votes_up, new.votes_down))
  execute function public.dashboard_rollup_update();
create trigger llm_traces_dashboard_truncate after truncate on public.llm_traces
  for each statement execute function public.dashboard_rollup_truncate();

select public.dashboard_rollup_rebuild();

-- Only the app (service_role / owner) runs these (the trigger functions run as triggers).
revoke execute on function public.dashboard_rollup_rows(), public.dashboard_rollup_update(), public.dashboard_rollup_truncate(),
  public.dashboard_rollup_of(timestamptz, timestamptz), public.dashboard_rollup_rebuild(),
  public.dashboard_rollup_add(public.llm_traces, integer)
  from public, anon, authenticated;
grant execute on function public.dashboard_rollup_of(timestamptz, timestamptz), public.dashboard_rollup_rebuild(),
  public.dashboard_rollup_add(public.llm_traces, integer)
  to service_role;
