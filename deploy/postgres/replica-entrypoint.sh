#!/bin/bash
# The streaming replica of compose.yaml. On an empty data folder: wait for the primary, take a
# base backup of it with pg_basebackup -R (which writes standby.signal and primary_conninfo, so
# the server starts as a hot standby streaming from the primary, through the slot replica1).
# Then run PostgreSQL as the image would. To rebuild a replica (after a failover, or when it
# fell too far behind): stop it, empty its volume, start it.
set -euo pipefail
: "${PRIMARY_HOST:?}" "${REPLICATION_PASSWORD:?}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -q -h "$PRIMARY_HOST" -p 5432; do
    echo "replica: waiting for $PRIMARY_HOST"
    sleep 2
  done
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  gosu postgres pg_basebackup \
    -d "host=$PRIMARY_HOST port=5432 user=replicator password=$REPLICATION_PASSWORD application_name=replica1" \
    -D "$PGDATA" -R -X stream -S replica1 -c fast -P
fi
# A standby needs max_connections at least the primary's (compose.yaml passes the same).
exec gosu postgres postgres "$@"
