#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the real-PostgreSQL tests and benchmarks, with two roles:
#   panops_owner  owns the database and applies migrations   (MIGRATE_DATABASE_URL)
#   panops_app    the runtime role: no ownership, no superuser, no BYPASSRLS (DATABASE_URL)
# Prints the two `export` lines to eval. Commits stay durable (fsync and synchronous_commit keep their defaults).
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGDATA="${PGDATA:-/tmp/panops-pg-$PGPORT}"
# PostgreSQL's default 128 MB buffer cache is sized for tiny machines; with it, every search over the benchmarks'
# million-record table reads most pages through the kernel. 2 GB holds that table and its indexes.
SHARED_BUFFERS="${SHARED_BUFFERS:-2GB}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -f "$PGDATA/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; fi
rm -rf "$PGDATA"
mkdir -p "$PGDATA"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
as_pg "$BIN/initdb" -D "$PGDATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGDATA -c max_connections=200 -c shared_buffers=$SHARED_BUFFERS" start >/dev/null
as_pg "$BIN/psql" -h "$PGDATA" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE panops_owner LOGIN PASSWORD 'panops_owner' CREATEROLE;
CREATE ROLE panops_app LOGIN PASSWORD 'panops_app' NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE panops OWNER panops_owner;
SQL
echo "export DATABASE_URL=postgres://panops_app:panops_app@127.0.0.1:$PGPORT/panops"
echo "export MIGRATE_DATABASE_URL=postgres://panops_owner:panops_owner@127.0.0.1:$PGPORT/panops"
