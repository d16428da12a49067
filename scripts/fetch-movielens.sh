#!/usr/bin/env bash
# MovieLens 100K for the recommender's evaluation harness
# (`cargo run --release -p teachlink-recommend --example evaluate -- --movielens DIR`).
# The PyPI package `recbole` ships it inside its wheel (recbole/dataset_example/ml-100k,
# the GroupLens data in RecBole's atomic-file format); this downloads that wheel with pip
# (no dependencies installed) and extracts the two files the harness reads into
# target/movielens/ml-100k, then prints that directory. The data is GroupLens's, under
# their terms (research use, no redistribution), so it is fetched, never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out="target/movielens/ml-100k"
if [[ -s "$out/ml-100k.inter" && -s "$out/ml-100k.item" ]]; then
  echo "$PWD/$out"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: "recbole==1.2.0" -d "$tmp" >&2
mkdir -p "$out"
python3 - "$tmp" "$out" <<'PY'
import glob, os, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(tmp, "recbole-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in ("ml-100k.inter", "ml-100k.item"):
        with z.open("recbole/dataset_example/ml-100k/" + name) as src, open(os.path.join(out, name), "wb") as dst:
            dst.write(src.read())
PY
echo "$PWD/$out"
