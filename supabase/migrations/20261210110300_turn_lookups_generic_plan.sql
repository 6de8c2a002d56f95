-- turn_lookups_generic_plan: written by hand (docs/architecture.md, "Migrations"): `npm run db:diff` found no
-- change, because migra does not compare a function's SET clauses (proconfig); the schema files declare the same.
-- Review it; write data changes and renames by hand below. Once released, never edit it.

-- it takes locks on objects that serve traffic: wait at most 5 s for each, then fail whole (and retry later)
set lock_timeout = '5s';

-- the session's last agent message (a pressed button, a menu number) by the session's own index, never by a plan
-- made for one long session that walks the table-wide seq index back (docs/performance.md, "The catalog search
-- and begin_turn")
ALTER FUNCTION private.action_source(p_session_id uuid, p_action jsonb, OUT message_id uuid, OUT metadata jsonb, OUT label text) SET plan_cache_mode TO 'force_generic_plan';
ALTER FUNCTION private.menu_pick(p_session_id uuid, p_message text) SET plan_cache_mode TO 'force_generic_plan';
