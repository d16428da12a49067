//! Owns the projections: the entities the app queries (escrows, content tokens, profiles,
//! completions, contributions, rewards, the pool, contract admin state, bridge transfers,
//! validators, chains and liquidity) and how each decoded
//! event changes them. Applying is idempotent, keyed by the event id: a replay changes
//! nothing. [`State::apply_batch`] also says which entities a batch changed ([`Changes`]),
//! so a persistent store writes back only those.
//!
//! Entities are built from events alone, never from contract storage, so an indexer that
//! missed earlier events (a retention gap) still records what it saw: fields only a missed
//! event carries stay `None`, and the event is counted in [`State::orphans`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::decode::TeachLinkEvent as E;
use crate::decode::{DecodeError, Decoded, Event, EventMeta, RawEvent, Resolution, Signer};
use crate::store::BatchOutcome;
use crate::types::{amount, amount_opt, Address, EventId, Hash32, HexBytes};

/// When and where a change happened: the event that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub event: EventId,
    pub ledger: u32,
    /// Ledger close time, UNIX seconds.
    pub at: u64,
    pub tx_hash: Hash32,
}

impl From<&EventMeta> for Stamp {
    fn from(m: &EventMeta) -> Self {
        Stamp {
            event: m.id,
            ledger: m.ledger,
            at: m.closed_at,
            tx_hash: m.tx_hash,
        }
    }
}

/// Where an escrow is in its life (the contract's `EscrowStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EscrowStatus {
    Open,
    Disputed,
    Released,
    Refunded,
    Cancelled,
    Resolved,
}

impl EscrowStatus {
    /// The status as one lowercase word: the SQL stores' column text, and what pages show.
    pub fn as_str(self) -> &'static str {
        match self {
            EscrowStatus::Open => "open",
            EscrowStatus::Disputed => "disputed",
            EscrowStatus::Released => "released",
            EscrowStatus::Refunded => "refunded",
            EscrowStatus::Cancelled => "cancelled",
            EscrowStatus::Resolved => "resolved",
        }
    }
}

/// What the depositor asked for at creation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscrowTerms {
    pub token: Address,
    #[serde(with = "amount")]
    pub amount: i128,
    pub signers: Vec<Signer>,
    pub threshold: u32,
    pub release_after: Option<u64>,
    pub refund_after: Option<u64>,
    pub arbitrator: Option<Address>,
    pub course_id: u64,
}

/// One signer's approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub signer: Address,
    pub weight: u32,
    /// Total approved weight once this approval counted.
    pub approved_weight: u32,
    pub stamp: Stamp,
}

/// One step of an escrow's status history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: EscrowStatus,
    pub by: Option<Address>,
    pub stamp: Stamp,
}

/// A course escrow as its events describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escrow {
    pub id: u64,
    pub contract: Address,
    pub depositor: Option<Address>,
    pub beneficiary: Option<Address>,
    /// `None` when the creation event was missed (retention gap).
    pub terms: Option<EscrowTerms>,
    pub approvals: Vec<Approval>,
    pub approved_weight: u32,
    pub status: EscrowStatus,
    pub history: Vec<StatusChange>,
    pub dispute_reason: Option<String>,
    pub resolution: Option<Resolution>,
    /// Paid out to the beneficiary (release or resolution).
    #[serde(with = "amount")]
    pub paid_to_beneficiary: i128,
    /// Returned to the depositor (refund, cancellation or resolution).
    #[serde(with = "amount")]
    pub returned_to_depositor: i128,
}

impl Escrow {
    fn new(id: u64, contract: Address) -> Self {
        Escrow {
            id,
            contract,
            depositor: None,
            beneficiary: None,
            terms: None,
            approvals: Vec::new(),
            approved_weight: 0,
            status: EscrowStatus::Open,
            history: Vec::new(),
            dispute_reason: None,
            resolution: None,
            paid_to_beneficiary: 0,
            returned_to_depositor: 0,
        }
    }

    /// Everyone with a part in the escrow: depositor, beneficiary, signers, arbitrator.
    pub fn parties(&self) -> BTreeSet<Address> {
        let mut out = BTreeSet::new();
        out.extend(self.depositor);
        out.extend(self.beneficiary);
        if let Some(t) = &self.terms {
            out.extend(t.signers.iter().map(|s| s.address));
            out.extend(t.arbitrator);
        }
        out.extend(self.approvals.iter().map(|a| a.signer));
        out
    }

    fn set_status(&mut self, status: EscrowStatus, by: Option<Address>, stamp: Stamp) {
        self.status = status;
        self.history.push(StatusChange { status, by, stamp });
    }
}

/// What a provenance step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProvenanceKind {
    Mint,
    Transfer,
    MetadataUpdate,
}

/// One step in a token's history, from its events (the contract keeps only the newest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub kind: ProvenanceKind,
    pub from: Option<Address>,
    pub to: Option<Address>,
    pub stamp: Stamp,
}

/// Who may transfer a token for its owner, and until which ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenApproval {
    pub spender: Address,
    pub live_until: u32,
}

/// The metadata fixed at mint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MintInfo {
    pub title: String,
    pub licence: String,
    pub tags: Vec<String>,
    pub transferable: bool,
    pub royalty_bps: u32,
    pub stamp: Stamp,
}

/// A content token (course NFT).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentToken {
    pub id: u64,
    pub contract: Address,
    pub creator: Option<Address>,
    pub owner: Option<Address>,
    /// `None` when the mint was missed (retention gap).
    pub mint: Option<MintInfo>,
    /// Current uri and content hash (mint, then metadata updates).
    pub uri: Option<String>,
    pub content_hash: Option<Hash32>,
    pub approval: Option<TokenApproval>,
    pub provenance: Vec<Provenance>,
}

