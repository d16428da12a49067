// LightIndexer of the packed @teachlink/sdk (its `@teachlink/sdk/indexer` entry) in
// Node.js against a real TeachLink server (started in-process by sdk/tests/node.rs: its
// embedded localnet and demo data set, indexed into SQLite): synced from the server's
// localnet into memory, every query answers what the server's REST API answers; a
// snapshot from the server's `/api/snapshot` imports, verified, and syncing continues
// after it; tampered or unpinned snapshots, bad options and a dead RPC are typed errors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LightIndexer } from '@teachlink/sdk/indexer';
import { env, fails } from './support.mjs';

const base = env('TEACHLINK_INDEXER_URL');
const rpcUrl = env('TEACHLINK_SERVER_RPC_URL');
const people = JSON.parse(readFileSync(env('TEACHLINK_PEOPLE'), 'utf8'));
const demoEvents = Number(env('TEACHLINK_DEMO_EVENTS'));
let status;
let synced;

async function rest(path) {
  const res = await fetch(new URL(path, base));
  assert.equal(res.status, 200, path);
  return res.json();
}

/** The server's snapshot: its bytes (fetch undoes the gzip encoding) and published hash. */
async function snapshot() {
  const res = await fetch(new URL('api/snapshot', base));
  assert.equal(res.status, 200);
  const sha256 = res.headers.get('x-teachlink-snapshot-sha256');
  assert.match(sha256, /^[0-9a-f]{64}$/);
  return { bytes: new Uint8Array(await res.arrayBuffer()), sha256 };
}

/** Every query the REST API also answers, for each demo person, from `ix`. */
async function answers(ix) {
  const out = {};
  for (const [name, address] of Object.entries(people)) {
    out[name] = {
      escrows: await ix.escrowsByParty(address),
      owned: await ix.tokensByOwner(address),
      created: await ix.tokensByCreator(address),
      profile: (await ix.profile(address)) ?? null,
      completions: await ix.completionsByLearner(address),
      rewards: (await ix.rewards(address)) ?? null,
    };
  }
  return out;
}

before(async () => {
  status = await rest('api/status');
  synced = await LightIndexer.open({ rpcUrl, deployment: status.deployment, pageLimit: 7 });
});

test('syncs the demo from the RPC into memory, in pages', async () => {
  assert.equal(synced.persistent, false);
  assert.equal(await synced.checkpoint(), null);
  const s = await synced.syncToHead();
  assert.equal(s.caught_up, true);
  assert.equal(s.events_indexed, demoEvents);
  assert.ok(s.pages >= Math.ceil(demoEvents / 7), `pages: ${s.pages}`);
  assert.equal(s.gap, null);
  assert.deepEqual(await synced.stats(), { events: demoEvents, unknown: 0, orphans: 0 });
  const step = await synced.step();
  assert.equal(step.kind, 'caught_up');
  assert.ok((await synced.checkpoint()).ledger >= status.checkpoint.ledger);
});

test("answers what the server's REST API answers", async () => {
  let compared = 0;
  for (const [name, address] of Object.entries(people)) {
    const escrows = await synced.escrowsByParty(address);
    const fromRest = (await rest(`api/escrows?party=${address}&limit=200`)).items;
    assert.deepEqual(
      escrows.map((e) => e.id).sort((a, b) => a - b),
      fromRest.map((e) => e.id).sort((a, b) => a - b),
      name,
    );
    for (const e of fromRest) {
      assert.deepEqual(await synced.escrow(e.id), e, `escrow ${e.id}`);
      compared += 1;
    }
    const owned = (await rest(`api/tokens?owner=${address}&limit=200`)).items;
    assert.deepEqual((await synced.tokensByOwner(address)).map((t) => t.id), owned.map((t) => t.id), name);
    for (const t of owned) assert.deepEqual(await synced.token(BigInt(t.id)), t);
  }
  assert.ok(compared > 0, 'the demo has escrows');
  for (const s of ['Open', 'Released', 'Disputed', 'Resolved']) {
    const fromRest = (await rest(`api/escrows?status=${s}&limit=200`)).items;
    assert.deepEqual((await synced.escrowsByStatus(s)).map((e) => e.id), fromRest.map((e) => e.id), s);
  }
  assert.equal(await synced.escrow(999_999), undefined);
});

