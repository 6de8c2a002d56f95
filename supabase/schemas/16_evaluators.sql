-- Evaluators (docs/architecture.md, "Evaluators"): rule evaluators (code in lib/evaluators/rules.ts,
-- named here by their rule key) and model-graded ones (a prompt template answered by a model), the
-- evaluators attached to an agent with a sample rate, and the evaluation queue that grades new traces
-- after their turn is stored (exactly once per trace and evaluator).

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- evaluators -------------------------------------------------------------------------------------

create table public.evaluators (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint evaluators_name_key unique,
  kind text not null,
  -- the score config its scores use (source evaluator, author = this evaluator's id)
  config_id uuid not null references public.score_configs (id) on delete cascade,
  rule_key text,
  options jsonb not null default '{}'::jsonb,
  prompt_template text,
  model_key text,
  description text,
  created_by text not null,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint evaluators_name_check check (name ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  constraint evaluators_kind_check check (kind in ('rule', 'judge')),
  -- the rule registry's keys (lib/evaluators/rules.ts; tests/unit/evaluators checks they agree)
  constraint evaluators_rule_key_check check (rule_key in ('catalog_products_exist', 'order_confirmed_with_contact',
                                                           'expected_tool_calls', 'reply_under_chars')),
  constraint evaluators_options_check check (jsonb_typeof(options) = 'object'),
  constraint evaluators_description_check check (length(description) <= 1000),
  constraint evaluators_created_by_check check (length(created_by) between 1 and 200),
  constraint evaluators_model_key_check check (model_key ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$'),
  -- a rule names its code; a judge has a prompt template (with {reply}) and a model
  constraint evaluators_shape check (case kind
    when 'rule' then rule_key is not null and prompt_template is null and model_key is null
    else rule_key is null and model_key is not null and length(prompt_template) between 1 and 8000
         and position('{reply}' in prompt_template) > 0 end)
);

create index evaluators_config on public.evaluators (config_id);

alter table public.evaluators enable row level security;
grant all on table public.evaluators to service_role;

comment on table public.evaluators is
  'Rule (code) and model-graded (prompt template + model) evaluators and the score config they write (docs/architecture.md, "Evaluators").';

-- their score configs and the evaluators every database starts with (fixed ids)
insert into public.score_configs (id, name, data_type, min_value, max_value, description) values
  ('5c0e0000-0000-4000-8000-000000000004', 'catalog_products_exist', 'boolean', null, null, 'Every product the reply names exists in the catalog.'),
  ('5c0e0000-0000-4000-8000-000000000005', 'order_confirmed_with_contact', 'boolean', null, null, 'An order was confirmed, and only with the visitor''s name, phone and email.'),
  ('5c0e0000-0000-4000-8000-000000000006', 'expected_tool_calls', 'boolean', null, null, 'The reply''s tool calls match the expected ones.'),
  ('5c0e0000-0000-4000-8000-000000000007', 'reply_under_chars', 'boolean', null, null, 'The reply stays under the evaluator''s character limit.'),
  ('5c0e0000-0000-4000-8000-000000000008', 'judge_helpfulness', 'numeric', 0, 1, 'A model''s grade of the reply''s helpfulness, 0 to 1.');

insert into public.evaluators (id, name, kind, config_id, rule_key, options, prompt_template, model_key, description, created_by) values
  ('e7a10000-0000-4000-8000-000000000001', 'catalog_products_exist', 'rule', '5c0e0000-0000-4000-8000-000000000004', 'catalog_products_exist', '{}', null, null, 'Every product the reply names exists in the catalog.', 'system'),
  ('e7a10000-0000-4000-8000-000000000002', 'order_confirmed_with_contact', 'rule', '5c0e0000-0000-4000-8000-000000000005', 'order_confirmed_with_contact', '{}', null, null, 'An order was confirmed, and only with name, phone and email.', 'system'),
  ('e7a10000-0000-4000-8000-000000000003', 'expected_tool_calls', 'rule', '5c0e0000-0000-4000-8000-000000000006', 'expected_tool_calls', '{}', null, null, 'The reply''s tool calls match the expected ones (needs expected tool calls).', 'system'),
  ('e7a10000-0000-4000-8000-000000000004', 'reply_under_chars', 'rule', '5c0e0000-0000-4000-8000-000000000007', 'reply_under_chars', '{"max_chars": 600}', null, null, 'The reply stays under 600 characters.', 'system'),
  ('e7a10000-0000-4000-8000-000000000005', 'helpfulness_judge', 'judge', '5c0e0000-0000-4000-8000-000000000008', null, '{}',
   E'Grade how well the agent''s last reply helps the visitor, from 0 (not at all) to 1 (fully).\n\nConversation:\n{conversation}\n\nReply:\n{reply}\n\nExpected answer (may be empty):\n{expected}',
   'offline', 'A model grades the reply''s helpfulness from 0 to 1.', 'system');

-- An evaluator as the app reads it, with its score config.
create function private.evaluator_json(p_evaluator public.evaluators) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_evaluator.id, 'name', p_evaluator.name, 'kind', p_evaluator.kind, 'rule_key', p_evaluator.rule_key,
    'options', p_evaluator.options, 'prompt_template', p_evaluator.prompt_template, 'model_key', p_evaluator.model_key,
    'description', p_evaluator.description, 'created_by', p_evaluator.created_by, 'archived', p_evaluator.archived,
    'created_at', p_evaluator.created_at,
    'config', (select jsonb_build_object('name', c.name, 'data_type', c.data_type, 'min', c.min_value, 'max', c.max_value)
                 from public.score_configs c where c.id = p_evaluator.config_id))
$$;

comment on function private.evaluator_json(public.evaluators) is 'An evaluator with its score config (name, data type, range).';

create function public.evaluators_list(p_archived boolean default false) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('evaluators', coalesce(
    (select jsonb_agg(private.evaluator_json(e) order by e.kind desc, e.name)
       from public.evaluators e where p_archived or not e.archived), '[]'::jsonb))
$$;

comment on function public.evaluators_list(boolean) is 'Every evaluator in use (the archived ones too when p_archived), rules first, by name.';

-- Archives an evaluator (or brings it back). An archived one queues no new evaluation jobs
-- (private.enqueue_evaluations), cannot be attached again (set_agent_evaluators) and is left out of the
-- list; its scores, its attachments and the jobs already queued stay.
create function public.set_evaluator_archived(p_evaluator_id uuid, p_archived boolean) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_evaluator public.evaluators;
begin
  update public.evaluators e set archived = p_archived,
         updated_at = case when e.archived is distinct from p_archived then now() else e.updated_at end
   where e.id = p_evaluator_id
  returning e.* into v_evaluator;
  if not found then
    raise exception using errcode = 'PT404', message = 'not_found:evaluator', detail = 'No such evaluator.';
  end if;
  return private.evaluator_json(v_evaluator);
end
$$;

comment on function public.set_evaluator_archived(uuid, boolean) is
  'Archives an evaluator (no new evaluation jobs, not attachable, hidden from the list) or brings it back; its scores stay.';

-- A new evaluator: a judge (prompt template and model) or a rule (a registry key and its options).
-- A judge's score config must be boolean or numeric (its structured output is a number).
create function public.create_evaluator(p_name text, p_kind text, p_score_config text, p_created_by text,
                                        p_rule_key text default null, p_options jsonb default '{}'::jsonb,
                                        p_prompt_template text default null, p_model_key text default null,
                                        p_description text default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_config public.score_configs;
  v_evaluator public.evaluators;
begin
  select c.* into v_config from public.score_configs c where c.name = p_score_config and not c.archived;
  if v_config.id is null then
    raise exception using errcode = 'PT400', message = 'bad_request:evaluator', detail = format('No score config in use is named %s.', p_score_config);
  end if;
  if p_kind = 'judge' and v_config.data_type = 'categorical' then
    raise exception using errcode = 'PT400', message = 'bad_request:evaluator', detail = 'A judge writes a boolean or numeric score config.';
  end if;
  insert into public.evaluators (name, kind, config_id, rule_key, options, prompt_template, model_key, description, created_by)
  values (p_name, p_kind, v_config.id, p_rule_key, coalesce(p_options, '{}'::jsonb), p_prompt_template, p_model_key,
          nullif(trim(p_description), ''), p_created_by)
  returning * into v_evaluator;
  return private.evaluator_json(v_evaluator);
exception
  when unique_violation then
    raise exception using errcode = 'PT409', message = 'conflict:evaluator', detail = format('An evaluator is already named %s.', p_name);
  when check_violation then
    raise exception using errcode = 'PT400', message = 'bad_request:evaluator', detail = 'That is not a valid evaluator (name, rule key, template with {reply}, model key).';
end
$$;

comment on function public.create_evaluator(text, text, text, text, text, jsonb, text, text, text) is
  'Creates a judge (prompt template, model) or rule (registry key, options) evaluator writing a score config; 409 on a taken name.';

-- attached to agents ------------------------------------------------------------------------------

create table public.agent_evaluators (
  agent_key text not null references public.agents (key) on update cascade on delete cascade,
  evaluator_id uuid not null references public.evaluators (id) on delete cascade,
  sample_rate numeric not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_evaluators_pkey primary key (agent_key, evaluator_id),
  constraint agent_evaluators_sample_rate_check check (sample_rate >= 0 and sample_rate <= 1),
  constraint agent_evaluators_created_by_check check (length(created_by) between 1 and 200)
);

create index agent_evaluators_evaluator on public.agent_evaluators (evaluator_id);

alter table public.agent_evaluators enable row level security;
grant all on table public.agent_evaluators to service_role;

comment on table public.agent_evaluators is
  'Evaluators that grade an agent''s new traces online, each with the share of traces it samples (0 to 1).';

create function public.agent_evaluators(p_agent text) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
begin
  if not exists (select 1 from public.agents a where a.key = p_agent) then
    raise exception using errcode = 'PT404', message = 'not_found:agent', detail = format('No agent %s.', p_agent);
  end if;
  return jsonb_build_object('agent', p_agent, 'evaluators', coalesce((
    select jsonb_agg(jsonb_build_object('name', e.name, 'kind', e.kind, 'sample_rate', ae.sample_rate,
                                        'created_by', ae.created_by, 'updated_at', ae.updated_at) order by e.name)
      from public.agent_evaluators ae join public.evaluators e on e.id = ae.evaluator_id
     where ae.agent_key = p_agent), '[]'::jsonb));
end
$$;

comment on function public.agent_evaluators(text) is 'The evaluators attached to an agent, with their sample rates.';

-- Replaces an agent's attached evaluators with p_evaluators ([{name, sample_rate}]); none detaches all.
create function public.set_agent_evaluators(p_agent text, p_evaluators jsonb, p_author text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_unknown text;
begin
  perform 1 from public.agents a where a.key = p_agent for no key update;
  if not found then
    raise exception using errcode = 'PT404', message = 'not_found:agent', detail = format('No agent %s.', p_agent);
  end if;
  select x ->> 'name' into v_unknown from jsonb_array_elements(coalesce(p_evaluators, '[]'::jsonb)) x
   where not exists (select 1 from public.evaluators e where e.name = x ->> 'name' and not e.archived) limit 1;
  if found then
    raise exception using errcode = 'PT400', message = 'bad_request:evaluator', detail = format('No evaluator in use is named %s.', v_unknown);
  end if;
  delete from public.agent_evaluators ae where ae.agent_key = p_agent
     and ae.evaluator_id not in (select e.id from public.evaluators e, jsonb_array_elements(coalesce(p_evaluators, '[]'::jsonb)) x
                                  where e.name = x ->> 'name');
  insert into public.agent_evaluators as ae (agent_key, evaluator_id, sample_rate, created_by)
  select p_agent, e.id, (x ->> 'sample_rate')::numeric, p_author
    from jsonb_array_elements(coalesce(p_evaluators, '[]'::jsonb)) x join public.evaluators e on e.name = x ->> 'name'
  on conflict on constraint agent_evaluators_pkey do update
    set sample_rate = excluded.sample_rate, created_by = excluded.created_by, updated_at = now()
    where ae.sample_rate is distinct from excluded.sample_rate;
  return public.agent_evaluators(p_agent);
exception
  when check_violation or invalid_text_representation then
    raise exception using errcode = 'PT400', message = 'bad_request:evaluator', detail = 'A sample rate is a number from 0 to 1.';
end
$$;

comment on function public.set_agent_evaluators(text, jsonb, text) is
  'Sets the evaluators attached to an agent and their sample rates ([{name, sample_rate}]); the list replaces the old one.';

-- the evaluation queue ---------------------------------------------------------------------------

create table public.evaluation_jobs (
  id bigint generated always as identity primary key,
  trace_id uuid not null references public.llm_traces (id) on delete cascade,
  evaluator_id uuid not null references public.evaluators (id) on delete cascade,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  last_error text,
  dead_at timestamptz,
  done_at timestamptz,
  created_at timestamptz not null default now(),
  -- exactly once per trace and evaluator, however many instances or turns
  constraint evaluation_jobs_once unique (trace_id, evaluator_id),
  constraint evaluation_jobs_attempts_check check (attempts >= 0)
);

create index evaluation_jobs_evaluator on public.evaluation_jobs (evaluator_id);
create index evaluation_jobs_due on public.evaluation_jobs (next_attempt_at, id) where done_at is null and dead_at is null;

alter table public.evaluation_jobs enable row level security;
grant all on table public.evaluation_jobs to service_role;

comment on table public.evaluation_jobs is
  'The evaluation queue: one row per sampled (trace, evaluator), graded by the app after the turn (docs/architecture.md, "Queues").';

-- The deterministic sample: the hash of trace and evaluator as a number in [0, 1) below the rate.
create function private.evaluation_sampled(p_trace_id uuid, p_evaluator_id uuid, p_rate numeric) returns boolean
  language sql immutable
  set search_path = ''
as $$
  select (('x' || left(md5(p_trace_id::text || ':' || p_evaluator_id::text), 8))::bit(32)::bigint / 4294967296.0) < p_rate
$$;

comment on function private.evaluation_sampled(uuid, uuid, numeric) is
  'Whether a trace falls in an evaluator''s sample: md5(trace:evaluator) as a fraction below the rate (the same answer every time).';

-- Queues the attached, sampled evaluators of a trace whose first turn was just stored (the turn's
-- own transaction: no round trip). Later turns do not queue again (the trace's status is ok then).
create function private.enqueue_evaluations() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  insert into public.evaluation_jobs (trace_id, evaluator_id)
  select new.id, ae.evaluator_id
    from public.agent_evaluators ae join public.evaluators e on e.id = ae.evaluator_id
   where ae.agent_key = new.agent_type and not e.archived
     and private.evaluation_sampled(new.id, ae.evaluator_id, ae.sample_rate)
  on conflict on constraint evaluation_jobs_once do nothing;
  return null;
end
$$;

comment on function private.enqueue_evaluations() is 'Queues one evaluation job per attached, sampled evaluator of a trace whose first turn was stored.';

-- experiments' traces are graded by their experiment, not online
create trigger llm_traces_enqueue_evaluations after update of status on public.llm_traces
  for each row when (old.status = 'started' and new.status = 'ok' and new.channel <> 'experiment')
  execute function private.enqueue_evaluations();

-- grading ------------------------------------------------------------------------------------------

-- The conversation up to the trace's last reply (words only), that reply, its turn's tool calls.
create function private.evaluation_turn(p_session_id uuid) returns jsonb
  language sql stable
  set search_path = ''
as $$
  with reply as (
    select m.* from public.conversation_messages m
     where m.session_id = p_session_id and m.role = 'agent' and m.superseded_at is null and not m.is_partial
     order by m.seq desc limit 1
  )
  select jsonb_build_object(
    'reply', (select jsonb_build_object('id', r.id, 'content', r.content) from reply r),
    'conversation', coalesce((
      select jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content) order by m.seq)
        from public.conversation_messages m
       where m.session_id = p_session_id and m.superseded_at is null and m.role in ('user', 'agent')
         and m.seq <= coalesce((select r.seq from reply r), m.seq)), '[]'::jsonb),
    'tool_calls', coalesce((
      select jsonb_agg(jsonb_build_object('name', o.name, 'args', o.arguments, 'result', o.result, 'error', o.error)
                       order by o.started_at, o.position)
        from public.llm_observations o, reply r
       where o.message_id = r.reply_to and o.kind = 'tool'), '[]'::jsonb))
$$;

comment on function private.evaluation_turn(uuid) is 'A session''s last reply, the conversation up to it and its turn''s tool calls.';

-- Everything an evaluator reads about a trace, in one read: the evaluator, the last reply, the
-- conversation, the tool calls, the session's orders and the catalog products the reply names.
create function public.evaluation_input(p_trace_id uuid, p_evaluator text) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_trace public.llm_traces;
  v_evaluator public.evaluators;
  v_turn jsonb;
begin
  select e.* into v_evaluator from public.evaluators e where e.name = p_evaluator;
  if v_evaluator.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:evaluator', detail = format('No evaluator %s.', p_evaluator);
  end if;
  select t.* into v_trace from public.llm_traces t where t.id = p_trace_id;
  if v_trace.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:trace', detail = 'No such trace.';
  end if;
  v_turn := private.evaluation_turn(v_trace.session_id);
  return v_turn || jsonb_build_object(
    'evaluator', private.evaluator_json(v_evaluator),
    'trace', jsonb_build_object('id', v_trace.id, 'session_id', v_trace.session_id, 'agent', v_trace.agent_type,
                                'channel', v_trace.channel),
    'orders', coalesce((select jsonb_agg(f.state) from public.flow_states f
                         where f.session_id = v_trace.session_id and f.flow = 'bulk_order'), '[]'::jsonb),
    'products', coalesce((select jsonb_agg(jsonb_build_object('sku', p.sku, 'name', p.name) order by p.sku)
                            from public.products p
                           where strpos(lower(v_turn #>> '{reply,content}'), lower(p.sku)) > 0
                              or strpos(lower(v_turn #>> '{reply,content}'), lower(p.name)) > 0), '[]'::jsonb));
end
$$;

comment on function public.evaluation_input(uuid, text) is
  'What an evaluator grades, in one read: the evaluator, the trace''s last reply, conversation, tool calls, orders, the catalog products the reply names.';

-- Writes an evaluator's grade: the score (source evaluator, author the evaluator's id) on the trace,
-- and, for a judge, its model call as a generation step on the trace (cost from the model's prices;
-- outside the trace's roll-ups, which count the conversation's own steps). Both or neither.
create function public.record_evaluation(p_trace_id uuid, p_evaluator text, p_value text, p_comment text default null,
                                         p_observation jsonb default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_evaluator public.evaluators;
  v_trace public.llm_traces;
  v_score jsonb;
  v_step uuid;
begin
  select e.* into v_evaluator from public.evaluators e where e.name = p_evaluator;
  select t.* into v_trace from public.llm_traces t where t.id = p_trace_id;
  if v_evaluator.id is null or v_trace.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:evaluator', detail = 'No such evaluator or trace.';
  end if;
  if p_observation is not null then
    v_step := coalesce((p_observation ->> 'id')::uuid, gen_random_uuid());
    perform private.store_steps(v_trace.id, v_trace.session_id, v_trace.user_id, (p_observation ->> 'message_id')::uuid,
                                jsonb_build_array(p_observation || jsonb_build_object('id', v_step, 'kind', 'generation')),
                                p_observation ->> 'model');
  end if;
  v_score := public.set_score((select c.name from public.score_configs c where c.id = v_evaluator.config_id), p_value,
                              'evaluator', v_evaluator.id::text, p_trace_id, null, null, left(p_comment, 2000));
  return jsonb_build_object('score', v_score, 'observation_id', v_step);
end
$$;

comment on function public.record_evaluation(uuid, text, text, text, jsonb) is
  'Stores an evaluator''s score on a trace and, for a judge, its model call as a step (tokens, cost); one transaction.';

revoke all on function private.evaluator_json(public.evaluators), private.evaluation_sampled(uuid, uuid, numeric),
  private.enqueue_evaluations(), private.evaluation_turn(uuid)
  from public, anon, authenticated;
grant all on function private.evaluator_json(public.evaluators), private.evaluation_sampled(uuid, uuid, numeric),
  private.enqueue_evaluations(), private.evaluation_turn(uuid)
  to service_role;
revoke all on function public.evaluators_list(boolean), public.set_evaluator_archived(uuid, boolean), public.create_evaluator(text, text, text, text, text, jsonb, text, text, text),
  public.agent_evaluators(text), public.set_agent_evaluators(text, jsonb, text), public.evaluation_input(uuid, text),
  public.record_evaluation(uuid, text, text, text, jsonb)
  from public, anon, authenticated;
grant all on function public.evaluators_list(boolean), public.set_evaluator_archived(uuid, boolean), public.create_evaluator(text, text, text, text, text, jsonb, text, text, text),
  public.agent_evaluators(text), public.set_agent_evaluators(text, jsonb, text), public.evaluation_input(uuid, text),
  public.record_evaluation(uuid, text, text, text, jsonb)
  to service_role;
