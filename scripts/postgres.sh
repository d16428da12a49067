#!/usr/bin/env bash
# A local PostgreSQL for the SQL store's tests and benchmarks (indexer-sql): installs
# Debian's `postgresql` if missing, starts its cluster if nothing listens on
# 127.0.0.1:5432 (there is no systemd here: pg_ctlcluster), creates the role `teachlink`
# (password `teachlink`) and the database `teachlink_test` it owns, and prints the URL:
#
#   export "$(scripts/postgres.sh)"   # sets TEACHLINK_TEST_DATABASE_URL
#
# Safe to run again: every step is skipped when already done. Runs as root (it installs
# packages and switches to the `postgres` user for administration).
set -euo pipefail

HOST=127.0.0.1
PORT=5432
ROLE=teachlink
PASSWORD=teachlink
DATABASE=teachlink_test

log() { printf '[postgres] %s\n' "$*" >&2; }

# --- the server package (Debian's default major version)
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "installing Debian's postgresql"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

# The newest installed major version, and its cluster `main` (created if the package
# install did not make one, e.g. in a container without the post-install hooks).
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
  log "creating cluster $version/main"
  pg_createcluster "$version" main --port "$PORT" >&2
fi

# --- start it unless something already answers on the port
if ! pg_isready -q -h "$HOST" -p "$PORT"; then
  status=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $4 }')
  if [ "$status" != "online" ]; then
    log "starting cluster $version/main"
    pg_ctlcluster "$version" main start >&2
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h "$HOST" -p "$PORT" && break
    sleep 0.5
  done
  if ! pg_isready -q -h "$HOST" -p "$PORT"; then
    log "PostgreSQL $version does not answer on $HOST:$PORT (see /var/log/postgresql/postgresql-$version-main.log)"
    exit 1
  fi
fi

# --- the role and the database (administration through the local socket, as `postgres`)
as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres "$@"; }

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
  log "creating role $ROLE"
  psql_admin -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'"
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]; then
  log "creating database $DATABASE"
  psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE"
fi

url="postgres://$ROLE:$PASSWORD@$HOST:$PORT/$DATABASE"
# The role must be able to log in over TCP with its password (pg_hba's default for
# 127.0.0.1 is scram-sha-256 / md5).
if ! PGPASSWORD=$PASSWORD psql -X -q -h "$HOST" -p "$PORT" -U "$ROLE" -d "$DATABASE" -tAc 'SELECT 1' >/dev/null; then
  log "cannot log in as $ROLE over TCP: check pg_hba.conf of cluster $version/main"
  exit 1
fi

echo "TEACHLINK_TEST_DATABASE_URL=$url"
