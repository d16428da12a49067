// @teachlink/sdk's browser build in headless Chromium against a real localnet (run.mjs
// serves this page and passes /rpc/* through to the localnet): the Wasm loaded by
// `init()`, an escrow approved by a signer other than the submitter, both through injected
// SEP-43 wallets that sign with real keys, a wallet that refuses (a typed error; on chain
// nothing sent and the escrow unchanged), and the real events decoded.
import init, { decodeEvents, isTeachLinkError, networkId } from '@teachlink/sdk';
import initClients, { EscrowClient, Keypair, RpcClient, WalletSigner } from '@teachlink/sdk/clients';
import { assert, equal, fails as failsWith, run, sleep, test } from './harness.mjs';

const fails = (promise, code) => failsWith(promise, code, isTeachLinkError);
const invokeOptions = { pollIntervalMs: 100, pollTimeoutMs: 30_000 };
const rpcUrl = new URL('/rpc/', location.href).href;
const friendbot = new URL('/rpc/friendbot', location.href).href;

let deployment;
let rpc;
let escrow;
let passphrase;
const people = {};

/**
 * A wallet object of the SEP-43 shape an extension injects (`window.freighterApi` and the
 * like), holding a real key: it signs what it is given as a wallet would after the user
 * said yes. `overrides` replace methods (a wallet that refuses).
 */
function injectedWallet(kp, overrides = {}) {
  return {
    getAddress: async () => ({ address: kp.publicKey() }),
    getNetwork: async () => ({ network: 'STANDALONE', networkPassphrase: passphrase }),
    signTransaction: async (xdr, opts) => kp.signTransaction(xdr, opts),
    signAuthEntry: async (preimage, opts) => kp.signAuthEntry(preimage, opts),
    ...overrides,
  };
}

const declined = { code: -4, message: 'User declined access' };

function terms(overrides = {}) {
  return {
    beneficiary: people.bob.publicKey(),
    token: deployment.native_asset,
    amount: 20_000_000n,
    signers: [
      { address: people.carol.publicKey(), weight: 1 },
      { address: people.dave.publicKey(), weight: 2 },
    ],
    threshold: 2,
    release_after: null,
    refund_after: null,
    arbitrator: null,
    course_id: 7,
    ...overrides,
  };
}

const seq = async (kp) => BigInt(await rpc.getAccountSequence(kp.publicKey()));
let approvedEscrow;

test('init() loads the Wasm; the RPC answers through fetch', async () => {
  const { sequence } = await rpc.getLatestLedger();
  assert(sequence > 0, `a ledger: ${sequence}`);
  equal(passphrase, deployment.network_passphrase, 'the localnet passphrase');
  equal(networkId(passphrase).length, 64, 'network id hex');
  assert(typeof WebAssembly === 'object' && navigator.userAgent.includes('Chrome'), 'Chromium');
});

test('multi-party approval: the approver signs an auth entry, another wallet submits', async () => {
  const { alice, bob, dave } = people;
  // Alice opens the escrow from her wallet.
  const created = await escrow.create(terms(), new WalletSigner(injectedWallet(alice)));
  const id = created.value;
  assert(typeof id === 'number', 'escrow id');
  equal((await escrow.getEscrow(id)).status, 'Open');

  // Bob (the teacher) builds Dave's approval; Dave's wallet signs only its auth entry;
  // Bob's wallet signs the transaction, sends it and pays the fee.
  const daveSeq = await seq(dave);
  const bobSeq = await seq(bob);
  const built = await escrow.buildApprove(dave.publicKey(), id, bob.publicKey());
  equal(built.pendingSigners, [dave.publicKey()], 'pending before signing');
  const bobWallet = new WalletSigner(injectedWallet(bob));
  const missing = await fails(escrow.finish(built.xdr, bobWallet), 'missing_authorization');
  equal(missing.pendingSigners, [dave.publicKey()]);
  const signed = await escrow.signAuthEntries(built.xdr, new WalletSigner(injectedWallet(dave)));
  equal(signed.pendingSigners, [], 'pending after signing');
  const approved = await escrow.finish(signed.xdr, bobWallet);
  assert(approved.ledger > 0 && /^[0-9a-f]{64}$/.test(approved.txHash), 'a final transaction');
  equal(await seq(bob), bobSeq + 1n, 'the submitter sent one transaction');
  equal(await seq(dave), daveSeq, 'the approver sent nothing');
  const state = await escrow.getEscrow(id);
  equal(state.approved_weight, 2, 'dave\'s weight counted');
  equal(await escrow.pendingSigners(id), [people.carol.publicKey()]);

  // The threshold is met: Bob releases.
  await escrow.release(id, bobWallet);
  equal((await escrow.getEscrow(id)).status, 'Released');
  approvedEscrow = id;
});

