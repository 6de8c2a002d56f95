-- Agent names come from the agents table everywhere (docs/architecture.md, "A chat turn"): an
-- agent added by SQL shows by its name in the widget's header after a reload, in the trace
-- explorer's filter and column and on the dashboard, not by its key.

set lock_timeout = '5s';

-- A session's JSON (history, turns, trace detail) carries its agent's name.
create or replace function public.session_json(p_session_id uuid) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
begin
  return (
    select jsonb_build_object(
      'id', s.id, 'user_id', s.user_id, 'channel', s.channel, 'agent_type', s.agent_type,
      'agent_name', coalesce(a.name, s.agent_type),
      'session_tag', s.session_tag, 'is_active', s.is_active, 'tracking_enabled', s.tracking_enabled,
      'started_at', s.started_at, 'last_activity_at', s.last_activity_at, 'ended_at', s.ended_at,
      'end_reason', s.end_reason, 'duration_seconds', s.duration_seconds,
      'model', jsonb_build_object('id', m.id, 'key', m.key, 'name', m.name, 'provider', m.provider),
      'trace_id', t.id)
      from public.conversation_sessions s
      join public.llm_models m on m.id = s.model_id
      left join public.agents a on a.key = s.agent_type
      left join public.llm_traces t on t.session_id = s.id
     where s.id = p_session_id);
end
$$;

revoke all on function public.session_json(uuid) from public;
grant all on function public.session_json(uuid) to service_role;

-- Every agent, enabled or not (a trace may belong to a disabled one), in menu order: the
-- operator screens' agent names and the explorer's agent filter.
create or replace function public.operator_agents() returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('key', a.key, 'name', a.name, 'is_enabled', a.is_enabled)
                            order by a.menu_position), '[]'::jsonb)
    from public.agents a
$$;

revoke all on function public.operator_agents() from public;
grant all on function public.operator_agents() to service_role;
