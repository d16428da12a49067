//! Owns the documentation of the API's bodies: one OpenAPI schema per entity, mirroring
//! the JSON the indexer's entity types (`teachlink_indexer::project`) serialize to. They
//! only document: handlers serve the indexer's own types. A test validates real responses
//! against these schemas, undocumented fields included, so the two cannot drift apart
//! unnoticed.
//!
//! Conventions: addresses are strkeys (G… accounts, C… contracts); token amounts are
//! decimal strings (i128 exceeds JSON numbers); hashes and bytes are hex; `null` where an
//! event was missed or a value not yet set.

#![allow(dead_code)]

use serde::Serialize;
use utoipa::ToSchema;

/// Where an escrow is in its life.
#[derive(Serialize, ToSchema)]
pub enum EscrowStatus {
    Open,
    Disputed,
    Released,
    Refunded,
    Cancelled,
    Resolved,
}

/// What a provenance step did.
#[derive(Serialize, ToSchema)]
pub enum ProvenanceKind {
    Mint,
    Transfer,
    MetadataUpdate,
}

/// Where an outbound bridge transfer is.
#[derive(Serialize, ToSchema)]
pub enum OutboundStatus {
    Locked,
    Confirmed,
    Refunded,
}

/// Where a bridge validator is in its life.
#[derive(Serialize, ToSchema)]
pub enum ValidatorStatus {
    Inactive,
    Active,
    Unbonding,
    Withdrawn,
    Slashed,
}

/// How an arbitrator ended a dispute: `"ToBeneficiary"`, `"ToDepositor"` or
/// `{"Split": <basis points to the beneficiary>}`.
#[derive(Serialize, ToSchema)]
pub enum Resolution {
    ToBeneficiary,
    ToDepositor,
    Split(u32),
}

/// A reward movement: `{"Issued": {…}}`, `{"Claimed": {…}}` or `{"Revoked": {…}}`.
#[derive(Serialize, ToSchema)]
pub enum RewardEntry {
    Issued(Issued),
    Claimed(Claimed),
    Revoked(Revoked),
}

/// A raw RPC event as `getEvents` returned it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawEvent {
    /// `contract`, `system` or `diagnostic`; absent in some RPC versions.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub id: String,
    pub ledger: u32,
    pub ledger_closed_at: String,
    pub contract_id: String,
    pub tx_hash: String,
    /// Base64 XDR `ScVal`s.
    pub topic: Vec<String>,
    /// Base64 XDR `ScVal`.
    pub value: String,
    /// Absent in newer RPC versions.
    pub in_successful_contract_call: Option<bool>,
}

/// When and where a change happened: the event that made it.
#[derive(Serialize, ToSchema)]
pub struct Stamp {
    /// The RPC event id (`TOID-INDEX`).
    pub event: String,
    pub ledger: u32,
    /// Ledger close time, UNIX seconds.
    pub at: u64,
    /// Transaction hash, hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub tx_hash: String,
}

/// An escrow signer and its approval weight.
#[derive(Serialize, ToSchema)]
pub struct Signer {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub address: String,
    pub weight: u32,
}

/// What the depositor asked for at creation.
#[derive(Serialize, ToSchema)]
pub struct EscrowTerms {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub token: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub amount: String,
    pub signers: Vec<Signer>,
    pub threshold: u32,
    #[schema(required = true)]
    pub release_after: Option<u64>,
    #[schema(required = true)]
    pub refund_after: Option<u64>,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub arbitrator: Option<String>,
    /// Seconds the arbitrator has to resolve a dispute (0 without an arbitrator).
    pub dispute_timeout: u64,
    pub course_id: u64,
}

/// One signer's approval.
#[derive(Serialize, ToSchema)]
pub struct Approval {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub signer: String,
    pub weight: u32,
    /// Total approved weight once this approval counted.
    pub approved_weight: u32,
    pub stamp: Stamp,
}

/// One step of an escrow's status history.
#[derive(Serialize, ToSchema)]
pub struct StatusChange {
    pub status: EscrowStatus,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub by: Option<String>,
    pub stamp: Stamp,
}

