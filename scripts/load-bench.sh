#!/usr/bin/env bash
# The REST load benchmark of issue 5: a release server in read-only mode over a SQLite
# database holding EVENTS (default 1,000,000) indexed events of synthetic TeachLink
# traffic, driven by wrk (Debian's) with a mix of entity and list requests:
#   1. paced at about RATE (default 2,000) requests/s for DURATION seconds: p50/p99, errors;
#   2. unpaced (as fast as the server answers): the saturation throughput.
# Client and server share this machine's cores. Prints wrk's RESULT lines; the figures go
# to docs/benchmarks.md by hand, with this command.
#
#   scripts/load-bench.sh            # EVENTS=1000000 RATE=2000 DURATION=30 CONNECTIONS=20
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
RATE=${RATE:-2000}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-20}
PORT=${PORT:-8099}
DIR=${LOAD_DIR:-/tmp/teachlink-load}
DB="sqlite://$DIR/teachlink-$EVENTS.db"

log() { printf '\033[1m[load]\033[0m %s\n' "$*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y -qq wrk >&2; }

cargo build --locked --release -q -p teachlink-server --bin teachlink-server --example seed_synthetic
if [ ! -f "$DIR/teachlink-$EVENTS.db.seeded" ]; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  log "seeding $EVENTS events into $DB"
  target/release/examples/seed_synthetic --database-url "$DB" --events "$EVENTS" --out-dir "$DIR"
  touch "$DIR/teachlink-$EVENTS.db.seeded"
fi

log "starting the server (read-only) on port $PORT"
# No RPC answers on port 9: the server is a read replica, /health says degraded.
target/release/teachlink-server --read-only --port "$PORT" --data-dir "$DIR" \
  --database-url "$DB" --rpc-url http://127.0.0.1:9/ \
  --network-passphrase "Standalone Network ; February 2017" \
  --deployment-file "$DIR/deployment.json" >"$DIR/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/api/status" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/api/status" | head -c 400; echo

# Every path answers 2xx before anything is timed (a 404 would be a cheap answer).
head -n 16 "$DIR/paths.txt" | while read -r path; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  [ "$code" = 200 ] || { log "$path answered $code"; exit 1; }
done

# Each connection waits for its answer before the pause: take ~1 ms of latency off.
pace=$(( CONNECTIONS * 1000 / RATE - 1 ))
export PATHS="$DIR/paths.txt"
log "warm-up: 5 s unpaced"
PACE_MS=0 wrk -t2 -c"$CONNECTIONS" -d5s -s scripts/load/paths.lua "http://127.0.0.1:$PORT" >/dev/null
log "paced: $CONNECTIONS connections, ${pace} ms between a connection's requests (≈ $RATE requests/s), ${DURATION} s"
PACE_MS=$pace wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s scripts/load/paths.lua "http://127.0.0.1:$PORT" | grep RESULT
log "unpaced: $CONNECTIONS connections, ${DURATION} s"
PACE_MS=0 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s scripts/load/paths.lua "http://127.0.0.1:$PORT" | grep RESULT
