-- Scores and comments (docs/rules.md, "Scores and comments"): score configs, scores on a trace, a
-- message or a step (one per target, config, source and author), the visitor's rating and votes and
-- the operator's review as scores, the trace's counters kept by triggers, operators' comments.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- score configs ------------------------------------------------------------------------------

-- A categorical config's labels: 1 to 20, distinct, trimmed, 1 to 60 characters.
create function private.valid_categories(p_categories text[]) returns boolean
  language sql immutable
  set search_path = ''
as $$
  select cardinality(p_categories) between 1 and 20
     and (select count(distinct c) = cardinality(p_categories)
                 and bool_and(c is not null and c = trim(c) and length(c) between 1 and 60)
            from unnest(p_categories) c)
$$;

revoke all on function private.valid_categories(text[]) from public, anon, authenticated;
grant all on function private.valid_categories(text[]) to service_role;

create table public.score_configs (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint score_configs_name_key unique,
  data_type text not null,
  min_value numeric,
  max_value numeric,
  categories text[],
  description text,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint score_configs_name_check check (name ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  constraint score_configs_data_type_check check (data_type in ('numeric', 'categorical', 'boolean')),
  constraint score_configs_description_check check (length(description) <= 1000),
  -- numeric: an optional range; categorical: its labels (a score's value is the label's position from 0);
  -- boolean: 1 (true, positive, up) or 0
  constraint score_configs_shape check (case data_type
    when 'numeric' then categories is null and (min_value is null or max_value is null or min_value <= max_value)
    when 'categorical' then min_value is null and max_value is null and coalesce(private.valid_categories(categories), false)
    else min_value is null and max_value is null and categories is null end)
);

comment on table public.score_configs is 'What a score measures: name, data type, range or labels (docs/rules.md, "Scores and comments").';

-- fixed ids, so every database holds the same rows
insert into public.score_configs (id, name, data_type, categories, description) values
  ('5c0e0000-0000-4000-8000-000000000001', 'helpful', 'boolean', null, 'Was this chat helpful? The visitor''s answer, and an operator''s review of the same question (true = positive).'),
  ('5c0e0000-0000-4000-8000-000000000002', 'vote', 'boolean', null, 'A thumbs up (true) or down (false) on one agent reply.'),
  ('5c0e0000-0000-4000-8000-000000000003', 'quality', 'categorical', array['bad', 'poor', 'ok', 'good', 'excellent'], 'An operator''s review of the whole conversation, worst to best (value 0 to 4).');

-- scores ---------------------------------------------------------------------------------------

create table public.scores (
  id uuid primary key default gen_random_uuid(),
  trace_id uuid references public.llm_traces (id) on delete cascade,
  -- a removed message or step takes its scores along; the trace's counters keep them (retention, erasure)
  message_id uuid references public.conversation_messages (id) on delete cascade,
  observation_id uuid references public.llm_observations (id) on delete cascade,
  -- configs are archived, not deleted; deleting one deletes its scores
  config_id uuid not null references public.score_configs (id) on delete cascade,
  value numeric not null,
  string_value text,
  comment text,
  source text not null,
  author text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint scores_one_target check (num_nonnulls(trace_id, message_id, observation_id) = 1),
  constraint scores_source_check check (source in ('visitor', 'operator', 'evaluator', 'api')),
  constraint scores_author_check check (length(author) between 1 and 200),
  constraint scores_comment_check check (length(comment) <= 2000),
  -- one score per target, config, source and author: an edit replaces that author's own score only
  constraint scores_one_per_author unique nulls not distinct (trace_id, message_id, observation_id, config_id, source, author)
);

create index scores_message on public.scores (message_id) where message_id is not null;
create index scores_observation on public.scores (observation_id) where observation_id is not null;
create index scores_config on public.scores (config_id, value);

comment on table public.scores is 'One author''s value of one score config on a trace, a message or a step (docs/rules.md, "Scores and comments").';

-- Does (value, label) fit the config? Booleans are 0/1, numbers within the range, categories their position.
create function private.score_fits(p_config public.score_configs, p_value numeric, p_label text) returns boolean
  language sql immutable
  set search_path = ''
as $$
  select coalesce(case p_config.data_type
    when 'boolean' then p_value in (0, 1) and p_label is null
    when 'numeric' then p_label is null and p_value >= coalesce(p_config.min_value, p_value)
                        and p_value <= coalesce(p_config.max_value, p_value)
    else p_value = trunc(p_value) and p_value >= 0 and p_label = p_config.categories[p_value::int + 1] end, false)
$$;

revoke all on function private.score_fits(public.score_configs, numeric, text) from public, anon, authenticated;
grant all on function private.score_fits(public.score_configs, numeric, text) to service_role;

-- Every stored score fits its config (also a direct insert); a new score needs a config in use.
create function private.check_score() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_config public.score_configs;
begin
  select c.* into v_config from public.score_configs c where c.id = new.config_id;
  if tg_op = 'INSERT' and v_config.archived then
    raise exception using errcode = 'PT400', message = 'bad_request:score',
      detail = format('The score config %s is archived.', v_config.name);
  end if;
  if not private.score_fits(v_config, new.value, new.string_value) then
    raise exception using errcode = 'PT400', message = 'bad_request:score',
      detail = format('%s is not a value of %s (%s%s).', coalesce(new.string_value, new.value::text), v_config.name,
                      v_config.data_type, case v_config.data_type
                        when 'categorical' then ': ' || array_to_string(v_config.categories, ', ')
                        when 'numeric' then format(' from %s to %s', coalesce(v_config.min_value::text, 'any'), coalesce(v_config.max_value::text, 'any'))
                        else ': true or false' end);
  end if;
  return new;
end
$$;

revoke all on function private.check_score() from public, anon, authenticated;
grant all on function private.check_score() to service_role;

create trigger scores_check before insert or update on public.scores
  for each row execute function private.check_score();

-- the trace's counters, in the same transaction ------------------------------------------------

-- The visitor's vote on a message: the message's `vote` and its trace's `votes_up`/`votes_down`.
-- A vote whose message is gone (retention, erasure) leaves the counters as they are.
create function private.count_vote(p_old public.scores, p_new public.scores) returns void
  language plpgsql
  set search_path = ''
as $$
declare
  v_message uuid := coalesce(p_new.message_id, p_old.message_id);
  v_up integer := coalesce((p_new.value = 1)::int, 0) - coalesce((p_old.value = 1)::int, 0);
  v_down integer := coalesce((p_new.value = 0)::int, 0) - coalesce((p_old.value = 0)::int, 0);
begin
  update public.conversation_messages m
     set vote = case p_new.value when 1 then 'up' when 0 then 'down' end,
         voted_at = p_new.updated_at
   where m.id = v_message;
  if v_up <> 0 or v_down <> 0 then
    update public.llm_traces t
       set votes_up = t.votes_up + v_up, votes_down = t.votes_down + v_down, updated_at = now()
      from public.conversation_messages m
     where m.id = v_message and t.session_id = m.session_id;
  end if;
end
$$;

revoke all on function private.count_vote(public.scores, public.scores) from public, anon, authenticated;
grant all on function private.count_vote(public.scores, public.scores) to service_role;

-- The visitor's scores keep the trace's counters: `helpful` its feedback and comment, `vote` the votes.
create function private.score_counters() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_row public.scores := case when tg_op = 'DELETE' then old else new end;
  v_name text;
begin
  if v_row.source <> 'visitor' then
    return null;
  end if;
  select c.name into v_name from public.score_configs c where c.id = v_row.config_id;
  if v_name = 'helpful' and v_row.trace_id is not null then
    update public.llm_traces t
       set feedback = case when tg_op = 'DELETE' then 'pending' when new.value = 1 then 'positive' else 'negative' end,
           feedback_comment = case when tg_op = 'DELETE' then null else new.comment end,
           updated_at = now()
     where t.id = v_row.trace_id;
  elsif v_name = 'vote' and v_row.message_id is not null then
    perform private.count_vote(case when tg_op = 'INSERT' then null else old end,
                               case when tg_op = 'DELETE' then null else new end);
  end if;
  return null;
end
$$;

revoke all on function private.score_counters() from public, anon, authenticated;
grant all on function private.score_counters() to service_role;

create trigger scores_counters after insert or update or delete on public.scores
  for each row execute function private.score_counters();

-- An erased visitor's scores on their traces keep their value, not their id or their words; an
-- evaluator's score keeps its value, not its comment (a judge's reasoning may quote the visitor).
create function private.erase_trace_scores() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  update public.scores s set author = new.user_id, comment = null, updated_at = now()
   where s.trace_id = new.id and s.source = 'visitor' and s.author = old.user_id;
  update public.scores s set comment = null, updated_at = now()
   where s.trace_id = new.id and s.source = 'evaluator' and s.comment is not null;
  return null;
