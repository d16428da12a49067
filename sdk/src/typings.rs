//! Owns the TypeScript types of everything the SDK passes as plain objects (wasm-bindgen
//! types the classes and functions; these name what goes in and comes out). No `any`: a
//! test below holds the event types equal to the indexer's catalogue.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = TYPES;

/// The types that name the transaction side's classes: only in the builds that have them
/// (`@teachlink/sdk/clients`), so the events entry's typings never name a missing class.
#[cfg(feature = "clients-js")]
#[wasm_bindgen(typescript_custom_section)]
const TS_CLIENT_TYPES: &'static str = r#"
/** Anything that signs: a local key, a wrapped wallet, or a bare SEP-43 wallet. */
export type Signer = Keypair | WalletSigner | Sep43Wallet;
"#;

// Read by the custom section above (at compile time) and by the tests below.
#[cfg_attr(not(test), allow(dead_code))]
const TYPES: &str = r#"
/** Stable codes of `TeachLinkError.code`. */
export type ErrorCode =
  | "invalid_argument" | "invalid_xdr" | "transport" | "http_status" | "rpc_error"
  | "malformed_response" | "account_not_found" | "simulation_failed" | "contract_error"
  | "transaction_rejected" | "transaction_failed" | "timeout" | "wallet_refused"
  | "wallet_error" | "network_mismatch" | "missing_authorization" | "nothing_to_sign"
  | "invalid_events" | "api_error" | "store_error" | "sync_error" | "snapshot_refused";

/** Every error the SDK throws: an `Error` named `TeachLinkError` with a stable `code`. */
export interface TeachLinkError extends Error {
  name: "TeachLinkError";
  code: ErrorCode;
  /** contract_error: the contract's `#[contracterror]` code and its name. */
  contractCode?: number;
  contractError?: ContractErrorName;
  /** contract_error on chain, transaction_rejected, transaction_failed, timeout. */
  txHash?: string;
  /** transaction_rejected, transaction_failed: the result code, e.g. `TxBadSeq`. */
  result?: string;
  /** transport: how many attempts were made. */
  attempts?: number;
  /** http_status, api_error: the HTTP status. */
  status?: number;
  /** api_error: the TeachLink server's error code. */
  apiCode?: ApiErrorCode;
  /** rpc_error: the JSON-RPC error code. */
  rpcCode?: number;
  /** wallet_refused: the wallet's own error code, when it gave one. */
  walletCode?: number;
  /** missing_authorization: who still has to sign auth entries. */
  pendingSigners?: string[];
}

/** Escrow contract errors (101, 102, 110–134) and the token contract's (2–15). */
export type EscrowErrorName =
  | "Unauthorized" | "Paused" | "EscrowNotFound" | "InvalidAmount" | "InvalidSignerCount"
  | "DuplicateSigner" | "InvalidWeight" | "InvalidThreshold" | "InvalidDeadlines"
  | "InvalidParties" | "NotOpen" | "NotSigner" | "AlreadyApproved" | "ThresholdNotMet"
  | "ReleaseTooEarly" | "RefundTooEarly" | "AlreadyHasApprovals" | "NoArbitrator"
  | "NotDisputed" | "InvalidSplit" | "ReasonTooLong" | "Overflow"
  | "ThresholdReached" | "InvalidDisputeTimeout" | "DisputeNotExpired" | "DisputeExpired"
  | "NothingReceived"
  | "TokenOperationNotSupported" | "TokenAlreadyInitialized" | "TokenUnauthorized"
  | "TokenAuthentication" | "TokenAccountMissing" | "TokenAccountIsNotClassic"
  | "TokenNegativeAmount" | "TokenAllowance" | "TokenBalance" | "TokenBalanceDeauthorized"
  | "TokenOverflow" | "TokenTrustlineMissing" | "TokenInsufficientAccountReserve"
  | "TokenTooManyAccountSubentries" | "Unknown";

/** Content contract errors (101, 102, 110–126). */
export type ContentErrorName =
  | "Unauthorized" | "Paused" | "TokenNotFound" | "NotOwner" | "NotTransferable"
  | "SelfTransfer" | "NotApproved" | "ApprovalExpired" | "InvalidExpiration"
  | "InvalidSpender" | "NotCreator" | "NothingToUpdate" | "InvalidTitle" | "InvalidUri"
  | "TooManyTags" | "InvalidRoyalty" | "InvalidPrice" | "InvalidLimit" | "Overflow"
  | "Unknown";

