#!/usr/bin/env bash
# Checks observability/ and the incident runbook:
#   1. promtool check rules + promtool test rules (installs Debian's prometheus
#      package for promtool if it is missing, without starting its service);
#   2. the Grafana dashboard parses as JSON and its PromQL parses;
#   3. every metric named by the rules, their tests and the dashboard is one the
#      server exports (METRICS below, the one list to update);
#   4. every alert has severity, summary, description and a runbook_url whose
#      anchor is a heading of docs/INCIDENT_RESPONSE.md (as are the runbook's own
#      #links), and a unit test where it fires and one where it stays silent.
# Safe to run again; exits non-zero on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."

RULES=observability/prometheus/alerts.yml
TESTS=observability/prometheus/alerts.test.yml
DASHBOARD=observability/grafana/teachlink-server.json
RUNBOOK=docs/INCIDENT_RESPONSE.md
RUNBOOK_URL=https://github.com/teachlink/teachlink/blob/main/docs/INCIDENT_RESPONSE.md

# What `GET /metrics` on teachlink-server exports. "histogram" marks a histogram,
# whose _bucket, _sum and _count series may be queried. Prometheus' own `up` is
# not listed: only teachlink_* names are checked.
METRICS='
teachlink_http_requests_total
teachlink_http_request_duration_seconds histogram
teachlink_indexer_events_processed_total
teachlink_indexer_unknown_events_total
teachlink_indexer_errors_total
teachlink_indexer_last_processed_ledger
teachlink_indexer_rpc_latest_ledger
teachlink_indexer_ledger_lag
teachlink_indexer_retention_gap_ledgers
teachlink_indexer_chain_mismatch
teachlink_indexer_last_success_timestamp_seconds
teachlink_indexer_running
teachlink_indexer_rpc_endpoint
teachlink_indexer_rpc_switches_total
teachlink_indexer_panics_total
teachlink_dependency_up
teachlink_health_state
teachlink_build_info
'

log() { printf '\033[1m[observability]\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m[observability] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

for f in "$RULES" "$TESTS" "$DASHBOARD" "$RUNBOOK"; do
  [ -f "$f" ] || fail "missing $f"
done

# --- promtool, from Debian's prometheus package; the Prometheus service must not run here.
install_promtool() {
  [ "$(id -u)" -eq 0 ] || fail "promtool is missing; install Debian's prometheus package (needs root)"
  command -v apt-get >/dev/null 2>&1 || fail "promtool is missing and apt-get is not available"
  log "promtool not found: installing Debian's prometheus package (its service stays stopped)"
  # invoke-rc.d and deb-systemd-invoke ask policy-rc.d; exit 101 forbids starting
  # services. Only a policy file created here is removed again.
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus
  if [ -n "$created_policy" ]; then
    rm -f "$policy"
    trap - EXIT
  fi
  # In case the service was started anyway: stop it and keep it from starting at boot.
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/prometheus ]; then
    if /etc/init.d/prometheus status >/dev/null 2>&1; then
      /etc/init.d/prometheus stop || true
    fi
    if command -v update-rc.d >/dev/null 2>&1; then
      update-rc.d prometheus disable >/dev/null 2>&1 || true
    fi
  fi
  command -v promtool >/dev/null 2>&1 || fail "the prometheus package is installed but promtool is not on PATH"
}

command -v promtool >/dev/null 2>&1 || install_promtool
log "$(promtool --version 2>&1 | head -n 1)"

# --- python3 with PyYAML for the structural checks
python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 ||
    fail "python3 with PyYAML is needed (Debian: python3-yaml)"
  log "installing python3-yaml"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-yaml
  python=/usr/bin/python3
fi

log "promtool check rules $RULES"
promtool check rules "$RULES" || fail "promtool check rules $RULES"

log "promtool test rules $TESTS"
promtool test rules "$TESTS" || fail "promtool test rules $TESTS"

log "dashboard JSON parses: $DASHBOARD"
if command -v jq >/dev/null 2>&1; then
  jq -e 'type == "object"' "$DASHBOARD" >/dev/null || fail "$DASHBOARD is not a JSON object"
else
  "$python" -m json.tool "$DASHBOARD" >/dev/null || fail "$DASHBOARD is not valid JSON"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "metric names, alert annotations, runbook anchors, test coverage, dashboard PromQL"
METRICS="$METRICS" RULES="$RULES" TESTS="$TESTS" DASHBOARD="$DASHBOARD" RUNBOOK="$RUNBOOK" \
  RUNBOOK_URL="$RUNBOOK_URL" DASHBOARD_RULES="$work/dashboard-exprs.yml" \
  "$python" - <<'PY' || fail "structural checks (see above)"
import json, os, re, sys
import yaml

problems = []

# The metric list: plain names, and histograms with their three series.
known = set()
for line in os.environ["METRICS"].strip().splitlines():
    parts = line.split()
    if not parts:
        continue
    name = parts[0]
    known.add(name)
    if parts[1:] == ["histogram"]:
        known.update(name + s for s in ("_bucket", "_sum", "_count"))
    elif parts[1:]:
        problems.append(f"METRICS: cannot read line {line!r}")

