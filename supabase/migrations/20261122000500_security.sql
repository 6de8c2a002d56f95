-- Row level security on every table, one policy per operation.
-- The app itself connects as the table owner (or Supabase's service_role, which
-- bypasses RLS); these policies are what `anon` and `authenticated` get:
-- nothing for anon but the public catalog, and only their own rows for a
-- signed-in Supabase user (auth.uid() = user_id).

alter table public.llm_models enable row level security;
alter table public.conversation_sessions enable row level security;
alter table public.conversation_messages enable row level security;
alter table public.llm_traces enable row level security;
alter table public.session_events enable row level security;
alter table public.session_tag_counters enable row level security;
alter table public.flow_states enable row level security;
alter table public.products enable row level security;
alter table public.app_settings enable row level security;
alter table public.rate_limit_buckets enable row level security;

create policy "models are readable by signed-in users" on public.llm_models
  for select to authenticated using (true);

create policy "users read their own sessions" on public.conversation_sessions
  for select to authenticated using (user_id = (select auth.uid())::text);

create policy "users read their own messages" on public.conversation_messages
  for select to authenticated using (user_id = (select auth.uid())::text);

create policy "users read their own traces" on public.llm_traces
  for select to authenticated using (user_id = (select auth.uid())::text);

create policy "users read their own session events" on public.session_events
  for select to authenticated using (user_id = (select auth.uid())::text);

create policy "users read their own flow state" on public.flow_states
  for select to authenticated using (
    exists (select 1 from public.conversation_sessions s
             where s.id = session_id and s.user_id = (select auth.uid())::text));

create policy "the catalog is public" on public.products
  for select to anon, authenticated using (true);

-- Table privileges (Supabase grants these by default; the stand-in needs them too).
grant select on all tables in schema public to anon, authenticated;
grant all on all tables in schema public to service_role;
grant usage, select on all sequences in schema public to service_role;

-- Functions: only the app (service_role / owner) may call them.
revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
alter default privileges in schema public revoke execute on functions from public, anon, authenticated;
alter default privileges in schema public grant execute on functions to service_role;

-- Secrets and counters are never readable through the API roles.
revoke all on public.app_settings, public.rate_limit_buckets, public.session_tag_counters from anon, authenticated;
