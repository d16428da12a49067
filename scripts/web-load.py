#!/usr/bin/env python3
"""Issue 19's load figures for a learner's page: a first visit in a new headless Chromium
(empty cache and IndexedDB) throttled through the DevTools protocol — 1.6 Mbps down,
750 kbps up, 150 ms round trip, CPU 4x slower — timed until the page shows its data (the
app's `teachlink-first-data` performance mark, ms from navigation start), RUNS times,
each in a fresh browser; then, unthrottled, reloads of the settled page. Also prints
what each first visit downloaded (transfer sizes; whether the transaction module was
fetched). Expects a TeachLink server at BASE (scripts/web-load.sh starts the main
command's server with its demo data)."""
import statistics, sys, time

from screenshots import Browser

FIRST_DATA = """
const m = performance.getEntriesByName('teachlink-first-data')[0];
return m ? m.startTime : null;
"""

DOWNLOADED = """
const rs = performance.getEntriesByType('resource');
const nav = performance.getEntriesByType('navigation')[0];
const by = (s) => rs.filter((r) => r.name.includes(s)).reduce((n, r) => n + r.transferSize, 0);
return {
  page: nav.transferSize,
  app_js: by('teachlink_web_app.js'),
  app_wasm: by('teachlink_web_app_bg.wasm'),
  snapshot: by('/api/snapshot'),
  tx_module: by('teachlink_web_app_tx'),
  reco_module: by('teachlink_web_app_reco'),
  all: nav.transferSize + rs.reduce((n, r) => n + r.transferSize, 0),
};
"""


def cdp(b, cmd, params):
    b.cmd("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})


def wait_mark(b, timeout=120):
    deadline = time.time() + timeout
    while (t := b.cmd("POST", "/execute/sync", {"script": FIRST_DATA, "args": []})) is None:
        if time.time() > deadline:
            raise SystemExit("the page never showed its data:\n" + b.text())
        time.sleep(0.05)
    return t


def first_visit(url):
    b = Browser(412, 823)
    try:
        cdp(b, "Network.enable", {})
        cdp(b, "Network.emulateNetworkConditions", {
            "offline": False, "latency": 150,
            "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8})
        cdp(b, "Emulation.setCPUThrottlingRate", {"rate": 4})
        b.go(url)
        t = wait_mark(b)
        if "Escrows" not in b.text():
            raise SystemExit("the learner's page shows no escrows:\n" + b.text())
        sizes = b.cmd("POST", "/execute/sync", {"script": DOWNLOADED, "args": []})
        return t, sizes
    finally:
        b.close()


def settled_reloads(url, runs):
    b = Browser(1280, 900)
    try:
        b.go(url)
        b.wait_for(["Up to date", "Recommended next"], timeout=120)
        times = []
        for _ in range(runs):
            b.wait_for(["Up to date"], timeout=60)
            time.sleep(1)
            b.go(url)
            times.append(wait_mark(b))
        return times
    finally:
        b.close()


def main(base, learner, runs):
    url = f"{base}/users/{learner}"
    firsts = []
    for i in range(runs):
        t, sizes = first_visit(url)
        firsts.append(t)
        print(f"first visit {i + 1}: data shown at {t:.0f} ms; transferred (B): "
              + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    firsts.sort()
    print("first visit, throttled (1.6 Mbps, 150 ms RTT, CPU 4x), data shown (ms): "
          + ", ".join(f"{t:.0f}" for t in firsts)
          + f"; median {statistics.median(firsts):.0f} (target <= 4000)")
    reloads = sorted(settled_reloads(url, runs))
    print("settled reload, unthrottled, data shown (ms): "
          + ", ".join(f"{t:.0f}" for t in reloads)
          + f"; median {statistics.median(reloads):.0f} (target <= 300)")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5)
