#!/usr/bin/env bash
# Builds the web app (web-app/, Leptos, client-side) into web-app/dist, which the server
# serves at /: three release Wasm modules for wasm32-unknown-unknown, each through
# wasm-bindgen (--target web) — the app itself (the initial load), the transaction module
# (web-app/tx, fetched when a wallet action starts) and the recommender (web-app/reco,
# fetched when a page first needs a list) — plus index.html from the repo root, the
# stylesheet and the service worker. Every file also gets a gzip -9 copy (`F.gz`), which
# the server sends to browsers that accept gzip. No tool that downloads binaries at run
# time. Prints each file's gzipped size and the initial load's total.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
  echo "wasm-bindgen-cli $version is required (scripts/setup.sh installs it)" >&2
  exit 1
fi

dist=web-app/dist
rm -rf "$dist"
mkdir -p "$dist"

# One module: its release Wasm at small-code settings (this build only), then wasm-bindgen.
# Each crate is built by a cargo run of its own, right before its wasm-bindgen: the app
# links the other two crates' plain types with their feature `module` off, and one run
# building all three would unify that feature on and put their exports into the app.
module() {
  local package=$1 name=$2
  CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
  CARGO_PROFILE_RELEASE_LTO=true \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_PROFILE_RELEASE_PANIC=abort \
  CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo build --locked --release --target wasm32-unknown-unknown -p "$package"
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-name "$name" --out-dir "$dist" \
    "$target_dir/wasm32-unknown-unknown/release/$name.wasm"
  # Optional: wasm-opt from `cargo install wasm-opt` (never Debian's binaryen, whose version
  # breaks wasm-bindgen output). Opt in with TEACHLINK_WASM_OPT=/path/to/wasm-opt; it made
  # the gzipped Wasm larger when measured (docs/benchmarks.md).
  if [ -n "${TEACHLINK_WASM_OPT:-}" ]; then
    "$TEACHLINK_WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-reference-types --enable-multivalue \
      -o "$dist/${name}_bg.wasm" "$dist/${name}_bg.wasm"
  fi
}
module teachlink-web-app teachlink_web_app
module teachlink-web-app-tx teachlink_web_app_tx
module teachlink-web-app-reco teachlink_web_app_reco

# The app's module must not carry the other modules' exports (see `module` above).
for export in send recommend; do
  if grep -q "^export function $export\b\|^export async function $export\b" "$dist/teachlink_web_app.js"; then
    echo "the app's module exports $export: an on-demand module was linked into it" >&2
    exit 1
  fi
done

cp index.html "$dist/index.html"
cp web-app/style/app.css "$dist/app.css"
# The service worker that keeps the app's files for when the server is unreachable; it is
# fetched after the app has started, so it is not part of the initial load below.
cp web-app/sw.js "$dist/sw.js"

for f in "$dist"/*.html "$dist"/*.css "$dist"/*.js "$dist"/*.wasm; do
  gzip -9 -k -n -f "$f"
done

size() { wc -c <"$dist/$1.gz"; }
total=0
echo "initial load (gzip -9):"
for f in index.html app.css teachlink_web_app.js teachlink_web_app_bg.wasm; do
  total=$((total + $(size "$f")))
  printf '  %-34s %8d B\n' "$f" "$(size "$f")"
done
printf 'web app initial load: %d B gzipped (%s)\n' "$total" "$dist"
echo "on demand (gzip -9):"
for name in teachlink_web_app_tx teachlink_web_app_reco; do
  js=$(size "$name.js") wasm=$(size "${name}_bg.wasm")
  printf '  %-34s %8d B (js %d B, wasm %d B)\n' "$name" "$((js + wasm))" "$js" "$wasm"
done
printf '  %-34s %8d B\n' sw.js "$(size sw.js)"
