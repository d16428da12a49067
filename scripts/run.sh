#!/usr/bin/env bash
# The main job: the TeachLink server on its embedded default — a local Soroban network
# in-process with the TeachLink contracts deployed and a demo data set made of real signed
# transactions, the indexer syncing it into SQLite, the REST API, /health, /metrics and
# the web app's files on one port (8080). Flags after the command go to the server
# (`scripts/run.sh --help`; e.g. `--rpc-url … --database-url postgres://…`).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-contracts.sh
scripts/build-web.sh
exec cargo run --locked --release -q -p teachlink-server -- "$@"
