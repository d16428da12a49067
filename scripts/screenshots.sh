#!/usr/bin/env bash
# Regenerates docs/screenshots/: builds the web app, starts the server on its embedded
# default (localnet + demo data + SQLite) on a spare port, waits for the demo, and
# captures the main pages at desktop and phone widths in headless Chromium
# (scripts/screenshots.py).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-contracts.sh
scripts/build-web.sh
cargo build --locked -q -p teachlink-server
data=$(mktemp -d)
port=18080
target/debug/teachlink-server --port "$port" --localnet-port 18000 --data-dir "$data" \
  >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$port/api/status" | grep -q '"state":"done"'; then break; fi
  sleep 0.5
done
python3 scripts/screenshots.py "http://127.0.0.1:$port" docs/screenshots
