#!/bin/sh
# Compose job `postgres-init` (postgres image): makes sure the roles and databases of Temporal and of
# calsync exist, and sets the roles' passwords from the env file. Safe to run on every start: it
# creates what is missing and re-applies the passwords, so changing a password in .env and running
# `docker compose up` again rotates it (restart the services that use it afterwards).
#
# Connection as the PostgreSQL superuser: PGHOST, PGPORT, PGUSER, PGPASSWORD (libpq variables).
# Passwords are read inside psql (\getenv), so they never appear on a command line.
set -eu

: "${PGHOST:?PGHOST must name the PostgreSQL server}"
: "${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD in .env}"
: "${CALSYNC_DB_PASSWORD:?set CALSYNC_DB_PASSWORD in .env}"

export TEMPORAL_DB_USER="${TEMPORAL_DB_USER:-temporal}"
export TEMPORAL_DB_NAME="${TEMPORAL_DB_NAME:-temporal}"
export TEMPORAL_VISIBILITY_DB_NAME="${TEMPORAL_VISIBILITY_DB_NAME:-temporal_visibility}"
export CALSYNC_DB_USER="${CALSYNC_DB_USER:-calsync}"
export CALSYNC_DB_NAME="${CALSYNC_DB_NAME:-calsync}"

attempt=1
until pg_isready -q -d postgres; do
  if [ "$attempt" -ge 30 ]; then
    echo "PostgreSQL at $PGHOST did not accept connections" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

psql -X -q -v ON_ERROR_STOP=1 -d postgres -f "$(dirname "$0")/init-databases.sql"
echo "roles $TEMPORAL_DB_USER, $CALSYNC_DB_USER and databases $TEMPORAL_DB_NAME, $TEMPORAL_VISIBILITY_DB_NAME, $CALSYNC_DB_NAME are ready"