/// A course escrow as its events describe it.
#[derive(Serialize, ToSchema)]
pub struct Escrow {
    pub id: u64,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub contract: String,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub depositor: Option<String>,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub beneficiary: Option<String>,
    /// `null` when the creation event was missed (retention gap).
    #[schema(required = true)]
    pub terms: Option<EscrowTerms>,
    pub approvals: Vec<Approval>,
    pub approved_weight: u32,
    pub status: EscrowStatus,
    pub history: Vec<StatusChange>,
    #[schema(required = true)]
    pub dispute_reason: Option<String>,
    /// When a dispute's arbitrator loses the say and either party may settle it by
    /// default (ledger timestamp, seconds); `null` unless disputed.
    #[schema(required = true)]
    pub dispute_deadline: Option<u64>,
    #[schema(required = true)]
    pub resolution: Option<Resolution>,
    #[schema(pattern = "^-?[0-9]+$")]
    pub paid_to_beneficiary: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub returned_to_depositor: String,
}

/// One step in a token's history.
#[derive(Serialize, ToSchema)]
pub struct Provenance {
    pub kind: ProvenanceKind,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub from: Option<String>,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub to: Option<String>,
    pub stamp: Stamp,
}

/// Who may transfer a token for its owner, and until which ledger.
#[derive(Serialize, ToSchema)]
pub struct TokenApproval {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub spender: String,
    pub live_until: u32,
}

/// The metadata fixed at mint.
#[derive(Serialize, ToSchema)]
pub struct MintInfo {
    pub title: String,
    pub licence: String,
    pub tags: Vec<String>,
    pub transferable: bool,
    pub royalty_bps: u32,
    pub stamp: Stamp,
}

/// A content token (course NFT) with its provenance.
#[derive(Serialize, ToSchema)]
pub struct ContentToken {
    pub id: u64,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub contract: String,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub creator: Option<String>,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub owner: Option<String>,
    /// `null` when the mint was missed (retention gap).
    #[schema(required = true)]
    pub mint: Option<MintInfo>,
    #[schema(required = true)]
    pub uri: Option<String>,
    #[schema(required = true, pattern = "^[0-9a-f]{64}$")]
    pub content_hash: Option<String>,
    #[schema(required = true)]
    pub approval: Option<TokenApproval>,
    /// Every mint, transfer and metadata update, oldest first.
    pub provenance: Vec<Provenance>,
}

/// A learner's reputation and credit score as the events report them.
#[derive(Serialize, ToSchema)]
pub struct Profile {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub learner: String,
    pub completions: u32,
    pub completion_score_sum: u64,
    pub contributions: u32,
    pub ratings_received: u32,
    pub rating_sum: u64,
    /// Sum of the received ratings' weights (each 1 to 5, the rater's standing).
    pub rating_weight: u64,
    /// Sum of weight × stars over the received ratings.
    pub weighted_rating_sum: u64,
    pub ratings_given: u32,
    /// The latest reputation an event carried.
    pub reputation: u32,
    /// The latest credit score an event carried.
    pub credit_score: u32,
    #[schema(required = true)]
    pub scores_stamp: Option<Stamp>,
}

/// An issuer recorded that a learner completed a course.
#[derive(Serialize, ToSchema)]
pub struct Completion {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub learner: String,
    pub course_id: u64,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub issuer: String,
    pub score_pct: u32,
    pub stamp: Stamp,
}

/// One rating of a contribution.
#[derive(Serialize, ToSchema)]
pub struct Rating {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub rater: String,
    pub rating: u32,
    /// The rater's weight when rating (1 to 5).
    pub weight: u32,
    pub stamp: Stamp,
}

/// A learner's contribution and its ratings.
#[derive(Serialize, ToSchema)]
pub struct Contribution {
    pub id: u64,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub author: String,
    #[schema(required = true)]
    pub kind: Option<String>,
    #[schema(required = true, pattern = "^[0-9a-f]{64}$")]
    pub reference: Option<String>,
    #[schema(required = true)]
    pub recorded: Option<Stamp>,
    pub ratings: Vec<Rating>,
    pub rating_sum: u64,
}

