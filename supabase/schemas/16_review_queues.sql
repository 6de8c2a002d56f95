-- Review queues (docs/architecture.md, "Review queues"): an operator's queue of traces to review,
-- fed in the transaction that makes a trace match its rules, each trace at most once per queue,
-- worked by reviewers who lease one item at a time.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

create table public.review_queues (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint review_queues_name_key unique,
  -- what feeds it: a visitor's negative score, a failed step, a handoff, a minimum cost, a random
  -- sample of new traces; the agent alone feeds all its traces, with other rules it narrows them
  feed_negative_visitor_score boolean not null default false,
  feed_failed_step boolean not null default false,
  feed_handoff boolean not null default false,
  feed_min_cost numeric(16,8),
  -- agents are disabled, not deleted; a deleted agent leaves its queue's other rules (a queue fed by
  -- the agent alone keeps the agent from being deleted: review_queues_fed)
  feed_agent text references public.agents (key) on delete set null,
  feed_sample_rate numeric,
  archived boolean not null default false,
  created_by text not null,
  created_at timestamptz not null default now(),
  constraint review_queues_name_check check (name ~ '^\S(.{0,98}\S)?$'),
  constraint review_queues_created_by_check check (length(created_by) between 1 and 200),
  constraint review_queues_min_cost_check check (feed_min_cost >= 0),
  constraint review_queues_sample_rate_check check (feed_sample_rate > 0 and feed_sample_rate <= 1),
  constraint review_queues_fed check (num_nonnulls(nullif(feed_negative_visitor_score, false), nullif(feed_failed_step, false),
    nullif(feed_handoff, false), feed_min_cost, feed_agent, feed_sample_rate) > 0)
);

create index review_queues_feed_agent on public.review_queues (feed_agent) where feed_agent is not null;

comment on table public.review_queues is 'An operator''s review queue: its name, what feeds it, the score configs its reviewers fill (docs/architecture.md, "Review queues").';

-- The score configs a queue's reviewer fills, in order.
create table public.review_queue_configs (
  queue_id uuid not null references public.review_queues (id) on delete cascade,
  config_id uuid not null references public.score_configs (id) on delete cascade,
  -- the order among at most 20 configs
  -- squawk-ignore prefer-bigint-over-int
  position integer not null,
  primary key (queue_id, config_id)
);

create index review_queue_configs_config on public.review_queue_configs (config_id);

comment on table public.review_queue_configs is 'The score configs a review queue''s reviewer fills, in order.';

create table public.review_queue_items (
  id uuid primary key default gen_random_uuid(),
  queue_id uuid not null references public.review_queues (id) on delete cascade,
  trace_id uuid not null references public.llm_traces (id) on delete cascade,
  -- the rule that fed it first
  reason text not null,
  -- in_review with lease_until in the past is back in the pool (counted as pending)
  status text not null default 'pending',
  leased_to text,
  leased_at timestamptz,
  lease_until timestamptz,
  completed_by text,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint review_queue_items_status_check check (status in ('pending', 'in_review', 'completed', 'skipped')),
  constraint review_queue_items_reason_check check (reason in ('negative_visitor_score', 'failed_step', 'handoff', 'min_cost', 'agent', 'sample')),
  constraint review_queue_items_lease check (status <> 'in_review' or num_nonnulls(leased_to, lease_until) = 2),
  constraint review_queue_items_finished check ((status in ('completed', 'skipped')) = (num_nonnulls(finished_at, completed_by) = 2)),
  -- a trace enters a queue exactly once
  constraint review_queue_items_once unique (queue_id, trace_id)
);

create index review_queue_items_open on public.review_queue_items (queue_id, created_at, id) where status in ('pending', 'in_review');
create index review_queue_items_trace on public.review_queue_items (trace_id);
create index review_queue_items_finished_by on public.review_queue_items (queue_id, completed_by, finished_at desc) where finished_at is not null;

comment on table public.review_queue_items is 'A trace in a review queue (once per queue): pending, leased to a reviewer (in_review until lease_until), completed or skipped.';

