#!/usr/bin/env python3
"""Time to first render of indexed data in the web app after a reload, with many events
in the browser's IndexedDB (issue 7's figure). Drives Debian's Chromium through
ChromeDriver (the `Browser` of scripts/screenshots.py). Expects a TeachLink server at
BASE whose store holds the events and whose RPC is its own archive
(scripts/web-bench.sh starts one). The first visit fills IndexedDB (from the server's
snapshot, then the archive); once the store's log is materialised into its indexes, a
learner's page is reloaded RUNS times once it has settled (caught up), then RUNS times
right after its first render, and the `teachlink-first-data` performance mark (set by the
app when a page first reads indexed data) is read: milliseconds from the navigation's
start. The app's other marks and the Wasm's download show where the time goes."""
import json, statistics, sys, time, urllib.request

from screenshots import Browser

# The store's `meta` record says whether the log is materialised (log_first == log_next).
MATERIALISED = """
const done = arguments[arguments.length - 1];
(async () => {
  const dbs = (await indexedDB.databases()).filter((d) => d.name.startsWith('teachlink-'));
  if (dbs.length !== 1) return done(`databases: ${JSON.stringify(dbs)}`);
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open(dbs[0].name);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const rec = await new Promise((ok, ko) => {
    const r = db.transaction('meta').objectStore('meta').get('meta');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  db.close();
  const meta = JSON.parse(rec.v);
  done(meta.log_first === meta.log_next ? 'yes' : `log ${meta.log_first}..${meta.log_next}`);
})().catch((e) => done(String(e)));
"""

FIRST_DATA = """
const m = performance.getEntriesByName('teachlink-first-data')[0];
return m ? m.startTime : null;
"""

# Where the time before the first data goes: the app's own marks and the resources' ends.
PHASES = """
const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
const end = (suffix) => performance.getEntriesByType('resource')
  .filter((r) => r.name.endsWith(suffix)).map((r) => r.responseEnd)[0];
return {
  'wasm fetched': end('.wasm'),
  'app started': at('teachlink-start'),
  'store open': at('teachlink-store-open'),
  'first data': at('teachlink-first-data'),
};
"""


def reloads(b, url, runs, settled):
    times = []
    phases = []
    for _ in range(runs):
        if settled:
            b.wait_for(["Up to date"], timeout=60)
            time.sleep(1)
        b.go(url)
        deadline = time.time() + 60
        while (t := b.cmd("POST", "/execute/sync", {"script": FIRST_DATA, "args": []})) is None:
            if time.time() > deadline:
                raise SystemExit("the page never read indexed data:\n" + b.text())
            time.sleep(0.05)
        if "Escrows" not in b.text():
            raise SystemExit("the learner's page shows no escrows:\n" + b.text())
        times.append(t)
        phases.append(b.cmd("POST", "/execute/sync", {"script": PHASES, "args": []}))
    kind = "of a settled page" if settled else "right after the previous first render"
    print(f"reloads {kind}:")
    for name in phases[0]:
        marks = [p[name] for p in phases if p.get(name) is not None]
        if marks:
            print(f"  {name}: median {statistics.median(marks):.0f} ms")
    times.sort()
    print("  first render of indexed data after a reload (ms): "
          + ", ".join(f"{t:.0f}" for t in times)
          + f"; median {statistics.median(times):.0f}")


def main(base, learner, runs):
    url = f"{base}/users/{learner}"
    b = Browser(1280, 900)
    try:
        start = time.time()
        b.go(url)
        b.wait_for(["Up to date"], timeout=900)
        text = b.text()
        print(f"first visit: synced in {time.time() - start:.1f} s"
              + (" (started from the server's snapshot)" if "verified snapshot" in text else ""))
        start = time.time()
        while True:
            state = b.cmd("POST", "/execute/async", {"script": MATERIALISED, "args": []})
            if state == "yes":
                break
            if time.time() - start > 900:
                raise SystemExit(f"the store's log was never materialised: {state}")
            time.sleep(1)
        print(f"log materialised {time.time() - start:.1f} s after the sync caught up")
        # A reload of a page that has settled (caught up, idle), as a returning reader's;
        # then reloads that interrupt a page still starting its sync (its first RPC step
        # and IndexedDB writes compete with the new page's open and reads).
        for settled in (True, False):
            reloads(b, url, runs, settled)
    finally:
        b.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5)