/// A reward issued to the learner.
#[derive(Serialize, ToSchema)]
pub struct Issued {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub issuer: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub amount: String,
    pub reason: String,
    pub stamp: Stamp,
}

/// Rewards the learner claimed.
#[derive(Serialize, ToSchema)]
pub struct Claimed {
    #[schema(pattern = "^-?[0-9]+$")]
    pub amount: String,
    pub stamp: Stamp,
}

/// Unclaimed rewards the admin took back.
#[derive(Serialize, ToSchema)]
pub struct Revoked {
    #[schema(pattern = "^-?[0-9]+$")]
    pub amount: String,
    pub stamp: Stamp,
}

/// What one issuer may still promise from the pool.
#[derive(Serialize, ToSchema)]
pub struct Allowance {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub issuer: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub remaining: String,
}

/// A learner's rewards.
#[derive(Serialize, ToSchema)]
pub struct LearnerRewards {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub learner: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub unclaimed: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub claimed: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub issued: String,
    pub history: Vec<RewardEntry>,
}

/// The reward pool.
#[derive(Serialize, ToSchema)]
pub struct Pool {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub contract: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub balance: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub funded: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub issued: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub claimed: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub withdrawn: String,
    /// Issued and not yet claimed, over all learners.
    #[schema(pattern = "^-?[0-9]+$")]
    pub unclaimed: String,
    /// Taken back by the admin before it was claimed.
    #[schema(pattern = "^-?[0-9]+$")]
    pub revoked: String,
    /// Issuers' allowances, by issuer.
    pub allowances: Vec<Allowance>,
    #[schema(required = true)]
    pub updated: Option<Stamp>,
}

/// A bridge transfer out of this chain, by its nonce.
#[derive(Serialize, ToSchema)]
pub struct OutboundTransfer {
    pub nonce: u64,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub contract: String,
    pub dest_chain: u32,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub sender: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub amount: String,
    /// The recipient on the destination chain, hex.
    #[schema(required = true, pattern = "^([0-9a-f]{2})*$")]
    pub recipient: Option<String>,
    #[schema(required = true)]
    pub expires_at: Option<u64>,
    pub status: OutboundStatus,
    #[schema(required = true)]
    pub locked: Option<Stamp>,
    #[schema(required = true, pattern = "^-?[0-9]+$")]
    pub attested_stake: Option<String>,
    /// The confirmation or refund.
    #[schema(required = true)]
    pub settled: Option<Stamp>,
}

/// A bridge transfer into this chain, released to its recipient.
#[derive(Serialize, ToSchema)]
pub struct InboundTransfer {
    pub source_chain: u32,
    pub nonce: u64,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub contract: String,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub recipient: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub amount: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub attested_stake: String,
    pub stamp: Stamp,
}

/// The proof a validator was slashed on.
#[derive(Serialize, ToSchema)]
pub struct Slash {
    pub source_chain: u32,
    pub nonce: u64,
    #[schema(pattern = "^-?[0-9]+$")]
    pub amount: String,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub to: String,
    pub stamp: Stamp,
}

/// A bridge validator.
#[derive(Serialize, ToSchema)]
pub struct Validator {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub address: String,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub contract: String,
    #[schema(required = true, pattern = "^[0-9a-f]{64}$")]
    pub signing_key: Option<String>,
    #[schema(pattern = "^-?[0-9]+$")]
    pub stake: String,
    pub status: ValidatorStatus,
    #[schema(required = true)]
    pub unbonding_ends: Option<u64>,
    #[schema(pattern = "^-?[0-9]+$")]
    pub slashed: String,
    #[schema(required = true)]
    pub slash: Option<Slash>,
    #[schema(pattern = "^-?[0-9]+$")]
    pub withdrawn: String,
    #[schema(required = true)]
    pub registered: Option<Stamp>,
    pub updated: Stamp,
}

/// The circuit breaker of one remote chain.
#[derive(Serialize, ToSchema)]
pub struct BridgeChain {
    pub chain: u32,
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub contract: String,
    #[schema(required = true, pattern = "^-?[0-9]+$")]
    pub per_transfer: Option<String>,
    #[schema(required = true, pattern = "^-?[0-9]+$")]
    pub per_day: Option<String>,
    pub paused: bool,
    #[schema(required = true, pattern = "^[GC][A-Z2-7]{55}$")]
    pub paused_by: Option<String>,
    pub updated: Stamp,
}

