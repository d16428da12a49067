// LightIndexer (`@teachlink/sdk/indexer`'s browser build) in headless Chromium against a
// real TeachLink server (run.mjs passes /api/* to it and /server-rpc/* to its localnet):
// the server's chain synced into IndexedDB answers what the REST API answers, survives a
// new LightIndexer on the same database, and a new database starts from the server's
// verified snapshot; a tampered snapshot is refused with nothing written.
import init, { LightIndexer, isTeachLinkError } from '@teachlink/sdk/indexer';
import { assert, equal, fails as failsWith, run, test } from './harness.mjs';

const fails = (promise, code) => failsWith(promise, code, isTeachLinkError);
const rpcUrl = new URL('/server-rpc/', location.href).href;
const database = (name) => `teachlink-light-${name}-${Date.now()}-${Math.random()}`;

let status;
let people;
let synced;
let syncedDb;

async function rest(path) {
  const res = await fetch(path);
  equal(res.status, 200, path);
  return res.json();
}

async function snapshot() {
  const res = await fetch('/api/snapshot');
  equal(res.status, 200, '/api/snapshot');
  const sha256 = res.headers.get('x-teachlink-snapshot-sha256');
  assert(/^[0-9a-f]{64}$/.test(sha256 ?? ''), `published hash: ${sha256}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), sha256 };
}

async function escrowIds(ix) {
  const out = {};
  for (const [name, address] of Object.entries(people)) {
    out[name] = (await ix.escrowsByParty(address)).map((e) => e.id).sort((a, b) => a - b);
  }
  return out;
}

test("syncs the server's chain into IndexedDB and answers what the REST API answers", async () => {
  syncedDb = database('sync');
  synced = await LightIndexer.open({ rpcUrl, deployment: status.deployment, database: syncedDb });
  equal(synced.persistent, true, 'persistent');
  const s = await synced.syncToHead();
  equal(s.caught_up, true, 'caught up');
  equal((await synced.stats()).events, status.store.events, 'events');
  for (const [name, address] of Object.entries(people)) {
    const fromRest = (await rest(`/api/escrows?party=${address}&limit=200`)).items;
    equal(
      JSON.stringify((await synced.escrowsByParty(address)).map((e) => e.id).sort((a, b) => a - b)),
      JSON.stringify(fromRest.map((e) => e.id).sort((a, b) => a - b)),
      name,
    );
    for (const e of fromRest) equal(JSON.stringify(await synced.escrow(e.id)), JSON.stringify(e), `escrow ${e.id}`);
  }
});

test('a new LightIndexer on the same database has the data before any sync', async () => {
  const again = await LightIndexer.open({ rpcUrl, deployment: status.deployment, database: syncedDb });
  assert((await again.checkpoint()) !== null, 'a checkpoint');
  equal(JSON.stringify(await again.stats()), JSON.stringify(await synced.stats()), 'stats');
  equal(JSON.stringify(await escrowIds(again)), JSON.stringify(await escrowIds(synced)), 'escrows');
});

test("a new database starts from the server's verified snapshot", async () => {
  const { bytes, sha256 } = await snapshot();
  const ix = await LightIndexer.open({ rpcUrl, deployment: status.deployment, database: database('snapshot') });
  const imported = await ix.importSnapshot(bytes, status.network.network_passphrase, sha256);
  equal(imported.sha256, sha256, 'hash');
  equal(JSON.stringify(await ix.stats()), JSON.stringify(await synced.stats()), 'stats');
  equal(JSON.stringify(await escrowIds(ix)), JSON.stringify(await escrowIds(synced)), 'escrows');
  const s = await ix.syncToHead();
  equal(s.caught_up, true, 'caught up');
  equal(s.events_indexed, 0, 'nothing replayed');
});

test('a tampered snapshot is refused and nothing is written', async () => {
  const { bytes } = await snapshot();
  const tampered = bytes.slice();
  const at = new TextDecoder().decode(tampered).indexOf('"amount":"') + 10;
  tampered[at] = tampered[at] === 0x37 ? 0x38 : 0x37;
  const ix = await LightIndexer.open({ rpcUrl, deployment: status.deployment, database: database('tampered') });
  await fails(ix.importSnapshot(tampered, status.network.network_passphrase), 'snapshot_refused');
  equal(await ix.checkpoint(), null, 'no checkpoint');
  equal((await ix.stats()).events, 0, 'no events');
});

run(async () => {
  await init();
  status = await rest('/api/status');
  people = await rest('/people.json');
});