/// A learner's reputation as the events report it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub learner: Address,
    pub completions: u32,
    pub completion_score_sum: u64,
    pub contributions: u32,
    pub ratings_received: u32,
    pub rating_sum: u64,
    pub ratings_given: u32,
    /// The latest scores an event carried (completion or rating), with that event.
    pub reputation: u32,
    pub credit_score: u32,
    pub scores_stamp: Option<Stamp>,
}

impl Profile {
    fn new(learner: Address) -> Self {
        Profile {
            learner,
            completions: 0,
            completion_score_sum: 0,
            contributions: 0,
            ratings_received: 0,
            rating_sum: 0,
            ratings_given: 0,
            reputation: 0,
            credit_score: 0,
            scores_stamp: None,
        }
    }
}

/// An issuer recorded that a learner completed a course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub learner: Address,
    pub course_id: u64,
    pub issuer: Address,
    pub score_pct: u32,
    pub stamp: Stamp,
}

/// One rating of a contribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub rater: Address,
    pub rating: u32,
    pub stamp: Stamp,
}

/// A learner's contribution and its ratings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    pub id: u64,
    pub author: Address,
    /// `None` when the recording event was missed.
    pub kind: Option<String>,
    pub reference: Option<Hash32>,
    pub recorded: Option<Stamp>,
    pub ratings: Vec<Rating>,
    pub rating_sum: u64,
}

/// A reward movement of one learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RewardEntry {
    Issued {
        issuer: Address,
        #[serde(with = "amount")]
        amount: i128,
        reason: String,
        stamp: Stamp,
    },
    Claimed {
        #[serde(with = "amount")]
        amount: i128,
        stamp: Stamp,
    },
}

/// A learner's rewards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerRewards {
    pub learner: Address,
    #[serde(with = "amount")]
    pub unclaimed: i128,
    #[serde(with = "amount")]
    pub claimed: i128,
    #[serde(with = "amount")]
    pub issued: i128,
    pub history: Vec<RewardEntry>,
}

/// The reward pool of one rewards contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub contract: Address,
    /// The token balance: as of the last `funded` event, minus the claims and withdrawals
    /// since. Tokens sent to the contract outside `fund` show up at the next `funded`.
    #[serde(with = "amount")]
    pub balance: i128,
    #[serde(with = "amount")]
    pub funded: i128,
    #[serde(with = "amount")]
    pub issued: i128,
    #[serde(with = "amount")]
    pub claimed: i128,
    #[serde(with = "amount")]
    pub withdrawn: i128,
    /// Issued and not yet claimed, over all learners.
    #[serde(with = "amount")]
    pub unclaimed: i128,
    pub updated: Option<Stamp>,
}

/// A role held by an account.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: String,
    pub account: Address,
}

/// Admin state of one contract from the common events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractAdmin {
    pub contract: Address,
    /// `None` until an `admin_changed` (the constructor sets the first admin silently).
    pub admin: Option<Address>,
    pub roles: BTreeSet<RoleGrant>,
    pub paused: bool,
    pub paused_by: Option<Address>,
    pub wasm_hash: Option<Hash32>,
    pub upgrades: u32,
}

/// Where an outbound bridge transfer (locked here for another chain) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OutboundStatus {
    /// Locked; may still complete on the destination chain or be refunded.
    Locked,
    /// Validators attested its completion on the destination chain.
    Confirmed,
    /// Returned to the sender.
    Refunded,
}

/// A transfer out of this chain, by its nonce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundTransfer {
    pub nonce: u64,
    pub contract: Address,
    pub dest_chain: u32,
    pub sender: Address,
    #[serde(with = "amount")]
    pub amount: i128,
    /// The recipient on the destination chain (hex in JSON); `None` when the lock was
    /// missed (retention gap), as is `expires_at`.
    pub recipient: Option<HexBytes>,
    /// From this time (UNIX seconds) the destination refuses to complete it.
    pub expires_at: Option<u64>,
    pub status: OutboundStatus,
    pub locked: Option<Stamp>,
    /// Stake that attested the completion elsewhere, once confirmed.
    #[serde(with = "amount_opt")]
    pub attested_stake: Option<i128>,
    /// The confirmation or refund.
    pub settled: Option<Stamp>,
}

/// A transfer into this chain, released to its recipient; one per (source chain, nonce).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundTransfer {
    pub source_chain: u32,
    pub nonce: u64,
    pub contract: Address,
    pub recipient: Address,
    #[serde(with = "amount")]
    pub amount: i128,
    /// Stake of the validators whose attestations released it.
    #[serde(with = "amount")]
    pub attested_stake: i128,
    pub stamp: Stamp,
}

/// Where a bridge validator is in its life. `Withdrawn` is the indexer's own: the contract
/// forgets a validator once its stake is withdrawn (it may then register again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ValidatorStatus {
    /// Bonded, waiting for the admin to activate it; does not attest.
    Inactive,
    /// Counts toward quorum.
    Active,
    /// Leaving; slashable until the stake is withdrawn at `unbonding_ends`.
    Unbonding,
    /// Stake withdrawn; no longer a validator.
    Withdrawn,
    /// Caught equivocating; stake taken, never again a validator.
    Slashed,
}

/// The proof a validator was slashed on: two conflicting attestations for one message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slash {
    pub source_chain: u32,
    pub nonce: u64,
    #[serde(with = "amount")]
    pub amount: i128,
    /// Who received the stake (the admin).
    pub to: Address,
    pub stamp: Stamp,
}

