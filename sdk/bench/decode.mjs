// Decode throughput in Node.js and browser-load sizes of @teachlink/sdk beside
// @stellar/stellar-sdk, in one run (scripts/sdk-bench.sh prepares the input and the
// packages, then runs this and browser.mjs):
//
//   node decode.mjs DIR [RUNS]
//
// DIR holds events.json (a getEvents result: 100,000 TeachLink events of the indexer's
// synthetic traffic, `cargo run -p teachlink-sdk --example bench_events`) and
// deployment.json. The timed work is core.mjs's, the same in Chromium. Ours is the
// package's Node.js build of `@teachlink/sdk/events` (opt-level 3).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { decodeEvents } from '@teachlink/sdk/events';
import * as stellar from '@stellar/stellar-sdk';
import { compare, line } from './core.mjs';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!dir || !(runs >= 1)) {
  console.error('usage: node decode.mjs DIR [RUNS]');
  process.exit(2);
}

const page = JSON.parse(readFileSync(path.join(dir, 'events.json'), 'utf8'));
const deployment = JSON.parse(readFileSync(path.join(dir, 'deployment.json'), 'utf8'));
const events = page.events;
const theirVersion = JSON.parse(readFileSync(path.join('node_modules', '@stellar', 'stellar-sdk', 'package.json'), 'utf8')).version;

console.log(`node ${process.version}, @stellar/stellar-sdk ${theirVersion}; ${events.length} events in pages of 1000`);
const r = compare(decodeEvents, stellar, events, deployment, runs, () => performance.now());
console.log(line(r.ours, events.length, runs));
console.log(line(r.theirs, events.length, runs));
console.log(`Node.js ratio: ${r.ratio.toFixed(2)}x (target >= 5x)`);

// What a browser loads, gzipped at level 9: each entry's ES module and Wasm, beside
// @stellar/stellar-sdk's browser bundle.
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const raw = (file) => readFileSync(file).length;
const fmt = (n) => `${n.toLocaleString('en-US')} B`;
const theirFile = path.join('node_modules', '@stellar', 'stellar-sdk', 'dist', 'stellar-sdk.min.js');
const theirGz = gz(theirFile);
console.log(`@stellar/stellar-sdk ${theirVersion} browser bundle (dist/stellar-sdk.min.js): ${fmt(raw(theirFile))}, gzipped ${fmt(theirGz)}`);
const root = path.join('node_modules', '@teachlink', 'sdk');
for (const [entry, dirName, name] of [
  ['@teachlink/sdk (default, = /events)', 'web', 'teachlink_sdk'],
  ['@teachlink/sdk/clients', 'clients/web', 'teachlink_sdk_clients'],
  ['@teachlink/sdk/indexer', 'indexer/web', 'teachlink_sdk_indexer'],
]) {
  const js = path.join(root, dirName, `${name}.js`);
  const wasm = path.join(root, dirName, `${name}_bg.wasm`);
  const total = gz(js) + gz(wasm);
  console.log(
    `${entry.padEnd(38)} browser load ${fmt(raw(js) + raw(wasm))}, gzipped ${fmt(total)} (${fmt(gz(js))} + ${fmt(gz(wasm))}) ` +
      `= ${((100 * total) / theirGz).toFixed(0)}% of stellar-sdk`,
  );
}
