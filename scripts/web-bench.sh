#!/usr/bin/env bash
# Issue 7's figure: time to first render of indexed data in the web app after a reload,
# with EVENTS (default 100,000) events of synthetic traffic in the browser's IndexedDB.
# Seeds a SQLite store (seed_synthetic), serves it and the built app with a release
# server in read-only mode whose RPC is its own archive (`POST /rpc`), and drives headless
# Chromium (scripts/web-bench.py): the first visit fills IndexedDB, then a learner's page
# is reloaded and timed. Prints the figures; they go to docs/benchmarks.md by hand.
#
#   scripts/web-bench.sh            # EVENTS=100000 RUNS=5
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-100000}
RUNS=${RUNS:-5}
PORT=${PORT:-8097}
DIR=${WEB_BENCH_DIR:-/tmp/teachlink-web-bench}
DB="sqlite://$DIR/seeded-$EVENTS.db"

log() { printf '\033[1m[web-bench]\033[0m %s\n' "$*" >&2; }

scripts/build-web.sh
cargo build --locked --release -q -p teachlink-server --bin teachlink-server --example seed_synthetic
if [ ! -f "$DIR/seeded-$EVENTS.done" ]; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  log "seeding $EVENTS events into $DB"
  target/release/examples/seed_synthetic --database-url "$DB" --events "$EVENTS" --out-dir "$DIR"
  touch "$DIR/seeded-$EVENTS.done"
fi

log "starting the server (read-only, its archive as the RPC) on port $PORT"
target/release/teachlink-server --read-only --port "$PORT" --data-dir "$DIR" \
  --database-url "$DB" --rpc-url "http://127.0.0.1:$PORT/rpc" \
  --network-passphrase "Standalone Network ; February 2017" \
  --deployment-file "$DIR/deployment.json" --web-dir web-app/dist >"$DIR/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/api/status" >/dev/null && break
  sleep 0.2
done
# Learner 7 of the synthetic traffic (teachlink_indexer::traffic::account(7)): many escrows.
learner=$(curl -sf "http://127.0.0.1:$PORT/api/escrows?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["depositor"])')
log "timing /users/$learner"
python3 scripts/web-bench.py "http://127.0.0.1:$PORT" "$learner" "$RUNS"
