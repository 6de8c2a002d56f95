-- Erasure covers the channels (docs/privacy.md, "A visitor's data"; docs/channels.md): when
-- erase_visitor hands a visitor's sessions to an opaque id, the same transaction deletes what the
-- WhatsApp inbox and outbox and the voice registrations hold about them (their text and wa_id).
create or replace function private.erase_channel_data()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  delete from public.whatsapp_inbox i where i.wa_id = old.user_id;
  delete from public.whatsapp_outbox o where o.wa_id = old.user_id;
  delete from public.voice_messages v where v.user_id = old.user_id;
  return null;
end
$$;

create trigger conversation_sessions_erase_channels after update of user_id on public.conversation_sessions
  for each row when (new.user_id like 'erased\_%' and old.user_id not like 'erased\_%')
  execute function private.erase_channel_data();

revoke execute on function private.erase_channel_data() from public, anon, authenticated;
grant execute on function private.erase_channel_data() to service_role;
