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
//!
//! This module holds the shared state ([`State`], [`Changes`], [`Stamp`]) and sends each
//! event to the module of the contract that emits it (`common`, `escrow`, `content`,
//! `reputation`, `rewards`, `bridge`), which owns that contract's entities and arms.

mod bridge;
mod common;
mod content;
mod escrow;
mod reputation;
mod rewards;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use bridge::{
    BridgeChain, BridgeTotals, InboundTransfer, OutboundStatus, OutboundTransfer, Slash, Validator,
    ValidatorStatus,
};
pub use common::{ContractAdmin, RoleGrant};
pub use content::{ContentToken, MintInfo, Provenance, ProvenanceKind, TokenApproval};
pub use escrow::{Approval, Escrow, EscrowStatus, EscrowTerms, StatusChange};
pub use reputation::{Completion, Contribution, Profile, Rating};
pub use rewards::{Allowance, LearnerRewards, Pool, RewardEntry};

use crate::decode::TeachLinkEvent as E;
use crate::decode::{ContractKind, DecodeError, Decoded, Event, EventMeta, RawEvent};
use crate::store::BatchOutcome;
use crate::types::{Address, EventId, Hash32};

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
        match e.contract_kind() {
            None => common::changes(self, contract, e),
            Some(ContractKind::Escrow) => escrow::changes(self, contract, e),
            Some(ContractKind::Content) => content::changes(self, contract, e),
            Some(ContractKind::Reputation) => reputation::changes(self, contract, e),
            Some(ContractKind::Rewards) => rewards::changes(self, contract, e),
            Some(ContractKind::Bridge) => bridge::changes(self, contract, e),
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
        match e.body.contract_kind() {
            None => common::apply(self, &e.body, contract, stamp),
            Some(ContractKind::Escrow) => escrow::apply(self, &e.body, contract, stamp),
            Some(ContractKind::Content) => content::apply(self, &e.body, contract, stamp),
            Some(ContractKind::Reputation) => reputation::apply(self, &e.body, contract, stamp),
            Some(ContractKind::Rewards) => rewards::apply(self, &e.body, contract, stamp),
            Some(ContractKind::Bridge) => bridge::apply(self, &e.body, contract, stamp),
        }
        Applied::New
    }
}

#[cfg(test)]
type SectionApply = fn(&mut State, &E, Address, Stamp);
#[cfg(test)]
type SectionChanges = fn(&mut Changes, Address, &E);

/// Every contract module's `apply` and `changes`, by catalogue section.
#[cfg(test)]
const SECTIONS: [(&str, SectionApply, SectionChanges); 6] = [
    ("common", common::apply, common::changes),
    ("escrow", escrow::apply, escrow::changes),
    ("content", content::apply, content::changes),
    ("reputation", reputation::apply, reputation::changes),
    ("rewards", rewards::apply, rewards::changes),
    ("bridge", bridge::apply, bridge::changes),
];

/// What each contract module's test checks: every event of its catalogue section, applied
/// to an empty state by its `apply`, writes some entity, and its `changes` names every
/// entity written; every other module's `apply` and `changes` leave the event alone
/// (so the dispatch by contract is the only thing that decides who projects an event).
#[cfg(test)]
fn check_section(section: &str) {
    let contract = Address::Contract([7; 32]);
    let stamp = Stamp::from(&crate::traffic::meta(0, contract));
    let specs = crate::decode::CATALOGUE
        .iter()
        .filter(|s| s.section == section);
    let mut count = 0;
    for spec in specs {
        count += 1;
        let body = crate::decode::sample_event(spec);
        for (other, apply, changes) in SECTIONS {
            let mut state = State::default();
            apply(&mut state, &body, contract, stamp);
            let mut named = Changes::default();
            changes(&mut named, contract, &body);
            if other == section {
                assert_ne!(state, State::default(), "{}: nothing written", spec.name);
                // `Changes` may name more than was written (`unbonding_started` names its
                // bridge), never less: a written entity it missed would be lost on disk.
                let written = Changes::all(&state);
                assert!(named.covers(&written), "{}: {named:?}", spec.name);
            } else {
                assert_eq!(state, State::default(), "{other} applied {}", spec.name);
                assert!(named.is_empty(), "{other} named entities of {}", spec.name);
            }
        }
    }
    assert!(count > 0, "no catalogue entries in section {section}");
}

#[cfg(test)]
impl Changes {
    /// Whether every key of `other` is named here too.
    fn covers(&self, other: &Changes) -> bool {
        other.escrows.is_subset(&self.escrows)
            && other.tokens.is_subset(&self.tokens)
            && other.profiles.is_subset(&self.profiles)
            && other.completions.is_subset(&self.completions)
            && other.contributions.is_subset(&self.contributions)
            && other.rewards.is_subset(&self.rewards)
            && other.pools.is_subset(&self.pools)
            && other.contracts.is_subset(&self.contracts)
            && other.outbound.is_subset(&self.outbound)
            && other.inbound.is_subset(&self.inbound)
            && other.validators.is_subset(&self.validators)
            && other.chains.is_subset(&self.chains)
            && other.bridges.is_subset(&self.bridges)
            && other.unknown.is_subset(&self.unknown)
    }
}
