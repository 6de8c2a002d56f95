-- Who may hear a stored recording or spoken reply (docs/channels.md, "Who may hear the audio"):
-- an operator, or the visitor whose message (or registered voice message) carries that
-- audio_url. GET /api/audio/{name} asks this before it reads the store; names are random
-- uuids, but a name alone is not a right to hear it.

create index conversation_messages_audio_url on public.conversation_messages (audio_url) where audio_url is not null;
create index voice_messages_audio_url on public.voice_messages (audio_url);

create function public.audio_owned_by(p_audio_url text, p_user_id text)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object('owned',
    exists (select 1 from public.conversation_messages m where m.audio_url = p_audio_url and m.user_id = p_user_id)
    or exists (select 1 from public.voice_messages v where v.audio_url = p_audio_url and v.user_id = p_user_id));
$$;

revoke execute on function public.audio_owned_by(text, text) from public, anon, authenticated;
grant execute on function public.audio_owned_by(text, text) to service_role;
