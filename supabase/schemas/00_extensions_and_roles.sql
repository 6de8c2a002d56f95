-- Extensions, schemas and the privileges every other file relies on.
-- The API roles (anon, authenticated, service_role), the extensions schema and auth.uid() are
-- Supabase's own; on plain PostgreSQL and PGlite the migration 20261122000000_supabase_stand_ins
-- stands in for them and runs before these files (docs/architecture.md, "Migrations").
-- Schema `private` holds the helpers: callable by service_role only, never exposed over HTTP.

-- Trigram search on session tags and the catalog (also created by the stand-ins migration, which
-- a Supabase project does not need).
create extension if not exists pg_trgm with schema extensions;

-- A function is executable by PUBLIC unless the global default says otherwise, and a per-schema
-- default cannot take that away: new functions of this role are callable by nobody until granted
-- (each function carries its own grants beside it).
alter default privileges revoke execute on functions from public;

CREATE SCHEMA private;

GRANT USAGE ON SCHEMA private TO service_role;

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON FUNCTIONS  TO service_role;
