-- Agent snapshots hold the instructions, which are the team's own like public.agents'
-- (20261129000000_agents_and_observations.sql): the API roles read neither. The app reads them
-- as service_role through the functions (docs/rules.md, "Agents as data").
drop policy if exists "agent versions are readable" on public.agent_versions;
revoke all on public.agent_versions from anon, authenticated;