/** Reputation contract errors (101, 102, 110–117). */
export type ReputationErrorName =
  | "Unauthorized" | "Paused" | "InvalidScore" | "SelfCompletion" | "AlreadyCompleted"
  | "ContributionNotFound" | "InvalidRating" | "SelfRating" | "AlreadyRated" | "Overflow"
  | "Unknown";

/** Rewards contract errors (101, 102, 110–115) and the token contract's (2–15). */
export type RewardsErrorName =
  | "Unauthorized" | "Paused" | "InvalidAmount" | "InsufficientFunds" | "InsufficientPool"
  | "NothingToClaim" | "InvalidLearner" | "Overflow"
  | "TokenOperationNotSupported" | "TokenAlreadyInitialized" | "TokenUnauthorized"
  | "TokenAuthentication" | "TokenAccountMissing" | "TokenAccountIsNotClassic"
  | "TokenNegativeAmount" | "TokenAllowance" | "TokenBalance" | "TokenBalanceDeauthorized"
  | "TokenOverflow" | "TokenTrustlineMissing" | "TokenInsufficientAccountReserve"
  | "TokenTooManyAccountSubentries" | "Unknown";

/** `TeachLinkError.contractError`: the name of the code, from the contract called. */
export type ContractErrorName = EscrowErrorName | ContentErrorName | ReputationErrorName | RewardsErrorName;

// ---- RPC

export interface RpcOptions {
  /** Retries after the first attempt on transport errors, HTTP 429/5xx, JSON-RPC -32603 (default 3). */
  retries?: number;
  /** First retry delay; doubles each retry (default 250). */
  retryDelayMs?: number;
  /** Per-request timeout (default 30000). */
  timeoutMs?: number;
}

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export interface NetworkInfo {
  passphrase: string;
  protocolVersion: number;
  friendbotUrl?: string;
}

export interface LatestLedger {
  id: string;
  sequence: number;
  protocolVersion: number;
  closeTime?: string;
  headerXdr?: string;
  metadataXdr?: string;
}

export interface SimulateTransactionResult {
  latestLedger: number;
  error?: string;
  transactionData?: string;
  minResourceFee?: string;
  results?: { auth: string[]; xdr: string }[];
  events?: string[];
  stateChanges?: { type: "created" | "updated" | "deleted"; key: string; before: string | null; after: string | null }[];
  restorePreamble?: { transactionData: string; minResourceFee: string };
}

export interface SendTransactionResult {
  status: "PENDING" | "DUPLICATE" | "TRY_AGAIN_LATER" | "ERROR";
  hash: string;
  latestLedger: number;
  latestLedgerCloseTime: string;
  errorResultXdr?: string;
  diagnosticEventsXdr?: string[];
}

export interface TransactionInfo {
  status: "SUCCESS" | "FAILED" | "NOT_FOUND";
  latestLedger: number;
  latestLedgerCloseTime: string;
  oldestLedger: number;
  oldestLedgerCloseTime: string;
  txHash?: string;
  ledger?: number;
  createdAt?: string;
  applicationOrder?: number;
  feeBump?: boolean;
  envelopeXdr?: string;
  resultXdr?: string;
  resultMetaXdr?: string;
  returnValue?: string;
  diagnosticEventsXdr?: string[];
  events?: { transactionEventsXdr?: string[]; contractEventsXdr?: string[][] };
}

export interface EventFilter {
  type?: "contract" | "system" | "diagnostic";
  contractIds?: string[];
  topics?: string[][];
}

export interface GetEventsRequest {
  startLedger?: number;
  endLedger?: number;
  filters: EventFilter[];
  pagination?: { cursor?: string; limit?: number };
}

/** One event as getEvents returns it (base64 XDR topics and value). */
export interface RawEvent {
  type?: string;
  id: string;
  ledger: number;
  ledgerClosedAt: string;
  contractId: string;
  txHash: string;
  topic: string[];
  value: string;
  inSuccessfulContractCall?: boolean;
  operationIndex?: number;
  transactionIndex?: number;
  pagingToken?: string;
}

export interface GetEventsResult {
  events: RawEvent[];
  cursor?: string;
  latestLedger: number;
  oldestLedger?: number;
  latestLedgerCloseTime?: string;
  oldestLedgerCloseTime?: string;
}

/** Where the TeachLink contracts live: localnet's `--deployment-file`. */
export interface Deployment {
  contracts: Record<string, string>;
  start_ledger: number;
  network_passphrase?: string;
  admin?: string;
  native_asset?: string;
}

