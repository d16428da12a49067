// Drives localnet with @stellar/stellar-sdk from npm — a client none of us
// wrote — through what a dapp does: fund an account with friendbot, upload
// and deploy a TeachLink contract, invoke it through rpc.Server and
// contract.Client (simulate, sign, send, poll), and read its events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  Address,
  Keypair,
  Operation,
  TransactionBuilder,
  contract,
  nativeToScVal,
  rpc,
  scValToNative,
  xdr,
} from '@stellar/stellar-sdk';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
const localnetBin = process.env.TEACHLINK_LOCALNET_BIN ?? path.join(targetDir, 'debug', 'teachlink-localnet');
const wasmPath = (name) => path.join(targetDir, 'wasm32v1-none', 'contract', `teachlink_${name}.wasm`);

let node;
let url;
let server;
let passphrase;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(deadlineMs) {
  const until = Date.now() + deadlineMs;
  let last;
  while (Date.now() < until) {
    try {
      const health = await server.getHealth();
      if (health.status === 'healthy') return;
      last = JSON.stringify(health);
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`localnet did not become healthy: ${last}`);
}

async function submit(tx, signer) {
  const prepared = await server.prepareTransaction(tx);
  prepared.sign(signer);
  const sent = await server.sendTransaction(prepared);
  assert.equal(sent.status, 'PENDING', `sendTransaction: ${JSON.stringify(sent)}`);
  const final = await server.pollTransaction(sent.hash, { attempts: 60 });
  assert.equal(final.status, 'SUCCESS', `transaction ${sent.hash} ended ${final.status}`);
  return final;
}

before(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  node = spawn(localnetBin, ['--port', String(port), '--ledger-close-ms', '200'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  node.once('error', (e) => {
    throw new Error(`cannot start ${localnetBin} (build it with cargo build -p teachlink-localnet): ${e.message}`);
  });
  server = new rpc.Server(url, { allowHttp: true });
  await waitHealthy(20_000);
  passphrase = (await server.getNetwork()).passphrase;
});

after(() => {
  node?.kill('SIGTERM');
});

test('fund, upload, deploy, invoke and read events with @stellar/stellar-sdk', async () => {
  const learner = Keypair.random();
  await server.requestAirdrop(learner.publicKey());
  const account = await server.getAccount(learner.publicKey());
  assert.ok(BigInt(account.sequenceNumber()) > 0n);

  // Upload the reputation contract's Wasm.
  const wasm = readFileSync(wasmPath('reputation'));
  const upload = await submit(
    new TransactionBuilder(account, { fee: '100', networkPassphrase: passphrase })
      .addOperation(Operation.uploadContractWasm({ wasm }))
      .setTimeout(60)
      .build(),
    learner,
  );
  // scValToNative, not `.bytes()`: 17.x made ScVal arms properties (`.bytes`), 15.x methods.
  const wasmHash = Buffer.from(scValToNative(upload.returnValue));
  assert.equal(wasmHash.length, 32);

  // Deploy it with its constructor (admin = the learner, for the test; a
  // two-second admin timelock, localnet's).
  const deploy = await submit(
    new TransactionBuilder(await server.getAccount(learner.publicKey()), {
      fee: '100',
      networkPassphrase: passphrase,
    })
      .addOperation(
        Operation.createCustomContract({
          address: Address.fromString(learner.publicKey()),
          wasmHash,
          salt: Buffer.alloc(32, 7),
          constructorArgs: [
            nativeToScVal(learner.publicKey(), { type: 'address' }),
            nativeToScVal(2, { type: 'u64' }),
          ],
        }),
      )
      .setTimeout(60)
      .build(),
    learner,
  );
  const contractId = Address.fromScVal(deploy.returnValue).toString();
  assert.match(contractId, /^C[A-Z2-7]{55}$/);

  // Invoke through contract.Client: it reads the spec from the deployed Wasm.
  const client = await contract.Client.from({
    contractId,
    networkPassphrase: passphrase,
    rpcUrl: url,
    allowHttp: true,
    publicKey: learner.publicKey(),
    ...contract.basicNodeSigner(learner, passphrase),
  });
  const reference = Buffer.alloc(32, 9);
  const assembled = await client.record_contribution({
    learner: learner.publicKey(),
    kind: 'tutorial',
    reference,
  });
  const sent = await assembled.signAndSend();
  const id = sent.result.unwrap();
  assert.equal(id, 1n);

  const read = await client.contribution({ contribution_id: 1n });
  const record = read.result.unwrap();
  assert.equal(record.author, learner.publicKey());
  assert.deepEqual(Buffer.from(record.reference), reference);

  // Its event, selected by a topic filter on the name and the learner.
  const latest = await server.getLatestLedger();
  const events = await server.getEvents({
    startLedger: Math.max(1, latest.sequence - 50),
    filters: [
      {
        type: 'contract',
        contractIds: [contractId],
        topics: [[xdr.ScVal.scvSymbol('contribution_recorded').toXDR('base64'), '*', '**']],
      },
    ],
    limit: 10,
  });
  assert.equal(events.events.length, 1);
  const [event] = events.events;
  assert.equal(scValToNative(event.topic[0]), 'contribution_recorded');
  assert.equal(scValToNative(event.topic[1]), 1n);
  assert.equal(scValToNative(event.topic[2]), learner.publicKey());
  assert.equal(scValToNative(event.value).kind, 'tutorial');
});
