#!/usr/bin/env bash
# Measures scripts/backup.sh and scripts/restore.sh on a store of EVENTS synthetic
# events (default 1,000,000; entities, checkpoint and the archive of raw events, as the
# server writes them): SQLite always, PostgreSQL too when TEACHLINK_TEST_DATABASE_URL is
# set (a schema of its own, dropped at the end). Prints sizes and wall-clock seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
DIR=${BENCH_DIR:-/tmp/teachlink-backup-bench}
log() { printf '[backup-bench] %s\n' "$*" >&2; }
secs() { local s=$1; echo "$(( $(date +%s%N) - s ))" | awk '{printf "%.2f", $1/1e9}'; }

cargo build --locked --release -q -p teachlink-server --example seed_synthetic
rm -rf "$DIR" && mkdir -p "$DIR"

bench() {
  local url=$1 name=$2
  local t
  t=$(date +%s%N)
  target/release/examples/seed_synthetic --database-url "$url" --events "$EVENTS" --out-dir "$DIR/$name" >&2
  log "$name: seeded $EVENTS events in $(secs "$t") s"
  t=$(date +%s%N)
  scripts/backup.sh "$url" "$DIR/$name.backup" >&2
  local backup_s
  backup_s=$(secs "$t")
  t=$(date +%s%N)
  scripts/restore.sh "$DIR/$name.backup" "$url" >&2
  local restore_s
  restore_s=$(secs "$t")
  echo "$name: $EVENTS events; backup $(stat -c %s "$DIR/$name.backup") bytes in $backup_s s; restore in $restore_s s"
}

db="$DIR/teachlink.db"
bench "sqlite://$db" sqlite
log "sqlite: live database $(du -cb "$db"* | tail -1 | cut -f1) bytes"

if [ -n "${TEACHLINK_TEST_DATABASE_URL:-}" ]; then
  schema="backup_bench_$$"
  psql -q "$TEACHLINK_TEST_DATABASE_URL" -c "CREATE SCHEMA $schema"
  trap 'psql -q "$TEACHLINK_TEST_DATABASE_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true' EXIT
  sep='?'; case "$TEACHLINK_TEST_DATABASE_URL" in *\?*) sep='&' ;; esac
  export TEACHLINK_PG_SCHEMA=$schema
  bench "$TEACHLINK_TEST_DATABASE_URL${sep}options=-c%20search_path%3D$schema" postgres
fi
