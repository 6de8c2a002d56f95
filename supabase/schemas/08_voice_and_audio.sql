-- Voice messages (a recording, its transcription step, the reply's speech) and the queue of
-- audio files to delete from storage. docs/channels.md, "Voice".

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Audio files to delete from storage (a recording or a reply's speech no row refers to any more),
-- claimed with a lease and retried with a backoff.
CREATE TABLE public.audio_deletions (
    name text NOT NULL,
    queued_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_error text,
    claimed_until timestamp with time zone,
    dead_at timestamp with time zone,
    CONSTRAINT audio_deletions_last_error_check CHECK ((length(last_error) <= 1000)),
    CONSTRAINT audio_deletions_name_check CHECK ((name ~ '^[0-9a-f-]{36}\.[a-z0-9]{2,5}$'::text))
);

ALTER TABLE ONLY public.audio_deletions
    ADD CONSTRAINT audio_deletions_pkey PRIMARY KEY (name);

CREATE INDEX audio_deletions_due ON public.audio_deletions USING btree (next_attempt_at);

CREATE INDEX audio_deletions_dead ON public.audio_deletions USING btree (dead_at) WHERE (dead_at IS NOT NULL);

ALTER TABLE public.audio_deletions ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.audio_deletions TO service_role;

-- A visitor's recording and its transcript, registered before the chat turn that sends the
-- transcript (same client_message_id); transcription is the step that waits for that turn.
CREATE TABLE public.voice_messages (
    user_id text NOT NULL,
    client_message_id uuid NOT NULL,
    audio_url text NOT NULL,
    transcript text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    transcription jsonb,
    CONSTRAINT voice_messages_audio_url_check CHECK (((length(audio_url) >= 1) AND (length(audio_url) <= 1000))),
    CONSTRAINT voice_messages_transcript_check CHECK ((length(transcript) <= 4000)),
    CONSTRAINT voice_messages_transcription_object CHECK (((transcription IS NULL) OR (jsonb_typeof(transcription) = 'object'::text)))
);

ALTER TABLE ONLY public.voice_messages
    ADD CONSTRAINT voice_messages_pkey PRIMARY KEY (user_id, client_message_id);

CREATE INDEX voice_messages_audio_url ON public.voice_messages USING btree (audio_url);

ALTER TABLE public.voice_messages ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.voice_messages TO service_role;

-- '/api/audio/<name>' → '<name>' (null for anything else: nothing of ours to delete)
CREATE FUNCTION private.audio_name(p_audio_url text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $_$
  select substring(p_audio_url from '^/api/audio/([0-9a-f-]{36}\.[a-z0-9]{2,5})$');
$_$;


SET default_tablespace = '';

SET default_table_access_method = heap;

REVOKE ALL ON FUNCTION private.audio_name(p_audio_url text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.audio_name(p_audio_url text) TO service_role;

-- Queues the audio of deleted messages for deletion from storage (a statement trigger over the deleted rows).
CREATE FUNCTION private.queue_message_audio() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  insert into public.audio_deletions (name)
  select distinct private.audio_name(g.audio_url) from gone g where private.audio_name(g.audio_url) is not null
   order by 1
  on conflict (name) do nothing;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.queue_message_audio() FROM PUBLIC;
GRANT ALL ON FUNCTION private.queue_message_audio() TO service_role;

CREATE TRIGGER conversation_messages_queue_audio AFTER DELETE ON public.conversation_messages REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION private.queue_message_audio();

-- Queues the recordings of deleted voice messages for deletion, unless a message still plays them.
CREATE FUNCTION private.queue_voice_audio() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  insert into public.audio_deletions (name)
  select distinct private.audio_name(g.audio_url) from gone g
   where private.audio_name(g.audio_url) is not null
     and not exists (select 1 from public.conversation_messages m where m.audio_url = g.audio_url)
   order by 1
  on conflict (name) do nothing;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.queue_voice_audio() FROM PUBLIC;
GRANT ALL ON FUNCTION private.queue_voice_audio() TO service_role;

CREATE TRIGGER voice_messages_queue_audio AFTER DELETE ON public.voice_messages REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION private.queue_voice_audio();

-- A visitor message stored for a registered voice message takes that recording's audio URL.
CREATE FUNCTION private.voice_audio_url() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  select v.audio_url into new.audio_url from public.voice_messages v
   where v.user_id = new.user_id and v.client_message_id = new.client_message_id;
  return new;
end
$$;

REVOKE ALL ON FUNCTION private.voice_audio_url() FROM PUBLIC;
GRANT ALL ON FUNCTION private.voice_audio_url() TO service_role;

CREATE TRIGGER conversation_messages_voice BEFORE INSERT ON public.conversation_messages FOR EACH ROW WHEN (((new.role = 'user'::text) AND (new.client_message_id IS NOT NULL) AND (new.audio_url IS NULL))) EXECUTE FUNCTION private.voice_audio_url();

-- Whether an audio URL belongs to this visitor (a message of theirs or their voice message): the audio route asks before serving it.
CREATE FUNCTION public.audio_owned_by(p_audio_url text, p_user_id text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('owned',
    exists (select 1 from public.conversation_messages m where m.audio_url = p_audio_url and m.user_id = p_user_id)
    or exists (select 1 from public.voice_messages v where v.audio_url = p_audio_url and v.user_id = p_user_id));
$$;

REVOKE ALL ON FUNCTION public.audio_owned_by(p_audio_url text, p_user_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audio_owned_by(p_audio_url text, p_user_id text) TO service_role;

-- Stores a reply's speech: its audio URL on the message and a speech step (model, times, cost) in the trace.
CREATE FUNCTION public.record_reply_speech(p_message_id uuid, p_audio_url text, p_model text, p_started_at timestamp with time zone, p_ended_at timestamp with time zone, p_characters integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_message public.conversation_messages;
  v_trace_id uuid;
  v_cost numeric;
  v_step uuid;
begin
  if p_ended_at < p_started_at or p_characters < 0 then
    raise exception using errcode = 'PT400', message = 'bad_request:voice', detail = 'The speech step ends before it starts.';
  end if;
  update public.conversation_messages m set audio_url = p_audio_url
   where m.id = p_message_id and m.role = 'agent' and m.audio_url is null
  returning * into v_message;
  if v_message.id is null then
    return jsonb_build_object('set', false, 'observation_id', null, 'cost_usd', null);
  end if;
  select t.id into v_trace_id from public.llm_traces t where t.session_id = v_message.session_id;
  if v_trace_id is null then
    return jsonb_build_object('set', true, 'observation_id', null, 'cost_usd', null);
  end if;
  select round(p_characters * m.input_price_per_million / 1000000, 8) into v_cost
    from public.llm_models m where m.key = p_model and m.input_price_per_million > 0;
  insert into public.llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, status,
                                       started_at, ended_at, duration_ms, model, cost_usd, arguments)
  values (v_trace_id, v_message.session_id, v_message.user_id, v_message.reply_to,
          coalesce((select max(o.position) + 1 from public.llm_observations o
                     where o.trace_id = v_trace_id and o.message_id is not distinct from v_message.reply_to), 0),
          'speech', left(p_model, 200), 'ok', p_started_at, p_ended_at,
          least(floor(extract(epoch from p_ended_at - p_started_at) * 1000), 2147483647)::integer, p_model, v_cost,
          jsonb_build_object('characters', p_characters))
  returning id into v_step;
  if v_cost is not null then
    update public.llm_traces t set cost_usd = t.cost_usd + v_cost, updated_at = now() where t.id = v_trace_id;
  end if;
  return jsonb_build_object('set', true, 'observation_id', v_step, 'cost_usd', v_cost);
end
$$;

REVOKE ALL ON FUNCTION public.record_reply_speech(p_message_id uuid, p_audio_url text, p_model text, p_started_at timestamp with time zone, p_ended_at timestamp with time zone, p_characters integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.record_reply_speech(p_message_id uuid, p_audio_url text, p_model text, p_started_at timestamp with time zone, p_ended_at timestamp with time zone, p_characters integer) TO service_role;

-- The first step recorded for a registration stays (a retried upload keeps the first recording too).
CREATE FUNCTION public.record_voice_transcription(p_user_id text, p_client_message_id uuid, p_step jsonb) RETURNS jsonb
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with recorded as (
    update public.voice_messages v set transcription = p_step
     where v.user_id = p_user_id and v.client_message_id = p_client_message_id and v.transcription is null
    returning 1
  )
  select jsonb_build_object('recorded', exists (select 1 from recorded))
$$;

REVOKE ALL ON FUNCTION public.record_voice_transcription(p_user_id text, p_client_message_id uuid, p_step jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.record_voice_transcription(p_user_id text, p_client_message_id uuid, p_step jsonb) TO service_role;

-- Registers a recording and its transcript before the turn that sends it; a retry keeps the first.
CREATE FUNCTION public.register_voice_message(p_user_id text, p_client_message_id uuid, p_audio_url text, p_transcript text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_row public.voice_messages;
begin
  insert into public.voice_messages (user_id, client_message_id, audio_url, transcript)
  values (p_user_id, p_client_message_id, p_audio_url, p_transcript)
  on conflict (user_id, client_message_id) do nothing;
  -- a retry of the same message keeps the first recording
  select * into v_row from public.voice_messages v where v.user_id = p_user_id and v.client_message_id = p_client_message_id;
  return jsonb_build_object('audio_url', v_row.audio_url, 'transcript', v_row.transcript);
end
$$;

REVOKE ALL ON FUNCTION public.register_voice_message(p_user_id text, p_client_message_id uuid, p_audio_url text, p_transcript text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.register_voice_message(p_user_id text, p_client_message_id uuid, p_audio_url text, p_transcript text) TO service_role;

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

-- What a voice message may do before its audio is read or transcribed: a recording already
-- registered under (visitor, clientMessageId) is answered as it is (no new transcription, nothing
-- counted); else the request counts against the visitor's and the address's voice limits (their own
-- fixed windows of private.hit_rate_limit, the same sizes as the chat limits, so a voice message's
-- turn is not counted twice). A new visitor (a fresh cookie) also counts against their address's
-- new-visitor limit (p_new_visitor_limit, the `visitors:<ip>` bucket begin_turn's gate counts), in this
-- statement: no count_new_visitor round trip. A limit of 0 counts nothing: with limits 0 this is only the look-up.
create function public.voice_allowance(p_user_id text, p_client_message_id uuid default null,
                                       p_rate_limit integer default 0, p_client_ip text default null,
                                       p_ip_rate_limit integer default 0, p_new_visitor_limit integer default 0) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_row public.voice_messages;
  v_refused jsonb;
begin
  -- an erased visitor's id is retired: the app starts a new visitor (docs/privacy.md)
  if private.visitor_retired(p_user_id) then
    return jsonb_build_object('status', 'retired');
  end if;
  if p_client_message_id is not null then
    select * into v_row from public.voice_messages v
     where v.user_id = p_user_id and v.client_message_id = p_client_message_id;
    if found then
      return jsonb_build_object('status', 'registered', 'transcript', v_row.transcript,
                                'audio_url', v_row.audio_url, 'transcription', v_row.transcription);
    end if;
  end if;
  -- a new visitor counts against their address's new-visitor limit, as begin_turn's gate counts them
  v_refused := private.new_visitor_refusal(p_client_ip, p_new_visitor_limit);
  if v_refused is not null then
    return v_refused;
  end if;
  if private.hit_rate_limit('voice:' || p_user_id, p_rate_limit)
     or (p_client_ip is not null and private.hit_rate_limit('voice-ip:' || left(p_client_ip, 64), p_ip_rate_limit)) then
    return jsonb_build_object('status', 'rate_limited', 'retry_after', public.rate_limit_retry_after());
  end if;
  return jsonb_build_object('status', 'ok');
end
$$;

comment on function public.voice_allowance(text, uuid, integer, text, integer, integer) is
  'What a voice message may do before its audio is read: retired (an erased visitor), registered (the recording of this clientMessageId, answered as it is), rate_limited (voice, address or new-visitor limits) or ok. A pre-check only: the turn itself is gated again by begin_turn under the visitor''s lock.';

revoke execute on function public.voice_allowance(text, uuid, integer, text, integer, integer) from public, anon, authenticated;
grant execute on function public.voice_allowance(text, uuid, integer, text, integer, integer) to service_role;

-- Sets a reply's audio URL once (a second call changes nothing).
CREATE FUNCTION public.set_reply_audio(p_message_id uuid, p_audio_url text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update public.conversation_messages m set audio_url = p_audio_url
   where m.id = p_message_id and m.role = 'agent' and m.audio_url is null;
  return jsonb_build_object('set', found);
end
$$;

REVOKE ALL ON FUNCTION public.set_reply_audio(p_message_id uuid, p_audio_url text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_reply_audio(p_message_id uuid, p_audio_url text) TO service_role;

-- The step waiting for a turn's question, or null.
CREATE FUNCTION public.voice_transcription(p_user_id text, p_client_message_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select v.transcription from public.voice_messages v where v.user_id = p_user_id and v.client_message_id = p_client_message_id
$$;

REVOKE ALL ON FUNCTION public.voice_transcription(p_user_id text, p_client_message_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.voice_transcription(p_user_id text, p_client_message_id uuid) TO service_role;

-- A voice transcript, once its question is stored, is kept masked under PII_MASKING=all.
create function private.mask_processed_voice() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.masking_all() then
    update public.voice_messages v set transcript = private.mask_pii(v.transcript)
     where v.user_id = new.user_id and v.client_message_id = new.client_message_id;
  end if;
  return null;
end
$$;
revoke all on function private.mask_processed_voice() from public;
grant execute on function private.mask_processed_voice() to service_role;
create trigger conversation_messages_mask_voice after insert on public.conversation_messages
  for each row when (new.role = 'user' and new.audio_url is not null and new.client_message_id is not null)
  execute function private.mask_processed_voice();
