-- Datasets and experiments (docs/architecture.md, "Datasets and experiments"): conversations kept as
-- test cases (a dataset's items), and experiments, the runs of one agent version (published or a
-- draft) over a dataset. An experiment's items are a queue (14_queues.sql): each is replayed through
-- the real chat turn by the app, as a visitor of its own on the channel `experiment`, whose sessions,
-- traces and orders stay out of the dashboard, the Visitors pages and the explorer's default view.
-- ("Experiments" are these dataset runs; the dashboard's split of live traffic by a model's
-- experiment_name is the "A/B comparison": docs/glossary.md.)

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- datasets -----------------------------------------------------------------------------------------

create table public.datasets (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint datasets_name_key unique,
  description text not null default '',
  created_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint datasets_name_check check (name ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  constraint datasets_description_check check (length(description) <= 2000),
  constraint datasets_created_by_check check (length(created_by) <= 200)
);

comment on table public.datasets is 'Named sets of conversations kept as test cases for experiments.';

alter table public.datasets enable row level security;

revoke all on table public.datasets from anon, authenticated;
grant all on table public.datasets to service_role;

-- A conversation as an item takes: 1 to 200 messages of role user or agent, each with its words,
-- the last one the visitor's.
create function private.valid_conversation(p_messages jsonb) returns boolean
  language sql immutable
  set search_path = ''
as $$
  select jsonb_typeof(p_messages) = 'array' and jsonb_array_length(p_messages) between 1 and 200
     and p_messages -> -1 ->> 'role' = 'user'
     and (select bool_and(jsonb_typeof(m) = 'object' and m ->> 'role' in ('user', 'agent')
                          and jsonb_typeof(m -> 'content') = 'string' and length(m ->> 'content') between 1 and 20000)
            from jsonb_array_elements(p_messages) m)
$$;

revoke all on function private.valid_conversation(jsonb) from public, anon, authenticated;
grant all on function private.valid_conversation(jsonb) to service_role;

create table public.dataset_items (
  id uuid primary key default gen_random_uuid(),
  dataset_id uuid not null references public.datasets (id) on delete cascade,
  -- the conversation up to and including the visitor's message: [{role, content}]
  messages jsonb not null,
  -- the flow state (an open order) and the agent at that point, when the item comes from a trace
  flows jsonb not null default '{}'::jsonb,
  agent_key text,
  agent_version integer,
  expected_output text,
  -- [{name, args?}]
  expected_tool_calls jsonb,
  source_trace_id uuid references public.llm_traces (id) on delete set null,
  source_message_id uuid references public.conversation_messages (id) on delete set null,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- private.valid_conversation's rules that a check can hold
  constraint dataset_items_messages_check check (jsonb_typeof(messages) = 'array' and jsonb_array_length(messages) between 1 and 200
    and messages -> -1 ->> 'role' = 'user' and length(messages::text) <= 1000000
    and not jsonb_path_exists(messages, '$[*] ? (!(@.role == "user" || @.role == "agent") || !(@.content.type() == "string"))')),
  constraint dataset_items_flows_check check (jsonb_typeof(flows) = 'object'),
  constraint dataset_items_expected_output_check check (length(expected_output) <= 20000),
  constraint dataset_items_expected_tool_calls_check check (jsonb_typeof(expected_tool_calls) = 'array'
    and jsonb_array_length(expected_tool_calls) <= 50)
);

comment on table public.dataset_items is 'A dataset''s test cases: a conversation, its expected answer and tool calls, the trace it came from.';

create index dataset_items_dataset on public.dataset_items (dataset_id, created_at, id);
create index dataset_items_source_trace on public.dataset_items (source_trace_id);
create index dataset_items_source_message on public.dataset_items (source_message_id);

alter table public.dataset_items enable row level security;

revoke all on table public.dataset_items from anon, authenticated;
grant all on table public.dataset_items to service_role;

-- One item as the API answers it.
create function private.dataset_item_json(p public.dataset_items) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('id', p.id, 'messages', p.messages, 'flows', p.flows, 'agent_key', p.agent_key,
                            'agent_version', p.agent_version, 'expected_output', p.expected_output,
                            'expected_tool_calls', p.expected_tool_calls, 'source_trace_id', p.source_trace_id,
                            'source_message_id', p.source_message_id, 'archived', p.archived,
                            'created_at', p.created_at, 'updated_at', p.updated_at)
$$;

revoke all on function private.dataset_item_json(public.dataset_items) from public, anon, authenticated;
grant all on function private.dataset_item_json(public.dataset_items) to service_role;

-- A dataset by name, or 404 not_found:dataset.
create function private.dataset_named(p_name text) returns public.datasets
  language plpgsql stable
  set search_path = ''
as $$
declare
  v public.datasets;
begin
  select * into v from public.datasets d where d.name = p_name;
  if v.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:dataset', detail = format('No dataset named %s.', p_name);
  end if;
  return v;
end
$$;

revoke all on function private.dataset_named(text) from public, anon, authenticated;
grant all on function private.dataset_named(text) to service_role;

create function private.dataset_json(p public.datasets) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('id', p.id, 'name', p.name, 'description', p.description, 'created_by', p.created_by,
                            'created_at', p.created_at, 'updated_at', p.updated_at,
                            'items', (select count(*) from public.dataset_items i where i.dataset_id = p.id and not i.archived))
$$;

revoke all on function private.dataset_json(public.datasets) from public, anon, authenticated;
grant all on function private.dataset_json(public.datasets) to service_role;

create function public.create_dataset(p_name text, p_description text default null, p_author text default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v public.datasets;
begin
  insert into public.datasets (name, description, created_by) values (p_name, coalesce(p_description, ''), p_author)
  on conflict on constraint datasets_name_key do nothing
  returning * into v;
  if v.id is null then
    raise exception using errcode = 'PT409', message = 'conflict:dataset', detail = format('A dataset named %s exists.', p_name);
  end if;
  return private.dataset_json(v);
end
$$;

comment on function public.create_dataset(text, text, text) is 'A new dataset; 409 conflict:dataset when the name is taken.';
revoke all on function public.create_dataset(text, text, text) from public, anon, authenticated;
grant all on function public.create_dataset(text, text, text) to service_role;

create function public.list_datasets() returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('datasets', coalesce(jsonb_agg(private.dataset_json(d) order by d.name), '[]'::jsonb))
    from public.datasets d
$$;

comment on function public.list_datasets() is 'Every dataset with its count of items not archived, by name.';
revoke all on function public.list_datasets() from public, anon, authenticated;
grant all on function public.list_datasets() to service_role;

-- Items given whole (the API's manual add, a JSONL import): all or none, in their order.
create function public.add_dataset_items(p_dataset text, p_items jsonb) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_dataset public.datasets := private.dataset_named(p_dataset);
  v_out jsonb;
begin
  if jsonb_typeof(p_items) <> 'array' or jsonb_array_length(p_items) not between 1 and 1000
     or exists (select 1 from jsonb_array_elements(p_items) x where not coalesce(private.valid_conversation(x -> 'messages'), false)) then
    raise exception using errcode = 'PT400', message = 'bad_request:dataset',
      detail = 'Each item needs messages: 1 to 200 of {role: user|agent, content}, the last one the visitor''s.';
  end if;
  with added as (
    insert into public.dataset_items (dataset_id, messages, flows, agent_key, agent_version, expected_output, expected_tool_calls, created_at)
    select v_dataset.id, x.item -> 'messages', coalesce(x.item -> 'flows', '{}'::jsonb), x.item ->> 'agent_key',
           (x.item ->> 'agent_version')::integer, x.item ->> 'expected_output',
           case when jsonb_typeof(x.item -> 'expected_tool_calls') = 'array' then x.item -> 'expected_tool_calls' end,
           clock_timestamp() + make_interval(secs => x.n / 1000000.0)
      from jsonb_array_elements(p_items) with ordinality x (item, n)
    returning *)
  select jsonb_build_object('items', jsonb_agg(private.dataset_item_json(a) order by a.created_at)) into v_out from added a;
  return v_out;
end
$$;

comment on function public.add_dataset_items(text, jsonb) is
  'Adds items [{messages, expected_output?, expected_tool_calls?, flows?, agent_key?, agent_version?}] to a dataset, all or none.';
revoke all on function public.add_dataset_items(text, jsonb) from public, anon, authenticated;
grant all on function public.add_dataset_items(text, jsonb) to service_role;

-- The conversation of a trace up to and including one of its visitor's messages, from the stored
-- messages: the trace's session and, after a handoff, the question that opened it (asked in the
-- session before), replaced replies left out.
create function private.trace_conversation(p_trace_id uuid, p_message_id uuid) returns jsonb
  language sql stable
  set search_path = ''
as $$
  with t as (select t.session_id from public.llm_traces t where t.id = p_trace_id),
  q as (select m.seq from public.conversation_messages m, t
         where m.id = p_message_id and m.role = 'user'
           and (m.session_id = t.session_id
                or exists (select 1 from public.conversation_messages r where r.session_id = t.session_id and r.reply_to = m.id)))
  select jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content) order by m.seq)
    from public.conversation_messages m, t, q
   where m.seq <= q.seq and m.role in ('user', 'agent') and m.superseded_at is null and m.content <> ''
     and (m.session_id = t.session_id
          or m.id in (select r.reply_to from public.conversation_messages r where r.session_id = t.session_id))
