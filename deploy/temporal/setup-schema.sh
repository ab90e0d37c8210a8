#!/bin/sh
# Compose job `temporal-schema` (temporalio/admin-tools image): creates Temporal's schemas in the
# `temporal` and `temporal_visibility` databases on the first start, and upgrades them to the
# versions this admin-tools image ships on every later start. Run it with the admin-tools image of
# the same version as the server (docker-compose.yml pins both). The databases and the role are made
# by the postgres-init job first.
#
# `setup-schema -v 0.0` creates the version tables and records version 0.0 on a new database; on a
# database that has a newer version it changes nothing. `update-schema` then applies every
# versioned step above the recorded version, so both are safe to repeat.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must name the PostgreSQL server}"
: "${SQL_PASSWORD:?SQL_PASSWORD (the Temporal role password) must be set}"
DB_USER="${POSTGRES_USER:-temporal}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA_ROOT="${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$DB_USER" "$@"
}

attempt=1
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
  if [ "$attempt" -ge 30 ]; then
    echo "PostgreSQL at $POSTGRES_SEEDS:$DB_PORT is not reachable" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

for target in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  database="${target%%:*}"
  kind="${target#*:}"
  echo "Temporal $kind schema in database $database"
  sql_tool --db "$database" setup-schema -v 0.0
  sql_tool --db "$database" update-schema -d "$SCHEMA_ROOT/$kind/versioned"
done
echo "Temporal schemas are up to date"
