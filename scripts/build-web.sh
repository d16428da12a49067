#!/usr/bin/env bash
# Builds the web app (web-app/, Leptos, client-side) into web-app/dist, which the server
# serves at /: the release Wasm for wasm32-unknown-unknown, wasm-bindgen's ES module
# (--target web), index.html from the repo root and the stylesheet. No tool that
# downloads binaries at run time. Prints the gzipped size of the initial load.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
  echo "wasm-bindgen-cli $version is required (scripts/setup.sh installs it)" >&2
  exit 1
fi

# Small code for the browser: size settings for this build only.
CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
CARGO_PROFILE_RELEASE_LTO=true \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_PANIC=abort \
CARGO_PROFILE_RELEASE_DEBUG=0 \
  cargo build --locked --release --target wasm32-unknown-unknown -p teachlink-web-app

dist=web-app/dist
rm -rf "$dist"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-name teachlink_web_app --out-dir "$dist" \
  "$target_dir/wasm32-unknown-unknown/release/teachlink_web_app.wasm"
# Optional: wasm-opt from `cargo install wasm-opt` (never Debian's binaryen, whose version
# breaks wasm-bindgen output). Opt in with TEACHLINK_WASM_OPT=/path/to/wasm-opt.
if [ -n "${TEACHLINK_WASM_OPT:-}" ]; then
  "$TEACHLINK_WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue \
    -o "$dist/teachlink_web_app_bg.wasm" "$dist/teachlink_web_app_bg.wasm"
fi
cp index.html "$dist/index.html"
cp web-app/style/app.css "$dist/app.css"
# The service worker that keeps the app's files for when the server is unreachable; it is
# fetched after the app has started, so it is not part of the initial load below.
cp web-app/sw.js "$dist/sw.js"

total=0
for f in index.html app.css teachlink_web_app.js teachlink_web_app_bg.wasm; do
  size=$(gzip -9 -c "$dist/$f" | wc -c)
  total=$((total + size))
  printf '  %-28s %8d B gzipped\n' "$f" "$size"
done
printf 'web app initial load: %d B gzipped (%s)\n' "$total" "$dist"