test("a new store starts from the server's verified snapshot and syncs on after it", async () => {
  const { bytes, sha256 } = await snapshot();
  const ix = await LightIndexer.open({ rpcUrl, deployment: status.deployment });
  const imported = await ix.importSnapshot(bytes, status.network.network_passphrase, sha256);
  assert.equal(imported.sha256, sha256);
  assert.equal(imported.events, demoEvents);
  assert.deepEqual(await ix.stats(), await synced.stats());
  assert.deepEqual(await answers(ix), await answers(synced));
  // Sync resumes after the snapshot's checkpoint: nothing to replay.
  const s = await ix.syncToHead();
  assert.equal(s.caught_up, true);
  assert.equal(s.events_indexed, 0);
  assert.equal(s.duplicate_events, 0);
  // The store now holds data: a second import is refused.
  await fails(ix.importSnapshot(bytes, status.network.network_passphrase, sha256), 'store_error');
});

test('a tampered, unpinned or foreign snapshot is refused and nothing is imported', async () => {
  const { bytes, sha256 } = await snapshot();
  const passphrase = status.network.network_passphrase;
  const ix = await LightIndexer.open({ rpcUrl, deployment: status.deployment });
  const tampered = bytes.slice();
  const at = new TextDecoder().decode(tampered).indexOf('"amount":"') + 10;
  tampered[at] = tampered[at] === 0x37 ? 0x38 : 0x37;
  let e = await fails(ix.importSnapshot(tampered, passphrase), 'snapshot_refused');
  assert.match(e.message, /does not match its SHA-256/);
  e = await fails(ix.importSnapshot(bytes, passphrase, 'ab'.repeat(32)), 'snapshot_refused');
  assert.match(e.message, /not the/);
  e = await fails(ix.importSnapshot(bytes, 'Public Global Stellar Network ; September 2015', sha256), 'snapshot_refused');
  assert.match(e.message, /network/);
  await fails(ix.importSnapshot(bytes.slice(0, bytes.length - 30), passphrase), 'snapshot_refused');
  assert.equal(await ix.checkpoint(), null);
  assert.deepEqual(await ix.stats(), { events: 0, unknown: 0, orphans: 0 });
});

test('bad options and inputs are typed errors', async () => {
  await fails(LightIndexer.open({ deployment: status.deployment }), 'invalid_argument');
  await fails(LightIndexer.open({ rpcUrl, deployment: { contracts: {}, start_ledger: 1 } }), 'invalid_argument');
  await fails(LightIndexer.open({ rpcUrl, deployment: { contracts: { escrow: 'not-a-contract' }, start_ledger: 1 } }), 'invalid_argument');
  await fails(LightIndexer.open({ rpcUrl, deployment: { ...status.deployment, start_ledger: 0 } }), 'invalid_argument');
  await fails(LightIndexer.open({ rpcUrl, deployment: status.deployment, pageLimit: 0 }), 'invalid_argument');
  // Node.js has no IndexedDB: a database name cannot be honoured.
  await fails(LightIndexer.open({ rpcUrl, deployment: status.deployment, database: 'x' }), 'store_error');
  await fails(synced.escrowsByParty('not an address'), 'invalid_argument');
  await fails(synced.escrow(-1), 'invalid_argument');
  await fails(synced.escrowsByStatus('Lost'), 'invalid_argument');
  // An RPC that does not answer: the sync gives up with the reason.
  const dead = await LightIndexer.open({ rpcUrl: 'http://127.0.0.1:9/', deployment: status.deployment });
  await fails(dead.syncToHead(), 'sync_error');
  assert.ok(dead.status().consecutive_failures >= 1 || dead.status().last_error !== null);
});
