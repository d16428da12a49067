#!/usr/bin/env bash
# Rebuilds the contract Wasm and refreshes the contract cost section of
# docs/benchmarks.md (between the contract-costs markers).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build-contracts.sh >/dev/null
# The dev build, which the tests already built: the figures are the host's cost
# model (instructions and bytes it charges), the same in any build profile.
report=$(cargo run --locked -q -p teachlink-tests --bin contract-costs)
python3 - "$report" <<'PY'
import pathlib, sys
path = pathlib.Path("docs/benchmarks.md")
begin, end = "<!-- contract-costs:begin -->", "<!-- contract-costs:end -->"
text = path.read_text()
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
path.write_text(f"{head}{begin}\n{sys.argv[1]}\n{end}{tail}")
PY
echo "$report"
