#!/usr/bin/env bash
# The indexer's IndexedDB store (indexer-wasm/tests/browser.rs) in headless Chromium:
# cargo builds the test for wasm32-unknown-unknown and runs it through
# wasm-bindgen-test-runner (.cargo/config.toml), which drives Chromium with ChromeDriver
# and the capabilities in indexer-wasm/webdriver.json. scripts/setup.sh installs all three.
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The runner's budget covers the whole test binary (its default is 20 s).
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
# Output of passing tests too (the IndexedDB throughput figure).
cargo test --locked -p teachlink-indexer --target wasm32-unknown-unknown --test browser -- --nocapture "$@"
# The recommender in the browser (recommend/tests/browser.rs): same results as natively,
# cold start; its `measure_…` benchmark (10,000 learners × 5,000 courses) is ignored
# unless `--include-ignored` is passed, and wants --release.
cargo test --locked -p teachlink-recommend --target wasm32-unknown-unknown --test browser -- --nocapture "$@"
