-- Voice messages (docs/channels.md, "Voice"): the audio of a visitor's message is stored and
-- transcribed before the turn, and registered here under the turn's clientMessageId; the
-- question's row gets its audio_url in the transaction begin_turn stores it (a trigger), so
-- begin_turn is unchanged and a replayed voice turn stores nothing twice. A spoken reply's
-- audio_url is set once, on the agent message.

create table public.voice_messages (
  user_id text not null,
  client_message_id uuid not null,
  audio_url text not null check (length(audio_url) between 1 and 1000),
  transcript text not null check (length(transcript) <= 4000),
  created_at timestamptz not null default now(),
  primary key (user_id, client_message_id)
);
alter table public.voice_messages enable row level security;
revoke all on public.voice_messages from anon, authenticated;
grant all on public.voice_messages to service_role;

create or replace function public.register_voice_message(
  p_user_id text, p_client_message_id uuid, p_audio_url text, p_transcript text
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
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

create or replace function private.voice_audio_url()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  select v.audio_url into new.audio_url from public.voice_messages v
   where v.user_id = new.user_id and v.client_message_id = new.client_message_id;
  return new;
end
$$;

create trigger conversation_messages_voice before insert on public.conversation_messages
  for each row when (new.role = 'user' and new.client_message_id is not null and new.audio_url is null)
  execute function private.voice_audio_url();

create or replace function public.set_reply_audio(p_message_id uuid, p_audio_url text)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
begin
  update public.conversation_messages m set audio_url = p_audio_url
   where m.id = p_message_id and m.role = 'agent' and m.audio_url is null;
  return jsonb_build_object('set', found);
end
$$;

revoke execute on function public.register_voice_message(text, uuid, text, text), public.set_reply_audio(uuid, text)
  from public, anon, authenticated;
grant execute on function public.register_voice_message(text, uuid, text, text), public.set_reply_audio(uuid, text) to service_role;
revoke execute on function private.voice_audio_url() from public, anon, authenticated;
grant execute on function private.voice_audio_url() to service_role;