alter table public.review_queues enable row level security;
alter table public.review_queue_configs enable row level security;
alter table public.review_queue_items enable row level security;
revoke all on table public.review_queues, public.review_queue_configs, public.review_queue_items from anon, authenticated;
grant all on table public.review_queues, public.review_queue_configs, public.review_queue_items to service_role;

-- feeding --------------------------------------------------------------------------------------

-- A number in [0, 1) fixed by the queue and the trace: the sample is decided once, a retry decides the same.
create function private.review_sample(p_queue_id uuid, p_trace_id uuid) returns numeric
  language sql immutable
  set search_path = ''
as $$
  select (hashtextextended(p_queue_id::text || ':' || p_trace_id::text, 0)::numeric + 9223372036854775808) / 18446744073709551616
$$;

revoke all on function private.review_sample(uuid, uuid) from public, anon, authenticated;
grant all on function private.review_sample(uuid, uuid) to service_role;

-- The trace enters every queue whose rules it now matches (p_event: `turn` its steps and roll-ups were
-- stored, `negative` a visitor's negative score, `handoff` its agent handed over), once per queue.
create function private.review_feed(p_trace public.llm_traces, p_event text) returns void
  language plpgsql
  set search_path = ''
as $$
begin
  -- an experiment's replays are not live traffic; with no open queue a turn pays one small cached query,
  -- not the planning of the insert below (plpgsql keeps its plans; a sql function plans at every call)
  if p_trace.channel = 'experiment' or not exists (select from public.review_queues q where not q.archived) then
    return;
  end if;
  insert into public.review_queue_items (queue_id, trace_id, reason)
  select q.id, p_trace.id, r.reason
    from public.review_queues q
    cross join lateral (select case
      when p_event = 'negative' then case when q.feed_negative_visitor_score then 'negative_visitor_score' end
      when p_event = 'handoff' then case when q.feed_handoff then 'handoff' end
      when q.feed_failed_step and p_trace.error_count > 0 then 'failed_step'
      when p_trace.cost_usd >= q.feed_min_cost then 'min_cost'
      when p_trace.created_at >= q.created_at and private.review_sample(q.id, p_trace.id) < q.feed_sample_rate then 'sample'
      when q.feed_agent is not null and not (q.feed_negative_visitor_score or q.feed_failed_step or q.feed_handoff
                                             or q.feed_min_cost is not null or q.feed_sample_rate is not null) then 'agent'
    end as reason) r
   where not q.archived and r.reason is not null and (q.feed_agent is null or q.feed_agent = p_trace.agent_type)
  on conflict on constraint review_queue_items_once do nothing;
end
$$;

revoke all on function private.review_feed(public.llm_traces, text) from public, anon, authenticated;
grant all on function private.review_feed(public.llm_traces, text) to service_role;

-- A turn's steps and roll-ups were stored on the trace (private.record_steps, in finish_turn's transaction).
create function private.review_feed_turn() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  perform private.review_feed(new, 'turn');
  return null;
end
$$;

revoke all on function private.review_feed_turn() from public, anon, authenticated;
grant all on function private.review_feed_turn() to service_role;

create trigger llm_traces_review_feed after update of llm_calls, error_count, cost_usd, status on public.llm_traces
  for each row execute function private.review_feed_turn();

-- A visitor's negative score (helpful false, a thumbs down, false on any yes/no config) on a trace,
-- one of its messages or one of its steps.
create function private.review_feed_score() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_trace public.llm_traces;
begin
  if not exists (select 1 from public.score_configs c where c.id = new.config_id and c.data_type = 'boolean') then
    return null;
  end if;
  select t.* into v_trace from public.llm_traces t
   where t.id = new.trace_id
      or t.session_id = (select m.session_id from public.conversation_messages m where m.id = new.message_id)
      or t.id = (select o.trace_id from public.llm_observations o where o.id = new.observation_id);
  if v_trace.id is not null then
    perform private.review_feed(v_trace, 'negative');
  end if;
  return null;
end
$$;

revoke all on function private.review_feed_score() from public, anon, authenticated;
grant all on function private.review_feed_score() to service_role;

create trigger scores_review_feed after insert or update of value on public.scores
  for each row when (new.source = 'visitor' and new.value = 0) execute function private.review_feed_score();

-- reading --------------------------------------------------------------------------------------