end
$$;

revoke all on function private.erase_trace_scores() from public, anon, authenticated;
grant all on function private.erase_trace_scores() to service_role;

create trigger llm_traces_erase_scores after update of user_id on public.llm_traces
  for each row when (old.user_id is distinct from new.user_id and new.user_id like 'erased\_%')
  execute function private.erase_trace_scores();

-- OTLP export of scores ------------------------------------------------------------------------
-- The trace a score is on: its own, its message's (through the session) or its step's.
create function private.score_trace(p_score public.scores) returns public.llm_traces
  language sql stable
  set search_path = ''
as $$
  -- each branch one index probe (an `or` of the two would scan)
  select x.* from (
    select t.* from public.llm_traces t
     where t.id = coalesce(p_score.trace_id, (select o.trace_id from public.llm_observations o where o.id = p_score.observation_id))
    union all
    select t.* from public.llm_traces t
     where t.session_id = (select m.session_id from public.conversation_messages m where m.id = p_score.message_id)) x
   limit 1
$$;

revoke execute on function private.score_trace(public.scores) from public, anon, authenticated;
grant execute on function private.score_trace(public.scores) to service_role;

-- A score set or changed: one pending export row per target, config and author (updated in place);
-- it names the score and the transaction (the span ids), the drainer reads the score when it sends.
create function private.otlp_on_score() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_trace public.llm_traces;
  v_key text;
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  if not coalesce(v_cfg.otlp_enabled, false) then
    return null;
  end if;
  v_trace := private.score_trace(new);
  -- an experiment's scores stay inside; an erased visitor's trace exports no new result
  if v_trace.id is null or v_trace.channel = 'experiment' or v_trace.user_id like 'erased\_%' then
    return null;
  end if;
  v_key := 'score:' || coalesce(new.trace_id, new.message_id, new.observation_id) || ':' || new.config_id || ':'
        || new.source || ':' || md5(new.author);
  perform private.otlp_replace(v_key, 'score', v_trace.user_id, v_trace.session_id,
    jsonb_build_object('key', v_key, 'score_id', new.id, 'tx', txid_current()::text), v_cfg.otlp_outbox_cap);
  return null;
end
$$;
comment on function private.otlp_on_score() is
  'A score was set or changed: its one pending OTLP row, queued or replaced in place (docs/privacy.md, "OTLP export").';

revoke execute on function private.otlp_on_score() from public, anon, authenticated;
grant execute on function private.otlp_on_score() to service_role;

create trigger scores_otlp_insert after insert on public.scores
  for each row execute function private.otlp_on_score();

-- a change of value or comment by the same author (an erasure's rewrite of the author is not a new result)
create trigger scores_otlp_update after update on public.scores
  for each row when (old.author = new.author and (old.value is distinct from new.value or old.string_value is distinct from new.string_value
                     or old.comment is distinct from new.comment))
  execute function private.otlp_on_score();

-- One score as its gen_ai.evaluation.result span needs it: the config, value and label, source and
-- author, the comment (masked, only with content capture), its trace and session. Null when gone.
create function public.otlp_score(p_score_id uuid) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_s public.scores;
  v_c public.score_configs;
  v_t public.llm_traces;
begin
  select * into v_cfg from public.privacy_settings x where x.id;
  select * into v_s from public.scores x where x.id = p_score_id;
  select * into v_c from public.score_configs x where x.id = v_s.config_id;
  v_t := private.score_trace(v_s);
  if v_s.id is null or v_t.id is null then
    return null;
  end if;
  return jsonb_build_object(
    'score', jsonb_build_object('id', v_s.id, 'name', v_c.name, 'data_type', v_c.data_type, 'value', v_s.value,
      'label', case v_c.data_type when 'categorical' then v_s.string_value when 'boolean' then (v_s.value = 1)::text end,
      'source', v_s.source, 'author', v_s.author, 'message_id', v_s.message_id, 'observation_id', v_s.observation_id,
      'updated_at', v_s.updated_at,
      'comment', case when v_cfg.otlp_capture_content then
                   case when v_cfg.pii_masking <> 'off' then private.mask_pii(v_s.comment) else v_s.comment end end),
    'trace', jsonb_build_object('id', v_t.id, 'agent_type', v_t.agent_type, 'agent_version', v_t.agent_version),
    'session', (select jsonb_build_object('id', x.id, 'tag', x.session_tag, 'user_id', x.user_id, 'channel', x.channel)
                  from public.conversation_sessions x where x.id = v_t.session_id));
end
$$;
comment on function public.otlp_score(uuid) is
  'One score queued for OTLP export, as the drainer builds its gen_ai.evaluation.result from it (comment masked, only with capture); null when gone.';

revoke execute on function public.otlp_score(uuid) from public, anon, authenticated;
grant execute on function public.otlp_score(uuid) to service_role;

-- scores on the dashboard -----------------------------------------------------------------------
-- The dashboard's Scores card counts and averages the trace-level scores of the traces created in its
-- range. It reads a rollup kept by triggers (docs/performance.md, "Dashboard scores"): per UTC day of the
-- trace's creation, agent, agent version, model, score config, source and label (a score's
-- `string_value`): the number of scores and the sum of their values (a boolean's sum is its count of
-- true). A range reads its whole days from here and its partial edge days from scores ⨝ llm_traces.
create table public.dashboard_score_rollup (
  day date not null,
  agent_type text not null,
  agent_version integer,
  model_id uuid not null,
  config_id uuid not null,
  source text not null,
  category text,
  scores bigint not null default 0,
  value_sum numeric not null default 0,
  constraint dashboard_score_rollup_key unique nulls not distinct (day, agent_type, agent_version, model_id, config_id, source, category)
);

