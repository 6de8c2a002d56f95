-- The handoff targets begin_turn returns carry the whole agent (its current version), so the
-- handoff tool runs the target agent in the same turn without another round trip
-- (docs/architecture.md "A chat turn").
create or replace function private.handoff_agents(p_handoffs jsonb)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(private.agent_json(a.key, a.version) order by a.menu_position), '[]'::jsonb)
    from public.agents a
   where a.is_enabled
     and a.key in (select jsonb_array_elements_text(case when jsonb_typeof(p_handoffs) = 'array' then p_handoffs else '[]'::jsonb end))
$$;

revoke all on all functions in schema private from public, anon, authenticated;
grant execute on all functions in schema private to service_role;
