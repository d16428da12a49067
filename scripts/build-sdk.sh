#!/usr/bin/env bash
# Builds the npm package @teachlink/sdk in pkg/ from the `sdk` crate: the release Wasm
# for wasm32-unknown-unknown, then wasm-bindgen into pkg/web/ (ES module for browsers and
# bundlers; call the default export `init()` once) and pkg/node/ (ES module for
# Node.js >= 20, ready on import); the same with the light indexer (feature
# `light-indexer`) into pkg/indexer/web and pkg/indexer/node. pkg/package.json and
# pkg/README.md are committed; the rest is build output. Prints the gzipped size of what
# a browser loads.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
  echo "wasm-bindgen-cli $version is required (scripts/setup.sh installs it)" >&2
  exit 1
fi

# Small code for the browser, fast code for Node.js (no download there; the decode
# benchmark runs in Node.js): the release profile with size settings for the web build,
# opt-level 3 for the Node.js build, for these builds only (the native release builds keep
# their own settings). TEACHLINK_SDK_OPT_LEVEL / TEACHLINK_SDK_NODE_OPT_LEVEL pick others;
# docs/benchmarks.md has both builds' figures (`scripts/sdk-bench.sh --opt-level 3`).
web_opt_level="${TEACHLINK_SDK_OPT_LEVEL:-z}"
node_opt_level="${TEACHLINK_SDK_NODE_OPT_LEVEL:-3}"
bindgen=(wasm-bindgen --remove-name-section --remove-producers-section)

# build_entry NAME DIR [CARGO ARGS…]: the crate built with CARGO ARGS, bound into DIR/web
# and DIR/node as NAME.js / NAME_bg.wasm / NAME.d.ts, with DIR/node/index.{js,d.ts}.
build_entry() {
  local name=$1 dir=$2
  shift 2
  rm -rf "$dir/web" "$dir/node"
  local kind opt out target
  for kind in web node; do
    if [ "$kind" = web ]; then
      opt=$web_opt_level out="$dir/web" target=web
    else
      opt=$node_opt_level out="$dir/node" target=experimental-nodejs-module
    fi
    CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" \
    CARGO_PROFILE_RELEASE_LTO=true \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_PANIC=abort \
    CARGO_PROFILE_RELEASE_DEBUG=0 \
      cargo build --locked --release --target wasm32-unknown-unknown -p teachlink-sdk "$@"
    "${bindgen[@]}" --out-name "$name" --target "$target" --out-dir "$out" \
      "$target_dir/wasm32-unknown-unknown/release/teachlink_sdk.wasm"
  done

  # Optional: wasm-opt from `cargo install wasm-opt` (never Debian's binaryen, whose
  # version breaks wasm-bindgen output). Opt in with TEACHLINK_WASM_OPT=/path/to/wasm-opt.
  if [ -n "${TEACHLINK_WASM_OPT:-}" ]; then
    for out in "$dir/web" "$dir/node"; do
      "$TEACHLINK_WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-reference-types --enable-multivalue \
        -o "$out/${name}_bg.wasm" "$out/${name}_bg.wasm"
    done
  fi

  for out in "$dir/web" "$dir/node"; do
    # The raw export typings (only a bundler target would read them) type every export `any`.
    rm -f "$out/${name}_bg.wasm.d.ts" "$out/.gitignore"
  done
  # The web typings' `InitOutput` lists the raw exports with `any`: `unknown` is as true.
  sed -i -E '/^export interface InitOutput/,/^}/ s/\bany\b/unknown/g' "$dir/web/$name.d.ts"

  # Node.js: the same default `init()` as the web build (a no-op: Node instantiates on
  # import), so code shared between both builds can always `await init()`.
  local note="/** Node.js instantiates the module on import; \`init()\` exists for code shared with browsers. */"
  printf "export * from './%s.js';\n\n%s\nexport default async function init() {}\n" "$name" "$note" >"$dir/node/index.js"
  printf "export * from './%s.js';\n\n%s\nexport default function init(): Promise<void>;\n" "$name" "$note" >"$dir/node/index.d.ts"

  if grep -nw 'any' "$dir/web/$name.d.ts" "$dir/node/$name.d.ts" | grep -v '^\S*:\s*\(\*\|/\*\*\)' | grep -E ':\s*any\b|<any>|\bany\[\]|\(.*: any' >&2; then
    echo "the typings use \`any\`" >&2
    exit 1
  fi
}

# The main entry (`@teachlink/sdk`), then the light indexer's (`@teachlink/sdk/indexer`:
# everything of the main entry plus `LightIndexer`, a larger module that the main entry
# does not make every app load).
build_entry teachlink_sdk pkg
build_entry teachlink_sdk_indexer pkg/indexer --features light-indexer

wasm_gz=$(gzip -9 -c pkg/web/teachlink_sdk_bg.wasm | wc -c)
js_gz=$(gzip -9 -c pkg/web/teachlink_sdk.js | wc -c)
echo "pkg/web: teachlink_sdk_bg.wasm $(stat -c %s pkg/web/teachlink_sdk_bg.wasm) B ($wasm_gz B gzipped)," \
  "teachlink_sdk.js $(stat -c %s pkg/web/teachlink_sdk.js) B ($js_gz B gzipped)"
echo "browser load, gzipped: $((wasm_gz + js_gz)) B ($(( (wasm_gz + js_gz + 1023) / 1024 )) KiB)"
ix_wasm_gz=$(gzip -9 -c pkg/indexer/web/teachlink_sdk_indexer_bg.wasm | wc -c)
ix_js_gz=$(gzip -9 -c pkg/indexer/web/teachlink_sdk_indexer.js | wc -c)
echo "pkg/indexer/web (the light indexer's entry), browser load gzipped: $((ix_wasm_gz + ix_js_gz)) B"
