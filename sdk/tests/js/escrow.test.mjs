// The packed @teachlink/sdk against a localnet with the TeachLink contracts (started by
// sdk/tests/node.rs, which passes its URL and deployment in the environment): escrows
// created, approved by a signer other than the submitter through buildApprove /
// signAuthEntries / finish, released, disputed, resolved and refunded with real keys;
// contract errors by name; wallets that refuse (nothing sent); and the real events decoded.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import init, {
  EscrowClient,
  Keypair,
  RpcClient,
  WalletSigner,
  decodeEvents,
} from '@teachlink/sdk';
import { env, fails } from './support.mjs';

const deployment = JSON.parse(readFileSync(env('TEACHLINK_DEPLOYMENT'), 'utf8'));
const friendbot = env('TEACHLINK_FRIENDBOT_URL');
const out = env('TEACHLINK_OUT');
const invokeOptions = { pollIntervalMs: 100, pollTimeoutMs: 30_000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let rpc;
let escrow;
let passphrase;
const people = {};

async function fund(kp) {
  const res = await fetch(`${friendbot}?addr=${kp.publicKey()}`);
  assert.equal(res.status, 200, await res.text());
}

/** A SEP-43 wallet backed by a key, as an extension would be. */
function walletOf(kp, overrides = {}) {
  return {
    getAddress: async () => ({ address: kp.publicKey() }),
    getNetwork: async () => ({ network: 'STANDALONE', networkPassphrase: passphrase }),
    signTransaction: (xdr, opts) => kp.signTransaction(xdr, opts),
    signAuthEntry: (preimage, opts) => kp.signAuthEntry(preimage, opts),
    ...overrides,
  };
}

function terms(overrides = {}) {
  return {
    beneficiary: people.bob.publicKey(),
    token: deployment.native_asset,
    amount: 50_000_000n,
    signers: [
      { address: people.carol.publicKey(), weight: 1 },
      { address: people.dave.publicKey(), weight: 2 },
    ],
    threshold: 3,
    release_after: null,
    refund_after: null,
    arbitrator: null,
    course_id: 42,
    ...overrides,
  };
}

before(async () => {
  await init(); // a no-op on Node.js; the same code runs in browsers
  rpc = new RpcClient(env('TEACHLINK_RPC_URL'), { retries: 2, retryDelayMs: 50 });
  ({ passphrase } = await rpc.getNetwork());
  assert.equal(passphrase, deployment.network_passphrase);
  escrow = new EscrowClient(deployment.contracts.escrow, rpc, passphrase, invokeOptions);
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
    people[name] = Keypair.fromRawSeed(randomBytes(32));
  }
  await Promise.all(Object.values(people).map(fund));
});

test('create, approve by signers other than the submitter, release', async () => {
  const { alice, bob, carol, dave } = people;
  const created = await escrow.create(terms(), alice);
  assert.equal(typeof created.value, 'number');
  assert.match(created.txHash, /^[0-9a-f]{64}$/);
  assert.ok(created.ledger > 0);
  const id = created.value;
  let e = await escrow.getEscrow(id);
  assert.equal(e.status, 'Open');
  assert.equal(e.amount, '50000000');
  assert.equal(e.depositor, alice.publicKey());
  assert.deepEqual(await escrow.pendingSigners(id), [carol.publicKey(), dave.publicKey()]);

  // Dave approves through his wallet; Bob submits and pays the fee.
  const daveSeq = await rpc.getAccountSequence(dave.publicKey());
  const bobSeq = BigInt(await rpc.getAccountSequence(bob.publicKey()));
  const built = await escrow.buildApprove(dave.publicKey(), id, bob.publicKey());
  assert.deepEqual(built.pendingSigners, [dave.publicKey()]);
  const missing = await fails(escrow.finish(built.xdr, bob), 'missing_authorization');
  assert.deepEqual(missing.pendingSigners, [dave.publicKey()]);
  await fails(escrow.signAuthEntries(built.xdr, carol), 'nothing_to_sign');
  const signed = await escrow.signAuthEntries(built.xdr, new WalletSigner(walletOf(dave)));
  assert.deepEqual(signed.pendingSigners, []);
  await fails(escrow.finish(signed.xdr, alice), 'invalid_argument'); // not the source
  const approved = await escrow.finish(signed.xdr, bob);
  assert.equal(approved.value, null);
  assert.equal(BigInt(await rpc.getAccountSequence(bob.publicKey())), bobSeq + 1n);
  assert.equal(await rpc.getAccountSequence(dave.publicKey()), daveSeq, 'the approver sent nothing');

  // Carol approves with her key; Alice submits.
  const built2 = await escrow.buildApprove(carol.publicKey(), id, alice.publicKey());
  const signed2 = await escrow.signAuthEntries(built2.xdr, carol);
  await escrow.finish(signed2.xdr, alice);
  e = await escrow.getEscrow(id);
  assert.equal(e.approved_weight, 3);
  assert.deepEqual(await escrow.pendingSigners(id), []);

  // Contract errors come back by code and name, before anything is sent.
  const again = await fails(escrow.approve(id, dave), 'contract_error');
  assert.equal(again.contractCode, 120);
  assert.equal(again.contractError, 'AlreadyApproved');
  const stranger = await fails(
    escrow.buildApprove(people.erin.publicKey(), id, bob.publicKey()),
    'contract_error',
  );
  assert.equal(stranger.contractError, 'NotSigner');

  const released = await escrow.release(id, bob);
  assert.ok(released.ledger >= approved.ledger);
  assert.equal((await escrow.getEscrow(id)).status, 'Released');
  const twice = await fails(escrow.release(id, bob), 'contract_error');
  assert.equal(twice.contractError, 'NotOpen');
});

