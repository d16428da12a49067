// The packed @teachlink/sdk without contracts: keys, the RPC client's errors and retries,
// argument checking, and the error shape every call shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  EscrowClient,
  Keypair,
  RpcClient,
  WalletSigner,
  decodeEvents,
  networkId,
} from '@teachlink/sdk';
import { fails } from './support.mjs';

const PASSPHRASE = 'Standalone Network ; February 2017';

test('keypairs: strkeys, the localnet root key, signatures', () => {
  const root = Keypair.fromSecret(process.env.TEACHLINK_ROOT_SECRET);
  assert.equal(root.publicKey(), process.env.TEACHLINK_ROOT_PUBLIC);
  assert.equal(root.secret(), process.env.TEACHLINK_ROOT_SECRET);
  const k = Keypair.random();
  assert.match(k.publicKey(), /^G[A-Z2-7]{55}$/);
  assert.match(k.secret(), /^S[A-Z2-7]{55}$/);
  assert.equal(Keypair.fromSecret(k.secret()).publicKey(), k.publicKey());
  const sig = k.sign(new TextEncoder().encode('hello'));
  assert.equal(sig.length, 64);
  assert.ok(k.verify(new TextEncoder().encode('hello'), sig));
  assert.ok(!root.verify(new TextEncoder().encode('hello'), sig));
  assert.throws(() => Keypair.fromSecret(k.publicKey()), (e) => e.code === 'invalid_argument');
  assert.throws(() => Keypair.fromRawSeed(new Uint8Array(31)), (e) => e.code === 'invalid_argument');
  assert.equal(networkId(PASSPHRASE).length, 64);
});

test('a keypair signs only Soroban authorization preimages', async () => {
  const k = Keypair.random();
  const { address } = await k.getAddress();
  assert.equal(address, k.publicKey());
  await fails(k.signAuthEntry('AAAA', { networkPassphrase: PASSPHRASE }), 'invalid_xdr');
  await fails(k.signTransaction('not xdr', { networkPassphrase: PASSPHRASE }), 'invalid_xdr');
});

test('RPC: transport errors are retried, then typed', async () => {
  const rpc = new RpcClient('http://127.0.0.1:9/', { retries: 2, retryDelayMs: 10 });
  const e = await fails(rpc.getLatestLedger(), 'transport');
  assert.equal(e.attempts, 3);
  assert.throws(() => new RpcClient('ftp://x'), (e) => e.code === 'invalid_argument');
});

test('RPC: 503 then success is retried; JSON-RPC errors are not', async () => {
  let calls = 0;
  const server = createServer((req, res) => {
    calls += 1;
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const { method } = JSON.parse(body);
      if (calls === 1) { res.writeHead(503).end(); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (method === 'getNetwork') {
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { passphrase: PASSPHRASE, protocolVersion: 27 } }));
      } else {
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad params' } }));
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const rpc = new RpcClient(`http://127.0.0.1:${server.address().port}/`, { retries: 3, retryDelayMs: 10 });
    const net = await rpc.getNetwork();
    assert.deepEqual(net, { passphrase: PASSPHRASE, protocolVersion: 27 });
    assert.equal(calls, 2);
    const e = await fails(rpc.getTransaction('00'.repeat(32)), 'rpc_error');
    assert.equal(e.rpcCode, -32602);
    assert.equal(calls, 3);
  } finally {
    server.close();
  }
});

test('arguments are checked before anything is sent', async () => {
  const rpc = new RpcClient('http://127.0.0.1:9/', { retries: 0 });
  assert.throws(() => new EscrowClient('GAAA', rpc, PASSPHRASE), (e) => e.code === 'invalid_argument');
  const k = Keypair.random();
  assert.throws(() => new EscrowClient(k.publicKey(), rpc, PASSPHRASE), (e) => e.code === 'invalid_argument');
  assert.throws(() => new WalletSigner({}), (e) => e.code === 'invalid_argument');
  const escrow = new EscrowClient('CAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSC4', rpc, PASSPHRASE);
  await fails(escrow.approve(-1, k), 'invalid_argument');
  await fails(escrow.approve(1, {}), 'invalid_argument');
  const freed = Keypair.random();
  freed.free();
  await fails(escrow.approve(1, freed), 'invalid_argument');
  await fails(escrow.finish('AAAA', k), 'invalid_xdr');
  await fails(escrow.buildApprove('nope', 1, k.publicKey()), 'invalid_argument');
});

test('decodeEvents refuses what is not getEvents output', () => {
  assert.throws(() => decodeEvents('{"nope":1}'), (e) => e.code === 'invalid_events');
  assert.throws(() => decodeEvents('not json'), (e) => e.code === 'invalid_events');
  assert.deepEqual(decodeEvents({ events: [] }), { events: [], unknown: [] });
});

test('the entries: /events is the read side alone, /clients the transaction side, the default both in Node.js', async () => {
  const events = await import('@teachlink/sdk/events');
  const clients = await import('@teachlink/sdk/clients');
  const all = await import('@teachlink/sdk');
  const indexer = await import('@teachlink/sdk/indexer');
  const read = ['decodeEvents', 'IndexerClient'];
  const write = ['RpcClient', 'Keypair', 'WalletSigner', 'EscrowClient', 'ContentClient', 'ReputationClient', 'RewardsClient'];
  for (const name of read) {
    assert.equal(typeof events[name], 'function', `/events ${name}`);
    assert.equal(clients[name], undefined, `/clients has ${name}`);
  }
  for (const name of write) {
    assert.equal(events[name], undefined, `/events has ${name}`);
    assert.equal(typeof clients[name], 'function', `/clients ${name}`);
  }
  // Node.js's all-in-one entries: the same functions as the split ones, nothing missing.
  for (const name of [...read, 'isTeachLinkError', 'networkId']) assert.equal(all[name], events[name], name);
  for (const name of write) {
    assert.equal(all[name], clients[name], name);
    assert.equal(indexer[name], clients[name], `/indexer ${name}`);
  }
  assert.equal(typeof indexer.LightIndexer, 'function');
  for (const m of [events, clients, all, indexer]) await m.default();
  // An error thrown by one module is recognised by the other's isTeachLinkError.
  let thrown;
  try {
    clients.Keypair.fromSecret('nope');
  } catch (e) {
    thrown = e;
  }
  assert.ok(events.isTeachLinkError(thrown));
  assert.equal(events.networkId(PASSPHRASE), clients.networkId(PASSPHRASE));
});
