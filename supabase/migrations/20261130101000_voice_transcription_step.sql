-- The web widget sends a voice message in two steps (docs/channels.md, "Voice"): the recording is
-- transcribed and registered first, then the transcript goes out as an ordinary chat turn with the
-- same clientMessageId. The transcription step waits beside the registration until that turn
-- stores it with its own steps, so both ways of sending leave the same steps in the trace.

alter table public.voice_messages add column transcription jsonb
  constraint voice_messages_transcription_object check (transcription is null or jsonb_typeof(transcription) = 'object');

-- The first step recorded for a registration stays (a retried upload keeps the first recording too).
create function public.record_voice_transcription(p_user_id text, p_client_message_id uuid, p_step jsonb) returns jsonb
  language sql
  set search_path = ''
as $$
  with recorded as (
    update public.voice_messages v set transcription = p_step
     where v.user_id = p_user_id and v.client_message_id = p_client_message_id and v.transcription is null
    returning 1
  )
  select jsonb_build_object('recorded', exists (select 1 from recorded))
$$;

-- The step waiting for a turn's question, or null.
create function public.voice_transcription(p_user_id text, p_client_message_id uuid) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select v.transcription from public.voice_messages v where v.user_id = p_user_id and v.client_message_id = p_client_message_id
$$;

revoke execute on function public.record_voice_transcription(text, uuid, jsonb), public.voice_transcription(text, uuid)
  from public, anon, authenticated;
grant execute on function public.record_voice_transcription(text, uuid, jsonb), public.voice_transcription(text, uuid) to service_role;
