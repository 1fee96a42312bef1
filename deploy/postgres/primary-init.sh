#!/bin/bash
# Run once by the postgres image on an empty data folder (/docker-entrypoint-initdb.d): the role
# the replica streams with, the slot that keeps WAL for it, and the pg_hba rule that lets it in.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v pw="$REPLICATION_PASSWORD" <<'SQL'
create role replicator with replication login password :'pw';
-- The primary keeps the WAL the replica has not received (bounded by max_slot_wal_keep_size).
select pg_create_physical_replication_slot('replica1');
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
