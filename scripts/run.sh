#!/usr/bin/env bash
# The main job. Until the server lands, this is the contract demo: the
# release Wasm of every TeachLink contract on the real Soroban host, walking
# a learner and a teacher through a paid course.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-contracts.sh
exec cargo run --locked --release -q -p teachlink-contract-demo -- "$@"