-- Each queue's items by state; an expired lease counts as pending.
create function private.review_queue_counts(p_queue_ids uuid[])
  returns table (queue_id uuid, pending bigint, in_review bigint, completed bigint, skipped bigint)
  language sql stable
  set search_path = ''
as $$
  select q.id,
         count(i.id) filter (where i.status = 'pending' or (i.status = 'in_review' and i.lease_until < now())),
         count(i.id) filter (where i.status = 'in_review' and i.lease_until >= now()),
         count(i.id) filter (where i.status = 'completed'),
         count(i.id) filter (where i.status = 'skipped')
    from unnest(p_queue_ids) q(id)
    left join public.review_queue_items i on i.queue_id = q.id
   group by q.id
$$;

revoke all on function private.review_queue_counts(uuid[]) from public, anon, authenticated;
grant all on function private.review_queue_counts(uuid[]) to service_role;

create function private.review_queues_json(p_queue_ids uuid[]) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
    'id', q.id, 'name', q.name, 'archived', q.archived, 'created_by', q.created_by, 'created_at', q.created_at,
    'feed', jsonb_build_object('negative_visitor_score', q.feed_negative_visitor_score, 'failed_step', q.feed_failed_step,
                               'handoff', q.feed_handoff, 'min_cost', q.feed_min_cost, 'agent', q.feed_agent,
                               'sample_rate', q.feed_sample_rate),
    'score_configs', coalesce((select jsonb_agg(private.score_config_json(c) order by qc.position)
                                 from public.review_queue_configs qc join public.score_configs c on c.id = qc.config_id
                                where qc.queue_id = q.id), '[]'::jsonb),
    'counts', jsonb_build_object('pending', n.pending, 'in_review', n.in_review, 'completed', n.completed,
                                 'skipped', n.skipped, 'total', n.pending + n.in_review + n.completed + n.skipped))
    order by q.archived, q.created_at desc, q.id), '[]'::jsonb)
    from public.review_queues q
    join private.review_queue_counts(p_queue_ids) n on n.queue_id = q.id
$$;

revoke all on function private.review_queues_json(uuid[]) from public, anon, authenticated;
grant all on function private.review_queues_json(uuid[]) to service_role;

-- An item as the API shows it, with its trace's summary.
create function private.review_item_json(p_item public.review_queue_items) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_item.id, 'queue_id', p_item.queue_id, 'trace_id', p_item.trace_id, 'reason', p_item.reason,
    'status', case when p_item.status = 'in_review' and p_item.lease_until < now() then 'pending' else p_item.status end,
    'leased_to', p_item.leased_to, 'lease_until', p_item.lease_until, 'completed_by', p_item.completed_by,
    'finished_at', p_item.finished_at, 'created_at', p_item.created_at,
    'session_tag', t.session_tag, 'agent_type', t.agent_type, 'trace_created_at', t.created_at)
    from public.llm_traces t where t.id = p_item.trace_id
$$;

revoke all on function private.review_item_json(public.review_queue_items) from public, anon, authenticated;
grant all on function private.review_item_json(public.review_queue_items) to service_role;

create function public.review_queues(p_archived boolean default false) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('queues', private.review_queues_json(
    array(select q.id from public.review_queues q where p_archived or not q.archived)))
$$;

comment on function public.review_queues(boolean) is
  'Every review queue in use (the archived ones too when p_archived) with its feed, score configs and counts (pending, in review, completed, skipped).';

revoke all on function public.review_queues(boolean) from public, anon, authenticated;
grant all on function public.review_queues(boolean) to service_role;

-- Archives a queue (or brings it back). An archived queue is fed no more (private.review_feed reads the
-- queues not archived) and is left out of the list; its items, their leases and scores stay.
create function public.set_review_queue_archived(p_queue_id uuid, p_archived boolean) returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  update public.review_queues q set archived = p_archived where q.id = p_queue_id;
  if not found then
    raise exception using errcode = 'PT404', message = 'not_found:review_queue', detail = 'No such review queue.';
  end if;
  return private.review_queues_json(array[p_queue_id]) -> 0;
end
$$;