test('a wallet that refuses to sign: a typed error, nothing sent, the escrow unchanged', async () => {
  const { alice, bob, dave, frank } = people;
  const frankSeq = await seq(frank);
  // SEP-43: the wallet's promise rejects.
  const rejecting = new WalletSigner(injectedWallet(frank, { signTransaction: async () => { throw declined; } }));
  const e = await fails(escrow.create(terms(), rejecting), 'wallet_refused');
  equal(e.walletCode, -4);
  assert(/User declined access/.test(e.message), e.message);
  // Freighter: the promise resolves with { error }.
  const answering = injectedWallet(frank, { signTransaction: async () => ({ signedTxXdr: '', error: declined }) });
  await fails(escrow.create(terms(), new WalletSigner(answering)), 'wallet_refused');
  // A wallet on another network is refused before it is asked to sign.
  let asked = false;
  const elsewhere = injectedWallet(frank, {
    getNetwork: async () => ({ network: 'TESTNET', networkPassphrase: 'Test SDF Network ; September 2015' }),
    signTransaction: async (xdr, opts) => { asked = true; return frank.signTransaction(xdr, opts); },
  });
  await fails(escrow.create(terms(), new WalletSigner(elsewhere)), 'network_mismatch');
  assert(!asked, 'the wallet on another network was not asked to sign');

  // The approver's wallet refuses its auth entry: nothing to submit, nothing changes.
  const { value: id } = await escrow.create(terms(), alice);
  const before = await escrow.getEscrow(id);
  const bobSeq = await seq(bob);
  const daveSeq = await seq(dave);
  const built = await escrow.buildApprove(dave.publicKey(), id, bob.publicKey());
  const refusing = new WalletSigner(injectedWallet(dave, { signAuthEntry: async () => { throw declined; } }));
  await fails(escrow.signAuthEntries(built.xdr, refusing), 'wallet_refused');
  // The submitter's wallet refuses the transaction after the approver signed.
  const signed = await escrow.signAuthEntries(built.xdr, new WalletSigner(injectedWallet(dave)));
  const bobRefuses = new WalletSigner(injectedWallet(bob, { signTransaction: async () => { throw declined; } }));
  await fails(escrow.finish(signed.xdr, bobRefuses), 'wallet_refused');

  await sleep(1000); // several ledgers: anything sent would have been applied
  equal(await seq(frank), frankSeq, 'frank sent nothing');
  equal(await seq(bob), bobSeq, 'bob sent nothing');
  equal(await seq(dave), daveSeq, 'dave sent nothing');
  equal(await escrow.getEscrow(id), before, 'the escrow is unchanged');
  equal(await escrow.pendingSigners(id), [people.carol.publicKey(), dave.publicKey()]);
});

test('decodeEvents: the escrow\'s real events, typed', async () => {
  assert(approvedEscrow !== undefined, 'the approval test ran');
  const page = await rpc.getEvents({
    startLedger: deployment.start_ledger,
    filters: [{ type: 'contract', contractIds: [deployment.contracts.escrow] }],
    pagination: { limit: 1000 },
  });
  const decoded = decodeEvents(page, deployment);
  equal(decoded.unknown, [], 'every event decodes');
  const mine = decoded.events.map((e) => e.body).filter((b) => b.escrow_id === approvedEscrow);
  equal(mine.map((b) => b.event), ['escrow_created', 'escrow_approved', 'escrow_released']);
  equal(mine[0].depositor, people.alice.publicKey());
  equal(mine[1].signer, people.dave.publicKey());
  equal(mine[2].by, people.bob.publicKey());
});

run(async () => {
  // Each entry fetches its own Wasm next to its module: the read side's, the transaction side's.
  await Promise.all([init(), initClients()]);
  deployment = await (await fetch('/deployment.json')).json();
  rpc = new RpcClient(rpcUrl, { retries: 2, retryDelayMs: 50 });
  ({ passphrase } = await rpc.getNetwork());
  escrow = new EscrowClient(deployment.contracts.escrow, rpc, passphrase, invokeOptions);
  for (const name of ['alice', 'bob', 'carol', 'dave', 'frank']) people[name] = Keypair.random();
  await Promise.all(
    Object.values(people).map(async (kp) => {
      const res = await fetch(`${friendbot}?addr=${kp.publicKey()}`);
      if (!res.ok) throw new Error(`friendbot ${res.status}: ${await res.text()}`);
    }),
  );
});
