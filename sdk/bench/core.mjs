// The decode benchmark's two sides, shared by Node.js (decode.mjs) and headless Chromium
// (browser.html, driven by browser.mjs), so both runs time exactly the same work: the
// same parsed getEvents objects in pages of 1,000 (as an app gets them from
// `getEvents`), decoded fully. Ours: `decodeEvents(page, deployment)` into the typed
// TeachLink events. Theirs (@stellar/stellar-sdk): every topic and the value with
// `xdr.ScVal.fromXDR(…, 'base64')` + `scValToNative`.

export const PAGE = 1000;

/** The getEvents result's events in pages of PAGE. */
export function paginate(events) {
  const pages = [];
  for (let i = 0; i < events.length; i += PAGE) pages.push(events.slice(i, i + PAGE));
  return pages;
}

/** @teachlink/sdk: each page into typed TeachLink events. */
export function ours(decodeEvents, pages, deployment) {
  let decoded = 0;
  let unknown = 0;
  let check = 0;
  for (const p of pages) {
    const out = decodeEvents(p, deployment);
    decoded += out.events.length;
    unknown += out.unknown.length;
    check += out.events[out.events.length - 1]?.meta.ledger ?? 0;
  }
  return { decoded, unknown, check };
}

/** @stellar/stellar-sdk: each event's topics and value, XDR to native JavaScript values. */
export function theirs({ xdr, scValToNative }, pages) {
  let decoded = 0;
  let unknown = 0;
  let check = 0;
  for (const p of pages) {
    const out = [];
    for (const e of p) {
      try {
        out.push({
          id: e.id,
          ledger: e.ledger,
          contractId: e.contractId,
          txHash: e.txHash,
          topic: e.topic.map((t) => scValToNative(xdr.ScVal.fromXDR(t, 'base64'))),
          value: scValToNative(xdr.ScVal.fromXDR(e.value, 'base64')),
        });
      } catch {
        unknown += 1;
      }
    }
    decoded += out.length;
    check += out[out.length - 1]?.ledger ?? 0;
  }
  return { decoded, unknown, check };
}

/**
 * Best of `runs` timed runs of `f` after one warm-up run (JIT, Wasm compilation tiers);
 * every run must give the same counts. `now` is the clock (performance.now).
 */
export function best(label, f, runs, total, now) {
  const first = f();
  let bestMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = now();
    const r = f();
    const ms = now() - start;
    if (r.decoded !== first.decoded || r.check !== first.check) throw new Error(`${label}: runs differ`);
    bestMs = Math.min(bestMs, ms);
  }
  return { label, ms: bestMs, perSec: total / (bestMs / 1000), ...first };
}

/** One result line. */
export function line(r, total, runs) {
  return (
    `${r.label.padEnd(56)} ${total} events (${r.decoded} decoded, ${r.unknown} not) ` +
    `best of ${runs}: ${r.ms.toFixed(0).padStart(6)} ms = ${Math.round(r.perSec).toLocaleString('en-US').padStart(9)} events/s`
  );
}

/** Both sides, ours first; throws when ours decoded too little. */
export function compare(decodeEvents, stellar, events, deployment, runs, now) {
  const pages = paginate(events);
  const a = best('@teachlink/sdk decodeEvents', () => ours(decodeEvents, pages, deployment), runs, events.length, now);
  const b = best('@stellar/stellar-sdk xdr.ScVal.fromXDR + scValToNative', () => theirs(stellar, pages), runs, events.length, now);
  if (a.decoded + a.unknown !== events.length || a.decoded < events.length * 0.9) {
    throw new Error(`@teachlink/sdk decoded only ${a.decoded} of ${events.length}`);
  }
  return { ours: a, theirs: b, ratio: a.perSec / b.perSec };
}

/**
 * `compare` that yields to the event loop between runs, for a page driven through
 * WebDriver: the driver's commands wait for the page, so one timed run at a time blocks it.
 */
export async function compareAsync(decodeEvents, stellar, events, deployment, runs, now) {
  const pages = paginate(events);
  const pause = () => new Promise((r) => setTimeout(r, 0));
  async function bestAsync(label, f) {
    const first = f();
    let bestMs = Infinity;
    for (let i = 0; i < runs; i++) {
      await pause();
      const start = now();
      const r = f();
      const ms = now() - start;
      if (r.decoded !== first.decoded || r.check !== first.check) throw new Error(`${label}: runs differ`);
      bestMs = Math.min(bestMs, ms);
    }
    await pause();
    return { label, ms: bestMs, perSec: events.length / (bestMs / 1000), ...first };
  }
  const a = await bestAsync('@teachlink/sdk decodeEvents', () => ours(decodeEvents, pages, deployment));
  const b = await bestAsync('@stellar/stellar-sdk xdr.ScVal.fromXDR + scValToNative', () => theirs(stellar, pages));
  if (a.decoded + a.unknown !== events.length || a.decoded < events.length * 0.9) {
    throw new Error(`@teachlink/sdk decoded only ${a.decoded} of ${events.length}`);
  }
  return { ours: a, theirs: b, ratio: a.perSec / b.perSec };
}