/// A bridge validator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    pub address: Address,
    pub contract: Address,
    /// The ed25519 key it signs with; `None` when the registration was missed.
    pub signing_key: Option<Hash32>,
    /// Bonded stake held by the bridge (0 once withdrawn or slashed).
    #[serde(with = "amount")]
    pub stake: i128,
    pub status: ValidatorStatus,
    /// When the stake becomes withdrawable, while unbonding (and after).
    pub unbonding_ends: Option<u64>,
    /// Stake taken by slashing.
    #[serde(with = "amount")]
    pub slashed: i128,
    pub slash: Option<Slash>,
    /// Stake paid back, over all its registrations.
    #[serde(with = "amount")]
    pub withdrawn: i128,
    /// The latest registration.
    pub registered: Option<Stamp>,
    pub updated: Stamp,
}

/// The circuit breaker of one remote chain, as the bridge's events set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeChain {
    pub chain: u32,
    pub contract: Address,
    /// Largest single transfer and most per rolling day, each direction; `None` until a
    /// `chain_limits_set` is seen.
    #[serde(with = "amount_opt")]
    pub per_transfer: Option<i128>,
    #[serde(with = "amount_opt")]
    pub per_day: Option<i128>,
    pub paused: bool,
    pub paused_by: Option<Address>,
    pub updated: Stamp,
}

/// The totals of one bridge contract. `liquidity` follows the contract's own counter:
/// funded, plus outbound transfers confirmed completed elsewhere, minus inbound releases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeTotals {
    pub contract: Address,
    #[serde(with = "amount")]
    pub liquidity: i128,
    #[serde(with = "amount")]
    pub funded: i128,
    /// Released to inbound recipients.
    #[serde(with = "amount")]
    pub released: i128,
    /// Outbound transfers confirmed completed on their destination.
    #[serde(with = "amount")]
    pub confirmed: i128,
    #[serde(with = "amount")]
    pub locked: i128,
    #[serde(with = "amount")]
    pub refunded: i128,
    /// Locked and neither confirmed nor refunded yet (of the locks seen).
    #[serde(with = "amount")]
    pub pending: i128,
    /// Validator stake bonded now (registrations minus withdrawals and slashes).
    #[serde(with = "amount")]
    pub staked: i128,
    #[serde(with = "amount")]
    pub slashed: i128,
    pub updated: Option<Stamp>,
}

/// An event kept raw because it did not decode, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownEvent {
    pub raw: RawEvent,
    pub reason: String,
}

/// An entity with the key it is stored under in [`State`], so stores can move entities
/// between their maps and their own records generically.
pub trait Keyed: Clone {
    type Key: Ord + Clone;
    fn key(&self) -> Self::Key;
}

macro_rules! keyed {
    ($($entity:ty => $key:ty, |$x:ident| $expr:expr;)*) => {$(
        impl Keyed for $entity {
            type Key = $key;
            fn key(&self) -> $key {
                let $x = self;
                $expr
            }
        }
    )*};
}

keyed! {
    Escrow => u64, |x| x.id;
    ContentToken => u64, |x| x.id;
    Profile => Address, |x| x.learner;
    Completion => (u64, Address), |x| (x.course_id, x.learner);
    Contribution => u64, |x| x.id;
    LearnerRewards => Address, |x| x.learner;
    Pool => Address, |x| x.contract;
    ContractAdmin => Address, |x| x.contract;
    OutboundTransfer => u64, |x| x.nonce;
    InboundTransfer => (u32, u64), |x| (x.source_chain, x.nonce);
    Validator => Address, |x| x.address;
    BridgeChain => u32, |x| x.chain;
    BridgeTotals => Address, |x| x.contract;
    UnknownEvent => String, |x| x.raw.id.clone();
}

/// Whether applying an event changed the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    New,
    Duplicate,
}

/// Every projection, plus how far the applied events reach.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub escrows: BTreeMap<u64, Escrow>,
    pub tokens: BTreeMap<u64, ContentToken>,
    pub profiles: BTreeMap<Address, Profile>,
    /// By (course, learner): the query the app makes is "completions of a course".
    pub completions: BTreeMap<(u64, Address), Completion>,
    pub contributions: BTreeMap<u64, Contribution>,
    pub rewards: BTreeMap<Address, LearnerRewards>,
    pub pools: BTreeMap<Address, Pool>,
    pub contracts: BTreeMap<Address, ContractAdmin>,
    /// Bridge transfers out of this chain, by nonce.
    pub outbound: BTreeMap<u64, OutboundTransfer>,
    /// Bridge transfers into this chain, by (source chain, nonce).
    pub inbound: BTreeMap<(u32, u64), InboundTransfer>,
    pub validators: BTreeMap<Address, Validator>,
    /// Remote chains' circuit breakers, by chain id.
    pub chains: BTreeMap<u32, BridgeChain>,
    /// Liquidity and totals, by bridge contract.
    pub bridges: BTreeMap<Address, BridgeTotals>,
    /// Raw events that did not decode, by RPC id.
    pub unknown: BTreeMap<String, UnknownEvent>,
    /// The id of the last decoded event applied. Events arrive in chain order (the RPC
    /// pages `getEvents` by id), so every event at or before this id was applied, and
    /// one id is the idempotency key of the whole history instead of a set growing by one
    /// entry per event, which each persistent store would have to write.
    pub applied_through: Option<EventId>,
    /// Decoded events applied so far.
    pub events: u64,
    /// Events about an entity whose creating event was never seen (a retention gap).
    pub orphans: u64,
}