comment on function public.set_review_queue_archived(uuid, boolean) is
  'Archives a review queue (fed no more, hidden from the list; its items and scores stay) or brings it back.';

revoke all on function public.set_review_queue_archived(uuid, boolean) from public, anon, authenticated;
grant all on function public.set_review_queue_archived(uuid, boolean) to service_role;

create function public.review_queue(p_queue_id uuid) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_queue jsonb := private.review_queues_json(array[p_queue_id]) -> 0;
begin
  if v_queue is null then
    raise exception using errcode = 'PT404', message = 'not_found:review_queue', detail = 'No such review queue.';
  end if;
  return v_queue;
end
$$;

comment on function public.review_queue(uuid) is 'One review queue with its feed, score configs and counts (an expired lease counts as pending).';

revoke all on function public.review_queue(uuid) from public, anon, authenticated;
grant all on function public.review_queue(uuid) to service_role;

-- creating -------------------------------------------------------------------------------------

-- The configs named, in the order given; an unknown or archived name is a 400.
create function private.review_queue_config_ids(p_names jsonb) returns uuid[]
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_ids uuid[];
  v_missing text;
begin
  if jsonb_typeof(p_names) <> 'array' or jsonb_array_length(p_names) not between 1 and 20
     or jsonb_path_exists(p_names, '$[*] ? (@.type() != "string")') then
    raise exception using errcode = 'PT400', message = 'bad_request:review_queue', detail = 'scoreConfigs is a list of 1 to 20 config names.';
  end if;
  select string_agg(n.name, ', ' order by n.pos) filter (where c.id is null),
         array_agg(c.id order by n.pos) filter (where c.id is not null)
    into v_missing, v_ids
    from (select e.name, min(e.pos) as pos from jsonb_array_elements_text(p_names) with ordinality e(name, pos) group by e.name) n
    left join public.score_configs c on c.name = n.name and not c.archived;
  if v_missing is not null then
    raise exception using errcode = 'PT400', message = 'bad_request:review_queue', detail = format('No score config in use is named %s.', v_missing);
  end if;
  return v_ids;
end
$$;

revoke all on function private.review_queue_config_ids(jsonb) from public, anon, authenticated;
grant all on function private.review_queue_config_ids(jsonb) to service_role;

