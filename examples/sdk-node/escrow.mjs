// An escrow on a TeachLink network with the @teachlink/sdk npm package: a learner opens
// it, a reviewer approves (signing only an auth entry, as from a wallet: buildApprove →
// signAuthEntries → finish, the teacher submitting and paying the fee), and the teacher
// releases it.
//
//   RPC_URL=http://127.0.0.1:8000/ DEPLOYMENT=deployment.json node escrow.mjs
//
// RPC_URL: Stellar RPC; DEPLOYMENT: localnet's deployment file ({ contracts: { escrow },
// native_asset, … }); FRIENDBOT_URL (optional; else the network's): funds three new keys.
// sdk/tests/node.rs runs this script against its localnet, so it stays working.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { EscrowClient, Keypair, RpcClient, WalletSigner, isTeachLinkError } from '@teachlink/sdk/clients';

function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set (usage: RPC_URL=… DEPLOYMENT=deployment.json node escrow.mjs)`);
    process.exit(2);
  }
  return v;
}

const deployment = JSON.parse(readFileSync(env('DEPLOYMENT'), 'utf8'));
const rpc = new RpcClient(env('RPC_URL'));
const { passphrase, friendbotUrl } = await rpc.getNetwork();
const friendbot = process.env.FRIENDBOT_URL || friendbotUrl;
if (!friendbot) throw new Error('no friendbot: set FRIENDBOT_URL');

const escrow = new EscrowClient(deployment.contracts.escrow, rpc, passphrase, {
  pollIntervalMs: 250,
  pollTimeoutMs: 60_000,
});

// Three new accounts: on a real network these would be three people's wallets.
const learner = Keypair.fromRawSeed(randomBytes(32));
const teacher = Keypair.fromRawSeed(randomBytes(32));
const reviewer = Keypair.fromRawSeed(randomBytes(32));
for (const kp of [learner, teacher, reviewer]) {
  const res = await fetch(`${friendbot}${friendbot.includes('?') ? '&' : '?'}addr=${kp.publicKey()}`);
  if (!res.ok) throw new Error(`friendbot ${res.status}: ${await res.text()}`);
}

try {
  // 1. The learner deposits 5 XLM for course 42; one reviewer's approval releases it.
  const created = await escrow.create(
    {
      beneficiary: teacher.publicKey(),
      token: deployment.native_asset,
      amount: 50_000_000n,
      signers: [{ address: reviewer.publicKey(), weight: 1 }],
      threshold: 1,
      release_after: null,
      refund_after: null,
      arbitrator: null,
      // Seconds an arbitrator has before either party may settle a dispute by
      // default: 1 to 180 days with an arbitrator, 0 (the default) without.
      dispute_timeout: 0,
      course_id: 42,
    },
    learner,
  );
  const id = created.value;
  console.log(`created escrow ${id} (tx ${created.txHash}, ledger ${created.ledger})`);

  // 2. The teacher builds the reviewer's approval; the reviewer's wallet signs its auth
  //    entry (a WalletSigner over any SEP-43 wallet: here a Keypair, which has that shape);
  //    the teacher signs the transaction, sends it and pays the fee.
  const built = await escrow.buildApprove(reviewer.publicKey(), id, teacher.publicKey());
  console.log(`approval built; to sign: ${built.pendingSigners.join(', ')}`);
  const signed = await escrow.signAuthEntries(built.xdr, new WalletSigner(reviewer));
  const approved = await escrow.finish(signed.xdr, teacher);
  const state = await escrow.getEscrow(id);
  console.log(`approved by the reviewer (tx ${approved.txHash}): weight ${state.approved_weight}/${state.threshold}`);

  // 3. The teacher releases the funds.
  const released = await escrow.release(id, teacher);
  const { status, amount } = await escrow.getEscrow(id);
  console.log(`released (tx ${released.txHash}): escrow ${id} is ${status}, ${amount} stroops to ${teacher.publicKey()}`);
  if (status !== 'Released') process.exit(1);
} catch (e) {
  if (isTeachLinkError(e)) {
    console.error(`TeachLinkError ${e.code}${e.contractError ? ` (${e.contractError})` : ''}: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
