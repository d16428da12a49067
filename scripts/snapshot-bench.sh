#!/usr/bin/env bash
# Issue 10's snapshot figures for EVENTS (default 1,000,000) events of synthetic TeachLink
# traffic: natively (seed a SQLite database with seed_synthetic, which archives every
# event; export it as GET /api/snapshot does; size raw and gzip; import it into a fresh
# database as --snapshot does), then in headless Chromium (the same traffic projected,
# encoded, verified and imported into IndexedDB; the ignored `measure_snapshot_import`
# test of indexer-wasm/tests/browser.rs). Prints the figures; they go to
# docs/benchmarks.md by hand, with this command.
#
#   scripts/snapshot-bench.sh            # EVENTS=1000000
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
DIR=${SNAPSHOT_DIR:-/tmp/teachlink-snapshot}
DB="sqlite://$DIR/seeded-$EVENTS.db"

log() { printf '\033[1m[snapshot]\033[0m %s\n' "$*" >&2; }

cargo build --locked --release -q -p teachlink-server --example seed_synthetic --example snapshot_figures
if [ ! -f "$DIR/seeded-$EVENTS.done" ]; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  log "seeding $EVENTS events into $DB"
  target/release/examples/seed_synthetic --database-url "$DB" --events "$EVENTS" --out-dir "$DIR"
  touch "$DIR/seeded-$EVENTS.done"
fi
log "native: export, sizes, import"
target/release/examples/snapshot_figures --database-url "$DB" \
  --deployment "$DIR/deployment.json" --out-dir "$DIR"

log "browser: verify, decode and import into IndexedDB (headless Chromium)"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-1200}"
cargo test --locked --release -p teachlink-indexer --target wasm32-unknown-unknown \
  --test browser -- --include-ignored --nocapture measure_snapshot_import
