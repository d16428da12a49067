// A TypeScript consumer of `@teachlink/sdk/indexer` (LightIndexer), compiled with the
// package's typings like consumer.ts (both export conditions). Never run.
import init, { LightIndexer, isTeachLinkError } from '@teachlink/sdk/indexer';
import type {
  Deployment,
  IndexedEscrow,
  IndexedToken,
  IndexerCheckpoint,
  LearnerRewards,
  LightIndexerOptions,
  Profile,
  SnapshotImport,
  StoreStats,
  SyncStatus,
  SyncStep,
} from '@teachlink/sdk/indexer';

export async function lightIndexer(deployment: Deployment, who: string): Promise<number> {
  await init();
  const options: LightIndexerOptions = {
    rpcUrl: 'http://127.0.0.1:8000/',
    deployment,
    database: 'teachlink',
    pageLimit: 500,
  };
  const ix: LightIndexer = await LightIndexer.open(options);
  const persistent: boolean = ix.persistent;
  const step: SyncStep = await ix.step();
  const events: number = step.kind === 'page' ? step.events : 0;
  const status: SyncStatus = await ix.syncToHead();
  const behind: number = status.ledgers_behind;
  const gap: number | undefined = status.gap?.first_ledger;
  const checkpoint: IndexerCheckpoint | null = await ix.checkpoint();
  const stats: StoreStats = await ix.stats();
  const escrows: IndexedEscrow[] = await ix.escrowsByParty(who);
  const released: IndexedEscrow[] = await ix.escrowsByStatus('Released');
  const one: IndexedEscrow | undefined = await ix.escrow(1n);
  const token: IndexedToken | undefined = await ix.token(1);
  const owned: IndexedToken[] = await ix.tokensByOwner(who);
  const created: IndexedToken[] = await ix.tokensByCreator(who);
  const profile: Profile | undefined = await ix.profile(who);
  const rewards: LearnerRewards | undefined = await ix.rewards(who);
  try {
    const imported: SnapshotImport = await ix.importSnapshot(new Uint8Array(), 'passphrase', 'ab');
    return imported.ledger;
  } catch (e) {
    if (isTeachLinkError(e) && e.code === 'snapshot_refused') return -1;
  }
  return (
    Number(persistent) + events + behind + (gap ?? 0) + (checkpoint?.ledger ?? 0) + stats.events +
    escrows.length + released.length + (one?.id ?? 0) + (token?.id ?? 0) + owned.length +
    created.length + (profile ? 1 : 0) + (rewards ? 1 : 0)
  );
}