test('approve in one call, dispute and resolve, refund', async () => {
  const { alice, bob, carol, dave, erin } = people;
  const withArbitrator = { arbitrator: erin.publicKey(), dispute_timeout: 86_400, amount: '80000000' };
  const noTimeout = await fails(escrow.create(terms({ ...withArbitrator, dispute_timeout: 0 }), alice), 'contract_error');
  assert.equal(noTimeout.contractError, 'InvalidDisputeTimeout');
  const { value: id } = await escrow.create(terms(withArbitrator), alice);
  await escrow.approve(id, carol);
  const disputedAt = Math.floor(Date.now() / 1000);
  await escrow.dispute(id, 'course never started', bob);
  const disputed = await escrow.getEscrow(id);
  assert.equal(disputed.status, 'Disputed');
  assert.equal(disputed.dispute_timeout, 86_400);
  // The deadline is the dispute's ledger time (localnet's clock) plus the timeout.
  assert.ok(Math.abs(disputed.dispute_deadline - (disputedAt + 86_400)) <= 5, `${disputed.dispute_deadline}`);
  const early = await fails(escrow.settleDispute(id, bob), 'contract_error');
  assert.equal(early.contractError, 'DisputeNotExpired');
  const notArbitrator = await fails(escrow.resolve(id, { Split: 2500 }, dave), 'missing_authorization');
  assert.deepEqual(notArbitrator.pendingSigners, [erin.publicKey()]);
  await escrow.resolve(id, { Split: 2500 }, erin);
  assert.equal((await escrow.getEscrow(id)).status, 'Resolved');

  // A refund time must lie ahead; once it passes, only unapproved funds go back.
  const past = await fails(escrow.create(terms({ refund_after: 1 }), alice), 'contract_error');
  assert.equal(past.contractError, 'InvalidDeadlines');
  const refundAfter = Math.floor(Date.now() / 1000) + 4;
  const { value: id2 } = await escrow.create(terms({ refund_after: refundAfter }), alice);
  const { value: approvedId } = await escrow.create(terms({ refund_after: refundAfter }), alice);
  await escrow.approve(approvedId, dave);
  await escrow.approve(approvedId, carol);
  while (Math.floor(Date.now() / 1000) <= refundAfter + 1) await new Promise((r) => setTimeout(r, 500));
  await escrow.refund(id2, alice);
  const refunded = await escrow.getEscrow(id2);
  assert.equal(refunded.status, 'Refunded');
  assert.equal(refunded.refund_after, refundAfter);
  const approvedRefund = await fails(escrow.refund(approvedId, alice), 'contract_error');
  assert.equal(approvedRefund.contractError, 'ThresholdReached');
  await escrow.release(approvedId, bob);

  const { value: id3 } = await escrow.create(terms(), alice);
  await escrow.cancel(id3, alice);
  assert.equal((await escrow.getEscrow(id3)).status, 'Cancelled');

  const bad = await fails(escrow.create(terms({ threshold: 4 }), alice), 'contract_error');
  assert.equal(bad.contractError, 'InvalidThreshold');
  const broke = await fails(escrow.create(terms({ amount: 10n ** 16n }), alice), 'contract_error');
  assert.equal(broke.contractError, 'TokenBalance');
  await fails(escrow.create(terms({ beneficiary: 'nope' }), alice), 'invalid_argument');
  await fails(escrow.create(terms({ amount: 1.5 }), alice), 'invalid_argument');
});