// ---- signers

export interface SignOptions {
  networkPassphrase: string;
  address?: string;
}

/** The error object a wallet gives (SEP-43; Freighter returns it as `{ error }`). */
export interface WalletError {
  message: string;
  code?: number;
  ext?: string[];
}

export interface SignTransactionResult {
  signedTxXdr: string;
  signerAddress?: string;
  error?: WalletError;
}

export interface SignAuthEntryResult {
  /** base64 of the 64-byte ed25519 signature of sha256(preimage). */
  signedAuthEntry: string | Uint8Array | null;
  signerAddress?: string;
  error?: WalletError;
}

/** A wallet with the SEP-43 / Freighter API shape. */
export interface Sep43Wallet {
  getAddress(): Promise<{ address: string; error?: WalletError } | string>;
  signTransaction(xdr: string, opts: SignOptions): Promise<SignTransactionResult | string>;
  signAuthEntry?(preimageXdr: string, opts: SignOptions): Promise<SignAuthEntryResult | string>;
  getNetwork?(): Promise<{ network?: string; networkPassphrase: string; error?: WalletError }>;
}


// ---- contract calls

export interface InvokeOptions {
  /** Inclusion fee in stroops on top of the resource fee (default 100). */
  baseFee?: number;
  /** Transaction validity from when it is built (default 300 s). */
  txTimeoutSecs?: number;
  pollTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Signed auth entries expire this many ledgers after the latest (default 100). */
  authValidityLedgers?: number;
}

export interface InvokeResult<T> {
  txHash: string;
  ledger: number;
  value: T;
}

/** A built transaction waiting for auth signatures: hand `xdr` to each pending signer. */
export interface PendingTransaction {
  xdr: string;
  pendingSigners: string[];
}

/** Integers: a safe-integer number, a bigint, or a decimal string. */
export type IntegerInput = number | bigint | string;

export interface EscrowSigner {
  address: string;
  weight: number;
}

/** The escrow contract's `EscrowTerms`. */
export interface EscrowTerms {
  beneficiary: string;
  token: string;
  /** i128 token units. */
  amount: IntegerInput;
  signers: EscrowSigner[];
  threshold: number;
  /** Ledger timestamps (UNIX seconds). */
  release_after?: IntegerInput | null;
  refund_after?: IntegerInput | null;
  arbitrator?: string | null;
  /** Seconds the arbitrator has to resolve a dispute (1 to 180 days; 0, the default,
   * without an arbitrator); after it either party may `settleDispute`. */
  dispute_timeout?: IntegerInput | null;
  course_id: IntegerInput;
}

/** `ContentClient.mint`: the content token's metadata (the creator is the signer). */
export interface ContentMint {
  title: string;
  /** sha256 of the content, 64 hex digits. */
  content_hash: string;
  uri: string;
  /** A symbol, e.g. "cc_by". */
  licence: string;
  /** Symbols (default none). */
  tags?: string[];
  transferable: boolean;
  /** Royalty in basis points (default 0). */
  royalty_bps?: number;
}

export type Resolution = "ToBeneficiary" | "ToDepositor" | { Split: number };

export type EscrowStatus = "Open" | "Disputed" | "Released" | "Refunded" | "Cancelled" | "Resolved";

/** The escrow contract's `Escrow` (amounts as decimal strings). */
export interface Escrow {
  id: number;
  depositor: string;
  beneficiary: string;
  token: string;
  amount: string;
  signers: EscrowSigner[];
  threshold: number;
  approvals: number;
  approved_weight: number;
  release_after: number | null;
  refund_after: number | null;
  arbitrator: string | null;
  dispute_timeout: number;
  /** Set by a dispute: from then the arbitrator cannot resolve, either party may settle. */
  dispute_deadline: number | null;
  course_id: number;
  status: EscrowStatus;
  created_at: number;
}

// ---- events (the indexer's JSON form; amounts are decimal strings, hashes hex)

export interface EventMeta {
  id: string;
  ledger: number;
  /** Ledger close time, UNIX seconds. */
  closed_at: number;
  contract: string;
  tx_hash: string;
}

export type EventResolution = "ToBeneficiary" | "ToDepositor" | { Split: number };

