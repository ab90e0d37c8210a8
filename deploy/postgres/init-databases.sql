-- Roles and databases of Temporal and calsync on one PostgreSQL server (run by init-databases.sh).
-- Idempotent. Each service gets its own login role that owns its databases and nothing else, so a
-- leaked calsync password does not open Temporal's history, and the other way round.
\getenv temporal_user TEMPORAL_DB_USER
\getenv temporal_password TEMPORAL_DB_PASSWORD
\getenv temporal_db TEMPORAL_DB_NAME
\getenv visibility_db TEMPORAL_VISIBILITY_DB_NAME
\getenv calsync_user CALSYNC_DB_USER
\getenv calsync_password CALSYNC_DB_PASSWORD
\getenv calsync_db CALSYNC_DB_NAME

CREATE TEMP TABLE wanted_roles (name text, password text);
INSERT INTO wanted_roles VALUES (:'temporal_user', :'temporal_password'), (:'calsync_user', :'calsync_password');

CREATE TEMP TABLE wanted_databases (name text, owner text);
INSERT INTO wanted_databases VALUES
  (:'temporal_db', :'temporal_user'),
  (:'visibility_db', :'temporal_user'),
  (:'calsync_db', :'calsync_user');

-- Login roles without special powers; the password is (re)applied on every run.
SELECT format('CREATE ROLE %I', name) FROM wanted_roles
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', name, password)
  FROM wanted_roles \gexec

-- Databases, each owned by its service's role (the owner may create tables, and the trusted
-- btree_gin extension Temporal's visibility schema uses).
SELECT format('CREATE DATABASE %I OWNER %I', name, owner) FROM wanted_databases
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = name) \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', name, owner) FROM wanted_databases \gexec
-- Only the owner connects (PUBLIC may connect to a new database by default).
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', name) FROM wanted_databases \gexec
