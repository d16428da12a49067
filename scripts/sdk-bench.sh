#!/usr/bin/env bash
# The SDK's decode benchmark and browser-load sizes beside @stellar/stellar-sdk, in one run:
# builds and packs @teachlink/sdk (scripts/build-sdk.sh), writes 100,000 TeachLink events
# of the indexer's synthetic traffic as getEvents JSON (sdk/examples/bench_events.rs),
# installs the packed package and @stellar/stellar-sdk (17.2.0, pinned by
# sdk/bench/package-lock.json) into a fresh directory, and runs there
#   sdk/bench/decode.mjs   in Node.js: events/s of our `decodeEvents` (the Node.js build)
#                          and of stellar-sdk's `xdr.ScVal.fromXDR` + `scValToNative`
#                          (best of RUNS), their ratio, and each entry's gzipped browser load;
#   sdk/bench/browser.mjs  the same work in headless Chromium, both libraries in one page:
#                          our browser build (web/, what a page downloads) beside
#                          stellar-sdk's browser bundle (dist/stellar-sdk.min.js).
#
#   scripts/sdk-bench.sh [--events N] [--runs RUNS] [--skip-build] [--opt-level L] [--boundary]
#
# --boundary also times decodeEvents' JavaScript boundary variants against each other in
# Chromium (sdk/bench/boundary.html: JSON text or JavaScript objects, in and out), on a
# build of the read side with the `boundary-bench` feature (never in the package).
# --opt-level L builds the browser's Wasm at opt-level L instead of the package's own
# (in target/sdk-opt<L>, so the default build is left alone), and measures that.
set -euo pipefail
cd "$(dirname "$0")/.."

events=100000
runs=5
build=1
opt_level=""
boundary=0
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    --opt-level) opt_level="$2"; shift 2 ;;
    --boundary) boundary=1; shift ;;
    *) echo "usage: scripts/sdk-bench.sh [--events N] [--runs RUNS] [--skip-build] [--opt-level L] [--boundary]" >&2; exit 2 ;;
  esac
done

target_dir="${CARGO_TARGET_DIR:-target}"
work="$(realpath -m "$target_dir/sdk-bench")"
mkdir -p "$work"

pkg=pkg
if [ -n "$opt_level" ]; then
  # Another opt-level: built in a target directory of its own, into a copy of pkg/.
  pkg="$work/pkg-opt$opt_level"
  rm -rf "$pkg" && mkdir -p "$pkg"
  saved="$work/pkg-saved"
  rm -rf "$saved" && mkdir -p "$saved" && cp -r pkg/. "$saved/"
  CARGO_TARGET_DIR="$target_dir/sdk-opt$opt_level" TEACHLINK_SDK_OPT_LEVEL="$opt_level" \
    bash scripts/build-sdk.sh
  cp -r pkg/. "$pkg/"
  # pkg/ as it was (the default build), so other runs are not handed this one.
  rm -rf pkg/web pkg/node pkg/clients pkg/indexer && cp -r "$saved/." pkg/
elif [ "$build" = 1 ] || [ ! -f pkg/web/teachlink_sdk_bg.wasm ]; then
  bash scripts/build-sdk.sh
fi
# The dev profile: the same build as `cargo test -p teachlink-sdk` (generating is not timed).
cargo run --locked -q -p teachlink-sdk --example bench_events -- "$work/data" "$events"

rm -rf "$work/node"
mkdir -p "$work/node"
cp sdk/bench/package.json sdk/bench/package-lock.json sdk/bench/core.mjs sdk/bench/decode.mjs \
  sdk/bench/browser.mjs sdk/bench/webdriver.mjs sdk/bench/browser.html sdk/bench/boundary.html "$work/node/"
npm_flags=(--no-audit --no-fund --prefer-offline --loglevel=error)
rm -f "$work"/teachlink-sdk-*.tgz
(cd "$pkg" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball=$(ls -t "$work"/teachlink-sdk-*.tgz | head -1)
(cd "$work/node" && npm ci "${npm_flags[@]}" && npm install --no-save "${npm_flags[@]}" "$tarball")

echo "Wasm opt-level: browser ${opt_level:-${TEACHLINK_SDK_OPT_LEVEL:-package default}}, Node.js ${TEACHLINK_SDK_NODE_OPT_LEVEL:-3}; $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
(cd "$work/node" && node decode.mjs "$work/data" "$runs" && node browser.mjs "$work/data" "$runs")

if [ "$boundary" = 1 ]; then
  # The read side with decodeEventsVia, built as the package's browser build is.
  rm -rf "$work/boundary"
  CARGO_PROFILE_RELEASE_OPT_LEVEL="${TEACHLINK_SDK_OPT_LEVEL:-z}" CARGO_PROFILE_RELEASE_LTO=true \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_PANIC=abort CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo build --locked --release --target wasm32-unknown-unknown -p teachlink-sdk \
      --no-default-features --features events-js,boundary-bench
  wasm-bindgen --remove-name-section --remove-producers-section --target web \
    --out-name teachlink_sdk --out-dir "$work/boundary" \
    "$target_dir/wasm32-unknown-unknown/release/teachlink_sdk.wasm"
  (cd "$work/node" && node browser.mjs "$work/data" "$runs" boundary.html)
fi
