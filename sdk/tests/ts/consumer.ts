// A TypeScript consumer of the packed @teachlink/sdk, compiled with `tsc --strict --noEmit`
// against the package's typings under both the `node` and the `browser` export
// conditions (tsconfig.node.json, tsconfig.browser.json) by sdk/tests/node.rs. Never run:
// it holds the public API's types (no `any`) in place, so a typing that regresses or
// disappears fails the build. Every annotation below is deliberate. The read side comes
// from the default entry, the transaction side from `/clients` (its own Wasm module), as a
// page imports them; compat.node.ts holds the Node.js entry's older all-in-one form.
import init, { IndexerClient, decodeEvents, isTeachLinkError, networkId } from '@teachlink/sdk';
import initClients, {
  ContentClient,
  EscrowClient,
  Keypair,
  ReputationClient,
  RewardsClient,
  RpcClient,
  WalletSigner,
} from '@teachlink/sdk/clients';
import type {
  ApiErrorCode,
  IndexedEscrow,
  IndexerStatus,
  Page,
  Profile,
  ContractErrorName,
  DecodedEvents,
  Deployment,
  ErrorCode,
  EscrowErrorName,
  ContentErrorName,
  ReputationErrorName,
  RewardsErrorName,
  GetEventsResult,
  TeachLinkError,
  TeachLinkEvent,
} from '@teachlink/sdk';
import type {
  ContentMint,
  Escrow,
  EscrowStatus,
  EscrowTerms,
  GetEventsRequest,
  InvokeOptions,
  InvokeResult,
  LatestLedger,
  NetworkInfo,
  PendingTransaction,
  Resolution,
  RpcOptions,
  Sep43Wallet,
  SignAuthEntryResult,
  SignTransactionResult,
  Signer,
  TransactionInfo,
} from '@teachlink/sdk/clients';

/** Compile-time equality of two types: `true` only if each is assignable to the other. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

/** `true` when `T` is `any` (which must appear nowhere in the public surface). */
type IsAny<T> = 0 extends 1 & T ? true : false;

export async function escrowFlow(
  url: string,
  deployment: Deployment,
  learnerSecret: string,
  wallet: Sep43Wallet,
): Promise<EscrowStatus> {
  await init();
  await initClients();
  const rpcOptions: RpcOptions = { retries: 2, retryDelayMs: 50, timeoutMs: 10_000 };
  const rpc = new RpcClient(url, rpcOptions);
  const network: NetworkInfo = await rpc.getNetwork();
  const passphrase: string = network.passphrase;
  const id: string = networkId(passphrase);
  const latest: LatestLedger = await rpc.getLatestLedger();
  const sequence: number = latest.sequence;

  const options: InvokeOptions = { pollIntervalMs: 100, pollTimeoutMs: 30_000 };
  const contractId: string | undefined = deployment.contracts['escrow'];
  if (contractId === undefined) throw new Error(`no escrow in ${id} at ${sequence}`);
  const escrow = new EscrowClient(contractId, rpc, passphrase, options);
  const learner: Keypair = Keypair.fromSecret(learnerSecret);
  const reviewer: Keypair = Keypair.random();
  const teacher: Keypair = Keypair.fromRawSeed(new Uint8Array(32));
  const walletSigner = new WalletSigner(wallet);
  const signers: Signer[] = [learner, walletSigner, wallet];

  const terms: EscrowTerms = {
    beneficiary: teacher.publicKey(),
    token: deployment.native_asset ?? contractId,
    amount: 50_000_000n,
    signers: [{ address: reviewer.publicKey(), weight: 1 }],
    threshold: 1,
    release_after: null,
    refund_after: null,
    arbitrator: null,
    dispute_timeout: 0,
    course_id: 42,
  };
  const created: InvokeResult<number> = await escrow.create(terms, learner);
  const escrowId: number = created.value;
  const txHash: string = created.txHash;
  const ledger: number = created.ledger;

  const built: PendingTransaction = await escrow.buildApprove(reviewer.publicKey(), escrowId, teacher.publicKey());
  const pending: string[] = built.pendingSigners;
  const signed: PendingTransaction = await escrow.signAuthEntries(built.xdr, reviewer);
  const finished: InvokeResult<null> = await escrow.finish(signed.xdr, teacher);
  assertType<Equals<typeof finished.value, null>>(true);
  await escrow.approve(BigInt(escrowId), signers[1] ?? learner);
  await escrow.release(escrowId, teacher);
  await escrow.refund(escrowId, learner);
  await escrow.cancel(escrowId, learner);
  await escrow.dispute(escrowId, 'course never started', teacher);
  const resolutions: Resolution[] = ['ToBeneficiary', 'ToDepositor', { Split: 2500 }];
  for (const r of resolutions) await escrow.resolve(escrowId, r, learner);
  await escrow.settleDispute(escrowId, teacher);
  const stillPending: string[] = await escrow.pendingSigners(escrowId);

  const state: Escrow = await escrow.getEscrow(escrowId);
  const amount: string = state.amount;
  const weight: number = state.approved_weight;
  const refundAfter: number | null = state.refund_after;
  const disputeDeadline: number | null = state.dispute_deadline;

  const seq: string = await rpc.getAccountSequence(learner.publicKey());
  const info: TransactionInfo = await rpc.pollTransaction(txHash, { timeoutMs: 5_000, intervalMs: 100 });
  const status: 'SUCCESS' | 'FAILED' | 'NOT_FOUND' = info.status;

  const signedTx: SignTransactionResult = await learner.signTransaction('AAAA', { networkPassphrase: passphrase });
  const signedEntry: SignAuthEntryResult = await learner.signAuthEntry('AAAA', { networkPassphrase: passphrase });
  const address: string = await walletSigner.getAddress();
  const signature: Uint8Array = learner.sign(new TextEncoder().encode(seq));
  const ok: boolean = learner.verify([1, 2, 3], signature);
  void [ledger, pending, stillPending, amount, weight, refundAfter, disputeDeadline, status, signedTx, signedEntry, address, ok];
  return state.status;
}

