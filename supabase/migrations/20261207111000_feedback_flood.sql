-- Feedback flood (docs/reliability.md, "Queues and export"): a visitor's ratings and message votes
-- are limited per minute (the one fixed-window counter, private.hit_rate_limit), and a trace's
-- feedback keeps ONE pending OTLP export row, updated in place: before, every change queued a row
-- with a random key (199 rows in 7 s from one visitor), and at the outbox cap another visitor's
-- turn was dropped.

set lock_timeout = '5s';

-- Score writes (session feedback, message votes) per visitor and minute.
create function private.score_writes_per_minute() returns integer
  language sql immutable
  set search_path = ''
as $$
  select 20
$$;
comment on function private.score_writes_per_minute() is 'How many ratings and votes a visitor may write in a minute.';

create function private.score_gate(p_user_id text) returns void
  language plpgsql
  set search_path = ''
as $$
begin
  if p_user_id is not null and private.hit_rate_limit('score:' || p_user_id, private.score_writes_per_minute()) then
    raise exception using errcode = 'PT429', message = 'rate_limit:feedback',
      detail = 'Too many ratings in a minute. Wait a moment and try again.';
  end if;
end
$$;
comment on function private.score_gate(text) is
  'Refuses a visitor''s score write over private.score_writes_per_minute() (429 rate_limit:feedback); operators (null) pass.';

create or replace function public.set_feedback(p_session_id uuid, p_rating text, p_comment text default null, p_user_id text default null)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_trace public.llm_traces;
begin
  if not exists (select 1 from public.conversation_sessions s
                  where s.id = p_session_id and (p_user_id is null or s.user_id = p_user_id)) then
    raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
  end if;
  perform private.score_gate(p_user_id);
  update public.llm_traces t
     set feedback = p_rating,
         feedback_comment = case when p_rating = 'pending' then null else nullif(trim(p_comment), '') end,
         updated_at = now()
   where t.session_id = p_session_id
  returning * into v_trace;
  if v_trace.id is null then
    raise exception using errcode = 'PT409', message = 'conflict:feedback',
      detail = 'This session was not tracked, so it has no trace to rate.';
  end if;
  return jsonb_build_object('trace_id', v_trace.id, 'session_id', p_session_id,
                            'feedback', v_trace.feedback, 'feedback_comment', v_trace.feedback_comment);
end
$$;
comment on function public.set_feedback(uuid, text, text, text) is
  'A session''s rating and comment (a visitor''s own: p_user_id, at most private.score_writes_per_minute() a minute; operators: null).';

create or replace function public.set_message_vote(p_user_id text, p_message_id uuid, p_vote text, p_session_id uuid default null)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
#variable_conflict use_column
declare
  v_message public.conversation_messages;
  v_previous text;
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
  v_previous := v_message.vote;
  if p_vote is distinct from v_previous then
    update public.conversation_messages m
       set vote = p_vote, voted_at = case when p_vote is null then null else now() end
     where m.id = p_message_id;
    update public.llm_traces t
       set votes_up = t.votes_up + (case when p_vote = 'up' then 1 else 0 end) - (case when v_previous = 'up' then 1 else 0 end),
           votes_down = t.votes_down + (case when p_vote = 'down' then 1 else 0 end) - (case when v_previous = 'down' then 1 else 0 end),
           updated_at = now()
     where t.session_id = v_message.session_id;
  end if;
  select t.* into v_trace from public.llm_traces t where t.session_id = v_message.session_id;
  return jsonb_build_object(
    'message_id', v_message.id, 'session_id', v_message.session_id, 'vote', p_vote, 'previous_vote', v_previous,
    'trace_id', v_trace.id, 'votes_up', v_trace.votes_up, 'votes_down', v_trace.votes_down
  );
end
$$;
comment on function public.set_message_vote(text, uuid, text, uuid) is
  'A visitor''s vote on one agent reply of their own (at most private.score_writes_per_minute() score writes a minute); the trace''s counts.';

