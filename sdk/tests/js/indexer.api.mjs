// IndexerClient of the packed @teachlink/sdk against a real TeachLink server (started
// in-process by sdk/tests/node.rs: its embedded localnet, the demo data set made of real
// signed transactions, indexed into SQLite): every read route, cursor paging, and the typed
// errors. The answers are also compared with the same routes read by plain fetch.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IndexerClient, isTeachLinkError } from '@teachlink/sdk';
import { env, fails } from './support.mjs';

const base = env('TEACHLINK_INDEXER_URL');
const people = JSON.parse(readFileSync(env('TEACHLINK_PEOPLE'), 'utf8'));
let api;

async function raw(path) {
  const res = await fetch(new URL(path, base));
  assert.equal(res.status, 200, path);
  return res.json();
}

before(async () => {
  api = new IndexerClient(base, { retries: 1, retryDelayMs: 20 });
  // The demo is on chain; wait until the server has indexed all its events.
  const events = Number(env('TEACHLINK_DEMO_EVENTS'));
  const deadline = Date.now() + 60_000;
  while ((await api.status()).store.events < events) {
    assert.ok(Date.now() < deadline, `the server did not index the demo's ${events} events in 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test('escrows by party, paged by cursor, equal to the server\'s JSON', async () => {
  const margaret = people.margaret; // a signer of every demo escrow
  const all = await api.escrows({ party: margaret, limit: 200 });
  assert.equal(all.next_cursor, null);
  assert.deepEqual(all.items.map((e) => e.id), [1, 2, 3]);
  assert.deepEqual(all, await raw(`/api/escrows?party=${margaret}&limit=200`));

  const paged = [];
  let cursor;
  let pages = 0;
  do {
    const page = await api.escrows({ party: margaret, limit: 1, cursor });
    pages += 1;
    paged.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  assert.equal(pages, 3);
  assert.deepEqual(paged, all.items);

  const alan = await api.escrows({ party: people.alan });
  assert.deepEqual(alan.items.map((e) => [e.id, e.depositor, e.status]), [[1, people.alan, 'Released']]);
  const open = await api.escrows({ status: 'Open' });
  assert.deepEqual(open.items.map((e) => e.id), [3]);
  const one = await api.escrow(3);
  assert.equal(one.beneficiary, people.ada);
  assert.equal(one.terms.course_id, 3);
  assert.equal(one.approved_weight, 1);
  assert.deepEqual(one.approvals.map((a) => a.signer), [people.ken]);
  assert.deepEqual(await api.escrow(3n), one);
  assert.deepEqual(await api.escrow('3'), one);
});

test('tokens, profiles, completions, contributions, rewards, pool, status', async () => {
  const tokens = await api.tokens({ creator: people.ada });
  assert.ok(tokens.items.length >= 1);
  for (const t of tokens.items) assert.equal(t.creator, people.ada);
  const first = await api.token(tokens.items[0].id);
  assert.equal(first.provenance[0].kind, 'Mint');
  assert.deepEqual(first, await raw(`/api/tokens/${first.id}`));

  const profile = await api.profile(people.alan);
  assert.equal(profile.learner, people.alan);
  assert.equal(profile.completions, 1);
  const completions = await api.completions({ learner: people.alan });
  assert.deepEqual(completions.items.map((c) => [c.course_id, c.score_pct]), [[1, 92]]);
  assert.equal((await api.completions({ course: 2 })).items[0].learner, people.barbara);

  const contributions = await api.contributions({ author: people.alan });
  assert.equal(contributions.items.length, 1);
  assert.deepEqual(await api.contribution(contributions.items[0].id), contributions.items[0]);

  const rewards = await api.rewards(people.alan);
  assert.equal(rewards.learner, people.alan);
  assert.ok(rewards.history.some((h) => 'Claimed' in h));
  assert.match((await api.pool()).balance, /^[0-9]+$/);
  const status = await api.status();
  assert.ok(status.store.events > 0);
  assert.equal(status.network.mode, 'localnet');
});

test('typed errors: not found, bad parameters, bad cursors, unknown parameters, no server', async () => {
  const missing = await fails(api.escrow(999_999), 'api_error');
  assert.equal(missing.status, 404);
  assert.equal(missing.apiCode, 'not_found');
  assert.equal((await fails(api.profile('GNOPE'), 'api_error')).apiCode, 'invalid_parameter');
  assert.equal((await fails(api.escrows({ limit: 500 }), 'api_error')).apiCode, 'invalid_parameter');
  const page = await api.escrows({ limit: 1 });
  const wrongList = await fails(api.tokens({ cursor: page.next_cursor }), 'api_error');
  assert.equal(wrongList.apiCode, 'invalid_cursor');
  assert.equal((await fails(api.escrows({ cursor: 'garbage' }), 'api_error')).status, 400);
  await fails(api.escrows({ owner: people.ada }), 'invalid_argument');
  await fails(api.escrow(-1), 'invalid_argument');
  assert.throws(() => new IndexerClient('ftp://x'), (e) => isTeachLinkError(e) && e.code === 'invalid_argument');

  // Nothing listens there: a transport error after the retries.
  const closed = new IndexerClient('http://127.0.0.1:9/', { retries: 2, retryDelayMs: 10, timeoutMs: 2000 });
  const down = await fails(closed.pool(), 'transport');
  assert.equal(down.attempts, 3);
});