-- the rows whose scores are all gone, deleted after each subtraction
create index dashboard_score_rollup_empty on public.dashboard_score_rollup (day) where scores = 0;

comment on table public.dashboard_score_rollup is
  'Trace-level scores per UTC day, agent, agent version, model, config, source and label: count and sum, kept by triggers on scores and llm_traces (docs/performance.md, "Dashboard scores").';

alter table public.dashboard_score_rollup enable row level security;
revoke all on table public.dashboard_score_rollup from anon, authenticated;
grant all on table public.dashboard_score_rollup to service_role;

-- The rollup rows of the traces created in [p_from, p_to) (null: unbounded), counted from scores ⨝
-- llm_traces: the rebuild, a range's partial edge days, and the recount the tests compare with. The
-- range's traces by llm_traces_created, each one's scores by their index on trace_id (a lateral subquery
-- kept apart by `offset 0`: joined, the planner hashed a day's traces and scanned every score).
create function private.dashboard_score_rollup_of(p_from timestamptz, p_to timestamptz)
  returns setof public.dashboard_score_rollup
  language sql stable
  set search_path = ''
as $$
  select (t.created_at at time zone 'UTC')::date, t.agent_type, t.agent_version, t.model_id, s.config_id, s.source, s.string_value,
         count(*), sum(s.value)
    from public.llm_traces t
   cross join lateral (select x.config_id, x.source, x.string_value, x.value from public.scores x where x.trace_id = t.id offset 0) s
   where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
   group by 1, 2, 3, 4, 5, 6, 7
$$;

revoke all on function private.dashboard_score_rollup_of(timestamptz, timestamptz) from public, anon, authenticated;
grant all on function private.dashboard_score_rollup_of(timestamptz, timestamptz) to service_role;

-- Recompute the rollup from the scores (the migration's backfill; also a repair for an operator).
create function private.dashboard_score_rollup_rebuild() returns void
  language plpgsql
  set search_path = ''
as $$
begin
  delete from public.dashboard_score_rollup;
  insert into public.dashboard_score_rollup select * from private.dashboard_score_rollup_of(null, null);
end
$$;

revoke all on function private.dashboard_score_rollup_rebuild() from public, anon, authenticated;
grant all on function private.dashboard_score_rollup_rebuild() to service_role;

-- Scores inserted, updated or deleted: one grouped upsert per statement, in key order (a bulk insert
-- is one aggregate). Each score counts under its trace's keys, read from llm_traces; a score whose trace
-- is gone is skipped: the trace's delete trigger below subtracted it before the cascade removed it.
-- An update subtracts the old rows and adds the new ones; keys whose net change is nothing are left
-- alone (an erasure rewriting authors and comments writes no rollup row). Each score's trace is one
-- index probe (a lateral subquery kept apart by `offset 0`): the statement's plan is cached with the row
-- count of its first call, and a join planned for a bulk insert would scan llm_traces for every later score.
create function private.dashboard_score_rows() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  -- (each branch reads its own transition tables: an insert has no old rows, a delete no new ones)
  if tg_op = 'INSERT' then
    insert into public.dashboard_score_rollup as r
    select (t.created_at at time zone 'UTC')::date, t.agent_type, t.agent_version, t.model_id, s.config_id, s.source, s.string_value,
           count(*), sum(s.value)
      from new_scores s
     cross join lateral (select x.created_at, x.agent_type, x.agent_version, x.model_id
                                 from public.llm_traces x where x.id = s.trace_id offset 0) t
     group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
    on conflict (day, agent_type, agent_version, model_id, config_id, source, category) do update
      set scores = r.scores + excluded.scores, value_sum = r.value_sum + excluded.value_sum;
    return null;
  elsif tg_op = 'DELETE' then
    insert into public.dashboard_score_rollup as r
    select (t.created_at at time zone 'UTC')::date, t.agent_type, t.agent_version, t.model_id, s.config_id, s.source, s.string_value,
           -count(*), -sum(s.value)
      from old_scores s
     cross join lateral (select x.created_at, x.agent_type, x.agent_version, x.model_id
                                 from public.llm_traces x where x.id = s.trace_id offset 0) t
     group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
    on conflict (day, agent_type, agent_version, model_id, config_id, source, category) do update
      set scores = r.scores + excluded.scores, value_sum = r.value_sum + excluded.value_sum;
  else
    insert into public.dashboard_score_rollup as r
    select (t.created_at at time zone 'UTC')::date, t.agent_type, t.agent_version, t.model_id, s.config_id, s.source, s.string_value,
           sum(s.sign), sum(s.sign * s.value)
      from (select n.trace_id, n.config_id, n.source, n.string_value, n.value, 1 as sign from new_scores n
            union all
            select o.trace_id, o.config_id, o.source, o.string_value, o.value, -1 from old_scores o) s
     cross join lateral (select x.created_at, x.agent_type, x.agent_version, x.model_id
                                 from public.llm_traces x where x.id = s.trace_id offset 0) t
     group by 1, 2, 3, 4, 5, 6, 7
    having sum(s.sign) <> 0 or sum(s.sign * s.value) <> 0
     order by 1, 2, 3, 4, 5, 6, 7
    on conflict (day, agent_type, agent_version, model_id, config_id, source, category) do update
      set scores = r.scores + excluded.scores, value_sum = r.value_sum + excluded.value_sum;
  end if;
  if found then
    delete from public.dashboard_score_rollup r where r.scores = 0;
  end if;
  return null;
end
$$;

revoke all on function private.dashboard_score_rows() from public, anon, authenticated;
grant all on function private.dashboard_score_rows() to service_role;

-- (transition tables allow one event per trigger: three triggers, one function)
create trigger scores_dashboard_insert after insert on public.scores
  referencing new table as new_scores for each statement execute function private.dashboard_score_rows();
create trigger scores_dashboard_update after update on public.scores
  referencing old table as old_scores new table as new_scores for each statement execute function private.dashboard_score_rows();
create trigger scores_dashboard_delete after delete on public.scores
  referencing old table as old_scores for each statement execute function private.dashboard_score_rows();

-- Truncating scores (or llm_traces or score_configs, with cascade) empties the rollup.
create function private.dashboard_score_truncate() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  truncate public.dashboard_score_rollup;
  return null;
end
$$;

revoke all on function private.dashboard_score_truncate() from public, anon, authenticated;
grant all on function private.dashboard_score_truncate() to service_role;

create trigger scores_dashboard_truncate after truncate on public.scores
  for each statement execute function private.dashboard_score_truncate();

-- A trace about to be deleted takes its scores out of the rollup first: the cascade deletes them after
-- the trace row is gone, when the scores' trigger can no longer read the trace's day and agent (it
-- skips them). A before-row trigger runs on the locked row that is then deleted; one index probe of
-- scores per deleted trace, nothing more when it has none.
create function private.dashboard_score_trace_delete() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  insert into public.dashboard_score_rollup as r
  select (old.created_at at time zone 'UTC')::date, old.agent_type, old.agent_version, old.model_id, s.config_id, s.source, s.string_value,
         -count(*), -sum(s.value)
    from public.scores s
   where s.trace_id = old.id
   group by s.config_id, s.source, s.string_value order by s.config_id, s.source, s.string_value
  on conflict (day, agent_type, agent_version, model_id, config_id, source, category) do update
    set scores = r.scores + excluded.scores, value_sum = r.value_sum + excluded.value_sum;
  if found then
    delete from public.dashboard_score_rollup r where r.scores = 0;
  end if;
  return old;
end
$$;

revoke all on function private.dashboard_score_trace_delete() from public, anon, authenticated;
grant all on function private.dashboard_score_trace_delete() to service_role;

create trigger llm_traces_dashboard_scores_delete before delete on public.llm_traces
  for each row execute function private.dashboard_score_trace_delete();

-- A trace moved to another day, agent, agent version or model: its scores leave the old keys and join
-- the new ones (one grouped upsert). A turn's update of its counters changes none of these columns and
-- does not fire it.
create function private.dashboard_score_trace_move() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  insert into public.dashboard_score_rollup as r
  select k.day, k.agent_type, k.agent_version, k.model_id, s.config_id, s.source, s.string_value, sum(k.sign), sum(k.sign * s.value)
    from public.scores s
   cross join (values ((old.created_at at time zone 'UTC')::date, old.agent_type, old.agent_version, old.model_id, -1),
                      ((new.created_at at time zone 'UTC')::date, new.agent_type, new.agent_version, new.model_id, 1))
               k (day, agent_type, agent_version, model_id, sign)
   where s.trace_id = new.id
   group by 1, 2, 3, 4, 5, 6, 7
  having sum(k.sign) <> 0 or sum(k.sign * s.value) <> 0
   order by 1, 2, 3, 4, 5, 6, 7
  on conflict (day, agent_type, agent_version, model_id, config_id, source, category) do update
    set scores = r.scores + excluded.scores, value_sum = r.value_sum + excluded.value_sum;
  if found then
    delete from public.dashboard_score_rollup r where r.scores = 0;
  end if;
  return null;
end
$$;

revoke all on function private.dashboard_score_trace_move() from public, anon, authenticated;
grant all on function private.dashboard_score_trace_move() to service_role;

create trigger llm_traces_dashboard_scores_move after update of created_at, agent_type, agent_version, model_id on public.llm_traces
  for each row when ((old.created_at at time zone 'UTC')::date <> (new.created_at at time zone 'UTC')::date
                     or old.agent_type is distinct from new.agent_type or old.agent_version is distinct from new.agent_version
                     or old.model_id is distinct from new.model_id)
  execute function private.dashboard_score_trace_move();

-- The trace-level scores of the traces created in [p_from, p_to) (the dashboard's range, by the
-- trace's creation like every dashboard figure), counted and averaged per config and source: in all,
-- per UTC day, per agent, per agent and version, per model, and per category (average = sum / count,
-- as avg() computes it). The range's whole UTC days are read from the rollup, its partial edges (at most
-- two days; a range inside one day is all edge) from scores ⨝ llm_traces, as public.dashboard_slices reads
-- the traces' rollup. Two passes: the rows summed per config, source and day and per config, source,
-- agent, version, model and label, then the six groupings from those few hundred sums. plpgsql so its
-- plan is cached on a connection (a SQL function with `set search_path` is planned at every call).
create function private.dashboard_score_groups(p_from timestamptz, p_to timestamptz)
  returns table (dim text, name text, data_type text, source text, day date, agent_type text, agent_version integer,
                 model_id uuid, category text, scores bigint, average numeric)
  language plpgsql stable
  set search_path = ''
as $$
#variable_conflict use_column
declare
  w record;
begin
  select * into w from public.dashboard_window(p_from, p_to);
  return query
  with slices as (
    select r.day, r.agent_type, r.agent_version, r.model_id, r.config_id, r.source, r.category, r.scores, r.value_sum
      from public.dashboard_score_rollup r
     where r.day >= coalesce(w.first_day, '-infinity'::date) and r.day < coalesce(w.end_day, 'infinity'::date)
    union all
    select (t.created_at at time zone 'UTC')::date, t.agent_type, t.agent_version, t.model_id, s.config_id, s.source, s.string_value, 1::bigint, s.value
      from public.llm_traces t
     cross join lateral (select x.config_id, x.source, x.string_value, x.value from public.scores x where x.trace_id = t.id offset 0) s
     where t.created_at >= coalesce(p_from, '-infinity'::timestamptz) and t.created_at < w.edge_lo
    union all
    select (t.created_at at time zone 'UTC')::date, t.agent_type, t.agent_version, t.model_id, s.config_id, s.source, s.string_value, 1::bigint, s.value
      from public.llm_traces t
     cross join lateral (select x.config_id, x.source, x.string_value, x.value from public.scores x where x.trace_id = t.id offset 0) s
     where t.created_at >= w.edge_hi and t.created_at < coalesce(p_to, 'infinity'::timestamptz)
  ),
  sums as (
    select c.name, c.data_type, x.source, x.day, x.agent_type, x.agent_version, x.model_id,
           case when c.data_type = 'categorical' then x.category end as label, x.per_day, x.n, x.v
      from (select y.config_id, y.source, y.day, y.agent_type, y.agent_version, y.model_id, y.category,
                   grouping(y.day) = 0 as per_day, sum(y.scores) as n, sum(y.value_sum) as v
              from slices y
             group by grouping sets ((y.config_id, y.source, y.day),
                                     (y.config_id, y.source, y.agent_type, y.agent_version, y.model_id, y.category))) x
      join public.score_configs c on c.id = x.config_id
  )
  select 'day'::text, u.name, u.data_type, u.source, u.day, null::text, null::integer, null::uuid, null::text,
         sum(u.n)::bigint, round(sum(u.v) / sum(u.n), 4)
    from sums u where u.per_day
   group by u.name, u.data_type, u.source, u.day
  union all
  select case when grouping(u.agent_version) = 0 then 'agent_version' when grouping(u.agent_type) = 0 then 'agent'
              when grouping(u.model_id) = 0 then 'model' when grouping(u.label) = 0 then 'category' else 'all' end,
         u.name, u.data_type, u.source, null::date, u.agent_type, u.agent_version, u.model_id, u.label,
         sum(u.n)::bigint, round(sum(u.v) / sum(u.n), 4)
    from sums u where not u.per_day
   group by grouping sets ((u.name, u.data_type, u.source), (u.name, u.data_type, u.source, u.agent_type),
                           (u.name, u.data_type, u.source, u.agent_type, u.agent_version),
                           (u.name, u.data_type, u.source, u.model_id), (u.name, u.data_type, u.source, u.label));
end
$$;

revoke all on function private.dashboard_score_groups(timestamptz, timestamptz) from public, anon, authenticated;
grant all on function private.dashboard_score_groups(timestamptz, timestamptz) to service_role;

create function public.dashboard_scores(p_from timestamptz default null, p_to timestamptz default null) returns jsonb
  language sql stable
  set search_path = ''
as $$
  with g as materialized (select * from private.dashboard_score_groups(p_from, p_to)),
  rows as (
    select g.dim, jsonb_strip_nulls(jsonb_build_object(
             'name', g.name, 'data_type', g.data_type, 'source', g.source, 'day', g.day, 'agent_type', g.agent_type,
             'agent_version', g.agent_version, 'model_key', m.key, 'model_name', m.name, 'category', g.category))
           || jsonb_build_object('scores', g.scores,
                                 -- a category's position is no measure: categorical scores have counts only
                                 'average', case when g.data_type <> 'categorical' then g.average end) as doc,
           g.name, g.source, g.day, g.agent_type, g.agent_version, m.name as model_name, g.category
      from g left join public.llm_models m on m.id = g.model_id
     where g.dim <> 'category' or g.category is not null
  )
  select jsonb_build_object(
    'totals', coalesce((select jsonb_agg(r.doc order by r.name, r.source) from rows r where r.dim = 'all'), '[]'::jsonb),
    'per_day', coalesce((select jsonb_agg(r.doc order by r.day, r.name, r.source) from rows r where r.dim = 'day'), '[]'::jsonb),
    'by_agent', coalesce((select jsonb_agg(r.doc order by r.agent_type, r.name, r.source) from rows r where r.dim = 'agent'), '[]'::jsonb),
    'by_agent_version', coalesce((select jsonb_agg(r.doc order by r.agent_type, r.agent_version nulls first, r.name, r.source)
                                    from rows r where r.dim = 'agent_version'), '[]'::jsonb),
    'by_model', coalesce((select jsonb_agg(r.doc order by r.model_name, r.name, r.source) from rows r where r.dim = 'model'), '[]'::jsonb),
    'categories', coalesce((select jsonb_agg(r.doc order by r.name, r.source, r.category) from rows r where r.dim = 'category'), '[]'::jsonb))
$$;

comment on function public.dashboard_scores(timestamptz, timestamptz) is
  'The dashboard''s scores: the trace-level scores of the range''s traces, count and average (booleans as the share of true) per config and source, in all, per day, agent, agent version and model, and each category''s count.';

revoke all on function public.dashboard_scores(timestamptz, timestamptz) from public, anon, authenticated;
grant all on function public.dashboard_scores(timestamptz, timestamptz) to service_role;

-- comments -------------------------------------------------------------------------------------

create table public.trace_comments (
  id uuid primary key default gen_random_uuid(),
  trace_id uuid not null references public.llm_traces (id) on delete cascade,
  -- a message removed by retention leaves the comment on the trace
  message_id uuid references public.conversation_messages (id) on delete set null,
  author text not null,
  content text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint trace_comments_author_check check (length(author) between 1 and 200),
  constraint trace_comments_content_check check (length(trim(content)) between 1 and 4000)
);

create index trace_comments_trace on public.trace_comments (trace_id, created_at, id);
create index trace_comments_message on public.trace_comments (message_id) where message_id is not null;

comment on table public.trace_comments is 'Operators'' comments on a trace or one of its messages, in order; each edited or deleted only by its author (docs/rules.md).';

-- A comment stays its author's, on its trace.
create function private.keep_comment_author() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.author is distinct from old.author or new.trace_id is distinct from old.trace_id then
    raise exception using errcode = 'PT403', message = 'forbidden:comment', detail = 'A comment keeps its author and its trace.';
  end if;
  return new;
end
$$;

revoke all on function private.keep_comment_author() from public, anon, authenticated;
grant all on function private.keep_comment_author() to service_role;

create trigger trace_comments_keep_author before update on public.trace_comments
  for each row execute function private.keep_comment_author();

create function private.comment_counter() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  update public.llm_traces t
     set comments_count = t.comments_count + case when tg_op = 'INSERT' then 1 else -1 end
   where t.id = case when tg_op = 'INSERT' then new.trace_id else old.trace_id end;
  return null;
end
$$;

revoke all on function private.comment_counter() from public, anon, authenticated;
grant all on function private.comment_counter() to service_role;

create trigger trace_comments_counter after insert or delete on public.trace_comments
  for each row execute function private.comment_counter();

-- closed to the API roles, like every table ---------------------------------------------------

alter table public.score_configs enable row level security;
alter table public.scores enable row level security;
alter table public.trace_comments enable row level security;
revoke all on table public.score_configs, public.scores, public.trace_comments from anon, authenticated;
grant all on table public.score_configs, public.scores, public.trace_comments to service_role;

-- writing and reading scores -------------------------------------------------------------------

-- A value as the API sends it, as text (true/false, a number, a label), as the stored (value, label).
create function private.score_value(p_config public.score_configs, p_value text, out value numeric, out label text)
  language plpgsql immutable
  set search_path = ''
as $$
begin
  if p_config.data_type = 'boolean' then
    value := case lower(p_value) when 'true' then 1 when '1' then 1 when 'false' then 0 when '0' then 0 end;
  elsif p_config.data_type = 'categorical' then
    label := p_value;
    value := array_position(p_config.categories, p_value) - 1;
  elsif p_value ~ '^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$' then
    value := p_value::numeric;
  end if;
  if value is null then
    raise exception using errcode = 'PT400', message = 'bad_request:score',
      detail = format('%s takes %s.', p_config.name, case p_config.data_type
        when 'boolean' then 'true or false' when 'numeric' then 'a number'
        else 'one of ' || array_to_string(p_config.categories, ', ') end);
  end if;
end
$$;

revoke all on function private.score_value(public.score_configs, text) from public, anon, authenticated;
grant all on function private.score_value(public.score_configs, text) to service_role;

-- A score as the API shows it: the value as its config reads (true/false, the label, the number).
create function private.score_json(p_score public.scores, p_config public.score_configs, p_source text, p_author text) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_score.id, 'name', p_config.name, 'data_type', p_config.data_type,
    'value', case p_config.data_type when 'boolean' then to_jsonb(p_score.value = 1)
                                     when 'categorical' then to_jsonb(p_score.string_value) else to_jsonb(p_score.value) end,
    'numeric_value', p_score.value, 'source', p_score.source, 'author', p_score.author,
    'comment', case when p_score.source = 'visitor' then private.masked(p_score.comment) else p_score.comment end,
    'trace_id', p_score.trace_id, 'message_id', p_score.message_id, 'observation_id', p_score.observation_id,
    'created_at', p_score.created_at, 'updated_at', p_score.updated_at,
    'mine', coalesce(p_score.source = p_source and p_score.author = p_author, false))
$$;

revoke all on function private.score_json(public.scores, public.score_configs, text, text) from public, anon, authenticated;
grant all on function private.score_json(public.scores, public.score_configs, text, text) to service_role;

-- The target must exist: 404 for an unknown trace, message or step.
create function private.check_score_target(p_trace_id uuid, p_message_id uuid, p_observation_id uuid) returns void
  language plpgsql stable
  set search_path = ''
as $$
begin
  if num_nonnulls(p_trace_id, p_message_id, p_observation_id) <> 1 then
    raise exception using errcode = 'PT400', message = 'bad_request:score',
      detail = 'Name exactly one of traceId, messageId and observationId.';
  elsif p_trace_id is not null and not exists (select 1 from public.llm_traces t where t.id = p_trace_id) then
    raise exception using errcode = 'PT404', message = 'not_found:trace', detail = 'No such trace.';
  elsif p_message_id is not null and not exists (select 1 from public.conversation_messages m where m.id = p_message_id) then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such message.';
  elsif p_observation_id is not null and not exists (select 1 from public.llm_observations o where o.id = p_observation_id) then
    raise exception using errcode = 'PT404', message = 'not_found:observation', detail = 'No such step.';
  end if;
end
$$;

revoke all on function private.check_score_target(uuid, uuid, uuid) from public, anon, authenticated;
grant all on function private.check_score_target(uuid, uuid, uuid) to service_role;

create function public.set_score(p_name text, p_value text, p_source text, p_author text,
                                 p_trace_id uuid default null, p_message_id uuid default null,
                                 p_observation_id uuid default null, p_comment text default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_config public.score_configs;
  v_value numeric;
  v_label text;
  v_score public.scores;
begin
  if p_source is null or p_source not in ('visitor', 'operator', 'evaluator', 'api') or coalesce(length(p_author), 0) not between 1 and 200 then
    raise exception using errcode = 'PT400', message = 'bad_request:score', detail = 'A score needs its source and author.';
  end if;
  perform private.check_score_target(p_trace_id, p_message_id, p_observation_id);
  select c.* into v_config from public.score_configs c where c.name = p_name;
  if v_config.id is null then
    raise exception using errcode = 'PT400', message = 'bad_request:score', detail = format('No score config is named %s.', p_name);
  end if;
  select x.value, x.label into v_value, v_label from private.score_value(v_config, p_value) x;
  -- the author's own score on this target is replaced; anyone else's is left alone
  insert into public.scores as s (trace_id, message_id, observation_id, config_id, value, string_value, comment, source, author)
  values (p_trace_id, p_message_id, p_observation_id, v_config.id, v_value, v_label, nullif(trim(p_comment), ''), p_source, p_author)
  on conflict on constraint scores_one_per_author do update
    set value = excluded.value, string_value = excluded.string_value, comment = excluded.comment, updated_at = now()
  returning s.* into v_score;
  return private.score_json(v_score, v_config, p_source, p_author);
end
$$;

comment on function public.set_score(text, text, text, text, uuid, uuid, uuid, text) is
  'Sets the author''s own score of a config on one target (insert or replace; docs/rules.md, "Scores and comments").';

revoke all on function public.set_score(text, text, text, text, uuid, uuid, uuid, text) from public, anon, authenticated;
grant all on function public.set_score(text, text, text, text, uuid, uuid, uuid, text) to service_role;

create function public.delete_score(p_score_id uuid, p_source text, p_author text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  delete from public.scores s where s.id = p_score_id and s.source = p_source and s.author = p_author;
  if not found then
    if exists (select 1 from public.scores s where s.id = p_score_id) then
      raise exception using errcode = 'PT403', message = 'forbidden:score', detail = 'Only its author can delete a score.';
    end if;
    raise exception using errcode = 'PT404', message = 'not_found:score', detail = 'No such score.';
  end if;
  return jsonb_build_object('deleted', true, 'id', p_score_id);
end
$$;

comment on function public.delete_score(uuid, text, text) is 'Deletes a score of the caller''s own (403 another''s, 404 none).';

revoke all on function public.delete_score(uuid, text, text) from public, anon, authenticated;
grant all on function public.delete_score(uuid, text, text) to service_role;

-- Every score of a trace, of its messages and of its steps, oldest first; `mine` for the caller's own.
create function public.trace_scores(p_trace_id uuid, p_source text default null, p_author text default null) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_session uuid;
begin
  select t.session_id into v_session from public.llm_traces t where t.id = p_trace_id;
  if v_session is null then
    raise exception using errcode = 'PT404', message = 'not_found:trace', detail = 'No such trace.';
  end if;
  return jsonb_build_object('scores', coalesce((
    select jsonb_agg(private.score_json(s, c, p_source, p_author) order by s.created_at, s.id)
      from public.scores s join public.score_configs c on c.id = s.config_id
     where s.trace_id = p_trace_id
        or s.message_id in (select m.id from public.conversation_messages m where m.session_id = v_session)
        or s.observation_id in (select o.id from public.llm_observations o where o.trace_id = p_trace_id)), '[]'::jsonb));
end
$$;

comment on function public.trace_scores(uuid, text, text) is 'The scores of a trace, its messages and its steps, with the caller''s own marked.';

revoke all on function public.trace_scores(uuid, text, text) from public, anon, authenticated;
grant all on function public.trace_scores(uuid, text, text) to service_role;

create function private.score_config_json(p_config public.score_configs) returns jsonb
  language sql immutable
  set search_path = ''
as $$
  select jsonb_build_object('id', p_config.id, 'name', p_config.name, 'data_type', p_config.data_type,
    'min', p_config.min_value, 'max', p_config.max_value, 'categories', to_jsonb(p_config.categories),
    'description', p_config.description, 'archived', p_config.archived,
    'created_at', p_config.created_at, 'updated_at', p_config.updated_at)
$$;

revoke all on function private.score_config_json(public.score_configs) from public, anon, authenticated;
grant all on function private.score_config_json(public.score_configs) to service_role;

create function public.score_configs() returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('configs', coalesce(jsonb_agg(private.score_config_json(c) order by c.archived, c.name), '[]'::jsonb))
    from public.score_configs c
$$;

comment on function public.score_configs() is 'Every score config, those in use first, by name.';

revoke all on function public.score_configs() from public, anon, authenticated;
grant all on function public.score_configs() to service_role;

create function public.create_score_config(p_name text, p_data_type text, p_min numeric default null, p_max numeric default null,
                                           p_categories jsonb default null, p_description text default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_config public.score_configs;
  -- a JSON array of strings (the labels), as the API sends it
  v_categories text[] := case when jsonb_typeof(p_categories) = 'array' and not jsonb_path_exists(p_categories, '$[*] ? (@.type() != "string")')
                              then array(select jsonb_array_elements_text(p_categories)) end;
begin
  if p_categories is not null and v_categories is null then
    raise exception using errcode = 'PT400', message = 'bad_request:score_config', detail = 'categories must be an array of strings.';
  end if;
  insert into public.score_configs as c (name, data_type, min_value, max_value, categories, description)
  values (p_name, p_data_type, p_min, p_max, v_categories, nullif(trim(p_description), ''))
  on conflict on constraint score_configs_name_key do nothing
  returning c.* into v_config;
  if v_config.id is null then
    raise exception using errcode = 'PT409', message = 'conflict:score_config', detail = format('A score config is already named %s.', p_name);
  end if;
  return private.score_config_json(v_config);
exception when check_violation or not_null_violation then
  raise exception using errcode = 'PT400', message = 'bad_request:score_config',
    detail = 'A config needs a name (a-z, 0-9, _ . -), a data type (numeric, categorical, boolean), min <= max for numbers, 1 to 20 distinct labels for categories, nothing else.';
end
$$;

comment on function public.create_score_config(text, text, numeric, numeric, jsonb, text) is
  'A new score config (409 when the name is taken, 400 when its shape does not fit its data type).';

revoke all on function public.create_score_config(text, text, numeric, numeric, jsonb, text) from public, anon, authenticated;
grant all on function public.create_score_config(text, text, numeric, numeric, jsonb, text) to service_role;

-- the old feedback and vote functions, now writing scores --------------------------------------

create or replace function public.set_feedback(p_session_id uuid, p_rating text, p_comment text default null, p_user_id text default null)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_user text;
  v_trace public.llm_traces;
begin
  select s.user_id into v_user from public.conversation_sessions s
   where s.id = p_session_id and (p_user_id is null or s.user_id = p_user_id);
  if v_user is null then
    raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
  end if;
  perform private.score_gate(p_user_id);
  select t.* into v_trace from public.llm_traces t where t.session_id = p_session_id;
  if v_trace.id is null then
    raise exception using errcode = 'PT409', message = 'conflict:feedback',
      detail = 'This session was not tracked, so it has no trace to rate.';
  end if;
  if p_rating not in ('positive', 'negative', 'pending') then
    raise exception using errcode = 'PT400', message = 'bad_request:feedback', detail = 'rating must be positive, negative or pending.';
  end if;
  -- the visitor's own helpful score; the trace's feedback follows it (private.score_counters)
  if p_rating = 'pending' then
    delete from public.scores s using public.score_configs c
     where c.id = s.config_id and c.name = 'helpful' and s.trace_id = v_trace.id and s.source = 'visitor' and s.author = v_user;
  else
    perform public.set_score('helpful', (p_rating = 'positive')::text, 'visitor', v_user, p_trace_id => v_trace.id, p_comment => p_comment);
  end if;
  select t.* into v_trace from public.llm_traces t where t.id = v_trace.id;
  return jsonb_build_object('trace_id', v_trace.id, 'session_id', p_session_id,
                            'feedback', v_trace.feedback, 'feedback_comment', v_trace.feedback_comment);
end
$$;

comment on function public.set_feedback(uuid, text, text, text) is
  'The visitor''s "Was this chat helpful?": their own helpful score on the session''s trace (pending clears it; at most private.score_writes_per_minute() score writes a minute).';

revoke all on function public.set_feedback(uuid, text, text, text) from public, anon, authenticated;
grant all on function public.set_feedback(uuid, text, text, text) to service_role;

create function public.set_trace_feedback(p_trace_id uuid, p_rating text, p_comment text default null,
                                          p_source text default 'operator', p_author text default 'admin') returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_score jsonb;
begin
  if p_rating not in ('positive', 'negative', 'pending') then
    raise exception using errcode = 'PT400', message = 'bad_request:feedback', detail = 'rating must be positive, negative or pending.';
  end if;
  if not exists (select 1 from public.llm_traces t where t.id = p_trace_id) then
    raise exception using errcode = 'PT404', message = 'not_found:trace', detail = 'No such trace.';
  end if;
  if p_rating = 'pending' then
    delete from public.scores s using public.score_configs c
     where c.id = s.config_id and c.name = 'helpful' and s.trace_id = p_trace_id and s.source = p_source and s.author = p_author;
  else
    v_score := public.set_score('helpful', (p_rating = 'positive')::text, p_source, p_author, p_trace_id => p_trace_id, p_comment => p_comment);
  end if;
  return jsonb_build_object('trace_id', p_trace_id,
    'feedback', case when v_score is null then 'pending' when (v_score ->> 'value')::boolean then 'positive' else 'negative' end,
    'feedback_comment', v_score ->> 'comment', 'score', v_score);
end
$$;

comment on function public.set_trace_feedback(uuid, text, text, text, text) is
  'An operator''s review of a trace: their own helpful score with its own comment; the visitor''s stays.';

revoke all on function public.set_trace_feedback(uuid, text, text, text, text) from public, anon, authenticated;
grant all on function public.set_trace_feedback(uuid, text, text, text, text) to service_role;

create or replace function public.set_message_vote(p_user_id text, p_message_id uuid, p_vote text, p_session_id uuid default null)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
#variable_conflict use_column
declare
  v_message public.conversation_messages;
  v_trace public.llm_traces;
begin
  if p_vote is not null and p_vote not in ('up', 'down') then
    raise exception using errcode = 'PT400', message = 'bad_request:vote', detail = 'vote must be up, down or null.';
  end if;
  select m.* into v_message
    from public.conversation_messages m
    join public.conversation_sessions s on s.id = m.session_id
   where m.id = p_message_id and s.user_id = p_user_id and m.role = 'agent'
     and (p_session_id is null or m.session_id = p_session_id)
     for update of m;
  if v_message.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such message.';
  end if;
  perform private.score_gate(p_user_id);
  -- the visitor's own vote score; the message's vote and the trace's counts follow it (private.count_vote)
  if p_vote is null then
    delete from public.scores s using public.score_configs c
     where c.id = s.config_id and c.name = 'vote' and s.message_id = p_message_id and s.source = 'visitor' and s.author = p_user_id;
  elsif p_vote is distinct from v_message.vote then
    perform public.set_score('vote', (p_vote = 'up')::text, 'visitor', p_user_id, p_message_id => p_message_id);
  end if;
  select t.* into v_trace from public.llm_traces t where t.session_id = v_message.session_id;
  return jsonb_build_object(
    'message_id', v_message.id, 'session_id', v_message.session_id, 'vote', p_vote, 'previous_vote', v_message.vote,
    'trace_id', v_trace.id, 'votes_up', v_trace.votes_up, 'votes_down', v_trace.votes_down);
end
$$;

comment on function public.set_message_vote(text, uuid, text, uuid) is
  'The visitor''s thumbs up/down on one of their agent replies: their own vote score on the message.';

revoke all on function public.set_message_vote(text, uuid, text, uuid) from public, anon, authenticated;
grant all on function public.set_message_vote(text, uuid, text, uuid) to service_role;

-- comments -------------------------------------------------------------------------------------

create function private.comment_json(p_comment public.trace_comments, p_author text) returns jsonb
  language sql immutable
  set search_path = ''
as $$
  select jsonb_build_object('id', p_comment.id, 'trace_id', p_comment.trace_id, 'message_id', p_comment.message_id,
    'author', p_comment.author, 'content', p_comment.content, 'created_at', p_comment.created_at,
    'updated_at', p_comment.updated_at, 'mine', coalesce(p_comment.author = p_author, false))
$$;

revoke all on function private.comment_json(public.trace_comments, text) from public, anon, authenticated;
grant all on function private.comment_json(public.trace_comments, text) to service_role;

create function public.add_trace_comment(p_trace_id uuid, p_author text, p_content text, p_message_id uuid default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_session uuid;
  v_comment public.trace_comments;
begin
  select t.session_id into v_session from public.llm_traces t where t.id = p_trace_id;
  if v_session is null then
    raise exception using errcode = 'PT404', message = 'not_found:trace', detail = 'No such trace.';
  end if;
  if p_message_id is not null and not exists (
    select 1 from public.conversation_messages m where m.id = p_message_id and m.session_id = v_session) then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such message in this trace.';
  end if;
  if coalesce(length(trim(p_content)), 0) not between 1 and 4000 then
    raise exception using errcode = 'PT400', message = 'bad_request:comment', detail = 'A comment has 1 to 4000 characters.';
  end if;
  insert into public.trace_comments as c (trace_id, message_id, author, content)
  values (p_trace_id, p_message_id, p_author, trim(p_content))
  returning c.* into v_comment;
  return private.comment_json(v_comment, p_author);
end
$$;

comment on function public.add_trace_comment(uuid, text, text, uuid) is 'An operator''s comment on a trace or one of its messages.';

revoke all on function public.add_trace_comment(uuid, text, text, uuid) from public, anon, authenticated;
grant all on function public.add_trace_comment(uuid, text, text, uuid) to service_role;

-- The caller's own comment, locked; another's is 403, none 404.
create function private.own_comment(p_comment_id uuid, p_author text) returns public.trace_comments
  language plpgsql
  set search_path = ''
as $$
declare
  v_comment public.trace_comments;
begin
  select c.* into v_comment from public.trace_comments c where c.id = p_comment_id for update;
  if v_comment.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:comment', detail = 'No such comment.';
  elsif v_comment.author is distinct from p_author then
    raise exception using errcode = 'PT403', message = 'forbidden:comment', detail = 'Only its author can change a comment.';
  end if;
  return v_comment;
end
$$;

revoke all on function private.own_comment(uuid, text) from public, anon, authenticated;
grant all on function private.own_comment(uuid, text) to service_role;

create function public.edit_trace_comment(p_comment_id uuid, p_author text, p_content text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_comment public.trace_comments := private.own_comment(p_comment_id, p_author);
begin
  if coalesce(length(trim(p_content)), 0) not between 1 and 4000 then
    raise exception using errcode = 'PT400', message = 'bad_request:comment', detail = 'A comment has 1 to 4000 characters.';
  end if;
  update public.trace_comments c set content = trim(p_content), updated_at = now()
   where c.id = v_comment.id
  returning c.* into v_comment;
  return private.comment_json(v_comment, p_author);
end
$$;

comment on function public.edit_trace_comment(uuid, text, text) is 'Edits the caller''s own comment (403 another''s).';

revoke all on function public.edit_trace_comment(uuid, text, text) from public, anon, authenticated;
grant all on function public.edit_trace_comment(uuid, text, text) to service_role;

create function public.delete_trace_comment(p_comment_id uuid, p_author text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_comment public.trace_comments := private.own_comment(p_comment_id, p_author);
begin
  delete from public.trace_comments c where c.id = v_comment.id;
  return jsonb_build_object('deleted', true, 'id', v_comment.id);
end
$$;

comment on function public.delete_trace_comment(uuid, text) is 'Deletes the caller''s own comment (403 another''s).';

revoke all on function public.delete_trace_comment(uuid, text) from public, anon, authenticated;
grant all on function public.delete_trace_comment(uuid, text) to service_role;

create function public.trace_comments(p_trace_id uuid, p_author text default null) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
begin
  if not exists (select 1 from public.llm_traces t where t.id = p_trace_id) then
    raise exception using errcode = 'PT404', message = 'not_found:trace', detail = 'No such trace.';
  end if;
  return jsonb_build_object('comments', coalesce((
    select jsonb_agg(private.comment_json(c, p_author) order by c.created_at, c.id)
      from public.trace_comments c where c.trace_id = p_trace_id), '[]'::jsonb));
end
$$;

comment on function public.trace_comments(uuid, text) is 'A trace''s comments, oldest first, the caller''s own marked.';

revoke all on function public.trace_comments(uuid, text) from public, anon, authenticated;
grant all on function public.trace_comments(uuid, text) to service_role;
