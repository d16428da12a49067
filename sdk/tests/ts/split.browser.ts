// Browser only (tsconfig.browser.json): the default entry is the read side alone, so a
// page that imports it downloads no transaction code; the transaction side is
// `@teachlink/sdk/clients`. These imports must fail to type (the split holds).
// @ts-expect-error the transaction side is not in the default browser entry
import { EscrowClient } from '@teachlink/sdk';
// @ts-expect-error nor in the light indexer's
import { Keypair } from '@teachlink/sdk/indexer';
import { IndexerClient, decodeEvents } from '@teachlink/sdk/events';

export const split: unknown[] = [EscrowClient, Keypair, IndexerClient, decodeEvents];