export async function events(rpc: RpcClient, deployment: Deployment): Promise<number[]> {
  const request: GetEventsRequest = {
    startLedger: deployment.start_ledger,
    filters: [{ type: 'contract', contractIds: Object.values(deployment.contracts) }],
    pagination: { limit: 1000 },
  };
  const page: GetEventsResult = await rpc.getEvents(request);
  const decoded: DecodedEvents = decodeEvents(page, deployment);
  const again: DecodedEvents = decodeEvents(JSON.stringify(page), JSON.stringify(deployment));
  const ids: number[] = [];
  for (const e of [...decoded.events, ...again.events]) {
    const body: TeachLinkEvent = e.body;
    // The union narrows by its `event` tag.
    switch (body.event) {
      case 'escrow_created':
        ids.push(body.escrow_id);
        assertType<Equals<typeof body.amount, string>>(true);
        break;
      case 'escrow_resolved': {
        const r: 'ToBeneficiary' | 'ToDepositor' | { Split: number } = body.resolution;
        void r;
        break;
      }
      case 'minted':
        ids.push(body.token_id);
        break;
      default:
        break;
    }
  }
  return ids;
}

export async function otherContracts(
  rpc: RpcClient,
  deployment: Deployment,
  passphrase: string,
  admin: Signer,
  creator: Keypair,
  learner: Keypair,
): Promise<[number, string, boolean]> {
  const { content: c = '', reputation: r = '', rewards: w = '' } = deployment.contracts;
  const content = new ContentClient(c, rpc, passphrase, { pollIntervalMs: 100 });
  const mint: ContentMint = {
    title: 'Soroban 101',
    content_hash: '00'.repeat(32),
    uri: 'ipfs://lesson',
    licence: 'cc_by',
    tags: ['rust'],
    transferable: true,
    royalty_bps: 500,
  };
  const minted: InvokeResult<number> = await content.mint(mint, creator);
  const moved: InvokeResult<null> = await content.transfer(learner.publicKey(), minted.value, creator);
  const owner: string = await content.ownerOf(minted.value);
  const held: number = await content.balance(owner);

  const reputation = new ReputationClient(r, rpc, passphrase);
  await reputation.grantRole('issuer', creator.publicKey(), admin);
  const recorded: InvokeResult<null> = await reputation.recordCompletion(learner.publicKey(), 7n, 90, creator);
  const completed: boolean = await reputation.hasCompleted(learner.publicKey(), 7);
  const score: number = await reputation.reputation(learner.publicKey());

  const rewards = new RewardsClient(w, rpc, passphrase);
  await rewards.grantRole('issuer', creator.publicKey(), admin);
  await rewards.fund(50_000_000n, creator);
  await rewards.issue(learner.publicKey(), '30000000', 'course_7', creator);
  const unclaimed: string = await rewards.unclaimed(learner.publicKey());
  const claimed: InvokeResult<string> = await rewards.claim(learner);
  void [moved, held, recorded, score, unclaimed, rewards.contractId, content.contractId, reputation.contractId];
  return [minted.value, claimed.value, completed];
}

