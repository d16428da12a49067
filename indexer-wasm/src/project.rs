//! Owns the projections: the entities the app queries (escrows, content tokens, profiles,
//! completions, contributions, rewards, the pool, contract admin state) and how each decoded
//! event changes them. Applying is idempotent, keyed by the event id: a replay changes
//! nothing.
//!
//! Entities are built from events alone, never from contract storage, so an indexer that
//! missed earlier events (a retention gap) still records what it saw: fields only a missed
//! event carries stay `None`, and the event is counted in [`State::orphans`].

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::decode::TeachLinkEvent as E;
use crate::decode::{DecodeError, Decoded, Event, EventMeta, RawEvent, Resolution, Signer};
use crate::types::{amount, Address, EventId, Hash32};

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

/// An event kept raw because it did not decode, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownEvent {
    pub raw: RawEvent,
    pub reason: String,
}

/// Whether applying an event changed the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    New,
    Duplicate,
}

/// Every projection, plus the ids of the events already applied.
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
    /// Raw events that did not decode, by RPC id.
    pub unknown: BTreeMap<String, UnknownEvent>,
    /// Ids of the decoded events applied so far: the idempotency keys.
    pub applied: HashSet<EventId>,
    /// Events about an entity whose creating event was never seen (a retention gap).
    pub orphans: u64,
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

    /// Applies one decoded event, once.
    pub fn apply_event(&mut self, e: &Event) -> Applied {
        if !self.applied.insert(e.meta.id) {
            return Applied::Duplicate;
        }
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
        }
        Applied::New
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