NAME = re.compile(r"teachlink_[a-z_]+")

def check_names(text, where):
    for name in NAME.findall(text):
        if name not in known:
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            hint = f" ({base} is not a histogram)" if base in known else ""
            problems.append(f"{where}: unknown metric {name}{hint}")

# --- rules
with open(os.environ["RULES"]) as f:
    rules_doc = yaml.safe_load(f) or {}
alerts = {}
for group in rules_doc.get("groups") or []:
    for rule in group["rules"]:
        name = rule.get("alert") or rule.get("record")
        check_names(rule["expr"], f"rule {name}")
        for key, value in {**rule.get("labels", {}), **rule.get("annotations", {})}.items():
            check_names(str(value), f"rule {name} {key}")
        if "alert" in rule:
            if name in alerts:
                problems.append(f"alert {name} defined twice")
            alerts[name] = rule

# --- runbook headings -> GitHub anchors (lowercase, punctuation dropped, spaces -> '-', duplicates -1, -2, ...)
anchors, seen, fenced = set(), {}, False
with open(os.environ["RUNBOOK"]) as f:
    for line in f:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")

with open(os.environ["RUNBOOK"]) as f:
    for target in sorted(set(re.findall(r"\]\(#([^)\s]+)\)", f.read()))):
        if target not in anchors:
            problems.append(f"{os.environ['RUNBOOK']}: link to #{target}, which is no heading")

prefix = os.environ["RUNBOOK_URL"] + "#"
for name, rule in alerts.items():
    labels, ann = rule.get("labels", {}), rule.get("annotations", {})
    if labels.get("severity") not in ("critical", "warning", "info"):
        problems.append(f"alert {name}: severity label must be critical, warning or info")
    for key in ("summary", "description", "runbook_url"):
        if not ann.get(key):
            problems.append(f"alert {name}: missing annotation {key}")
    url = ann.get("runbook_url", "")
    if not url.startswith(prefix):
        problems.append(f"alert {name}: runbook_url must start with {prefix}")
    elif url[len(prefix):] not in anchors:
        problems.append(f"alert {name}: runbook anchor #{url[len(prefix):]} is no heading of {os.environ['RUNBOOK']}")

# --- unit tests: metric names of the input series, and every alert fires once and stays silent once
with open(os.environ["TESTS"]) as f:
    tests_doc = yaml.safe_load(f) or {}
fires, silent = set(), set()
for test in tests_doc.get("tests") or []:
    for series in test.get("input_series", []):
        check_names(series["series"], f"test {test.get('name')!r} input series")
    for case in test.get("alert_rule_test", []):
        (fires if case.get("exp_alerts") else silent).add(case["alertname"])
for name in alerts:
    if name not in fires:
        problems.append(f"alert {name}: no unit test where it fires")
    if name not in silent:
        problems.append(f"alert {name}: no unit test where it stays silent")
for name in (fires | silent) - alerts.keys():
    problems.append(f"unit tests name alert {name}, which no rule defines")

# --- dashboard: metric names, datasource, and each query as a recording rule for promtool to parse
with open(os.environ["DASHBOARD"]) as f:
    dashboard = json.load(f)

def panels(items):
    for p in items:
        yield p
        yield from panels(p.get("panels", []))

exprs = []
for p in panels(dashboard.get("panels", [])):
    for t in p.get("targets", []):
        if t.get("expr"):
            exprs.append((p.get("title", "?"), t["expr"]))
    ds = p.get("datasource")
    if p.get("type") != "row" and isinstance(ds, dict) and ds.get("uid") != "${DS_PROMETHEUS}":
        problems.append(f"dashboard panel {p.get('title')!r}: datasource uid must be ${{DS_PROMETHEUS}}")
if not exprs:
    problems.append("dashboard: no PromQL queries found")
for title, expr in exprs:
    check_names(expr, f"dashboard panel {title!r}")
for var in dashboard.get("templating", {}).get("list", []):
    q = var.get("query")
    q = q.get("query", "") if isinstance(q, dict) else (q or "")
    check_names(q, f"dashboard variable {var.get('name')}")

# Grafana's variables replaced by sample values so promtool can parse the queries.
def concrete(expr):
    expr = re.sub(r"\$__(rate_interval|interval|range)\b", "5m", expr)
    expr = re.sub(r"\$\{?job\}?", "teachlink-server", expr)
    return re.sub(r"\$\{?(instance|route)\}?", ".*", expr)

with open(os.environ["DASHBOARD_RULES"], "w") as f:
    yaml.safe_dump({"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query_{i}", "expr": concrete(e)} for i, (_, e) in enumerate(exprs)
    ]}]}, f)

for p in problems:
    print("  - " + p, file=sys.stderr)
if problems:
    sys.exit(1)
print(f"  {len(alerts)} alerts, {len(exprs)} dashboard queries, {len(anchors)} runbook headings: all consistent")
PY

log "dashboard PromQL parses (each query as a recording rule)"
promtool check rules "$work/dashboard-exprs.yml" >/dev/null || {
  promtool check rules "$work/dashboard-exprs.yml" || true
  fail "a dashboard query does not parse"
}

log "all observability checks passed"
