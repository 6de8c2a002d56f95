-- Stored audio leaves with the rows that name it (docs/channels.md, "Erasure and audio files";
-- docs/privacy.md): whatever deletes a message with an audio_url, or a registered voice
-- message no message names (erase_visitor, retention, a session's cascade), queues the
-- file's name here in the same transaction. The app deletes the files from the store
-- (lib/voice/deletions.ts: right after an erasure, and on a timer) and only then the rows,
-- so a crash between the two leaves the name queued and the file is deleted on the next pass.

create table public.audio_deletions (
  name text primary key check (name ~ '^[0-9a-f-]{36}\.[a-z0-9]{2,5}$'),
  queued_at timestamptz not null default now(),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text check (length(last_error) <= 1000)
);
create index audio_deletions_due on public.audio_deletions (next_attempt_at);
alter table public.audio_deletions enable row level security;
revoke all on public.audio_deletions from anon, authenticated;
grant all on public.audio_deletions to service_role;

-- '/api/audio/<name>' → '<name>' (null for anything else: nothing of ours to delete)
create function private.audio_name(p_audio_url text)
returns text
language sql immutable
security invoker
set search_path = ''
as $$
  select substring(p_audio_url from '^/api/audio/([0-9a-f-]{36}\.[a-z0-9]{2,5})$');
$$;

create function private.queue_message_audio()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  insert into public.audio_deletions (name)
  select distinct private.audio_name(g.audio_url) from gone g where private.audio_name(g.audio_url) is not null
   order by 1
  on conflict (name) do nothing;
  return null;
end
$$;

create function private.queue_voice_audio()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
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

create trigger conversation_messages_queue_audio after delete on public.conversation_messages
  referencing old table as gone for each statement execute function private.queue_message_audio();
create trigger voice_messages_queue_audio after delete on public.voice_messages
  referencing old table as gone for each statement execute function private.queue_voice_audio();

-- Names due for deletion, leased for p_lease_seconds (another instance skips them meanwhile).
create function public.claim_audio_deletions(p_limit integer default 100, p_lease_seconds integer default 300)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
  with due as (
    select d.name from public.audio_deletions d
     where d.next_attempt_at <= now()
     order by d.next_attempt_at, d.name
     limit least(greatest(coalesce(p_limit, 100), 1), 1000)
     for update skip locked
  ), claimed as (
    update public.audio_deletions d
       set attempts = d.attempts + 1,
           next_attempt_at = now() + make_interval(secs => least(greatest(coalesce(p_lease_seconds, 300), 1), 86400))
      from due where d.name = due.name
    returning d.name
  )
  select coalesce(jsonb_agg(c.name order by c.name), '[]'::jsonb) from claimed c;
$$;

-- The files (a json array of names) are gone from the store: their names leave the queue. p_failed:
-- names whose delete failed stay queued (retried when their lease ends) with p_error kept.
create function public.settle_audio_deletions(p_deleted jsonb, p_failed jsonb default '[]', p_error text default null)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_deleted integer;
begin
  delete from public.audio_deletions d where d.name in (select jsonb_array_elements_text(coalesce(p_deleted, '[]')));
  get diagnostics v_deleted = row_count;
  update public.audio_deletions d set last_error = left(p_error, 1000)
   where d.name in (select jsonb_array_elements_text(coalesce(p_failed, '[]')));
  return jsonb_build_object('deleted', v_deleted, 'pending', (select count(*) from public.audio_deletions));
end
$$;

revoke execute on function private.audio_name(text), private.queue_message_audio(), private.queue_voice_audio(),
  public.claim_audio_deletions(integer, integer), public.settle_audio_deletions(jsonb, jsonb, text)
  from public, anon, authenticated;
grant execute on function private.audio_name(text), private.queue_message_audio(), private.queue_voice_audio(),
  public.claim_audio_deletions(integer, integer), public.settle_audio_deletions(jsonb, jsonb, text)
  to service_role;
