#!/bin/sh
# Prints .env.example with every empty secret filled with fresh random values:
#
#   sh deploy/new-env.sh > .env && chmod 600 .env
#
# PUBLIC_BASE_URL stays empty: set it yourself (docker compose refuses to start without it).
# Reads the template from the first argument, default .env.example beside this folder.
set -eu

template="${1:-$(dirname "$0")/../.env.example}"
[ -r "$template" ] || { echo "cannot read $template" >&2; exit 1; }

# Letters and digits only: database passwords end up inside a connection URL.
hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
b64key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
stamp="$(date -u +%Y%m%d)"

while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    POSTGRES_PASSWORD= | TEMPORAL_DB_PASSWORD= | CALSYNC_DB_PASSWORD=) echo "${line}$(hex 24)" ;;
    CALSYNC_SECRETS_KEYS=) echo "${line}s${stamp}:$(b64key)" ;;
    CALSYNC_CODEC_KEYS=) echo "${line}c${stamp}:$(b64key)" ;;
    CALSYNC_BOOTSTRAP_ADMIN_KEY=) echo "${line}csk_$(hex 32)" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$template"