-- One pending row per key: a pending row (not leased) is updated in place; a row being exported
-- right now keeps what it is sending (its key is set aside) and the new payload waits in a new row.
create function private.otlp_replace(p_key text, p_kind text, p_user_id text, p_session_id uuid, p_payload jsonb, p_cap integer)
  returns void
  language plpgsql
  set search_path = ''
as $$
begin
  update public.otlp_outbox o
     set payload = p_payload, attempts = 0, next_attempt_at = now(), last_error = null, dead_at = null
   where o.dedupe_key = p_key and (o.claimed_until is null or o.claimed_until < clock_timestamp());
  if found then
    return;
  end if;
  update public.otlp_outbox o set dedupe_key = o.dedupe_key || ':' || o.id where o.dedupe_key = p_key;
  perform private.otlp_append(p_key, p_kind, p_user_id, p_session_id, p_payload, p_cap);
end
$$;
comment on function private.otlp_replace(text, text, text, uuid, jsonb, integer) is
  'Queues an OTLP row under p_key, or replaces the pending one in place (a row being exported keeps its payload).';

-- A rating change: one pending export row per trace (key feedback:<trace id>); the span ids come from
-- the key and the transaction, so each exported change is its own span.
create or replace function private.otlp_on_feedback() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_key text;
  v_ids text;
  v_comment text;
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  if not coalesce(v_cfg.otlp_enabled, false) then
    return null;
  end if;
  v_key := 'feedback:' || new.id;
  v_ids := v_key || ':' || txid_current();
  v_comment := case when v_cfg.otlp_capture_content and new.feedback_comment is not null then
                 case when v_cfg.pii_masking <> 'off' then private.mask_pii(new.feedback_comment) else new.feedback_comment end end;
  perform private.otlp_replace(v_key, 'feedback', new.user_id, new.session_id, jsonb_build_object(
    'trace_id', md5(v_ids),
    'spans', jsonb_build_array(jsonb_build_object(
      'span_id', left(md5('root:' || v_ids), 16),
      'name', 'evaluation user_feedback',
      'start_ms', private.epoch_ms(now()),
      'end_ms', private.epoch_ms(now()),
      'attributes', jsonb_build_object(
        'gen_ai.operation.name', 'evaluation',
        'gen_ai.conversation.id', new.session_id, 'session.id', new.session_id,
        'gen_ai.agent.id', new.agent_type, 'user.id', new.user_id,
        'threadline.session.tag', new.session_tag, 'threadline.trace.id', new.id,
        'langfuse.session.id', new.session_id, 'langfuse.user.id', new.user_id,
        'langfuse.trace.tags', jsonb_build_array(new.session_tag, new.agent_type, 'feedback')),
      'events', jsonb_build_array(jsonb_build_object(
        'name', 'gen_ai.evaluation.result',
        'time_ms', private.epoch_ms(now()),
        'attributes', jsonb_strip_nulls(jsonb_build_object(
          'gen_ai.evaluation.name', 'user_feedback',
          'gen_ai.evaluation.score.label', new.feedback,
          'gen_ai.evaluation.score.value', case new.feedback when 'positive' then 1.0 else 0.0 end,
          'gen_ai.evaluation.explanation', v_comment))))
    ))
  ), v_cfg.otlp_outbox_cap);
  return null;
end
$$;
comment on function private.otlp_on_feedback() is
  'A trace''s rating changed: its one pending OTLP evaluation row, queued or replaced in place (docs/privacy.md).';

revoke execute on function private.score_writes_per_minute(), private.score_gate(text),
  private.otlp_replace(text, text, text, uuid, jsonb, integer) from public, anon, authenticated;
grant execute on function private.score_writes_per_minute(), private.score_gate(text),
  private.otlp_replace(text, text, text, uuid, jsonb, integer) to service_role;
