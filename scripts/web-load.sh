#!/usr/bin/env bash
# Issue 19's load figures for the web app, on a learner's page served by the main
# command's server (embedded localnet, demo data, SQLite; release build):
#   1. the initial load's gzipped sizes (scripts/build-web.sh prints them);
#   2. first visits in headless Chromium throttled through the DevTools protocol
#      (1.6 Mbps down, 150 ms RTT, CPU 4x slower) until the page shows its data, and
#      settled reloads (scripts/web-load.py);
#   3. Lighthouse 12.2.3 (npm, installed into scripts/lighthouse/ on first use), default
#      mobile profile, Chromium from /usr/bin/chromium: performance score, LCP, FCP, TBT.
# Prints the figures; they go to docs/benchmarks.md by hand.
#
#   scripts/web-load.sh            # RUNS=5 LIGHTHOUSE_RUNS=3 PROFILE=release SKIP_BUILD=
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
# The server's cargo profile (`debug` reuses the test build; the figures are the page's).
PROFILE=${PROFILE:-release}
LIGHTHOUSE_RUNS=${LIGHTHOUSE_RUNS:-3}
PORT=${PORT:-18090}
log() { printf '\033[1m[web-load]\033[0m %s\n' "$*" >&2; }

# SKIP_BUILD=1: use what is built (contracts, web-app/dist, the server binary).
if [ -z "${SKIP_BUILD:-}" ]; then
  scripts/build-contracts.sh >/dev/null
  scripts/build-web.sh
  if [ "$PROFILE" = release ]; then
    cargo build --locked --release -q -p teachlink-server --bin teachlink-server
  else
    cargo build --locked -q -p teachlink-server --bin teachlink-server
  fi
fi
if [ ! -x scripts/lighthouse/node_modules/.bin/lighthouse ]; then
  log "installing lighthouse 12.2.3 into scripts/lighthouse"
  npm install --prefix scripts/lighthouse --no-audit --no-fund --no-save >&2
fi

data=$(mktemp -d)
log "starting the main command's server on port $PORT (data in $data)"
"target/$PROFILE/teachlink-server" --port "$PORT" --localnet-port $((PORT + 1)) --data-dir "$data" \
  --web-dir web-app/dist >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
base="http://127.0.0.1:$PORT"
for _ in $(seq 1 480); do
  curl -sf "$base/api/status" | grep -q '"state":"done"' && break
  sleep 0.5
done
# Alan: a demo learner who paid for a course (escrows, completions, recommendations).
learner=$(curl -sf "$base/api/status" | python3 -c '
import json, sys
people = json.load(sys.stdin)["demo"]["people"]
print(next(p["account"] for p in people if p["name"] == "alan"))')
url="$base/users/$learner"
log "first visits and reloads of $url"
python3 scripts/web-load.py "$base" "$learner" "$RUNS"

log "lighthouse on $url"
for i in $(seq 1 "$LIGHTHOUSE_RUNS"); do
  CHROME_PATH=/usr/bin/chromium scripts/lighthouse/node_modules/.bin/lighthouse "$url" \
    --quiet --output=json --output-path="$data/lighthouse-$i.json" \
    --chrome-flags="--headless=new --no-sandbox" \
    --only-categories=performance,accessibility,best-practices
  python3 - "$data/lighthouse-$i.json" "$i" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a, c = r["audits"], r["categories"]
ms = lambda k: a[k]["numericValue"]
print(f"lighthouse {sys.argv[2]}: performance {c['performance']['score'] * 100:.0f}, "
      f"LCP {ms('largest-contentful-paint') / 1000:.2f} s, FCP {ms('first-contentful-paint') / 1000:.2f} s, "
      f"TBT {ms('total-blocking-time'):.0f} ms, TTI {ms('interactive') / 1000:.2f} s, "
      f"speed index {ms('speed-index') / 1000:.2f} s, "
      f"accessibility {c['accessibility']['score'] * 100:.0f}, best practices {c['best-practices']['score'] * 100:.0f}; "
      f"transferred {a['total-byte-weight']['numericValue'] / 1000:.0f} kB")
PY
done