test('a wallet that refuses: a typed error and nothing sent', async () => {
  const { alice, bob, dave, frank } = people;
  const seq = await rpc.getAccountSequence(frank.publicKey());
  const declined = { code: -4, message: 'User declined access' };

  // SEP-43: the promise rejects.
  const rejects = new WalletSigner(walletOf(frank, { signTransaction: async () => { throw declined; } }));
  const e = await fails(escrow.create(terms(), rejects), 'wallet_refused');
  assert.equal(e.walletCode, -4);
  assert.match(e.message, /User declined access/);
  // Freighter: the promise resolves with { error }.
  const answers = walletOf(frank, { signTransaction: async () => ({ signedTxXdr: '', error: declined }) });
  await fails(escrow.create(terms(), answers), 'wallet_refused');
  // A bare wallet object works as a signer too.
  await fails(escrow.create(terms(), walletOf(frank, { signTransaction: () => Promise.reject(new Error('no')) })), 'wallet_refused');
  // A wallet on another network is refused before it is asked to sign.
  const elsewhere = walletOf(frank, {
    getNetwork: async () => ({ network: 'TESTNET', networkPassphrase: 'Test SDF Network ; September 2015' }),
  });
  await fails(escrow.create(terms(), new WalletSigner(elsewhere)), 'network_mismatch');
  // A wallet that signs with another key, or returns another transaction.
  await fails(escrow.create(terms(), walletOf(frank, { signTransaction: (x, o) => alice.signTransaction(x, o) })), 'wallet_error');

  await sleep(600); // a ledger or two: anything sent would have been applied
  assert.equal(await rpc.getAccountSequence(frank.publicKey()), seq, 'nothing was sent');

  // Refusing to sign an auth entry: the approval stays pending.
  const { value: id } = await escrow.create(terms(), alice);
  const built = await escrow.buildApprove(dave.publicKey(), id, bob.publicKey());
  const refusing = new WalletSigner(walletOf(dave, { signAuthEntry: async () => { throw declined; } }));
  await fails(escrow.signAuthEntries(built.xdr, refusing), 'wallet_refused');
  const forged = new WalletSigner(walletOf(dave, { signAuthEntry: (p, o) => alice.signAuthEntry(p, o) }));
  await fails(escrow.signAuthEntries(built.xdr, forged), 'wallet_error');
  assert.deepEqual(await escrow.pendingSigners(id), [people.carol.publicKey(), dave.publicKey()]);
});

test('decodeEvents: the real events, typed as the indexer types them', async () => {
  const request = {
    startLedger: deployment.start_ledger,
    // The escrow's events only: the other contracts' tests run alongside (clients.test.mjs).
    filters: [{ type: 'contract', contractIds: [deployment.contracts.escrow] }],
    pagination: { limit: 1000 },
  };
  const page = await rpc.getEvents(request);
  const decoded = decodeEvents(page, deployment);
  assert.deepEqual(decoded.unknown, []);
  assert.deepEqual(decodeEvents(JSON.stringify(page), JSON.stringify(deployment)), decoded);
  const bodies = decoded.events.map((e) => e.body);
  const first = bodies.filter((b) => 'escrow_id' in b && b.escrow_id === 1);
  assert.deepEqual(
    first.map((b) => b.event),
    ['escrow_created', 'escrow_approved', 'escrow_approved', 'escrow_released'],
  );
  const [created, byDave, byCarol, released] = first;
  assert.equal(created.depositor, people.alice.publicKey());
  assert.equal(created.amount, '50000000');
  assert.equal(byDave.signer, people.dave.publicKey());
  assert.equal(byCarol.approved_weight, 3);
  assert.equal(released.by, people.bob.publicKey());
  for (const e of decoded.events) assert.equal(e.meta.contract, deployment.contracts.escrow);
  // Handed to the Rust side of the test, which decodes the same page with the indexer.
  writeFileSync(path.join(out, 'events.json'), JSON.stringify(page));
  writeFileSync(path.join(out, 'decoded.json'), JSON.stringify(decoded));
});
