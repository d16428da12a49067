#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into the TeachLink server's store.
#
#   scripts/restore.sh BACKUP_FILE DATABASE_URL
#
# Stop the indexing server first (for SQLite this is checked: the indexer's lock file
# must be free). The restored store resumes syncing from the checkpoint in the backup:
# the events after it are fetched again from the RPC (or another server's archive),
# and events already applied are skipped, so nothing is lost or counted twice as
# long as the RPC still holds the ledgers after the backup's checkpoint.
#
#   sqlite://PATH   the backup file replaces PATH (its -wal and -shm files removed);
#                   checked with `PRAGMA integrity_check` first.
#   postgres://…    pg_restore --clean --if-exists in one transaction: all of it or
#                   nothing (a schema dumped with TEACHLINK_PG_SCHEMA is recreated).
set -euo pipefail

fail() { printf '[restore] FAILED: %s\n' "$*" >&2; exit 1; }
[ $# -eq 2 ] || fail "usage: scripts/restore.sh BACKUP_FILE DATABASE_URL"
backup=$1
url=$2
[ -f "$backup" ] || fail "no backup file at $backup"

case "$url" in
  sqlite:*)
    command -v sqlite3 >/dev/null || fail "the sqlite3 CLI is missing (Debian: apt-get install sqlite3)"
    path=${url#sqlite:}
    path=${path#//}
    path=${path%%\?*}
    [ "$path" = ":memory:" ] && fail "cannot restore into an in-memory database"
    check=$(sqlite3 -bail -readonly "$backup" "PRAGMA integrity_check" 2>&1) || true
    [ "$check" = "ok" ] || fail "$backup is not a sound SQLite database: $check"
    lock="$path.indexer.lock"
    if [ -e "$lock" ] && command -v flock >/dev/null; then
      exec 9<>"$lock"
      flock -n 9 || fail "a server is indexing into $path (its lock $lock is held): stop it first"
    fi
    mkdir -p "$(dirname "$path")"
    cp "$backup" "$path.restoring"
    rm -f "$path-wal" "$path-shm"
    mv "$path.restoring" "$path"
    ;;
  postgres://*|postgresql://*)
    command -v pg_restore >/dev/null || fail "pg_restore is missing (Debian: apt-get install postgresql-client)"
    # The dump holds exactly what backup.sh dumped (one schema with TEACHLINK_PG_SCHEMA,
    # its CREATE SCHEMA included): restore all of it.
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
      --dbname="$url" "$backup"
    ;;
  *) fail "unsupported database URL (sqlite://PATH or postgres://…)" ;;
esac
printf '[restore] %s restored\n' "$backup"