/// The keys of the entities a batch wrote, so a persistent store puts back only those
/// (from the [`State`] it applied the batch to) rather than the whole state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub escrows: BTreeSet<u64>,
    pub tokens: BTreeSet<u64>,
    pub profiles: BTreeSet<Address>,
    pub completions: BTreeSet<(u64, Address)>,
    pub contributions: BTreeSet<u64>,
    pub rewards: BTreeSet<Address>,
    pub pools: BTreeSet<Address>,
    pub contracts: BTreeSet<Address>,
    pub outbound: BTreeSet<u64>,
    pub inbound: BTreeSet<(u32, u64)>,
    pub validators: BTreeSet<Address>,
    pub chains: BTreeSet<u32>,
    pub bridges: BTreeSet<Address>,
    /// Raw events kept because they did not decode, by RPC id.
    pub unknown: BTreeSet<String>,
}

impl Changes {
    /// Records the entities event `e` of `contract` writes (kept in step with
    /// [`State::apply_event`]; `tests/decode_project.rs` checks the two agree).
    pub fn add(&mut self, contract: Address, e: &E) {
        match e {
            E::AdminChanged { .. }
            | E::RoleGranted { .. }
            | E::RoleRevoked { .. }
            | E::Paused { .. }
            | E::Unpaused { .. }
            | E::Upgraded { .. } => {
                self.contracts.insert(contract);
            }
            E::EscrowCreated { escrow_id, .. }
            | E::EscrowApproved { escrow_id, .. }
            | E::EscrowReleased { escrow_id, .. }
            | E::EscrowRefunded { escrow_id, .. }
            | E::EscrowCancelled { escrow_id, .. }
            | E::EscrowDisputed { escrow_id, .. }
            | E::EscrowResolved { escrow_id, .. } => {
                self.escrows.insert(*escrow_id);
            }
            E::Minted { token_id, .. }
            | E::Approved { token_id, .. }
            | E::Transferred { token_id, .. }
            | E::MetadataUpdated { token_id, .. } => {
                self.tokens.insert(*token_id);
            }
            E::CompletionRecorded {
                learner, course_id, ..
            } => {
                self.completions.insert((*course_id, *learner));
                self.profiles.insert(*learner);
            }
            E::ContributionRecorded {
                contribution_id,
                learner,
                ..
            } => {
                self.contributions.insert(*contribution_id);
                self.profiles.insert(*learner);
            }
            E::ContributionRated {
                contribution_id,
                rater,
                author,
                ..
            } => {
                self.contributions.insert(*contribution_id);
                self.profiles.insert(*rater);
                self.profiles.insert(*author);
            }
            E::RewardIssued { learner, .. } | E::RewardClaimed { learner, .. } => {
                self.rewards.insert(*learner);
                self.pools.insert(contract);
            }
            E::Funded { .. } | E::Withdrawn { .. } => {
                self.pools.insert(contract);
            }
            E::ValidatorRegistered { validator, .. }
            | E::UnbondingStarted { validator, .. }
            | E::StakeWithdrawn { validator, .. }
            | E::BridgeSlashed { validator, .. } => {
                self.validators.insert(*validator);
                self.bridges.insert(contract);
            }
            E::ValidatorActivated { validator } | E::ValidatorDeactivated { validator } => {
                self.validators.insert(*validator);
            }
            E::ChainLimitsSet { chain, .. }
            | E::ChainPaused { chain, .. }
            | E::ChainResumed { chain, .. } => {
                self.chains.insert(*chain);
            }
            E::BridgeLocked { nonce, .. }
            | E::OutboundConfirmed { nonce, .. }
            | E::BridgeRefunded { nonce, .. } => {
                self.outbound.insert(*nonce);
                self.bridges.insert(contract);
            }
            E::BridgeFunded { .. } => {
                self.bridges.insert(contract);
            }
            E::BridgeCompleted {
                source_chain,
                nonce,
                ..
            } => {
                self.inbound.insert((*source_chain, *nonce));
                self.bridges.insert(contract);
            }
        }
    }

