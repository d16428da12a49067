// The packed @teachlink/sdk's ContentClient, ReputationClient and RewardsClient against the
// localnet of sdk/tests/node.rs: the most-used entry points on chain with real keys, the
// admin (the localnet root key) granting the issuer roles, and each contract's errors by name.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ContentClient,
  Keypair,
  ReputationClient,
  RewardsClient,
  RpcClient,
  WalletSigner,
  isTeachLinkError,
} from '@teachlink/sdk';

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through cargo test -p teachlink-sdk --test node`);
  return v;
}

const deployment = JSON.parse(readFileSync(env('TEACHLINK_DEPLOYMENT'), 'utf8'));
const friendbot = env('TEACHLINK_FRIENDBOT_URL');
const invokeOptions = { pollIntervalMs: 100, pollTimeoutMs: 30_000 };

let rpc;
let passphrase;
let admin;
const people = {};

async function fund(kp) {
  const res = await fetch(`${friendbot}?addr=${kp.publicKey()}`);
  assert.equal(res.status, 200, await res.text());
}

async function fails(promise, contractError) {
  try {
    await promise;
  } catch (e) {
    assert.ok(isTeachLinkError(e), `not a TeachLinkError: ${e}`);
    assert.equal(e.code, 'contract_error', e.message);
    assert.equal(e.contractError, contractError, e.message);
    return e;
  }
  assert.fail(`expected ${contractError}`);
}

before(async () => {
  rpc = new RpcClient(env('TEACHLINK_RPC_URL'), { retries: 2, retryDelayMs: 50 });
  ({ passphrase } = await rpc.getNetwork());
  admin = Keypair.fromSecret(env('TEACHLINK_ROOT_SECRET'));
  assert.equal(admin.publicKey(), deployment.admin);
  for (const name of ['creator', 'buyer', 'issuer', 'learner']) {
    people[name] = Keypair.fromRawSeed(randomBytes(32));
  }
  await Promise.all(Object.values(people).map(fund));
});

test('ContentClient: mint, transfer, errors by name', async () => {
  const { creator, buyer } = people;
  const content = new ContentClient(deployment.contracts.content, rpc, passphrase, invokeOptions);
  assert.equal(content.contractId, deployment.contracts.content);
  const minted = await content.mint(
    {
      title: 'Soroban 101',
      content_hash: createHash('sha256').update('lesson one').digest('hex'),
      uri: 'ipfs://bafy-lesson-one',
      licence: 'cc_by',
      tags: ['rust', 'soroban'],
      transferable: true,
      royalty_bps: 500,
    },
    creator,
  );
  assert.equal(typeof minted.value, 'number');
  assert.match(minted.txHash, /^[0-9a-f]{64}$/);
  const id = minted.value;
  assert.equal(await content.ownerOf(id), creator.publicKey());
  assert.equal(await content.balance(creator.publicKey()), 1);

  await content.transfer(buyer.publicKey(), id, new WalletSigner(creator));
  assert.equal(await content.ownerOf(id), buyer.publicKey());
  assert.equal(await content.balance(buyer.publicKey()), 1);

  const notOwner = await fails(content.transfer(buyer.publicKey(), id, creator), 'NotOwner');
  assert.equal(notOwner.contractCode, 111);
  await fails(content.ownerOf(999_999), 'TokenNotFound');
  const base = { title: 'x', content_hash: '00'.repeat(32), uri: 'u', licence: 'cc_by', transferable: false };
  await fails(content.mint({ ...base, title: '' }, creator), 'InvalidTitle');
  await fails(content.mint({ ...base, royalty_bps: 10_001 }, creator), 'InvalidRoyalty');
  const { value: locked } = await content.mint(base, creator);
  await fails(content.transfer(buyer.publicKey(), locked, creator), 'NotTransferable');
  for (const bad of [{ ...base, content_hash: 'abc' }, { ...base, transferable: 'yes' }, { ...base, tags: 'rust' }]) {
    await assert.rejects(content.mint(bad, creator), (e) => isTeachLinkError(e) && e.code === 'invalid_argument');
  }
});

test('ReputationClient: recordCompletion by an issuer', async () => {
  const { issuer, learner } = people;
  const reputation = new ReputationClient(deployment.contracts.reputation, rpc, passphrase, invokeOptions);
  // Not yet an issuer: the contract's Unauthorized.
  await fails(reputation.recordCompletion(learner.publicKey(), 7, 90, issuer), 'Unauthorized');
  await reputation.grantRole('issuer', issuer.publicKey(), admin);
  // An issuer records only the courses the admin bound to it.
  await fails(reputation.recordCompletion(learner.publicKey(), 7, 90, issuer), 'CourseNotBound');
  await reputation.bindCourse(7, issuer.publicKey(), admin);
  await reputation.bindCourse(8n, issuer.publicKey(), admin);

  assert.equal(await reputation.hasCompleted(learner.publicKey(), 7), false);
  const done = await reputation.recordCompletion(learner.publicKey(), 7n, 90, issuer);
  assert.equal(done.value, null);
  assert.equal(await reputation.hasCompleted(learner.publicKey(), 7), true);
  assert.ok((await reputation.reputation(learner.publicKey())) > 0);

  const again = await fails(reputation.recordCompletion(learner.publicKey(), 7, 80, issuer), 'AlreadyCompleted');
  assert.equal(again.contractCode, 112);
  await fails(reputation.recordCompletion(learner.publicKey(), 8, 101, issuer), 'InvalidScore');
  await fails(reputation.recordCompletion(issuer.publicKey(), 8, 50, issuer), 'SelfCompletion');

  // Only the admin corrects a recorded score.
  const before = await reputation.reputation(learner.publicKey());
  await fails(reputation.correctCompletion(learner.publicKey(), 8, 50, admin), 'CompletionNotFound');
  await reputation.correctCompletion(learner.publicKey(), 7, 30, admin);
  assert.equal(await reputation.reputation(learner.publicKey()), before - 60);
});

test('RewardsClient: fund, issue, claim', async () => {
  const { issuer, learner } = people;
  const rewards = new RewardsClient(deployment.contracts.rewards, rpc, passphrase, invokeOptions);
  await fails(rewards.claim(learner), 'NothingToClaim');
  await rewards.grantRole('issuer', issuer.publicKey(), admin);
  // No allowance yet: the admin sets how much the issuer may promise.
  await fails(rewards.issue(learner.publicKey(), 30_000_000n, 'course_7', issuer), 'AllowanceExceeded');
  await rewards.setAllowance(issuer.publicKey(), 40_000_000n, admin);
  assert.equal(await rewards.allowance(issuer.publicKey()), '40000000');
  await fails(rewards.issue(learner.publicKey(), 30_000_000n, 'course_7', issuer), 'InsufficientPool');
  await rewards.fund('50000000', issuer);
  await fails(rewards.fund(10n ** 17n, issuer), 'InsufficientFunds');
  await rewards.issue(learner.publicKey(), 30_000_000n, 'course_7', issuer);
  assert.equal(await rewards.unclaimed(learner.publicKey()), '30000000');
  assert.equal(await rewards.allowance(issuer.publicKey()), '10000000');
  await fails(rewards.issue(learner.publicKey(), 10_000_001n, 'course_7', issuer), 'AllowanceExceeded');

  // The admin takes 10 back from the promise.
  await fails(rewards.revoke(learner.publicKey(), 30_000_001n, admin), 'RevokeExceedsUnclaimed');
  await rewards.revoke(learner.publicKey(), 10_000_000n, admin);
  assert.equal(await rewards.unclaimed(learner.publicKey()), '20000000');

  const claimed = await rewards.claim(new WalletSigner(learner));
  assert.equal(claimed.value, '20000000');
  assert.equal(await rewards.unclaimed(learner.publicKey()), '0');
  const twice = await fails(rewards.claim(learner), 'NothingToClaim');
  assert.equal(twice.contractCode, 113);
});