export interface AdminChangedEvent { event: "admin_changed"; previous: string; admin: string }
export interface RoleGrantedEvent { event: "role_granted"; role: string; account: string }
export interface RoleRevokedEvent { event: "role_revoked"; role: string; account: string }
export interface PausedEvent { event: "paused"; by: string }
export interface UnpausedEvent { event: "unpaused"; by: string }
export interface UpgradedEvent { event: "upgraded"; wasm_hash: string }
/** The admin timelock: `op` is the gated entry point, `args` its arguments as base64 XDR `ScVal`s; `ready_at` UNIX seconds. */
export interface ProposedEvent { event: "proposed"; op: string; args: string[]; ready_at: number }
export interface CancelledEvent { event: "cancelled"; op: string; args: string[] }
export interface ExecutedEvent { event: "executed"; op: string; args: string[] }
export interface EscrowCreatedEvent { event: "escrow_created"; escrow_id: number; depositor: string; beneficiary: string; token: string; amount: string; signers: EscrowSigner[]; threshold: number; release_after: number | null; refund_after: number | null; arbitrator: string | null; dispute_timeout: number; course_id: number }
export interface EscrowApprovedEvent { event: "escrow_approved"; escrow_id: number; signer: string; weight: number; approved_weight: number; threshold: number }
export interface EscrowReleasedEvent { event: "escrow_released"; escrow_id: number; beneficiary: string; amount: string; by: string }
export interface EscrowRefundedEvent { event: "escrow_refunded"; escrow_id: number; depositor: string; amount: string; by: string }
export interface EscrowCancelledEvent { event: "escrow_cancelled"; escrow_id: number; depositor: string; amount: string }
export interface EscrowDisputedEvent { event: "escrow_disputed"; escrow_id: number; by: string; reason: string; deadline: number }
export interface EscrowResolvedEvent { event: "escrow_resolved"; escrow_id: number; arbitrator: string; resolution: EventResolution; to_beneficiary: string; to_depositor: string }
export interface EscrowSettledEvent { event: "escrow_settled"; escrow_id: number; by: string; to_beneficiary: string; to_depositor: string }
export interface MintedEvent { event: "minted"; token_id: number; creator: string; title: string; content_hash: string; uri: string; licence: string; tags: string[]; transferable: boolean; royalty_bps: number }
export interface ApprovedEvent { event: "approved"; token_id: number; owner: string; spender: string | null; live_until: number }
export interface TransferredEvent { event: "transferred"; token_id: number; from: string; to: string }
export interface MetadataUpdatedEvent { event: "metadata_updated"; token_id: number; creator: string; uri: string; content_hash: string }
export interface CompletionRecordedEvent { event: "completion_recorded"; learner: string; course_id: number; issuer: string; score_pct: number; credit_score: number; reputation: number }
export interface ContributionRecordedEvent { event: "contribution_recorded"; contribution_id: number; learner: string; kind: string; reference: string }
export interface ContributionRatedEvent { event: "contribution_rated"; contribution_id: number; rater: string; author: string; rating: number; weight: number; author_reputation: number; author_credit_score: number }
export interface CourseBoundEvent { event: "course_bound"; course_id: number; issuer: string }
export interface CompletionCorrectedEvent { event: "completion_corrected"; learner: string; course_id: number; previous_pct: number; score_pct: number; credit_score: number; reputation: number }
export interface FundedEvent { event: "funded"; funder: string; amount: string; balance: string }
export interface RewardIssuedEvent { event: "reward_issued"; learner: string; issuer: string; amount: string; reason: string; unclaimed: string }
export interface RewardClaimedEvent { event: "reward_claimed"; learner: string; amount: string }
export interface WithdrawnEvent { event: "withdrawn"; to: string; amount: string }
export interface AllowanceSetEvent { event: "allowance_set"; issuer: string; amount: string }
export interface RewardRevokedEvent { event: "reward_revoked"; learner: string; amount: string; unclaimed: string }
export interface ValidatorRegisteredEvent { event: "validator_registered"; validator: string; signing_key: string; stake: string }
export interface ValidatorActivatedEvent { event: "validator_activated"; validator: string }
export interface ValidatorDeactivatedEvent { event: "validator_deactivated"; validator: string }
export interface ChainLimitsSetEvent { event: "chain_limits_set"; chain: number; per_transfer: string; per_day: string }
export interface ChainPausedEvent { event: "chain_paused"; chain: number; by: string }
export interface ChainResumedEvent { event: "chain_resumed"; chain: number; by: string }
export interface BridgeFundedEvent { event: "bridge_funded"; from: string; amount: string }
export interface BridgeLockedEvent { event: "locked"; nonce: number; dest_chain: number; sender: string; amount: string; recipient: string; expires_at: number }
export interface BridgeCompletedEvent { event: "completed"; nonce: number; source_chain: number; recipient: string; amount: string; attested_stake: string }
export interface OutboundConfirmedEvent { event: "outbound_confirmed"; nonce: number; dest_chain: number; sender: string; amount: string; attested_stake: string }
export interface BridgeRefundedEvent { event: "refunded"; nonce: number; dest_chain: number; sender: string; amount: string }
export interface BridgeSlashedEvent { event: "slashed"; nonce: number; source_chain: number; validator: string; amount: string; to: string }
export interface UnbondingStartedEvent { event: "unbonding_started"; validator: string; unbonding_ends: number }
export interface StakeWithdrawnEvent { event: "stake_withdrawn"; validator: string; amount: string }