$$;

revoke all on function private.trace_conversation(uuid, uuid) from public, anon, authenticated;
grant all on function private.trace_conversation(uuid, uuid) to service_role;

-- An item from a trace and one of its visitor's messages: the conversation up to it, the session's
-- agent and version and its flow state (when the message is the session's newest question), and
-- an expected answer (the operator's, else none). 404 not_found:message when the message is not a
-- visitor's message of that trace.
create function public.add_dataset_item_from_trace(p_dataset text, p_trace_id uuid, p_message_id uuid,
                                                   p_expected_output text default null, p_expected_tool_calls jsonb default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_dataset public.datasets := private.dataset_named(p_dataset);
  v_messages jsonb := private.trace_conversation(p_trace_id, p_message_id);
  v_session public.conversation_sessions;
  v_item public.dataset_items;
begin
  if v_messages is null then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such visitor message in this trace.';
  end if;
  select s.* into v_session from public.conversation_sessions s join public.llm_traces t on t.session_id = s.id where t.id = p_trace_id;
  insert into public.dataset_items (dataset_id, messages, flows, agent_key, agent_version, expected_output, expected_tool_calls,
                                    source_trace_id, source_message_id)
  values (v_dataset.id, v_messages,
          case when not exists (select 1 from public.conversation_messages m, public.conversation_messages q
                                 where q.id = p_message_id and m.session_id = v_session.id and m.role = 'user' and m.seq > q.seq)
               then coalesce((select jsonb_object_agg(f.flow, f.state) from public.flow_states f where f.session_id = v_session.id), '{}'::jsonb)
               else '{}'::jsonb end,
          v_session.agent_type, v_session.agent_version, p_expected_output, p_expected_tool_calls, p_trace_id, p_message_id)
  returning * into v_item;
  return private.dataset_item_json(v_item);
end
$$;

comment on function public.add_dataset_item_from_trace(text, uuid, uuid, text, jsonb) is
  'Adds an item made from a trace and one of its visitor''s messages: the conversation up to it, built from the stored messages.';
revoke all on function public.add_dataset_item_from_trace(text, uuid, uuid, text, jsonb) from public, anon, authenticated;
grant all on function public.add_dataset_item_from_trace(text, uuid, uuid, text, jsonb) to service_role;

-- Changes an item: expected_output, expected_tool_calls (null clears them), archived. 404 not_found:dataset.
create function public.update_dataset_item(p_item_id uuid, p_changes jsonb) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v public.dataset_items;
begin
  update public.dataset_items i set
    expected_output = case when p_changes ? 'expected_output' then p_changes ->> 'expected_output' else i.expected_output end,
    expected_tool_calls = case when p_changes ? 'expected_tool_calls' then nullif(p_changes -> 'expected_tool_calls', 'null'::jsonb)
                               else i.expected_tool_calls end,
    archived = coalesce((p_changes ->> 'archived')::boolean, i.archived),
    updated_at = now()
   where i.id = p_item_id
  returning * into v;
  if v.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:dataset', detail = 'No such dataset item.';
  end if;
  return private.dataset_item_json(v);
end
$$;

comment on function public.update_dataset_item(uuid, jsonb) is 'Edits an item''s expected answer and tool calls, or archives it.';
revoke all on function public.update_dataset_item(uuid, jsonb) from public, anon, authenticated;
grant all on function public.update_dataset_item(uuid, jsonb) to service_role;

create function public.dataset_items(p_dataset text, p_archived boolean default false) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('dataset', private.dataset_json(d),
    'items', coalesce((select jsonb_agg(private.dataset_item_json(i) order by i.created_at, i.id)
                         from public.dataset_items i where i.dataset_id = d.id and (p_archived or not i.archived)), '[]'::jsonb))
    from private.dataset_named(p_dataset) d
$$;

comment on function public.dataset_items(text, boolean) is 'A dataset and its items, oldest first (archived ones too when p_archived).';
revoke all on function public.dataset_items(text, boolean) from public, anon, authenticated;
grant all on function public.dataset_items(text, boolean) to service_role;

-- experiments --------------------------------------------------------------------------------------

create table public.experiments (
  id uuid primary key default gen_random_uuid(),
  dataset_id uuid not null references public.datasets (id) on delete cascade,
  agent_key text not null,
  agent_version integer not null,
  -- the version was the agent's draft when the run started
  is_draft boolean not null default false,
  evaluators text[] not null default '{}',
  status text not null default 'running',
  created_by text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  constraint experiments_status_check check (status in ('running', 'completed', 'failed')),
  constraint experiments_finished check ((status = 'running') = (finished_at is null)),
  constraint experiments_evaluators_check check (cardinality(evaluators) <= 20),
  constraint experiments_created_by_check check (length(created_by) <= 200),
  constraint experiments_agent_version_fkey foreign key (agent_key, agent_version)
    references public.agent_versions (agent_key, version) on delete cascade
);

comment on table public.experiments is 'A run of one agent version over a dataset (not the dashboard''s A/B comparison of live traffic).';

create index experiments_dataset on public.experiments (dataset_id, created_at desc);
create index experiments_agent_version on public.experiments (agent_key, agent_version);
create index experiments_created on public.experiments (created_at desc, id desc);

alter table public.experiments enable row level security;

revoke all on table public.experiments from anon, authenticated;
grant all on table public.experiments to service_role;

-- An experiment's items: one replay each, worked as a queue (14_queues.sql) by the app.
create table public.experiment_items (
  id uuid primary key default gen_random_uuid(),
  experiment_id uuid not null references public.experiments (id) on delete cascade,
  item_id uuid not null references public.dataset_items (id) on delete cascade,
  position integer not null,
  -- the replay's visitor: its sessions carry channel `experiment` and this experiment's id
  visitor_id text not null constraint experiment_items_visitor_key unique,
  status text not null default 'pending',
  trace_id uuid references public.llm_traces (id) on delete set null,
  reply text,
  -- the tool calls of the reply to the item's last message: [{name, args}]
  steps jsonb not null default '[]'::jsonb,
  cost_usd numeric not null default 0,
  latency_ms integer,
  -- the evaluators' scores: [{name, value, comment, score_id}]
  scores jsonb not null default '[]'::jsonb,
  error text,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  last_error text,
  dead_at timestamptz,
  finished_at timestamptz,
  constraint experiment_items_one_per_item unique (experiment_id, item_id),
  constraint experiment_items_status_check check (status in ('pending', 'completed', 'failed')),
  constraint experiment_items_visitor_check check (visitor_id ~ '^experiment_[0-9a-f-]{36}$'),
  constraint experiment_items_reply_check check (length(reply) <= 100000),
  constraint experiment_items_error_check check (length(error) <= 4000)
);

comment on table public.experiment_items is 'One dataset item replayed in an experiment: its trace, reply, tool calls, cost, latency, scores; a queue row.';

create index experiment_items_item on public.experiment_items (item_id);
create index experiment_items_trace on public.experiment_items (trace_id);
create index experiment_items_due on public.experiment_items (next_attempt_at) where finished_at is null and dead_at is null;

alter table public.experiment_items enable row level security;

revoke all on table public.experiment_items from anon, authenticated;
grant all on table public.experiment_items to service_role;

-- A session of an experiment's visitor carries the experiment's id (a handoff's new session too).
create function private.session_experiment() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.channel = 'experiment' and new.experiment_id is null then
    select e.experiment_id into new.experiment_id from public.experiment_items e where e.visitor_id = new.user_id;
  end if;
  return new;
end
$$;

revoke all on function private.session_experiment() from public, anon, authenticated;
grant all on function private.session_experiment() to service_role;

create trigger conversation_sessions_experiment before insert on public.conversation_sessions
  for each row execute function private.session_experiment();

-- An order (a flow state) of an experiment's session is an experiment order, never a real one.
create function private.flow_experiment() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.is_experiment := exists (select 1 from public.conversation_sessions s where s.id = new.session_id and s.channel = 'experiment');
  return new;
end
$$;

revoke all on function private.flow_experiment() from public, anon, authenticated;
grant all on function private.flow_experiment() to service_role;

create trigger flow_states_experiment before insert on public.flow_states
  for each row execute function private.flow_experiment();

-- The version an experiment runs: the number given (404 not_found:agent unless saved), or the draft.
create function private.experiment_version(p_agent text, p_version integer, p_draft boolean) returns integer
  language plpgsql stable
  set search_path = ''
as $$
declare
  v integer;
begin
  if p_draft then
    select a.draft_version into v from public.agents a where a.key = p_agent;
  else
    select x.version into v from public.agent_versions x where x.agent_key = p_agent and x.version = p_version;
  end if;
  if v is null then
    raise exception using errcode = 'PT404', message = 'not_found:agent',
      detail = case when p_draft then format('Agent %s has no draft.', p_agent) else format('Agent %s has no version %s.', p_agent, p_version) end;
  end if;
  return v;
end
$$;

revoke all on function private.experiment_version(text, integer, boolean) from public, anon, authenticated;
grant all on function private.experiment_version(text, integer, boolean) to service_role;

-- Starts an experiment: the run and one queued replay per item not archived (400 bad_request:experiment
-- for a dataset without any). The app works the queue in the background.
create function public.create_experiment(p_dataset text, p_agent text, p_version integer default null, p_draft boolean default false,
                                         p_evaluators jsonb default '[]'::jsonb, p_author text default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_dataset public.datasets := private.dataset_named(p_dataset);
  v_version integer := private.experiment_version(p_agent, p_version, coalesce(p_draft, false));
  v_id uuid := gen_random_uuid();
  v_count integer;
begin
  insert into public.experiments (id, dataset_id, agent_key, agent_version, is_draft, evaluators, created_by)
  values (v_id, v_dataset.id, p_agent, v_version, coalesce(p_draft, false),
          array(select jsonb_array_elements_text(coalesce(p_evaluators, '[]'::jsonb))), p_author);
  with ids as (select gen_random_uuid() as id, i.id as item_id, row_number() over (order by i.created_at, i.id) as n
                 from public.dataset_items i where i.dataset_id = v_dataset.id and not i.archived)
  insert into public.experiment_items (id, experiment_id, item_id, position, visitor_id)
  select ids.id, v_id, ids.item_id, ids.n, 'experiment_' || ids.id from ids;
  get diagnostics v_count = row_count;
  if v_count = 0 then
    raise exception using errcode = 'PT400', message = 'bad_request:experiment', detail = 'The dataset has no items to run.';
  end if;
  return jsonb_build_object('id', v_id, 'agent_version', v_version, 'items', v_count);
end
$$;

comment on function public.create_experiment(text, text, integer, boolean, jsonb, text) is
  'Starts a run of an agent version (or its draft) over a dataset; its items are queued (queue experiment_items).';
revoke all on function public.create_experiment(text, text, integer, boolean, jsonb, text) from public, anon, authenticated;
grant all on function public.create_experiment(text, text, integer, boolean, jsonb, text) to service_role;

-- A claimed item's replay begins: a fresh session of its visitor on the channel `experiment`, pinned
-- to the experiment's agent version (the trace too); the conversation to replay.
create function public.begin_experiment_item(p_id uuid, p_model_key text default 'offline') returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v record;
  v_model_id uuid;
  v_session_id uuid;
begin
  select e.visitor_id, x.agent_key, x.agent_version, x.evaluators, i.messages, i.expected_output, i.expected_tool_calls,
         coalesce(av.model_key, p_model_key) as model_key
    into v
    from public.experiment_items e join public.experiments x on x.id = e.experiment_id
    join public.dataset_items i on i.id = e.item_id
    join public.agent_versions av on av.agent_key = x.agent_key and av.version = x.agent_version
   where e.id = p_id;
  if v.visitor_id is null then
    raise exception using errcode = 'PT404', message = 'not_found:experiment', detail = 'No such experiment item.';
  end if;
  select m.id into v_model_id from public.llm_models m where m.key = v.model_key;
  if v_model_id is null then -- the version names a model this database does not know: the app's default
    v_model_id := private.model_id(p_model_key);
    v.model_key := p_model_key;
  end if;
  v_session_id := public.start_session(v.visitor_id, 'experiment', v.agent_key, v_model_id, true, 'first_message', null, null);
  update public.conversation_sessions s set agent_version = v.agent_version where s.id = v_session_id;
  update public.llm_traces t set agent_version = v.agent_version where t.session_id = v_session_id;
  return jsonb_build_object('session_id', v_session_id, 'visitor_id', v.visitor_id, 'agent_key', v.agent_key,
                            'agent_version', v.agent_version, 'model_key', v.model_key, 'messages', v.messages,
                            'evaluators', to_jsonb(v.evaluators), 'expected_output', v.expected_output,
                            'expected_tool_calls', v.expected_tool_calls);
end
$$;

comment on function public.begin_experiment_item(uuid, text) is
  'Opens a claimed experiment item''s replay: a session on channel experiment pinned to the run''s agent version; what to replay.';
revoke all on function public.begin_experiment_item(uuid, text) from public, anon, authenticated;
grant all on function public.begin_experiment_item(uuid, text) to service_role;

-- A replay's figures from what the turns stored: the tool calls of the reply to the last question,
-- the cost of every trace of the replay's visitor.
create function private.experiment_item_figures(p_visitor_id text, p_trace_id uuid, out steps jsonb, out cost_usd numeric)
  language sql stable
  set search_path = ''
as $$
  select coalesce((select jsonb_agg(jsonb_build_object('name', o.name, 'args', o.arguments) order by o.started_at, o.position)
                     from public.llm_observations o
                    where o.trace_id = p_trace_id and o.kind = 'tool'
                      and o.message_id = (select m.id from public.conversation_messages m
                                           where m.user_id = p_visitor_id and m.role = 'user' order by m.seq desc limit 1)), '[]'::jsonb),
         coalesce((select sum(t.cost_usd) from public.llm_traces t where t.user_id = p_visitor_id), 0)
$$;

revoke all on function private.experiment_item_figures(text, uuid) from public, anon, authenticated;
grant all on function private.experiment_item_figures(text, uuid) to service_role;

-- A replay's end: its reply, trace, latency and scores (or its error), the figures from the stored
-- turns, and the experiment completed (or failed, when every item failed) once no item is pending.
create function public.finish_experiment_item(p_id uuid, p_reply text default null, p_trace_id uuid default null,
                                              p_latency_ms integer default null, p_scores jsonb default '[]'::jsonb,
                                              p_error text default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v public.experiment_items;
  f record;
begin
  select * into v from public.experiment_items e where e.id = p_id for update;
  if v.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:experiment', detail = 'No such experiment item.';
  end if;
  f := private.experiment_item_figures(v.visitor_id, p_trace_id);
  update public.experiment_items e set
    status = case when p_error is null then 'completed' else 'failed' end, reply = p_reply, trace_id = p_trace_id,
    latency_ms = p_latency_ms, scores = coalesce(p_scores, '[]'::jsonb), error = left(p_error, 4000),
    steps = f.steps, cost_usd = f.cost_usd
   where e.id = p_id;
  perform private.settle_experiment(v.experiment_id);
  return jsonb_build_object('id', p_id, 'status', case when p_error is null then 'completed' else 'failed' end);
end
$$;

comment on function public.finish_experiment_item(uuid, text, uuid, integer, jsonb, text) is
  'Records an experiment item''s replay (reply, trace, latency, scores, or its error) and settles the experiment.';
revoke all on function public.finish_experiment_item(uuid, text, uuid, integer, jsonb, text) from public, anon, authenticated;
grant all on function public.finish_experiment_item(uuid, text, uuid, integer, jsonb, text) to service_role;

-- No item pending (or every pending one a dead letter): the run is completed, or failed when no item completed.
create function private.settle_experiment(p_id uuid) returns void
  language sql
  set search_path = ''
as $$
  update public.experiments x set
    status = case when exists (select 1 from public.experiment_items e where e.experiment_id = p_id and e.status = 'completed')
                  then 'completed' else 'failed' end,
    finished_at = now()
   where x.id = p_id and x.status = 'running'
     and not exists (select 1 from public.experiment_items e where e.experiment_id = p_id and e.status = 'pending' and e.dead_at is null)
$$;

revoke all on function private.settle_experiment(uuid) from public, anon, authenticated;
grant all on function private.settle_experiment(uuid) to service_role;

-- An item that reached the queue's dead letter fails, so the run still ends.
create function private.experiment_item_dead() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  update public.experiment_items e set status = 'failed', error = coalesce(e.error, new.last_error) where e.id = new.id and e.status = 'pending';
  perform private.settle_experiment(new.experiment_id);
  return null;
end
$$;

revoke all on function private.experiment_item_dead() from public, anon, authenticated;
grant all on function private.experiment_item_dead() to service_role;

create trigger experiment_items_dead after update of dead_at on public.experiment_items
  for each row when (old.dead_at is null and new.dead_at is not null) execute function private.experiment_item_dead();

create function private.experiment_json(p public.experiments) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('id', p.id, 'dataset', d.name, 'agent_key', p.agent_key, 'agent_version', p.agent_version,
                            'is_draft', p.is_draft, 'evaluators', to_jsonb(p.evaluators), 'status', p.status,
                            'created_by', p.created_by, 'created_at', p.created_at, 'finished_at', p.finished_at,
                            'totals', (select jsonb_build_object('items', count(*), 'completed', count(*) filter (where e.status = 'completed'),
                                                                 'failed', count(*) filter (where e.status = 'failed'),
                                                                 'cost_usd', coalesce(sum(e.cost_usd), 0),
                                                                 'latency_ms', coalesce(sum(e.latency_ms), 0),
                                                                 'avg_latency_ms', round(avg(e.latency_ms)))
                                         from public.experiment_items e where e.experiment_id = p.id))
    from public.datasets d where d.id = p.dataset_id
$$;

revoke all on function private.experiment_json(public.experiments) from public, anon, authenticated;
grant all on function private.experiment_json(public.experiments) to service_role;

-- One experiment with its items in the dataset's order (404 not_found:experiment).
create function public.experiment_detail(p_id uuid) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v public.experiments;
begin
  select * into v from public.experiments x where x.id = p_id;
  if v.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:experiment', detail = 'No such experiment.';
  end if;
  return private.experiment_json(v) || jsonb_build_object('items', coalesce((
    select jsonb_agg(jsonb_build_object('id', e.id, 'item_id', e.item_id, 'position', e.position, 'status', e.status,
                                        'trace_id', e.trace_id, 'reply', e.reply, 'steps', e.steps, 'cost_usd', e.cost_usd,
                                        'latency_ms', e.latency_ms, 'scores', e.scores, 'error', e.error,
                                        'messages', i.messages, 'expected_output', i.expected_output) order by e.position)
      from public.experiment_items e join public.dataset_items i on i.id = e.item_id
     where e.experiment_id = p_id), '[]'::jsonb));
end
$$;

comment on function public.experiment_detail(uuid) is 'An experiment, its totals and its items (reply, tool calls, scores, cost, latency).';
revoke all on function public.experiment_detail(uuid) from public, anon, authenticated;
grant all on function public.experiment_detail(uuid) to service_role;

create function public.list_experiments(p_dataset text default null, p_limit integer default 100) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('experiments', coalesce(jsonb_agg(private.experiment_json(x) order by x.created_at desc, x.id desc), '[]'::jsonb))
    from (select * from public.experiments x
           where p_dataset is null or x.dataset_id = (select d.id from public.datasets d where d.name = p_dataset)
           order by x.created_at desc, x.id desc limit greatest(1, least(coalesce(p_limit, 100), 500))) x
$$;

comment on function public.list_experiments(text, integer) is 'The newest experiments (of one dataset when named) with their totals.';
revoke all on function public.list_experiments(text, integer) from public, anon, authenticated;
grant all on function public.list_experiments(text, integer) to service_role;

-- erasure and retention (docs/privacy.md, "A visitor's data") -------------------------------------

-- erase_visitor's dataset items: every item made from the visitor's traces or messages goes (its
-- conversation and expected answer are copies of their words), and with it, by the foreign key's
-- cascade, each experiment item that replayed it; the replay's own conversation (the same words,
-- under the experiment's visitor) is erased as the visitor's is. Runs before their messages go.
create function private.erase_dataset_items(p_user_id text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_items uuid[];
  v_replay text;
  v_replays integer := 0;
  v_n integer;
begin
  select coalesce(array_agg(i.id), '{}') into v_items from public.dataset_items i
   where i.source_trace_id in (select t.id from public.llm_traces t where t.user_id = p_user_id)
      or i.source_message_id in (select m.id from public.conversation_messages m where m.user_id = p_user_id);
  for v_replay in select e.visitor_id from public.experiment_items e where e.item_id = any (v_items) order by e.id loop
    perform private.erase_conversations(v_replay, 'erased_' || replace(gen_random_uuid()::text, '-', ''));
    v_replays := v_replays + 1;
  end loop;
  delete from public.dataset_items i where i.id = any (v_items);
  get diagnostics v_n = row_count;
  return jsonb_build_object('dataset_items', v_n, 'experiment_items', v_replays);
end
$$;

comment on function private.erase_dataset_items(text) is
  'erase_visitor''s step: the dataset items made from the visitor''s traces, their experiment items and replays.';
revoke all on function private.erase_dataset_items(text) from public, anon, authenticated;
grant all on function private.erase_dataset_items(text) to service_role;

-- One bounded batch of retention: dataset items made from a trace whose conversation retention has
-- removed (llm_traces.conversation_removed_at); their experiment items go by the cascade.
create function private.retention_delete_dataset_items(p_batch integer) returns integer
  language sql
  set search_path = ''
as $$
  with old as (
    select i.id from public.dataset_items i join public.llm_traces t on t.id = i.source_trace_id
     where t.conversation_removed_at is not null
     limit p_batch
  ), gone as (
    delete from public.dataset_items i using old where i.id = old.id
    returning 1
  )
  select count(*)::int from gone
$$;

comment on function private.retention_delete_dataset_items(integer) is
  'apply_retention''s step: dataset items whose source conversation retention removed.';
revoke all on function private.retention_delete_dataset_items(integer) from public, anon, authenticated;
grant all on function private.retention_delete_dataset_items(integer) to service_role;
