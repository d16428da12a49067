#!/usr/bin/env bash
# Builds the release Wasm of every TeachLink contract into
# target/wasm32v1-none/contract/ (the `contract` profile), and checks each against the size budget.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every contract's budget is 48 KiB (docs/benchmarks.md); the network's own
# limit (contract_max_size_bytes) is well above it.
budget() { echo $((48 * 1024)); }
contracts=(escrow content reputation rewards bridge)
packages=()
for c in "${contracts[@]}"; do packages+=(-p "teachlink-$c"); done

cargo build --locked --profile contract --target wasm32v1-none "${packages[@]}"

dir="${CARGO_TARGET_DIR:-target}/wasm32v1-none/contract"
status=0
for c in "${contracts[@]}"; do
  wasm="$dir/teachlink_$c.wasm"
  size=$(stat -c %s "$wasm")
  max_bytes=$(budget "$c")
  if [ "$size" -gt "$max_bytes" ]; then
    echo "FAIL $wasm is $size bytes, over the $max_bytes-byte budget" >&2
    status=1
  else
    echo "ok   $wasm $size bytes"
  fi
done
exit $status