/** Every TeachLink contract event (`contracts/EVENTS.md`), tagged by `event`. */
export type TeachLinkEvent =
  | AdminChangedEvent | RoleGrantedEvent | RoleRevokedEvent | PausedEvent | UnpausedEvent
  | UpgradedEvent | ProposedEvent | CancelledEvent | ExecutedEvent | EscrowCreatedEvent | EscrowApprovedEvent | EscrowReleasedEvent
  | EscrowRefundedEvent | EscrowCancelledEvent | EscrowDisputedEvent | EscrowResolvedEvent
  | EscrowSettledEvent
  | MintedEvent | ApprovedEvent | TransferredEvent | MetadataUpdatedEvent
  | CompletionRecordedEvent | ContributionRecordedEvent | ContributionRatedEvent
  | CourseBoundEvent | CompletionCorrectedEvent
  | FundedEvent | RewardIssuedEvent | RewardClaimedEvent | WithdrawnEvent
  | AllowanceSetEvent | RewardRevokedEvent
  | ValidatorRegisteredEvent | ValidatorActivatedEvent | ValidatorDeactivatedEvent
  | ChainLimitsSetEvent | ChainPausedEvent | ChainResumedEvent | BridgeFundedEvent
  | BridgeLockedEvent | BridgeCompletedEvent | OutboundConfirmedEvent | BridgeRefundedEvent
  | BridgeSlashedEvent | UnbondingStartedEvent | StakeWithdrawnEvent;

export interface Event {
  meta: EventMeta;
  body: TeachLinkEvent;
}

export interface UnknownEvent {
  id: string;
  /** Why it did not decode. */
  reason: string;
  raw: RawEvent;
}

export interface DecodedEvents {
  events: Event[];
  unknown: UnknownEvent[];
}

/** `IndexerClient` (the TeachLink server's REST API): `TeachLinkError.apiCode`. */
export type ApiErrorCode =
  | "not_found" | "unknown_parameter" | "invalid_parameter" | "invalid_cursor"
  | "bad_request" | "method_not_allowed" | "payload_too_large" | "unsupported_media_type"
  | "store_unavailable" | "overloaded" | "request_timeout" | "internal";

/** A page of a list: pass `next_cursor` as `cursor` for the next; `null` on the last. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * `limit`: 1 to 200 (default 50); `cursor`: the previous page's `next_cursor` (`null` or
 * `undefined`: the first page). Missing, `undefined` and `null` fields are left out.
 */
export interface PageQuery {
  limit?: number | undefined;
  cursor?: string | null | undefined;
}

export interface EscrowsQuery extends PageQuery {
  /** Escrows where this address is depositor, beneficiary, signer or arbitrator. */
  party?: string | undefined;
  status?: EscrowStatus | undefined;
}

export interface TokensQuery extends PageQuery {
  owner?: string | undefined;
  creator?: string | undefined;
}

export interface CompletionsQuery extends PageQuery {
  course?: IntegerInput | undefined;
  learner?: string | undefined;
}

export interface ContributionsQuery extends PageQuery {
  author?: string | undefined;
}

/** The event that made a change. */
export interface Stamp {
  event: string;
  ledger: number;
  /** Ledger close time, UNIX seconds. */
  at: number;
  tx_hash: string;
}

export interface IndexedEscrowTerms {
  token: string;
  amount: string;
  signers: EscrowSigner[];
  threshold: number;
  release_after: number | null;
  refund_after: number | null;
  arbitrator: string | null;
  dispute_timeout: number;
  course_id: number;
}

