#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster, then removes the cluster.
# initdb refuses root, so the cluster belongs to the postgres user (stack-notes).
set -euo pipefail
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ ! -x "${PG_BIN:-/nonexistent}/initdb" ] || ! id postgres >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
PORT=${PGPORT_TEST:-55432}
TMP=$(mktemp -d /tmp/qualipilote-pg.XXXXXX)
chown postgres "$TMP"
cleanup() {
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$TMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
runuser -u postgres -- "$PG_BIN/initdb" -D "$TMP/data" -U postgres -A trust --no-sync >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$TMP/data" -l "$TMP/log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/qualipilote"
echo "PostgreSQL de test sur le port $PORT"
"$@"
