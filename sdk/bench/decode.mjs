// Decode throughput and browser-load size of @teachlink/sdk beside @stellar/stellar-sdk,
// in one run (scripts/sdk-bench.sh prepares the input and the packages, then runs this):
//
//   node decode.mjs DIR [RUNS]
//
// DIR holds events.json (a getEvents result: 100,000 TeachLink events of the indexer's
// synthetic traffic, `cargo run -p teachlink-sdk --example bench_events`) and
// deployment.json. Both sides decode the same parsed getEvents objects, in pages of
// 1,000 (as an app gets them from `getEvents`), fully: ours into the typed TeachLink events
// (`decodeEvents`), theirs every topic and the value with `xdr.ScVal.fromXDR(…, 'base64')`
// and `scValToNative`. Best of RUNS (default 5) after one warm-up run each.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { decodeEvents } from '@teachlink/sdk';
import { scValToNative, xdr } from '@stellar/stellar-sdk';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!dir || !(runs >= 1)) {
  console.error('usage: node decode.mjs DIR [RUNS]');
  process.exit(2);
}
const PAGE = 1000;

const page = JSON.parse(readFileSync(path.join(dir, 'events.json'), 'utf8'));
const deployment = JSON.parse(readFileSync(path.join(dir, 'deployment.json'), 'utf8'));
const events = page.events;
const pages = [];
for (let i = 0; i < events.length; i += PAGE) pages.push(events.slice(i, i + PAGE));

/** @teachlink/sdk: each page into typed TeachLink events. */
function ours() {
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
function theirs() {
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

function best(label, f) {
  const first = f(); // warm-up (JIT, Wasm compilation tiers)
  let bestMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = f();
    const ms = performance.now() - start;
    if (r.decoded !== first.decoded || r.check !== first.check) throw new Error(`${label}: runs differ`);
    bestMs = Math.min(bestMs, ms);
  }
  const perSec = events.length / (bestMs / 1000);
  console.log(
    `${label.padEnd(48)} ${events.length} events (${first.decoded} decoded, ${first.unknown} not) ` +
      `best of ${runs}: ${bestMs.toFixed(0).padStart(6)} ms = ${Math.round(perSec).toLocaleString('en-US').padStart(9)} events/s`,
  );
  return { perSec, ...first };
}

console.log(`node ${process.version}; ${events.length} events in pages of ${PAGE}`);
const a = best('@teachlink/sdk decodeEvents', ours);
const b = best('@stellar/stellar-sdk xdr.ScVal.fromXDR + scValToNative', theirs);
if (a.decoded + a.unknown !== events.length || a.decoded < events.length * 0.9) {
  throw new Error(`@teachlink/sdk decoded only ${a.decoded} of ${events.length}`);
}
console.log(`ratio: ${(a.perSec / b.perSec).toFixed(2)}x (target >= 5x)`);

// What a browser loads, gzipped at level 9: our ES module and its Wasm, beside
// @stellar/stellar-sdk's browser bundles.
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const raw = (file) => readFileSync(file).length;
const fmt = (n) => `${n.toLocaleString('en-US')} B`;
const ourDir = path.join('node_modules', '@teachlink', 'sdk', 'web');
const ourJs = path.join(ourDir, 'teachlink_sdk.js');
const ourWasm = path.join(ourDir, 'teachlink_sdk_bg.wasm');
const ourGz = gz(ourJs) + gz(ourWasm);
console.log(
  `@teachlink/sdk browser load (web/teachlink_sdk.js + web/teachlink_sdk_bg.wasm): ` +
    `${fmt(raw(ourJs) + raw(ourWasm))}, gzipped ${fmt(ourGz)} (${fmt(gz(ourJs))} + ${fmt(gz(ourWasm))})`,
);
const theirDist = path.join('node_modules', '@stellar', 'stellar-sdk', 'dist');
const theirFile = path.join(theirDist, 'stellar-sdk.min.js');
const theirGz = gz(theirFile);
console.log(`@stellar/stellar-sdk browser bundle (dist/stellar-sdk.min.js): ${fmt(raw(theirFile))}, gzipped ${fmt(theirGz)}`);
console.log(
  `size: ours ${(ourGz / 1024).toFixed(1)} KiB vs ${(theirGz / 1024).toFixed(1)} KiB = ${((100 * ourGz) / theirGz).toFixed(0)}% ` +
    `(targets: <= 90 KB and <= 50%)`,
);
