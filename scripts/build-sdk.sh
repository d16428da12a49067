#!/usr/bin/env bash
# Builds the npm package @teachlink/sdk in pkg/ from the `sdk` crate: the release Wasm
# for wasm32-unknown-unknown, then wasm-bindgen into pkg/web/ (ES module for browsers and
# bundlers; call the default export `init()` once) and pkg/node/ (ES module for
# Node.js >= 20, ready on import). pkg/package.json and pkg/README.md are committed;
# pkg/web and pkg/node are build output. Prints the gzipped size of what a browser loads.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
  echo "wasm-bindgen-cli $version is required (scripts/setup.sh installs it)" >&2
  exit 1
fi

# Small code for the browser: the release profile with size settings for this build
# only (the native release builds keep their own settings). TEACHLINK_SDK_OPT_LEVEL picks
# another opt-level: 3 decodes events about twice as fast for ~90 KB more gzipped Wasm
# (docs/benchmarks.md, `scripts/sdk-bench.sh --opt-level 3`).
opt_level="${TEACHLINK_SDK_OPT_LEVEL:-z}"
CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt_level" \
CARGO_PROFILE_RELEASE_LTO=true \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_PANIC=abort \
CARGO_PROFILE_RELEASE_DEBUG=0 \
  cargo build --locked --release --target wasm32-unknown-unknown -p teachlink-sdk

wasm="$target_dir/wasm32-unknown-unknown/release/teachlink_sdk.wasm"
rm -rf pkg/web pkg/node
bindgen=(wasm-bindgen --remove-name-section --remove-producers-section --out-name teachlink_sdk)
"${bindgen[@]}" --target web --out-dir pkg/web "$wasm"
"${bindgen[@]}" --target experimental-nodejs-module --out-dir pkg/node "$wasm"

# Optional: wasm-opt from `cargo install wasm-opt` (never Debian's binaryen, whose
# version breaks wasm-bindgen output). Opt in with TEACHLINK_WASM_OPT=/path/to/wasm-opt.
if [ -n "${TEACHLINK_WASM_OPT:-}" ]; then
  for dir in pkg/web pkg/node; do
    "$TEACHLINK_WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-reference-types --enable-multivalue \
      -o "$dir/teachlink_sdk_bg.wasm" "$dir/teachlink_sdk_bg.wasm"
  done
fi

for dir in pkg/web pkg/node; do
  # The raw export typings (only a bundler target would read them) type every export `any`.
  rm -f "$dir/teachlink_sdk_bg.wasm.d.ts" "$dir/.gitignore"
done
# The web typings' `InitOutput` lists the raw exports with `any`: `unknown` is as true.
sed -i -E '/^export interface InitOutput/,/^}/ s/\bany\b/unknown/g' pkg/web/teachlink_sdk.d.ts

# Node.js: the same default `init()` as the web build (a no-op: Node instantiates on
# import), so code shared between both builds can always `await init()`.
cat > pkg/node/index.js <<'EOF'
export * from './teachlink_sdk.js';

/** Node.js instantiates the module on import; `init()` exists for code shared with browsers. */
export default async function init() {}
EOF
cat > pkg/node/index.d.ts <<'EOF'
export * from './teachlink_sdk.js';

/** Node.js instantiates the module on import; `init()` exists for code shared with browsers. */
export default function init(): Promise<void>;
EOF

if grep -nw 'any' pkg/web/teachlink_sdk.d.ts pkg/node/teachlink_sdk.d.ts | grep -v '^\S*:\s*\(\*\|/\*\*\)' | grep -E ':\s*any\b|<any>|\bany\[\]|\(.*: any' >&2; then
  echo "the typings use \`any\`" >&2
  exit 1
fi

wasm_gz=$(gzip -9 -c pkg/web/teachlink_sdk_bg.wasm | wc -c)
js_gz=$(gzip -9 -c pkg/web/teachlink_sdk.js | wc -c)
echo "pkg/web: teachlink_sdk_bg.wasm $(stat -c %s pkg/web/teachlink_sdk_bg.wasm) B ($wasm_gz B gzipped)," \
  "teachlink_sdk.js $(stat -c %s pkg/web/teachlink_sdk.js) B ($js_gz B gzipped)"
echo "browser load, gzipped: $((wasm_gz + js_gz)) B ($(( (wasm_gz + js_gz + 1023) / 1024 )) KiB)"
