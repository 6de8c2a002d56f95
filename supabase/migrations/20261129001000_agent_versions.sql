-- Agent versions: every version of every agent, kept as it was, so a session
-- runs with the agent it started with even after the row is edited
-- (docs/architecture.md). Written by trigger; nobody writes it by hand.
-- Also the `private` schema for the helpers of the chat turn (not callable
-- through the API: only the functions in `public` that use them are).

-- A function is executable by PUBLIC unless the global default says otherwise: the per-schema
-- default in 20261122000500_security.sql cannot take that away, so new functions of this role
-- would be callable by anon. Only service_role may call them.
alter default privileges revoke execute on functions from public;

create schema if not exists private;
revoke all on schema private from public, anon, authenticated;
grant usage on schema private to service_role;
alter default privileges in schema private revoke execute on functions from public, anon, authenticated;

create table public.agent_versions (
  -- no foreign key on purpose: a snapshot outlives the row (sessions keep pointing at it)
  agent_key text not null,
  version integer not null check (version >= 1),
  name text not null,
  description text not null,
  instructions text not null,
  greeting text,
  model_key text,
  tools text[] not null,
  handoffs text[] not null,
  created_at timestamptz not null default now(),
  primary key (agent_key, version)
);
alter table public.agent_versions enable row level security;
grant all on public.agent_versions to service_role;
-- like agents: no policy, so anon and authenticated read nothing

-- An agent created again under a key that existed keeps counting versions (a snapshot is never overwritten).
create or replace function public.agents_continue_version()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_last integer;
begin
  select max(v.version) into v_last from public.agent_versions v where v.agent_key = new.key;
  new.version := greatest(new.version, coalesce(v_last + 1, 1));
  return new;
end
$$;

-- The snapshot of each new version (after agents_bump_version decided it).
create or replace function public.agents_snapshot_version()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.version = old.version then
    return null;
  end if;
  insert into public.agent_versions (agent_key, version, name, description, instructions, greeting, model_key, tools, handoffs)
  values (new.key, new.version, new.name, new.description, new.instructions, new.greeting, new.model_key, new.tools, new.handoffs)
  on conflict (agent_key, version) do nothing;
  return null;
end
$$;

create trigger agents_continue_version before insert on public.agents
  for each row execute function public.agents_continue_version();
create trigger agents_snapshot_version after insert or update on public.agents
  for each row execute function public.agents_snapshot_version();

insert into public.agent_versions (agent_key, version, name, description, instructions, greeting, model_key, tools, handoffs)
select a.key, a.version, a.name, a.description, a.instructions, a.greeting, a.model_key, a.tools, a.handoffs
  from public.agents a
on conflict (agent_key, version) do nothing;

revoke execute on function public.agents_continue_version(), public.agents_snapshot_version() from public, anon, authenticated;
