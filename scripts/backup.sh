#!/usr/bin/env bash
# Backs up the TeachLink server's store, online (the server may keep running).
#
#   scripts/backup.sh DATABASE_URL BACKUP_FILE
#
#   sqlite://PATH        SQLite's online backup (`VACUUM INTO`): a consistent copy of
#                        the last committed transaction, taken while the server writes;
#                        checked with `PRAGMA integrity_check`. Needs the sqlite3 CLI.
#   postgres://…         pg_dump --format=custom (one consistent snapshot). With
#                        TEACHLINK_PG_SCHEMA set, only that schema is dumped (the store
#                        kept in a schema of its own via `?options=-c search_path=…`).
#
# The backup holds everything: entities, the checkpoint and cursor, retention gaps
# and the archive of raw events. Restore with scripts/restore.sh. See
# docs/INCIDENT_RESPONSE.md ("Back up and restore the store") for RPO and RTO.
set -euo pipefail

fail() { printf '[backup] FAILED: %s\n' "$*" >&2; exit 1; }
[ $# -eq 2 ] || fail "usage: scripts/backup.sh DATABASE_URL BACKUP_FILE"
url=$1
out=$2
[ -e "$out" ] && fail "$out exists: give a new file (backups are never overwritten)"

case "$url" in
  sqlite::memory:|sqlite://:memory:) fail "an in-memory database cannot be backed up" ;;
  sqlite:*)
    command -v sqlite3 >/dev/null || fail "the sqlite3 CLI is missing (Debian: apt-get install sqlite3)"
    path=${url#sqlite:}
    path=${path#//}
    path=${path%%\?*}
    [ -f "$path" ] || fail "no database file at $path"
    tmp="$out.partial"
    rm -f "$tmp"
    # VACUUM INTO reads inside one transaction: a consistent copy while the server
    # writes (WAL mode), compacted, and not touching the live file.
    sqlite3 -bail "$path" ".timeout 10000" "VACUUM INTO '${tmp//\'/\'\'}'"
    check=$(sqlite3 -bail "$tmp" "PRAGMA integrity_check")
    [ "$check" = "ok" ] || { rm -f "$tmp"; fail "the copy does not pass integrity_check: $check"; }
    mv "$tmp" "$out"
    ;;
  postgres://*|postgresql://*)
    command -v pg_dump >/dev/null || fail "pg_dump is missing (Debian: apt-get install postgresql-client)"
    schema=()
    [ -n "${TEACHLINK_PG_SCHEMA:-}" ] && schema=(--schema="$TEACHLINK_PG_SCHEMA")
    pg_dump --format=custom --no-owner --no-privileges "${schema[@]}" --file="$out.partial" --dbname="$url"
    mv "$out.partial" "$out"
    ;;
  *) fail "unsupported database URL (sqlite://PATH or postgres://…)" ;;
esac
printf '[backup] %s (%s bytes)\n' "$out" "$(stat -c %s "$out")"