/// The bridge's liquidity and totals.
#[derive(Serialize, ToSchema)]
pub struct BridgeTotals {
    #[schema(pattern = "^[GC][A-Z2-7]{55}$")]
    pub contract: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub liquidity: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub funded: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub released: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub confirmed: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub locked: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub refunded: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub pending: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub staked: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub slashed: String,
    #[schema(required = true)]
    pub updated: Option<Stamp>,
}

/// An event kept raw because it did not decode, with the reason.
#[derive(Serialize, ToSchema)]
pub struct UnknownEvent {
    pub raw: RawEvent,
    pub reason: String,
}

/// A page of Escrow items.
#[derive(Serialize, ToSchema)]
pub struct EscrowPage {
    pub items: Vec<Escrow>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of ContentToken items.
#[derive(Serialize, ToSchema)]
pub struct TokenPage {
    pub items: Vec<ContentToken>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of Completion items.
#[derive(Serialize, ToSchema)]
pub struct CompletionPage {
    pub items: Vec<Completion>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of Contribution items.
#[derive(Serialize, ToSchema)]
pub struct ContributionPage {
    pub items: Vec<Contribution>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of OutboundTransfer items.
#[derive(Serialize, ToSchema)]
pub struct OutboundPage {
    pub items: Vec<OutboundTransfer>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of InboundTransfer items.
#[derive(Serialize, ToSchema)]
pub struct InboundPage {
    pub items: Vec<InboundTransfer>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of Validator items.
#[derive(Serialize, ToSchema)]
pub struct ValidatorPage {
    pub items: Vec<Validator>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of BridgeChain items.
#[derive(Serialize, ToSchema)]
pub struct ChainPage {
    pub items: Vec<BridgeChain>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of UnknownEvent items.
#[derive(Serialize, ToSchema)]
pub struct UnknownEventPage {
    pub items: Vec<UnknownEvent>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Why a course is recommended. `kind` says which reason; the other fields go with it:
/// `taken_after` (learners who took or `completed` course `because` took this next),
/// `same_tags` (shares `tags` with `because`), `similar_to` (similar title or licence),
/// `popular` (`learners` took it), `highly_rated` (`mean` stars over `ratings`), `after`
/// (in a learning path, after its `prerequisites`).
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    TakenAfter {
        because: u64,
        because_title: String,
        completed: bool,
    },
    SameTags {
        because: u64,
        because_title: String,
        tags: Vec<String>,
    },
    SimilarTo {
        because: u64,
        because_title: String,
    },
    Popular {
        learners: u32,
    },
    HighlyRated {
        mean: f32,
        ratings: u32,
    },
    After {
        prerequisites: Vec<u64>,
    },
}

/// A recommended course (its content-token id) with its score and reasons, strongest first.
#[derive(Serialize, ToSchema)]
pub struct Recommendation {
    pub item: u64,
    pub title: String,
    pub score: f32,
    pub reasons: Vec<Reason>,
}

/// Recommended courses, best first.
#[derive(Serialize, ToSchema)]
pub struct RecommendationList {
    pub items: Vec<Recommendation>,
}

/// One course's platform-wide numbers (`GET /api/courses/stats`).
#[derive(Serialize, ToSchema)]
pub struct CourseStats {
    /// The course's content-token id.
    pub course: u64,
    pub title: String,
    /// Learners who took it (an escrow naming it, a completion or a rating).
    pub learners: u32,
    pub completions: u32,
    pub ratings: u32,
    /// The mean rating (1 to 5); `null` without ratings.
    pub average_rating: Option<f32>,
    /// teachlink-recommend's popularity and quality prior, 0 to 1.
    pub popularity: f32,
}

/// Courses' platform-wide numbers as of a ledger.
#[derive(Serialize, ToSchema)]
pub struct CourseStatsList {
    /// Every ledger up to this one was indexed when the numbers were computed.
    pub as_of_ledger: u32,
    pub items: Vec<CourseStats>,
}
