-- The dashboard's per-channel split (docs/channels.md, "Explorer and dashboard"): traces,
-- LLM calls, tokens and cost per channel for a range, from a daily rollup keyed by
-- (day, channel), kept exact by its own triggers on llm_traces beside the main rollup's
-- (20261129007000_dashboard_rollup.sql, whose functions stay as they are). Same scheme:
-- 8 shards per key by the trace id so concurrent turns rarely wait on one row, statement
-- triggers for inserts and deletes, a row trigger limited to the counted columns for
-- updates, whole days from the rollup and the partial days at a range's edges from
-- llm_traces (public.dashboard_window).

create table public.dashboard_channel_rollup (
  day date not null,
  channel text not null,
  shard smallint not null check (shard between 0 and 7),
  traces bigint not null default 0,
  llm_calls bigint not null default 0,
  total_tokens bigint not null default 0,
  cost_usd numeric not null default 0,
  primary key (day, channel, shard)
);
alter table public.dashboard_channel_rollup enable row level security;
revoke all on public.dashboard_channel_rollup from anon, authenticated;
grant all on public.dashboard_channel_rollup to service_role;

-- The rollup rows of the traces created in [p_from, p_to) (null: unbounded), counted from
-- llm_traces: the backfill, a range's edges, and the recount the tests compare with.
create function private.dashboard_channel_rollup_of(p_from timestamptz default null, p_to timestamptz default null)
returns setof public.dashboard_channel_rollup
language sql stable
security invoker
set search_path = ''
as $$
  select (t.created_at at time zone 'UTC')::date, t.channel, (get_byte(uuid_send(t.id), 15) % 8)::smallint,
         count(*), sum(t.llm_calls), sum(t.total_tokens), sum(t.cost_usd)
    from public.llm_traces t
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by 1, 2, 3
$$;

-- Add signed counts to one key (the one upsert every path uses).
create function private.dashboard_channel_bump(
  p_day date, p_channel text, p_shard smallint, p_traces bigint, p_llm_calls bigint, p_total_tokens bigint, p_cost_usd numeric
) returns void
language sql
security invoker
set search_path = ''
as $$
  insert into public.dashboard_channel_rollup as r (day, channel, shard, traces, llm_calls, total_tokens, cost_usd)
  values (p_day, p_channel, p_shard, p_traces, p_llm_calls, p_total_tokens, p_cost_usd)
  on conflict (day, channel, shard) do update set
    traces = r.traces + excluded.traces, llm_calls = r.llm_calls + excluded.llm_calls,
    total_tokens = r.total_tokens + excluded.total_tokens, cost_usd = r.cost_usd + excluded.cost_usd;
$$;

-- Inserted (+1) or deleted (-1) traces: one grouped pass over the statement's rows, in key order.
create function private.dashboard_channel_rows()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_sign integer := case tg_op when 'INSERT' then 1 else -1 end;
begin
  perform private.dashboard_channel_bump(g.day, g.channel, g.shard, v_sign * g.traces, v_sign * g.llm_calls,
                                         v_sign * g.total_tokens, v_sign * g.cost_usd)
     from (select (t.created_at at time zone 'UTC')::date as day, t.channel, (get_byte(uuid_send(t.id), 15) % 8)::smallint as shard,
                  count(*) as traces, sum(t.llm_calls)::bigint as llm_calls, sum(t.total_tokens)::bigint as total_tokens,
                  sum(t.cost_usd) as cost_usd
             from changed t group by 1, 2, 3 order by 1, 2, 3) g;
  if v_sign < 0 then
    delete from public.dashboard_channel_rollup r where r.traces = 0;
  end if;
  return null;
end
$$;

-- One trace's counted columns changed: the old figures leave their key, the new join theirs
-- (the same row when only the counters moved).
create function private.dashboard_channel_update()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_old_day date := (old.created_at at time zone 'UTC')::date;
  v_new_day date := (new.created_at at time zone 'UTC')::date;
  v_shard smallint := (get_byte(uuid_send(new.id), 15) % 8)::smallint;
begin
  if v_old_day = v_new_day and old.channel = new.channel then
    perform private.dashboard_channel_bump(v_new_day, new.channel, v_shard, 0, (new.llm_calls - old.llm_calls)::bigint,
                                           new.total_tokens - old.total_tokens, new.cost_usd - old.cost_usd);
  else
    perform private.dashboard_channel_bump(v_old_day, old.channel, v_shard, -1, -old.llm_calls::bigint, -old.total_tokens, -old.cost_usd);
    perform private.dashboard_channel_bump(v_new_day, new.channel, v_shard, 1, new.llm_calls::bigint, new.total_tokens, new.cost_usd);
    delete from public.dashboard_channel_rollup r where r.traces = 0;
  end if;
  return null;
end
$$;

create function private.dashboard_channel_truncate()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  truncate public.dashboard_channel_rollup;
  return null;
end
$$;

create trigger llm_traces_dashboard_channel_insert after insert on public.llm_traces
  referencing new table as changed for each statement execute function private.dashboard_channel_rows();
create trigger llm_traces_dashboard_channel_delete after delete on public.llm_traces
  referencing old table as changed for each statement execute function private.dashboard_channel_rows();
create trigger llm_traces_dashboard_channel_update
  after update of created_at, channel, llm_calls, input_tokens, output_tokens, cost_usd on public.llm_traces for each row
  when ((old.created_at, old.channel, old.llm_calls, old.input_tokens, old.output_tokens, old.cost_usd)
        is distinct from (new.created_at, new.channel, new.llm_calls, new.input_tokens, new.output_tokens, new.cost_usd))
  execute function private.dashboard_channel_update();
create trigger llm_traces_dashboard_channel_truncate after truncate on public.llm_traces
  for each statement execute function private.dashboard_channel_truncate();

insert into public.dashboard_channel_rollup select * from private.dashboard_channel_rollup_of(null, null);

-- The split for [p_from, p_to): one row per channel with traces in the range, most traces first.
create function public.dashboard_channels(p_from timestamptz default null, p_to timestamptz default null)
returns jsonb
language plpgsql stable
security invoker
set search_path = ''
as $$
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

revoke execute on function private.dashboard_channel_rollup_of(timestamptz, timestamptz),
  private.dashboard_channel_bump(date, text, smallint, bigint, bigint, bigint, numeric), private.dashboard_channel_rows(),
  private.dashboard_channel_update(), private.dashboard_channel_truncate(), public.dashboard_channels(timestamptz, timestamptz)
  from public, anon, authenticated;
grant execute on function private.dashboard_channel_rollup_of(timestamptz, timestamptz),
  private.dashboard_channel_bump(date, text, smallint, bigint, bigint, bigint, numeric), private.dashboard_channel_rows(),
  private.dashboard_channel_update(), private.dashboard_channel_truncate(), public.dashboard_channels(timestamptz, timestamptz)
  to service_role;
