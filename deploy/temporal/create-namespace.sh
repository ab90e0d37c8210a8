#!/bin/sh
# Compose job `temporal-namespace` (temporalio/admin-tools image, or anywhere the `temporal` CLI
# is on PATH): waits until the Temporal frontend is healthy, then makes sure calsync's namespace and
# search attributes exist. Safe to repeat: what exists is left alone.
#
#   TEMPORAL_ADDRESS               frontend host:port (default temporal:7233)
#   TEMPORAL_NAMESPACE             namespace (default "default")
#   TEMPORAL_NAMESPACE_RETENTION   how long closed workflows are kept, when the namespace is created (default 7d)
#   TEMPORAL_WAIT_ATTEMPTS         health checks 2 s apart before giving up (default 90)
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-7d}"
ATTEMPTS="${TEMPORAL_WAIT_ATTEMPTS:-90}"

# calsync's search attributes, name=type: the keys of src/workflows/search-attributes.ts
# (test/deploy checks that the two lists agree). Opaque ids only: search attributes are not encrypted.
SEARCH_ATTRIBUTES="CalsyncTenantId=Keyword CalsyncUserId=Keyword CalsyncSyncState=Keyword"

attempt=1
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  if [ "$attempt" -ge "$ATTEMPTS" ]; then
    echo "Temporal at $ADDRESS did not become healthy after $ATTEMPTS attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done
echo "Temporal at $ADDRESS is healthy"

if temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace $NAMESPACE created (retention $RETENTION)"
fi

# A namespace just created takes a few seconds to reach every frontend's cache: retry.
register_search_attributes() {
  if ! existing="$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>&1)"; then
    echo "namespace $NAMESPACE is not visible yet, retrying ($existing)"
    return 1
  fi
  for entry in $SEARCH_ATTRIBUTES; do
    name="${entry%%=*}"
    type="${entry#*=}"
    if printf '%s\n' "$existing" | grep -qw "$name"; then
      echo "search attribute $name exists"
    else
      temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
        --name "$name" --type "$type" || return 1
      echo "search attribute $name ($type) created"
    fi
  done
}

attempt=1
until register_search_attributes; do
  if [ "$attempt" -ge 30 ]; then
    echo "could not register the search attributes in namespace $NAMESPACE" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done
echo "namespace $NAMESPACE is ready for calsync"
