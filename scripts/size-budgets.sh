#!/usr/bin/env bash
# Checks what ships to browsers against size-budgets.tsv: prints each artifact's gzipped
# size (gzip -9, the files of one row summed), its budget and its target, and exits 1 when
# an artifact is over its budget or missing. A missed target is printed, not failed: the
# budget is the ceiling the suite holds (what is shipped today, so nothing grows unseen),
# the target the goal it is measured against.
#
#   scripts/size-budgets.sh [PREFIX…]     only the rows whose first file starts with a PREFIX
#
# scripts/build-sdk.sh runs it for pkg/, scripts/test.sh for every row.
set -euo pipefail
cd "$(dirname "$0")/.."

file="${SIZE_BUDGETS:-size-budgets.tsv}"   # SIZE_BUDGETS: another file (the check's own test)
prefixes=("$@")
failed=0
printf '%-44s %10s %10s %10s  %s\n' artifact gzipped budget target status
while IFS=$'\t' read -r files budget target what; do
  case "$files" in '' | '#'*) continue ;; esac
  if [ ${#prefixes[@]} -gt 0 ]; then
    keep=0
    for p in "${prefixes[@]}"; do [[ "$files" == "$p"* ]] && keep=1; done
    [ "$keep" = 1 ] || continue
  fi
  if ! [[ "$budget" =~ ^[0-9]+$ && "$target" =~ ^[0-9]+$ ]]; then
    echo "$file: budget and target of $files must be whole bytes" >&2
    exit 2
  fi
  total=0
  missing=""
  IFS=+ read -ra parts <<<"$files"
  for f in "${parts[@]}"; do
    if [ -f "$f" ]; then
      total=$((total + $(gzip -9 -n -c "$f" | wc -c)))
    else
      missing="$missing $f"
    fi
  done
  if [ -n "$missing" ]; then
    status="MISSING:$missing"
    failed=1
  elif [ "$total" -gt "$budget" ]; then
    status="OVER BUDGET by $((total - budget)) B"
    failed=1
  elif [ "$total" -gt "$target" ]; then
    status="within budget; target missed by $((total - target)) B"
  else
    status="ok"
  fi
  printf '%-44s %10s %10s %10s  %s (%s)\n' "$what" "$total" "$budget" "$target" "$status" "$files"
done <"$file"
if [ "$failed" = 1 ]; then
  echo "size budgets: an artifact is over its budget or missing ($file)" >&2
  exit 1
fi
