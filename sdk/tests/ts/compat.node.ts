// Node.js only (tsconfig.node.json): the entries' all-in-one form from before the package
// split still types. In Node.js nothing is downloaded, so `@teachlink/sdk` and
// `@teachlink/sdk/indexer` keep re-exporting the transaction side beside their own API.
import init, { EscrowClient, IndexerClient, Keypair, RpcClient, decodeEvents } from '@teachlink/sdk';
import type { DecodedEvents, Signer } from '@teachlink/sdk';
import { LightIndexer, WalletSigner } from '@teachlink/sdk/indexer';

export async function compat(url: string, secret: string, contractId: string): Promise<number> {
  await init();
  const rpc = new RpcClient(url);
  const signer: Signer = Keypair.fromSecret(secret);
  const escrow = new EscrowClient(contractId, rpc, 'Standalone Network ; February 2017');
  const out: DecodedEvents = decodeEvents([]);
  const api = new IndexerClient(url);
  const wallet: typeof WalletSigner = WalletSigner;
  const light: typeof LightIndexer = LightIndexer;
  return out.events.length + (await escrow.pendingSigners(1)).length + api.url.length +
    (signer instanceof Keypair ? 1 : 0) + wallet.length + light.length;
}
