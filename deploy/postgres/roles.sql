-- Harbor's Postgres roles for one service: a migration role that owns the service's schema and a runtime
-- role that may only read and write its tables (no CREATE anywhere). Run once per service as a role that may
-- create roles (e.g. the managed instance's admin), in the Harbor database:
--
--   psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -v database=harbor -v schema=intake \
--        -v migrator=harbor_intake_migrator -v runtime=harbor_intake -f deploy/postgres/roles.sql
--
-- then give both roles passwords (psql: \password harbor_intake_migrator) and put their URLs in the
-- Secrets: <service>-migration-database-url (migrator) and <service>-database-url (runtime).
-- Re-running it on an existing install fails at CREATE ROLE; the GRANTs below it are the part to repeat.

CREATE ROLE :"migrator" LOGIN;
CREATE ROLE :"runtime" LOGIN;
GRANT CONNECT ON DATABASE :"database" TO :"migrator", :"runtime";

-- The admin needs membership to hand the schema to the migrator (implicit for a superuser).
GRANT :"migrator" TO CURRENT_USER;
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"migrator";
GRANT USAGE ON SCHEMA :"schema" TO :"runtime";

-- Tables and sequences the migrator creates later are usable by the runtime role...
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA :"schema" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"runtime";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA :"schema" GRANT USAGE, SELECT ON SEQUENCES TO :"runtime";
-- ...and so are those that exist already (an install that used to migrate at start).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"runtime";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA :"schema" TO :"runtime";
