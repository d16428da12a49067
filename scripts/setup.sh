#!/usr/bin/env bash
# Installs everything TeachLink's build and tests need on a fresh Debian
# machine, skipping whatever is already present. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Rust: the toolchain, components and targets named in rust-toolchain.toml
if ! command -v rustup >/dev/null 2>&1; then
  log "installing rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain none
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
targets=$(sed -n 's/^targets *= *\[\(.*\)\]/\1/p' rust-toolchain.toml | tr -d '",')
if ! rustup toolchain list | grep -q "^$toolchain"; then
  log "installing Rust $toolchain"
  rustup toolchain install "$toolchain" --profile minimal --component rustfmt,clippy
fi
installed=$(rustup target list --installed --toolchain "$toolchain")
for target in $targets; do
  if ! grep -qx "$target" <<<"$installed"; then
    log "adding target $target"
    rustup target add "$target" --toolchain "$toolchain"
  fi
done
for component in rustfmt clippy; do
  if ! rustup component list --installed --toolchain "$toolchain" | grep -q "^$component"; then
    rustup component add "$component" --toolchain "$toolchain"
  fi
done

# --- Debian packages the tests drive: a C toolchain, and headless Chromium with its
# ChromeDriver for the indexer's browser tests (scripts/browser-tests.sh)
apt_packages=(build-essential pkg-config chromium chromium-driver)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# --- wasm-bindgen-test-runner (wasm-bindgen-cli), at exactly the wasm-bindgen version in
# Cargo.lock: the runner refuses test binaries built by another version.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -z "$wasm_bindgen_version" ]; then
  echo "wasm-bindgen not found in Cargo.lock" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wasm_bindgen_version" ||
   ! command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  log "installing wasm-bindgen-cli $wasm_bindgen_version"
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
fi

# --- Node.js ≥ 20 and the JS test dependencies (@stellar/stellar-sdk from npm)
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
  log "installing Node.js from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
if [ "$(node_major)" -lt 20 ]; then
  echo "Node.js >= 20 is required (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
if [ ! -f tests/js/node_modules/.package-lock.json ] ||
   [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
  log "installing JS test dependencies"
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

# --- Python >= 3.10 with venv, and the Python conformance test's client (stellar-sdk from
# PyPI, pinned in tests/python/requirements.txt) in tests/python/.venv
if ! python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  log "installing Python 3 with venv from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv
fi
venv=tests/python/.venv
if [ ! -x "$venv/bin/python" ]; then
  log "creating the Python test environment"
  python3 -m venv "$venv"
fi
if ! cmp -s tests/python/requirements.txt "$venv/.installed-requirements.txt"; then
  log "installing Python test dependencies"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/python/requirements.txt
  cp tests/python/requirements.txt "$venv/.installed-requirements.txt"
fi

log "ready"