create function public.create_review_queue(p_name text, p_score_configs jsonb, p_created_by text,
                                           p_negative_visitor_score boolean default false, p_failed_step boolean default false,
                                           p_handoff boolean default false, p_min_cost numeric default null,
                                           p_agent text default null, p_sample_rate numeric default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_configs uuid[] := private.review_queue_config_ids(p_score_configs);
  v_id uuid;
begin
  insert into public.review_queues as q (name, created_by, feed_negative_visitor_score, feed_failed_step, feed_handoff,
                                         feed_min_cost, feed_agent, feed_sample_rate)
  values (trim(p_name), p_created_by, coalesce(p_negative_visitor_score, false), coalesce(p_failed_step, false),
          coalesce(p_handoff, false), p_min_cost, p_agent, p_sample_rate)
  on conflict on constraint review_queues_name_key do nothing
  returning q.id into v_id;
  if v_id is null then
    raise exception using errcode = 'PT409', message = 'conflict:review_queue', detail = format('A review queue is already named %s.', trim(p_name));
  end if;
  insert into public.review_queue_configs (queue_id, config_id, position)
  select v_id, c.id, c.pos from unnest(v_configs) with ordinality c(id, pos);
  return public.review_queue(v_id);
exception when check_violation or not_null_violation or foreign_key_violation then
  raise exception using errcode = 'PT400', message = 'bad_request:review_queue',
    detail = 'A queue needs a name (1 to 100 characters), at least one feed rule, a minimum cost >= 0, a sample rate above 0 and at most 1, and an agent that exists.';
end
$$;

comment on function public.create_review_queue(text, jsonb, text, boolean, boolean, boolean, numeric, text, numeric) is
  'A new review queue: its name, the score configs its reviewers fill (names, in order) and its feed rules (409 when the name is taken).';

revoke all on function public.create_review_queue(text, jsonb, text, boolean, boolean, boolean, numeric, text, numeric) from public, anon, authenticated;
grant all on function public.create_review_queue(text, jsonb, text, boolean, boolean, boolean, numeric, text, numeric) to service_role;

-- reviewing ------------------------------------------------------------------------------------

create function private.review_queue_exists(p_queue_id uuid) returns void
  language plpgsql stable
  set search_path = ''
as $$
begin
  if not exists (select 1 from public.review_queues q where q.id = p_queue_id) then
    raise exception using errcode = 'PT404', message = 'not_found:review_queue', detail = 'No such review queue.';
  end if;
end
$$;

revoke all on function private.review_queue_exists(uuid) from public, anon, authenticated;
grant all on function private.review_queue_exists(uuid) to service_role;

-- The reviewer's next item, leased to them for p_lease_seconds: the item they already hold if its lease
-- is live (renewed), else the oldest free one (pending, or a lease that expired), taken with
-- `for update skip locked` so two reviewers never get the same item. `item` null when none is free.
create function public.review_queue_next(p_queue_id uuid, p_reviewer text, p_lease_seconds integer default 300) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_item public.review_queue_items;
  v_lease interval := make_interval(secs => least(greatest(coalesce(p_lease_seconds, 300), 10), 3600));
begin
  perform private.review_queue_exists(p_queue_id);
  if coalesce(length(p_reviewer), 0) not between 1 and 300 then
    raise exception using errcode = 'PT400', message = 'bad_request:review_queue', detail = 'A reviewer is needed.';
  end if;
  update public.review_queue_items i set lease_until = now() + v_lease, updated_at = now()
   where i.id = (select x.id from public.review_queue_items x
                  where x.queue_id = p_queue_id and x.status = 'in_review' and x.leased_to = p_reviewer and x.lease_until >= now()
                  order by x.leased_at, x.id limit 1 for update skip locked)
  returning i.* into v_item;
  if v_item.id is null then
    update public.review_queue_items i
       set status = 'in_review', leased_to = p_reviewer, leased_at = now(), lease_until = now() + v_lease, updated_at = now()
     where i.id = (select x.id from public.review_queue_items x
                    where x.queue_id = p_queue_id
                      and (x.status = 'pending' or (x.status = 'in_review' and x.lease_until < now()))
                    order by x.created_at, x.id limit 1 for update skip locked)
    returning i.* into v_item;
  end if;
  return jsonb_build_object('item', case when v_item.id is not null then private.review_item_json(v_item) end,
                            'queue', public.review_queue(p_queue_id));
end
$$;

comment on function public.review_queue_next(uuid, text, integer) is
  'Leases the reviewer''s next item of a queue for a few minutes (their live lease first, else the oldest free item; never one another reviewer holds).';

revoke all on function public.review_queue_next(uuid, text, integer) from public, anon, authenticated;
grant all on function public.review_queue_next(uuid, text, integer) to service_role;

-- The reviewer's leased item, locked: 404 none, 409 when it is not (or no longer) theirs to finish.
-- A lease that expired stays the holder's until another reviewer takes the item.
create function private.review_item_held(p_queue_id uuid, p_item_id uuid, p_reviewer text) returns public.review_queue_items
  language plpgsql
  set search_path = ''
as $$
declare
  v_item public.review_queue_items;
begin
  select i.* into v_item from public.review_queue_items i where i.id = p_item_id and i.queue_id = p_queue_id for update;
  if v_item.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:review_item', detail = 'No such item in this queue.';
  elsif v_item.status <> 'in_review' or v_item.leased_to is distinct from p_reviewer then
    raise exception using errcode = 'PT409', message = 'conflict:review_item',
      detail = case when v_item.status in ('completed', 'skipped') then format('This item is already %s.', v_item.status)
                    else 'This item is not leased to you: ask for the next item.' end;
  end if;
  return v_item;
end
$$;

revoke all on function private.review_item_held(uuid, uuid, text) from public, anon, authenticated;
grant all on function private.review_item_held(uuid, uuid, text) to service_role;

-- Finishes the reviewer's leased item as completed or skipped.
create function private.review_item_finish(p_item public.review_queue_items, p_status text, p_reviewer text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  update public.review_queue_items i
     set status = p_status, completed_by = p_reviewer, finished_at = now(), lease_until = null, updated_at = now()
   where i.id = p_item.id
  returning i.* into p_item;
  -- read after the update (a statement sees the rows as they were when it began)
  return jsonb_build_object('item', private.review_item_json(p_item), 'queue', public.review_queue(p_item.queue_id));
end
$$;

revoke all on function private.review_item_finish(public.review_queue_items, text, text) from public, anon, authenticated;
grant all on function private.review_item_finish(public.review_queue_items, text, text) to service_role;

-- Completes the reviewer's leased item, with the scores given (each one of the queue's configs, the
-- author's own score on the trace, set_score's rules) in the same transaction.
create function public.review_queue_complete(p_queue_id uuid, p_item_id uuid, p_reviewer text, p_source text default 'operator',
                                             p_author text default null, p_scores jsonb default '[]'::jsonb) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_item public.review_queue_items := private.review_item_held(p_queue_id, p_item_id, p_reviewer);
  v_score jsonb;
begin
  if jsonb_typeof(coalesce(p_scores, '[]'::jsonb)) <> 'array' then
    raise exception using errcode = 'PT400', message = 'bad_request:review_queue', detail = 'scores is a list of {name, value, comment?}.';
  end if;
  for v_score in select s from jsonb_array_elements(coalesce(p_scores, '[]'::jsonb)) s loop
    if not exists (select 1 from public.review_queue_configs qc join public.score_configs c on c.id = qc.config_id
                    where qc.queue_id = p_queue_id and c.name = v_score ->> 'name') then
      raise exception using errcode = 'PT400', message = 'bad_request:review_queue',
        detail = format('%s is not one of this queue''s score configs.', coalesce(v_score ->> 'name', 'null'));
    end if;
    perform public.set_score(v_score ->> 'name', v_score ->> 'value', p_source, coalesce(p_author, p_reviewer),
                             p_trace_id => v_item.trace_id, p_comment => v_score ->> 'comment');
  end loop;
  return private.review_item_finish(v_item, 'completed', p_reviewer);
end
$$;

comment on function public.review_queue_complete(uuid, uuid, text, text, text, jsonb) is
  'Completes the reviewer''s leased item (409 when it is not theirs), writing the given scores in the same transaction.';

revoke all on function public.review_queue_complete(uuid, uuid, text, text, text, jsonb) from public, anon, authenticated;
grant all on function public.review_queue_complete(uuid, uuid, text, text, text, jsonb) to service_role;

create function public.review_queue_skip(p_queue_id uuid, p_item_id uuid, p_reviewer text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_item public.review_queue_items := private.review_item_held(p_queue_id, p_item_id, p_reviewer);
begin
  return private.review_item_finish(v_item, 'skipped', p_reviewer);
end
$$;

comment on function public.review_queue_skip(uuid, uuid, text) is 'Skips the reviewer''s leased item (409 when it is not theirs).';

revoke all on function public.review_queue_skip(uuid, uuid, text) from public, anon, authenticated;
grant all on function public.review_queue_skip(uuid, uuid, text) to service_role;

-- The item the reviewer finished before p_before (before the newest when null), to look back at.
create function public.review_queue_previous(p_queue_id uuid, p_reviewer text, p_before uuid default null) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_item public.review_queue_items;
  v_at timestamptz;
begin
  perform private.review_queue_exists(p_queue_id);
  select i.finished_at into v_at from public.review_queue_items i where i.id = p_before and i.queue_id = p_queue_id;
  select i.* into v_item from public.review_queue_items i
   where i.queue_id = p_queue_id and i.completed_by = p_reviewer and i.finished_at is not null
     and (v_at is null or (i.finished_at, i.id) < (v_at, p_before))
   order by i.finished_at desc, i.id desc limit 1;
  return jsonb_build_object('item', case when v_item.id is not null then private.review_item_json(v_item) end);
end
$$;

comment on function public.review_queue_previous(uuid, text, uuid) is 'The reviewer''s finished item before the given one (their newest when none is given), or null.';

revoke all on function public.review_queue_previous(uuid, text, uuid) from public, anon, authenticated;
grant all on function public.review_queue_previous(uuid, text, uuid) to service_role;
