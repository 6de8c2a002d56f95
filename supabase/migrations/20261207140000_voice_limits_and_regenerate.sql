-- Voice messages count against the rate limits before any transcription, a registered recording
-- is never transcribed twice, and files that no row names are swept (docs/channels.md, "Voice";
-- docs/reliability.md, "Holes closed"). "Try again" never re-runs a turn that changed state
-- through a tool (docs/architecture.md, "Try again").

-- What a voice message may do before its audio is read or transcribed: a recording already
-- registered under (visitor, clientMessageId) is answered as it is (no new transcription, nothing
-- counted); else the request counts against the visitor's and the address's voice limits (their own
-- fixed windows of private.hit_rate_limit, the same sizes as the chat limits, so a voice message's
-- turn is not counted twice). A limit of 0 counts nothing: with limits 0 this is only the look-up.
set lock_timeout = '5s';

create function public.voice_allowance(p_user_id text, p_client_message_id uuid default null,
                                       p_rate_limit integer default 0, p_client_ip text default null,
                                       p_ip_rate_limit integer default 0) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_row public.voice_messages;
begin
  if p_client_message_id is not null then
    select * into v_row from public.voice_messages v
     where v.user_id = p_user_id and v.client_message_id = p_client_message_id;
    if found then
      return jsonb_build_object('status', 'registered', 'transcript', v_row.transcript,
                                'audio_url', v_row.audio_url, 'transcription', v_row.transcription);
    end if;
  end if;
  if private.hit_rate_limit('voice:' || p_user_id, p_rate_limit)
     or (p_client_ip is not null and private.hit_rate_limit('voice-ip:' || left(p_client_ip, 64), p_ip_rate_limit)) then
    return jsonb_build_object('status', 'rate_limited', 'retry_after', public.rate_limit_retry_after());
  end if;
  return jsonb_build_object('status', 'ok');
end
$$;

revoke execute on function public.voice_allowance(text, uuid, integer, text, integer) from public, anon, authenticated;
grant execute on function public.voice_allowance(text, uuid, integer, text, integer) to service_role;

-- Of the audio files the store lists, the ones no row names (a crash between writing a recording and
-- registering it, a lost registration race) go to the audio deletions queue, which deletes them.
create function public.queue_unnamed_audio(p_names jsonb) returns jsonb
  language sql
  set search_path = ''
as $$
  with queued as (
    insert into public.audio_deletions (name)
    select distinct n.name from jsonb_array_elements_text(p_names) as n(name)
     where n.name ~ '^[0-9a-f-]{36}\.[a-z0-9]{2,5}$'
       and not exists (select 1 from public.conversation_messages m where m.audio_url = '/api/audio/' || n.name)
       and not exists (select 1 from public.voice_messages v where v.audio_url = '/api/audio/' || n.name)
     order by 1
    on conflict (name) do nothing
    returning 1
  )
  select jsonb_build_object('queued', (select count(*) from queued));
$$;

revoke execute on function public.queue_unnamed_audio(jsonb) from public, anon, authenticated;
grant execute on function public.queue_unnamed_audio(jsonb) to service_role;

-- Whether the turn that a reply answers changed the session's state through a tool: a flow
-- (bulk_order: a line, contact details, a confirmation) saved after its question was stored.
-- Only the last reply can be asked again, so every such save belongs to its turn.
create function private.reply_changed_state(p_reply public.conversation_messages) returns boolean
  language sql stable
  set search_path = ''
as $$
  select exists (
    select 1 from public.flow_states f, public.conversation_messages q
     where q.id = p_reply.reply_to and f.session_id = p_reply.session_id and f.updated_at > q.created_at);
$$;

revoke execute on function private.reply_changed_state(public.conversation_messages) from public, anon, authenticated;
grant execute on function private.reply_changed_state(public.conversation_messages) to service_role;

-- "Try again" as before, and refused with conflict:regenerate when the reply's turn changed state
-- through a tool: running the tools again would add a second order line or replace a confirmation.
create or replace function private.regenerate_turn(p_user_id text, p_action jsonb, p_client_message_id uuid, p_history_limit integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
declare
  v_reply_id uuid;
  v_reply public.conversation_messages;
  v_question public.conversation_messages;
  v_session public.conversation_sessions;
begin
  if coalesce(p_action -> 'payload' ->> 'messageId', '') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:regenerate', detail = 'action.payload.messageId must be a uuid.';
  end if;
  v_reply_id := (p_action -> 'payload' ->> 'messageId')::uuid;
  select * into v_reply from public.conversation_messages m
   where m.id = v_reply_id and m.user_id = p_user_id for no key update;
  if v_reply.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such message.';
  end if;
  if v_reply.superseded_at is not null then
    raise exception using errcode = 'PT409', message = 'conflict:regenerate', detail = 'This reply was already replaced by a newer one.';
  end if;
  if v_reply.role <> 'agent' or v_reply.reply_to is null
     or coalesce(v_reply.metadata ->> 'kind', '') in ('menu', 'greeting') or v_reply.metadata ? 'handoff' then
    raise exception using errcode = 'PT400', message = 'bad_request:regenerate', detail = 'Only an agent''s answer to a message can be asked again.';
  end if;
  select * into v_session from public.conversation_sessions s where s.id = v_reply.session_id for no key update;
  if not v_session.is_active then
    raise exception using errcode = 'PT409', message = 'conflict:regenerate', detail = 'This conversation has ended.';
  end if;
  if exists (select 1 from public.conversation_messages m
              where m.session_id = v_reply.session_id and m.seq > v_reply.seq and m.superseded_at is null) then
    raise exception using errcode = 'PT409', message = 'conflict:regenerate', detail = 'Only the last reply can be asked again.';
  end if;
  if private.reply_changed_state(v_reply) then
    raise exception using errcode = 'PT409', message = 'conflict:regenerate',
      detail = 'This reply recorded a change (an order line, contact details or a confirmation), so it cannot be asked again.';
  end if;

  update public.conversation_messages m
     set superseded_at = now(), client_message_id = p_client_message_id
   where m.id = v_reply.id
  returning * into v_reply;
  select * into v_question from public.conversation_messages q where q.id = v_reply.reply_to;
  return private.turn_json('resume', v_question.metadata ->> 'choice', false, null, null, v_session.id,
                           v_question, null,
                           (select m.metadata from public.conversation_messages m
                             where m.id = (v_question.metadata ->> 'action_source_id')::uuid),
                           p_history_limit)
         || jsonb_build_object('regenerates', v_reply.id);
end
$_$;

revoke execute on function private.regenerate_turn(text, jsonb, uuid, integer) from public, anon, authenticated;
grant execute on function private.regenerate_turn(text, jsonb, uuid, integer) to service_role;

-- One more request of a kind from one key (an address) in this minute, counted by the one fixed-window
-- counter: limited once over p_limit. Used for the WhatsApp webhook's verification handshake.
create function public.count_request(p_kind text, p_key text, p_limit integer) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_limited boolean;
begin
  if coalesce(p_kind, '') !~ '^[a-z][a-z0-9_]{0,31}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:request', detail = 'The kind must be a short lowercase name.';
  end if;
  v_limited := private.hit_rate_limit('req:' || p_kind || ':' || left(coalesce(p_key, ''), 64), p_limit);
  return jsonb_build_object('limited', v_limited,
    'retry_after', case when v_limited then public.rate_limit_retry_after() else 0 end);
end
$$;

revoke execute on function public.count_request(text, text, integer) from public, anon, authenticated;
grant execute on function public.count_request(text, text, integer) to service_role;
