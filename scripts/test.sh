#!/usr/bin/env bash
# The whole test suite: formatting, lints, the release Wasm of every
# contract, every Rust test (native, the built Wasm on the real host,
# localnet over JSON-RPC), then the JS clients against localnet.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
echo "== contract wasm (release)"
scripts/build-contracts.sh
echo "== tests"
cargo test --locked --workspace
echo "== JS clients against localnet"
cargo build --locked -p teachlink-localnet
npm test --prefix tests/js
