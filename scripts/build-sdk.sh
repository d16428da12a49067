#!/usr/bin/env bash
# Builds the npm package @teachlink/sdk in pkg/ from the `sdk` crate, one Wasm module per
# entry point so a page loads only what it uses:
#   @teachlink/sdk, /events  pkg/web, pkg/node: the read side (decodeEvents, IndexerClient),
#                            feature `events-js`, the small default browser entry;
#   @teachlink/sdk/clients   pkg/clients/{web,node}: the transaction side (RpcClient,
#                            Keypair, WalletSigner, the contract clients), `clients-js`;
#   @teachlink/sdk/indexer   pkg/indexer/{web,node}: the read side plus LightIndexer.
# Each is the release Wasm for wasm32-unknown-unknown bound by wasm-bindgen into DIR/web
# (ES module for browsers and bundlers; call the default export `init()` once) and
# DIR/node (ES module for Node.js >= 20, ready on import). In Node.js (nothing to
# download) `@teachlink/sdk` and `/indexer` also re-export the transaction side, as
# before the split. pkg/package.json and pkg/README.md are committed; the rest is build
# output. Ends with the size budgets of the browser entries (size-budgets.tsv).
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
# and DIR/node as NAME.js / NAME_bg.wasm / NAME.d.ts, with DIR/node/entry.{js,d.ts}.
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
      cargo build --locked --release --target wasm32-unknown-unknown -p teachlink-sdk \
        --no-default-features "$@"
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
  printf "export * from './%s.js';\n\n%s\nexport default async function init() {}\n" "$name" "$note" >"$dir/node/entry.js"
  printf "export * from './%s.js';\n\n%s\nexport default function init(): Promise<void>;\n" "$name" "$note" >"$dir/node/entry.d.ts"

  if grep -nw 'any' "$dir/web/$name.d.ts" "$dir/node/$name.d.ts" | grep -v '^\S*:\s*\(\*\|/\*\*\)' | grep -E ':\s*any\b|<any>|\bany\[\]|\(.*: any' >&2; then
    echo "the typings use \`any\`" >&2
    exit 1
  fi
}

# with_clients DIR ENTRY: DIR/node/index.{js,d.ts}, the Node.js entry ENTRY plus the
# transaction side's classes (their own module), so Node.js code that imported a client
# from `@teachlink/sdk` or `/indexer` before the split still does.
clients=(RpcClient Keypair WalletSigner EscrowClient ContentClient ReputationClient RewardsClient)
with_clients() {
  local dir=$1 entry=$2 rel
  rel=$(realpath -m --relative-to="$dir/node" pkg/clients/node/entry.js)
  local list
  list=$(IFS=,; echo "${clients[*]}" | sed 's/,/, /g')
  printf "export * from './%s.js';\nexport { default } from './%s.js';\n// The transaction side (also @teachlink/sdk/clients).\nexport { %s } from '%s';\n" \
    "$entry" "$entry" "$list" "$rel" >"$dir/node/index.js"
  printf "export * from './%s.js';\nexport { default } from './%s.js';\nexport { %s } from '%s';\nexport type { Signer } from '%s';\n" \
    "$entry" "$entry" "$list" "$rel" "$rel" >"$dir/node/index.d.ts"
}

build_entry teachlink_sdk pkg --features events-js
build_entry teachlink_sdk_clients pkg/clients --features clients-js
build_entry teachlink_sdk_indexer pkg/indexer --features light-indexer
with_clients pkg entry
with_clients pkg/indexer entry

# The browser entries' gzipped sizes against their budgets (fails when one is over).
bash scripts/size-budgets.sh pkg/
