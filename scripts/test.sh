#!/usr/bin/env bash
# The whole test suite: formatting, lints, the release Wasm of every
# contract, then every test: native, the built Wasm on the real host,
# localnet over JSON-RPC, and @stellar/stellar-sdk from npm and the Python stellar-sdk from
# PyPI against localnet (localnet/tests/js_sdk.rs runs tests/js, python_sdk.rs tests/python).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# A one-shot build gains nothing from incremental caches; they only take disk.
export CARGO_INCREMENTAL=0
# PostgreSQL for the SQL store's and the server's tests (started if not running).
export "$(scripts/postgres.sh)"
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
echo "== indexer for the browser (wasm32-unknown-unknown)"
cargo clippy --locked -p teachlink-indexer --target wasm32-unknown-unknown --all-targets -- -D warnings
echo "== recommender, web app (and its on-demand modules) and the SDK's light indexer for the browser (wasm32-unknown-unknown)"
cargo clippy --locked -p teachlink-recommend -p teachlink-web-app -p teachlink-web-app-tx \
  -p teachlink-web-app-reco -p teachlink-sdk \
  --features teachlink-sdk/light-indexer --target wasm32-unknown-unknown --all-targets -- -D warnings
echo "== the SDK without its JavaScript API, as the web app links it (wasm32-unknown-unknown)"
cargo clippy --locked -p teachlink-sdk --no-default-features --target wasm32-unknown-unknown -- -D warnings
echo "== the SDK's npm entries alone: the read side (+ its boundary benchmark), the transaction side (wasm32-unknown-unknown)"
cargo clippy --locked -p teachlink-sdk --no-default-features --features events-js,boundary-bench \
  --target wasm32-unknown-unknown -- -D warnings
cargo clippy --locked -p teachlink-sdk --no-default-features --features clients-js \
  --target wasm32-unknown-unknown -- -D warnings
echo "== contract wasm (release)"
scripts/build-contracts.sh
echo "== web app (release Wasm into web-app/dist; web-app/tests/browser.rs drives it)"
scripts/build-web.sh
echo "== tests"
cargo test --locked --workspace
echo "== size budgets of what ships to browsers (size-budgets.tsv; pkg/ was built by the SDK's tests)"
scripts/size-budgets.sh
echo "== indexer's IndexedDB store and the recommender in headless Chromium"
scripts/browser-tests.sh
echo "== alert rules, their unit tests, dashboards and runbook links"
scripts/check-observability.sh