/** An escrow as the indexer projects it from its events. */
export interface IndexedEscrow {
  id: number;
  contract: string;
  depositor: string | null;
  beneficiary: string | null;
  /** `null` when the creation event was missed (retention gap). */
  terms: IndexedEscrowTerms | null;
  approvals: { signer: string; weight: number; approved_weight: number; stamp: Stamp }[];
  approved_weight: number;
  status: EscrowStatus;
  history: { status: EscrowStatus; by: string | null; stamp: Stamp }[];
  dispute_reason: string | null;
  /** From `escrow_disputed`: when the arbitrator's time ends and either party may settle. */
  dispute_deadline: number | null;
  resolution: Resolution | null;
  paid_to_beneficiary: string;
  returned_to_depositor: string;
}

/** A content token (course NFT) with its provenance. */
export interface IndexedToken {
  id: number;
  contract: string;
  creator: string | null;
  owner: string | null;
  mint: {
    title: string; licence: string; tags: string[]; transferable: boolean;
    royalty_bps: number; stamp: Stamp;
  } | null;
  uri: string | null;
  content_hash: string | null;
  approval: { spender: string; live_until: number } | null;
  provenance: {
    kind: "Mint" | "Transfer" | "MetadataUpdate"; from: string | null; to: string | null;
    stamp: Stamp;
  }[];
}

/** A learner's reputation and credit score as the events report them. */
export interface Profile {
  learner: string;
  completions: number;
  completion_score_sum: number;
  contributions: number;
  ratings_received: number;
  rating_sum: number;
  rating_weight: number;
  weighted_rating_sum: number;
  ratings_given: number;
  reputation: number;
  credit_score: number;
  scores_stamp: Stamp | null;
}

export interface Completion {
  learner: string;
  course_id: number;
  issuer: string;
  score_pct: number;
  stamp: Stamp;
}

export interface Contribution {
  id: number;
  author: string;
  kind: string | null;
  reference: string | null;
  recorded: Stamp | null;
  ratings: { rater: string; rating: number; weight: number; stamp: Stamp }[];
  rating_sum: number;
}

export type RewardEntry =
  | { Issued: { issuer: string; amount: string; reason: string; stamp: Stamp } }
  | { Claimed: { amount: string; stamp: Stamp } }
  | { Revoked: { amount: string; stamp: Stamp } };

export interface LearnerRewards {
  learner: string;
  unclaimed: string;
  claimed: string;
  issued: string;
  history: RewardEntry[];
}

export interface RewardPool {
  contract: string;
  balance: string;
  funded: string;
  issued: string;
  claimed: string;
  withdrawn: string;
  unclaimed: string;
  revoked: string;
  allowances: { issuer: string; remaining: string }[];
  updated: Stamp | null;
}

/** `GET /api/status`: the indexer's role and progress, the store, network and deployment. */
export interface IndexerStatus {
  indexer: { role: string; running: boolean; ready: boolean; [key: string]: unknown };
  store: { events: number; unknown: number; orphans: number; [key: string]: unknown };
  checkpoint: { ledger: number; gaps: unknown[] } | null;
  network: { mode: string; rpc_url: string; network_passphrase: string; [key: string]: unknown };
  deployment: Deployment;
  demo: unknown;
}
"#;

#[cfg(test)]
mod tests {
    use teachlink_indexer::decode::CATALOGUE;

    /// The JSON tag of a catalogued event (`TeachLinkEvent`'s serde names).
    fn tag(section: &str, name: &str) -> String {
        match (section, name) {
            ("bridge", "funded") => "bridge_funded".into(),
            _ => name.into(),
        }
    }

    #[test]
    fn event_types_cover_the_catalogue() {
        let ts = super::TYPES;
        let mut interfaces = 0;
        for spec in CATALOGUE {
            let needle = format!("event: \"{}\";", tag(spec.section, spec.name));
            let start = ts
                .find(&needle)
                .unwrap_or_else(|| panic!("no TypeScript type for {}", spec.name));
            let block = &ts[start..start + ts[start..].find('}').unwrap()];
            let fields = block.matches(": ").count() - 1;
            for (field, _) in spec.topics.iter().chain(spec.data.iter()) {
                assert!(
                    block.contains(&format!(" {field}: ")),
                    "{}: field {field} is missing from {block}",
                    spec.name
                );
            }
            assert_eq!(
                fields,
                spec.topics.len() + spec.data.len(),
                "{}: extra fields in {block}",
                spec.name
            );
            interfaces += 1;
        }
        assert_eq!(ts.matches("Event { event: \"").count(), interfaces);
    }

    #[test]
    fn no_any() {
        assert!(!super::TYPES.contains(": any"));
        assert!(!super::TYPES.contains("<any>"));
    }
}