export function describe(e: unknown): string {
  if (!isTeachLinkError(e)) return String(e);
  const err: TeachLinkError = e;
  const code: ErrorCode = err.code;
  const name: ContractErrorName | undefined = err.contractError;
  const names: ContractErrorName[] = [
    'NotSigner' satisfies EscrowErrorName,
    'NotOwner' satisfies ContentErrorName,
    'AlreadyCompleted' satisfies ReputationErrorName,
    'NothingToClaim' satisfies RewardsErrorName,
  ];
  void names;
  const pending: string[] | undefined = err.pendingSigners;
  const message: string = err.message;
  return `${code} ${name ?? ''} ${pending?.join(',') ?? ''} ${message}`;
}

// Nothing of the main surface is `any`.
assertType<Equals<IsAny<Escrow>, false>>(true);
assertType<Equals<IsAny<ReturnType<typeof decodeEvents>>, false>>(true);
assertType<Equals<IsAny<Awaited<ReturnType<EscrowClient['getEscrow']>>>, false>>(true);
assertType<Equals<IsAny<Awaited<ReturnType<RpcClient['getEvents']>>>, false>>(true);
assertType<Equals<IsAny<Awaited<ReturnType<RpcClient['simulateTransaction']>>>, false>>(true);
assertType<Equals<IsAny<Parameters<EscrowClient['create']>[1]>, false>>(true);
assertType<Equals<IsAny<Parameters<ContentClient['mint']>[0]>, false>>(true);
assertType<Equals<Awaited<ReturnType<RewardsClient['claim']>>, InvokeResult<string>>>(true);
assertType<Equals<Awaited<ReturnType<EscrowClient['create']>>, InvokeResult<number>>>(true);

// Mistakes a consumer must not be able to compile.
export function mistakes(escrow: EscrowClient, kp: Keypair, rewards: RewardsClient): void {
  // @ts-expect-error: claim takes only the signer
  void rewards.claim('G...', kp);
  // @ts-expect-error: an amount is not a boolean
  const bad: EscrowTerms = { beneficiary: '', token: '', amount: true, signers: [], threshold: 1, release_after: null, refund_after: null, arbitrator: null, course_id: 1 };
  // @ts-expect-error: a Resolution is one of three shapes
  void escrow.resolve(1, 'Whatever', kp);
  // @ts-expect-error: a string is not a signer
  void escrow.release(1, 'G...');
  // @ts-expect-error: not an error code
  const code: ErrorCode = 'oops';
  // @ts-expect-error: a content token needs `transferable`
  const partial: ContentMint = { title: 't', content_hash: '', uri: 'u', licence: 'l' };
  void [bad, code, partial];
}

// The indexer's REST API: typed pages, entities and errors.
export async function indexer(learner: string): Promise<string> {
  const api = new IndexerClient('http://127.0.0.1:8080/', { retries: 1 });
  const mine: IndexedEscrow[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<IndexedEscrow> = await api.escrows({ party: learner, status: 'Open', limit: 50, cursor });
    mine.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  const maybe: string | undefined = undefined;
  void api.tokens({ owner: maybe });
  const courses: number[] = mine.map((e) => e.terms?.course_id ?? 0);
  const profile: Profile = await api.profile(learner);
  const status: IndexerStatus = await api.status();
  const amount: string = (await api.rewards(learner)).unclaimed;
  const owner: string | null = (await api.token(1n)).owner;
  try {
    await api.escrow(999);
  } catch (e) {
    if (isTeachLinkError(e) && e.code === 'api_error') {
      const apiCode: ApiErrorCode | undefined = e.apiCode;
      return `${apiCode} ${e.status}`;
    }
  }
  return `${courses.join()} ${profile.credit_score} ${status.network.network_passphrase} ${amount} ${owner}`;
}
assertType<Equals<IsAny<Awaited<ReturnType<IndexerClient['escrows']>>>, false>>(true);

export function indexerMistakes(api: IndexerClient): void {
  // @ts-expect-error: escrows are not listed by owner
  void api.escrows({ owner: 'G...' });
  // @ts-expect-error: not an escrow status
  void api.escrows({ status: 'Done' });
}