    /// How many entities changed.
    pub fn len(&self) -> usize {
        self.escrows.len()
            + self.tokens.len()
            + self.profiles.len()
            + self.completions.len()
            + self.contributions.len()
            + self.rewards.len()
            + self.pools.len()
            + self.contracts.len()
            + self.outbound.len()
            + self.inbound.len()
            + self.validators.len()
            + self.chains.len()
            + self.bridges.len()
            + self.unknown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The keys of every entity of `state`: what a store writes to hold all of it (an
    /// imported snapshot).
    pub fn all(state: &State) -> Changes {
        fn keys<K: Ord + Clone, V>(map: &BTreeMap<K, V>) -> BTreeSet<K> {
            map.keys().cloned().collect()
        }
        Changes {
            escrows: keys(&state.escrows),
            tokens: keys(&state.tokens),
            profiles: keys(&state.profiles),
            completions: keys(&state.completions),
            contributions: keys(&state.contributions),
            rewards: keys(&state.rewards),
            pools: keys(&state.pools),
            contracts: keys(&state.contracts),
            outbound: keys(&state.outbound),
            inbound: keys(&state.inbound),
            validators: keys(&state.validators),
            chains: keys(&state.chains),
            bridges: keys(&state.bridges),
            unknown: keys(&state.unknown),
        }
    }
}

impl State {
    /// Applies one decoded or unknown event, once.
    pub fn apply(&mut self, d: &Decoded) -> Applied {
        match d {
            Decoded::Event(e) => self.apply_event(e),
            Decoded::Unknown(raw, reason) => self.keep_unknown(raw, reason),
        }
    }

    /// Records an undecodable event (once per id) so it is counted and can be re-decoded
    /// by a later version.
    pub fn keep_unknown(&mut self, raw: &RawEvent, reason: &DecodeError) -> Applied {
        if self.unknown.contains_key(&raw.id) {
            return Applied::Duplicate;
        }
        self.unknown.insert(
            raw.id.clone(),
            UnknownEvent {
                raw: raw.clone(),
                reason: reason.to_string(),
            },
        );
        Applied::New
    }

    /// Applies `events` (in chain order), skipping those already applied, and says what
    /// changed: the outcome counts and the keys of every entity written.
    pub fn apply_batch(&mut self, events: &[Decoded]) -> (BatchOutcome, Changes) {
        let mut out = BatchOutcome::default();
        let mut changes = Changes::default();
        for d in events {
            if self.apply(d) == Applied::Duplicate {
                out.duplicates += 1;
                continue;
            }
            out.new += 1;
            match d {
                Decoded::Event(e) => changes.add(e.meta.contract, &e.body),
                Decoded::Unknown(raw, _) => {
                    out.unknown += 1;
                    changes.unknown.insert(raw.id.clone());
                }
            }
        }
        (out, changes)
    }

    /// Applies one decoded event, once: an event at or before [`State::applied_through`]
    /// is a replay.
    pub fn apply_event(&mut self, e: &Event) -> Applied {
        if self
            .applied_through
            .is_some_and(|through| e.meta.id <= through)
        {
            return Applied::Duplicate;
        }
        self.applied_through = Some(e.meta.id);
        self.events = self.events.saturating_add(1);
        let stamp = Stamp::from(&e.meta);
        let contract = e.meta.contract;
        match &e.body {
            E::AdminChanged { admin, .. } => self.contract(contract).admin = Some(*admin),
            E::RoleGranted { role, account } => {
                self.contract(contract).roles.insert(RoleGrant {
                    role: role.clone(),
                    account: *account,
                });
            }
            E::RoleRevoked { role, account } => {
                self.contract(contract).roles.remove(&RoleGrant {
                    role: role.clone(),
                    account: *account,
                });
            }
            E::Paused { by } => {
                let c = self.contract(contract);
                c.paused = true;
                c.paused_by = Some(*by);
            }
            E::Unpaused { .. } => {
                let c = self.contract(contract);
                c.paused = false;
                c.paused_by = None;
            }
            E::Upgraded { wasm_hash } => {
                let c = self.contract(contract);
                c.wasm_hash = Some(*wasm_hash);
                c.upgrades = c.upgrades.saturating_add(1);
            }
            E::EscrowCreated {
                escrow_id,
                depositor,
                beneficiary,
                token,
                amount,
                signers,
                threshold,
                release_after,
                refund_after,
                arbitrator,
                course_id,
            } => {
                let x = self
                    .escrows
                    .entry(*escrow_id)
                    .or_insert_with(|| Escrow::new(*escrow_id, contract));
                x.depositor = Some(*depositor);
                x.beneficiary = Some(*beneficiary);
                x.terms = Some(EscrowTerms {
                    token: *token,
                    amount: *amount,
                    signers: signers.clone(),
                    threshold: *threshold,
                    release_after: *release_after,
                    refund_after: *refund_after,
                    arbitrator: *arbitrator,
                    course_id: *course_id,
                });
                x.set_status(EscrowStatus::Open, Some(*depositor), stamp);
            }
            E::EscrowApproved {
                escrow_id,
                signer,
                weight,
                approved_weight,
                ..
            } => {
                let x = self.escrow(*escrow_id, contract);
                x.approvals.push(Approval {
                    signer: *signer,
                    weight: *weight,
                    approved_weight: *approved_weight,
                    stamp,
                });
                x.approved_weight = *approved_weight;
            }
            E::EscrowReleased {
                escrow_id,
                beneficiary,
                amount,
                by,
            } => {
                let x = self.escrow(*escrow_id, contract);
                x.beneficiary = Some(*beneficiary);
                x.paid_to_beneficiary = x.paid_to_beneficiary.saturating_add(*amount);
                x.set_status(EscrowStatus::Released, Some(*by), stamp);
            }
            E::EscrowRefunded {
                escrow_id,
                depositor,
                amount,
                by,
            } => {
                let x = self.escrow(*escrow_id, contract);
                x.depositor = Some(*depositor);
                x.returned_to_depositor = x.returned_to_depositor.saturating_add(*amount);
                x.set_status(EscrowStatus::Refunded, Some(*by), stamp);
            }
            E::EscrowCancelled {
                escrow_id,
                depositor,
                amount,
            } => {
                let x = self.escrow(*escrow_id, contract);
                x.depositor = Some(*depositor);
                x.returned_to_depositor = x.returned_to_depositor.saturating_add(*amount);
                x.set_status(EscrowStatus::Cancelled, Some(*depositor), stamp);
            }
            E::EscrowDisputed {
                escrow_id,
                by,
                reason,
            } => {
                let x = self.escrow(*escrow_id, contract);
                x.dispute_reason = Some(reason.clone());
                x.set_status(EscrowStatus::Disputed, Some(*by), stamp);
            }
            E::EscrowResolved {
                escrow_id,
                arbitrator,
                resolution,
                to_beneficiary,
                to_depositor,
            } => {
                let x = self.escrow(*escrow_id, contract);
                x.resolution = Some(*resolution);
                x.paid_to_beneficiary = x.paid_to_beneficiary.saturating_add(*to_beneficiary);
                x.returned_to_depositor = x.returned_to_depositor.saturating_add(*to_depositor);
                x.set_status(EscrowStatus::Resolved, Some(*arbitrator), stamp);
            }
            E::Minted {
                token_id,
                creator,
                title,
                content_hash,
                uri,
                licence,
                tags,
                transferable,
                royalty_bps,
            } => {
                let t = self
                    .tokens
                    .entry(*token_id)
                    .or_insert_with(|| new_token(*token_id, contract));
                t.creator = Some(*creator);
                t.owner = Some(*creator);
                t.mint = Some(MintInfo {
                    title: title.clone(),
                    licence: licence.clone(),
                    tags: tags.clone(),
                    transferable: *transferable,
                    royalty_bps: *royalty_bps,
                    stamp,
                });
                t.uri = Some(uri.clone());
                t.content_hash = Some(*content_hash);
                t.provenance.push(Provenance {
                    kind: ProvenanceKind::Mint,
                    from: None,
                    to: Some(*creator),
                    stamp,
                });
            }
            E::Approved {
                token_id,
                owner,
                spender,
                live_until,
            } => {
                let t = self.token(*token_id, contract);
                t.owner = Some(*owner);
                t.approval = spender.map(|spender| TokenApproval {
                    spender,
                    live_until: *live_until,
                });
            }
            E::Transferred { token_id, from, to } => {
                let t = self.token(*token_id, contract);
                t.owner = Some(*to);
                // The contract clears the approval on every transfer.
                t.approval = None;
                t.provenance.push(Provenance {
                    kind: ProvenanceKind::Transfer,
                    from: Some(*from),
                    to: Some(*to),
                    stamp,
                });
            }
            E::MetadataUpdated {
                token_id,
                creator,
                uri,
                content_hash,
            } => {
                let t = self.token(*token_id, contract);
                t.creator = Some(*creator);
                t.uri = Some(uri.clone());
                t.content_hash = Some(*content_hash);
                t.provenance.push(Provenance {
                    kind: ProvenanceKind::MetadataUpdate,
                    from: Some(*creator),
                    to: None,
                    stamp,
                });
            }
            E::CompletionRecorded {
                learner,
                course_id,
                issuer,
                score_pct,
                credit_score,
                reputation,
            } => {
                let p = self.profile(*learner);
                p.completions = p.completions.saturating_add(1);
                p.completion_score_sum =
                    p.completion_score_sum.saturating_add(u64::from(*score_pct));
                p.credit_score = *credit_score;
                p.reputation = *reputation;
                p.scores_stamp = Some(stamp);
                self.completions.insert(
                    (*course_id, *learner),
                    Completion {
                        learner: *learner,
                        course_id: *course_id,
                        issuer: *issuer,
                        score_pct: *score_pct,
                        stamp,
                    },
                );
            }
            E::ContributionRecorded {
                contribution_id,
                learner,
                kind,
                reference,
            } => {
                let p = self.profile(*learner);
                p.contributions = p.contributions.saturating_add(1);
                let c = self
                    .contributions
                    .entry(*contribution_id)
                    .or_insert_with(|| new_contribution(*contribution_id, *learner));
                c.author = *learner;
                c.kind = Some(kind.clone());
                c.reference = Some(*reference);
                c.recorded = Some(stamp);
            }
            E::ContributionRated {
                contribution_id,
                rater,
                author,
                rating,
                author_reputation,
                author_credit_score,
            } => {
                if !self.contributions.contains_key(contribution_id) {
                    self.orphans = self.orphans.saturating_add(1);
                }
                let c = self
                    .contributions
                    .entry(*contribution_id)
                    .or_insert_with(|| new_contribution(*contribution_id, *author));
                c.ratings.push(Rating {
                    rater: *rater,
                    rating: *rating,
                    stamp,
                });
                c.rating_sum = c.rating_sum.saturating_add(u64::from(*rating));
                let p = self.profile(*author);
                p.ratings_received = p.ratings_received.saturating_add(1);
                p.rating_sum = p.rating_sum.saturating_add(u64::from(*rating));
                p.reputation = *author_reputation;
                p.credit_score = *author_credit_score;
                p.scores_stamp = Some(stamp);
                let r = self.profile(*rater);
                r.ratings_given = r.ratings_given.saturating_add(1);
            }
            E::Funded {
                amount, balance, ..
            } => {
                let p = self.pool(contract);
                p.funded = p.funded.saturating_add(*amount);
                p.balance = *balance;
                p.updated = Some(stamp);
            }
            E::RewardIssued {
                learner,
                issuer,
                amount,
                reason,
                unclaimed,
            } => {
                let r = self.learner_rewards(*learner);
                r.unclaimed = *unclaimed;
                r.issued = r.issued.saturating_add(*amount);
                r.history.push(RewardEntry::Issued {
                    issuer: *issuer,
                    amount: *amount,
                    reason: reason.clone(),
                    stamp,
                });
                let p = self.pool(contract);
                p.issued = p.issued.saturating_add(*amount);
                p.unclaimed = p.unclaimed.saturating_add(*amount);
                p.updated = Some(stamp);
            }
            E::RewardClaimed { learner, amount } => {
                let r = self.learner_rewards(*learner);
                // A claim pays everything the learner was owed.
                r.unclaimed = 0;
                r.claimed = r.claimed.saturating_add(*amount);
                r.history.push(RewardEntry::Claimed {
                    amount: *amount,
                    stamp,
                });
                let p = self.pool(contract);
                p.claimed = p.claimed.saturating_add(*amount);
                p.unclaimed = p.unclaimed.saturating_sub(*amount);
                p.balance = p.balance.saturating_sub(*amount);
                p.updated = Some(stamp);
            }
            E::Withdrawn { amount, .. } => {
                let p = self.pool(contract);
                p.withdrawn = p.withdrawn.saturating_add(*amount);
                p.balance = p.balance.saturating_sub(*amount);
                p.updated = Some(stamp);
            }
            E::ValidatorRegistered { .. }
            | E::ValidatorActivated { .. }
            | E::ValidatorDeactivated { .. }
            | E::ChainLimitsSet { .. }
            | E::ChainPaused { .. }
            | E::ChainResumed { .. }
            | E::BridgeFunded { .. }
            | E::BridgeLocked { .. }
            | E::BridgeCompleted { .. }
            | E::OutboundConfirmed { .. }
            | E::BridgeRefunded { .. }
            | E::BridgeSlashed { .. }
            | E::UnbondingStarted { .. }
            | E::StakeWithdrawn { .. } => self.apply_bridge(&e.body, contract, stamp),
        }
        Applied::New
    }

    /// The bridge's events (the id was already recorded as applied).
    fn apply_bridge(&mut self, body: &E, contract: Address, stamp: Stamp) {
        match body {
            E::ValidatorRegistered {
                validator,
                signing_key,
                stake,
            } => {
                let v = self
                    .validators
                    .entry(*validator)
                    .or_insert_with(|| new_validator(*validator, contract, stamp));
                // A withdrawn validator may register again: a fresh bond.
                v.signing_key = Some(*signing_key);
                v.stake = *stake;
                v.status = ValidatorStatus::Inactive;
                v.unbonding_ends = None;
                v.registered = Some(stamp);
                v.updated = stamp;
                let b = self.bridge(contract);
                b.staked = b.staked.saturating_add(*stake);
                b.updated = Some(stamp);
            }
            E::ValidatorActivated { validator } => {
                self.validator(*validator, contract, stamp).status = ValidatorStatus::Active;
            }
            E::ValidatorDeactivated { validator } => {
                self.validator(*validator, contract, stamp).status = ValidatorStatus::Inactive;
            }
            E::UnbondingStarted {
                validator,
                unbonding_ends,
            } => {
                let v = self.validator(*validator, contract, stamp);
                v.status = ValidatorStatus::Unbonding;
                v.unbonding_ends = Some(*unbonding_ends);
            }
            E::StakeWithdrawn { validator, amount } => {
                let v = self.validator(*validator, contract, stamp);
                v.status = ValidatorStatus::Withdrawn;
                v.stake = 0;
                v.withdrawn = v.withdrawn.saturating_add(*amount);
                let b = self.bridge(contract);
                b.staked = b.staked.saturating_sub(*amount);
                b.updated = Some(stamp);
            }
            E::BridgeSlashed {
                nonce,
                source_chain,
                validator,
                amount,
                to,
            } => {
                let v = self.validator(*validator, contract, stamp);
                v.status = ValidatorStatus::Slashed;
                v.stake = 0;
                v.slashed = v.slashed.saturating_add(*amount);
                v.slash = Some(Slash {
                    source_chain: *source_chain,
                    nonce: *nonce,
                    amount: *amount,
                    to: *to,
                    stamp,
                });
                let b = self.bridge(contract);
                b.staked = b.staked.saturating_sub(*amount);
                b.slashed = b.slashed.saturating_add(*amount);
                b.updated = Some(stamp);
            }
            E::ChainLimitsSet {
                chain,
                per_transfer,
                per_day,
            } => {
                let c = self.chain(*chain, contract, stamp);
                c.per_transfer = Some(*per_transfer);
                c.per_day = Some(*per_day);
            }
            E::ChainPaused { chain, by } => {
                let c = self.chain(*chain, contract, stamp);
                c.paused = true;
                c.paused_by = Some(*by);
            }
            E::ChainResumed { chain, .. } => {
                let c = self.chain(*chain, contract, stamp);
                c.paused = false;
                c.paused_by = None;
            }
            E::BridgeFunded { amount, .. } => {
                let b = self.bridge(contract);
                b.funded = b.funded.saturating_add(*amount);
                b.liquidity = b.liquidity.saturating_add(*amount);
                b.updated = Some(stamp);
            }
            E::BridgeLocked {
                nonce,
                dest_chain,
                sender,
                amount,
                recipient,
                expires_at,
            } => {
                let t = self.outbound.entry(*nonce).or_insert_with(|| {
                    new_outbound(*nonce, contract, *dest_chain, *sender, *amount)
                });
                t.dest_chain = *dest_chain;
                t.sender = *sender;
                t.amount = *amount;
                t.recipient = Some(recipient.clone());
                t.expires_at = Some(*expires_at);
                t.locked = Some(stamp);
                // A settlement seen first (events out of order) stays the status.
                let b = self.bridge(contract);
                b.locked = b.locked.saturating_add(*amount);
                b.pending = b.pending.saturating_add(*amount);
                b.updated = Some(stamp);
            }
            E::OutboundConfirmed {
                nonce,
                dest_chain,
                sender,
                amount,
                attested_stake,
            } => {
                let t = self.outbound(*nonce, contract, *dest_chain, *sender, *amount);
                t.status = OutboundStatus::Confirmed;
                t.attested_stake = Some(*attested_stake);
                t.settled = Some(stamp);
                let lock_seen = t.locked.is_some();
                let b = self.bridge(contract);
                b.confirmed = b.confirmed.saturating_add(*amount);
                if lock_seen {
                    b.pending = b.pending.saturating_sub(*amount);
                }
                b.liquidity = b.liquidity.saturating_add(*amount);
                b.updated = Some(stamp);
            }
            E::BridgeRefunded {
                nonce,
                dest_chain,
                sender,
                amount,
            } => {
                let t = self.outbound(*nonce, contract, *dest_chain, *sender, *amount);
                t.status = OutboundStatus::Refunded;
                t.settled = Some(stamp);
                let lock_seen = t.locked.is_some();
                let b = self.bridge(contract);
                b.refunded = b.refunded.saturating_add(*amount);
                if lock_seen {
                    b.pending = b.pending.saturating_sub(*amount);
                }
                b.updated = Some(stamp);
            }
            E::BridgeCompleted {
                nonce,
                source_chain,
                recipient,
                amount,
                attested_stake,
            } => {
                self.inbound.insert(
                    (*source_chain, *nonce),
                    InboundTransfer {
                        source_chain: *source_chain,
                        nonce: *nonce,
                        contract,
                        recipient: *recipient,
                        amount: *amount,
                        attested_stake: *attested_stake,
                        stamp,
                    },
                );
                let b = self.bridge(contract);
                b.released = b.released.saturating_add(*amount);
                b.liquidity = b.liquidity.saturating_sub(*amount);
                b.updated = Some(stamp);
            }
            // The other contracts' events are matched in `apply_event`.
            _ => {}
        }
    }

    /// The validator an event refers to, stamped with it; one first seen after its
    /// registration (missed in a gap) is created empty and the event counted as an orphan.
    fn validator(&mut self, address: Address, contract: Address, stamp: Stamp) -> &mut Validator {
        let orphans = &mut self.orphans;
        let v = self
            .validators
            .entry(address)
            .or_insert_with(|| new_validator(address, contract, stamp));
        if v.registered.is_none() {
            *orphans = orphans.saturating_add(1);
        }
        v.updated = stamp;
        v
    }

    /// The outbound transfer a settlement refers to; one whose lock was missed is built
    /// from the settlement's topics and counted as an orphan.
    fn outbound(
        &mut self,
        nonce: u64,
        contract: Address,
        dest_chain: u32,
        sender: Address,
        amount: i128,
    ) -> &mut OutboundTransfer {
        let orphans = &mut self.orphans;
        let t = self
            .outbound
            .entry(nonce)
            .or_insert_with(|| new_outbound(nonce, contract, dest_chain, sender, amount));
        if t.locked.is_none() {
            *orphans = orphans.saturating_add(1);
        }
        t
    }

    fn chain(&mut self, chain: u32, contract: Address, stamp: Stamp) -> &mut BridgeChain {
        let c = self.chains.entry(chain).or_insert_with(|| BridgeChain {
            chain,
            contract,
            per_transfer: None,
            per_day: None,
            paused: false,
            paused_by: None,
            updated: stamp,
        });
        c.updated = stamp;
        c
    }

    fn bridge(&mut self, contract: Address) -> &mut BridgeTotals {
        self.bridges
            .entry(contract)
            .or_insert_with(|| BridgeTotals {
                contract,
                liquidity: 0,
                funded: 0,
                released: 0,
                confirmed: 0,
                locked: 0,
                refunded: 0,
                pending: 0,
                staked: 0,
                slashed: 0,
                updated: None,
            })
    }

    /// The escrow an event refers to; an escrow first seen after its creation (missed in
    /// a gap) is created empty and the event counted as an orphan.
    fn escrow(&mut self, id: u64, contract: Address) -> &mut Escrow {
        let orphans = &mut self.orphans;
        let x = self
            .escrows
            .entry(id)
            .or_insert_with(|| Escrow::new(id, contract));
        if x.terms.is_none() {
            *orphans = orphans.saturating_add(1);
        }
        x
    }

    fn token(&mut self, id: u64, contract: Address) -> &mut ContentToken {
        let orphans = &mut self.orphans;
        let t = self
            .tokens
            .entry(id)
            .or_insert_with(|| new_token(id, contract));
        if t.mint.is_none() {
            *orphans = orphans.saturating_add(1);
        }
        t
    }

    fn profile(&mut self, learner: Address) -> &mut Profile {
        self.profiles
            .entry(learner)
            .or_insert_with(|| Profile::new(learner))
    }

    fn learner_rewards(&mut self, learner: Address) -> &mut LearnerRewards {
        self.rewards
            .entry(learner)
            .or_insert_with(|| LearnerRewards {
                learner,
                unclaimed: 0,
                claimed: 0,
                issued: 0,
                history: Vec::new(),
            })
    }

    fn pool(&mut self, contract: Address) -> &mut Pool {
        self.pools.entry(contract).or_insert_with(|| Pool {
            contract,
            balance: 0,
            funded: 0,
            issued: 0,
            claimed: 0,
            withdrawn: 0,
            unclaimed: 0,
            updated: None,
        })
    }

    fn contract(&mut self, contract: Address) -> &mut ContractAdmin {
        self.contracts
            .entry(contract)
            .or_insert_with(|| ContractAdmin {
                contract,
                admin: None,
                roles: BTreeSet::new(),
                paused: false,
                paused_by: None,
                wasm_hash: None,
                upgrades: 0,
            })
    }
}

fn new_token(id: u64, contract: Address) -> ContentToken {
    ContentToken {
        id,
        contract,
        creator: None,
        owner: None,
        mint: None,
        uri: None,
        content_hash: None,
        approval: None,
        provenance: Vec::new(),
    }
}

fn new_validator(address: Address, contract: Address, stamp: Stamp) -> Validator {
    Validator {
        address,
        contract,
        signing_key: None,
        stake: 0,
        status: ValidatorStatus::Inactive,
        unbonding_ends: None,
        slashed: 0,
        slash: None,
        withdrawn: 0,
        registered: None,
        updated: stamp,
    }
}

fn new_outbound(
    nonce: u64,
    contract: Address,
    dest_chain: u32,
    sender: Address,
    amount: i128,
) -> OutboundTransfer {
    OutboundTransfer {
        nonce,
        contract,
        dest_chain,
        sender,
        amount,
        recipient: None,
        expires_at: None,
        status: OutboundStatus::Locked,
        locked: None,
        attested_stake: None,
        settled: None,
    }
}

fn new_contribution(id: u64, author: Address) -> Contribution {
    Contribution {
        id,
        author,
        kind: None,
        reference: None,
        recorded: None,
        ratings: Vec::new(),
        rating_sum: 0,
    }
}
