#!/usr/bin/env bash
# Slow and idle clients against a release server (issue 17, item 7): a read-only server
# over EVENTS (default 100,000) indexed events, SLOW (default 2,000) connections held open
# by scripts/load/slow_clients.py (half silent, half slowloris, each reopened as soon as
# the server closes it), and meanwhile normal requests by wrk (Debian's) paced at about
# RATE (default 500) requests/s for DURATION seconds: their p50/p99 and errors. Then the
# server is sent SIGTERM with the slow connections still open: the time until it exited.
# Client and server share this machine's cores. Prints RESULT/SLOW/SHUTDOWN lines; the
# figures go to docs/benchmarks.md by hand, with this command.
#
#   scripts/slow-clients-bench.sh     # EVENTS=100000 SLOW=2000 RATE=500 DURATION=20
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-100000}
SLOW=${SLOW:-2000}
RATE=${RATE:-500}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-10}
PORT=${PORT:-8098}
DIR=${LOAD_DIR:-/tmp/teachlink-slow}
DB="sqlite://$DIR/teachlink-$EVENTS.db"

log() { printf '\033[1m[slow]\033[0m %s\n' "$*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y -qq wrk >&2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

cargo build --locked --release -q -p teachlink-server --bin teachlink-server --example seed_synthetic
if [ ! -f "$DIR/teachlink-$EVENTS.db.seeded" ]; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  log "seeding $EVENTS events into $DB"
  target/release/examples/seed_synthetic --database-url "$DB" --events "$EVENTS" --out-dir "$DIR"
  touch "$DIR/teachlink-$EVENTS.db.seeded"
fi

log "starting the server (read-only, default limits) on port $PORT"
target/release/teachlink-server --read-only --port "$PORT" --data-dir "$DIR" \
  --database-url "$DB" --rpc-url http://127.0.0.1:9/ \
  --network-passphrase "Standalone Network ; February 2017" \
  --deployment-file "$DIR/deployment.json" >"$DIR/server.log" 2>&1 &
server=$!
slow=
cleanup() {
  [ -n "$slow" ] && kill "$slow" 2>/dev/null || true
  kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/api/status" >/dev/null 2>&1 && break
  sleep 0.2
done
head -n 16 "$DIR/paths.txt" | while read -r path; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  [ "$code" = 200 ] || { log "$path answered $code"; exit 1; }
done

log "opening $SLOW slow and idle connections"
python3 scripts/load/slow_clients.py 127.0.0.1 "$PORT" "$SLOW" >"$DIR/slow.log" 2>&1 &
slow=$!
sleep 8
tail -n 1 "$DIR/slow.log"

pace=$(( CONNECTIONS * 1000 / RATE - 1 ))
export PATHS="$DIR/paths.txt"
log "normal requests: $CONNECTIONS connections, ${pace} ms apart (≈ $RATE requests/s), ${DURATION} s, beside the slow ones"
PACE_MS=$pace wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s scripts/load/paths.lua "http://127.0.0.1:$PORT" | grep RESULT
tail -n 1 "$DIR/slow.log"
established=$(ss -Htn state established "( sport = :$PORT )" | wc -l)
echo "SLOW established_server_side=$established"

log "SIGTERM with the slow connections open"
start=$(date +%s.%N)
kill -TERM "$server"
wait "$server" || true
end=$(date +%s.%N)
echo "SHUTDOWN seconds=$(echo "$end - $start" | bc)"
grep -c "closing the connections still open" "$DIR/server.log" | sed 's/^/SHUTDOWN forced_close_warnings=/'
