//! Owns scoped light sync: a [`Scope`] (a set of accounts, plus the content catalogue or
//! not), the Stellar RPC `getEvents` filters that follow it ([`Scope::head_filters`], within
//! the RPC's limits of 5 filters per request, 5 contract ids and 5 topic patterns per
//! filter), which of the returned events it keeps ([`Scope::wants`]), which escrows and
//! tokens enter it ([`Scope::entering`]) and how their complete history is projected into a
//! scoped [`State`] ([`apply_scoped`]), so a browser holds its learner's slice of the chain
//! with every entity in it as complete as the full indexer's.
//!
//! The selection rests on the topic positions `contracts/EVENTS.md` guarantees: every event
//! names the accounts it is about in its topics (positions 1 to 3 after the name), and every
//! escrow and content event names its escrow or token id at position 1. Two things are not in
//! topics and are handled here:
//! - an escrow's signers and arbitrator are only in `escrow_created`'s data: every
//!   `escrow_created` is fetched (one event per escrow of the platform, a trickle at the
//!   head) and kept when its data names an account of the scope;
//! - an escrow's or a token's events by parties outside the scope (a reviewer's approval, a
//!   later sale of a token that left the account): once an escrow or token enters the scope
//!   it is followed by its id, and its earlier events are fetched by id and projected in a
//!   fresh state, which replaces the entity ([`Entering`]).
//!
//! Entities an event in the scope touches but that belong to no account of the scope (the
//! profile of a rater outside it, the reward pool, a contract's roles) would be partial:
//! they are not kept (the server's aggregates stand in for the pool and the platform's
//! numbers).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use stellar_xdr::ScVal;

use crate::decode::{ContractKind, Decoded, Event, RawEvent, TeachLinkEvent as E};
use crate::encode::{self, EncodeError};
use crate::project::{Changes, EscrowStatus, State};
use crate::store::BatchOutcome;
use crate::types::{Address, EventId};

/// Filters per `getEvents` request, contract ids and topic patterns per filter: Stellar
/// RPC's limits (localnet enforces the same).
pub const MAX_FILTERS: usize = 5;
pub const MAX_CONTRACT_IDS: usize = 5;
pub const MAX_TOPIC_PATTERNS: usize = 5;

/// What a light indexer syncs: some accounts' slice of the chain, and the content catalogue
/// (every content token, complete) or not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub accounts: BTreeSet<Address>,
    pub catalogue: bool,
}

/// The deployment's contracts by kind, as the scope's filters need them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contracts {
    /// C… strkeys.
    pub escrow: Option<String>,
    pub content: Option<String>,
    /// Every contract of the deployment (at most [`MAX_CONTRACT_IDS`]).
    pub all: Vec<String>,
}

impl Contracts {
    /// From the contracts by kind.
    pub fn new(kinds: &[(Address, ContractKind)]) -> Self {
        let of = |k: ContractKind| {
            kinds
                .iter()
                .find(|(_, x)| *x == k)
                .map(|(a, _)| a.to_string())
        };
        Contracts {
            escrow: of(ContractKind::Escrow),
            content: of(ContractKind::Content),
            all: kinds.iter().map(|(a, _)| a.to_string()).collect(),
        }
    }
}

/// One topic segment of a filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// `*`: exactly one topic, any value.
    Any,
    /// `**` (last only): any number of further topics.
    Rest,
    /// This value, as base64 XDR (equal values have equal canonical encodings).
    Value(String),
}

/// One `getEvents` filter: contract events of `contract_ids` (C… strkeys, as the RPC
/// writes them; any contract when empty) matching any of `topics` (every event of those
/// contracts when `topics` is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventFilter {
    pub contract_ids: Vec<String>,
    pub topics: Vec<Vec<Segment>>,
}

fn topic_matches(pattern: &[Segment], topics: &[String]) -> bool {
    let (fixed, rest) = match pattern.split_last() {
        Some((Segment::Rest, head)) => (head, true),
        _ => (pattern, false),
    };
    let length_ok = if rest {
        topics.len() >= fixed.len()
    } else {
        topics.len() == fixed.len()
    };
    length_ok
        && fixed.iter().zip(topics).all(|(s, t)| match s {
            Segment::Any | Segment::Rest => true,
            Segment::Value(v) => v == t,
        })
}

impl EventFilter {
    /// Whether the RPC returns `raw` for this filter (stellar-rpc's matching: a pattern
    /// without `**` matches topics of its exact length).
    pub fn matches(&self, raw: &RawEvent) -> bool {
        let contract_ok =
            self.contract_ids.is_empty() || self.contract_ids.contains(&raw.contract_id);
        contract_ok
            && (self.topics.is_empty() || self.topics.iter().any(|p| topic_matches(p, &raw.topic)))
    }

    /// The filter as `getEvents` takes it.
    pub fn to_json(&self) -> Value {
        let topics: Vec<Vec<&str>> = self
            .topics
            .iter()
            .map(|p| {
                p.iter()
                    .map(|s| match s {
                        Segment::Any => "*",
                        Segment::Rest => "**",
                        Segment::Value(v) => v.as_str(),
                    })
                    .collect()
            })
            .collect();
        let ids = &self.contract_ids;
        if topics.is_empty() {
            json!({ "type": "contract", "contractIds": ids })
        } else {
            json!({ "type": "contract", "contractIds": ids, "topics": topics })
        }
    }
}

/// Whether any of `filters` returns `raw`.
pub fn any_matches(filters: &[EventFilter], raw: &RawEvent) -> bool {
    filters.iter().any(|f| f.matches(raw))
}

/// `filters` split into `getEvents` requests of at most [`MAX_FILTERS`] each.
pub fn requests(filters: &[EventFilter]) -> Vec<Vec<EventFilter>> {
    filters.chunks(MAX_FILTERS).map(<[_]>::to_vec).collect()
}

fn value(v: &ScVal) -> Result<Segment, EncodeError> {
    Ok(Segment::Value(encode::b64(v)?))
}

/// Filters of `contract` selecting events whose position-1 topic is one of `ids` (escrow and
/// content events all carry their entity id there), [`MAX_TOPIC_PATTERNS`] ids a filter.
fn by_id(contract: &str, ids: &BTreeSet<u64>) -> Result<Vec<EventFilter>, EncodeError> {
    let ids: Vec<u64> = ids.iter().copied().collect();
    ids.chunks(MAX_TOPIC_PATTERNS)
        .map(|chunk| {
            Ok(EventFilter {
                contract_ids: vec![contract.to_string()],
                topics: chunk
                    .iter()
                    .map(|id| Ok(vec![Segment::Any, value(&ScVal::U64(*id))?, Segment::Rest]))
                    .collect::<Result<_, EncodeError>>()?,
            })
        })
        .collect()
}

/// The escrows and tokens followed by id at the head: open or disputed escrows of the
/// scoped state (an escrow in a final status emits nothing more) and its tokens (all of
/// them are followed by the catalogue filter when the catalogue is in the scope).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Following {
    pub escrows: BTreeSet<u64>,
    pub tokens: BTreeSet<u64>,
}

impl Following {
    pub fn of(scope: &Scope, state: &State) -> Self {
        Following {
            escrows: state
                .escrows
                .values()
                .filter(|x| matches!(x.status, EscrowStatus::Open | EscrowStatus::Disputed))
                .map(|x| x.id)
                .collect(),
            tokens: if scope.catalogue {
                BTreeSet::new()
            } else {
                state.tokens.keys().copied().collect()
            },
        }
    }
}

/// Escrows, tokens and accounts entering a scope, whose earlier history must be projected.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entering {
    pub accounts: BTreeSet<Address>,
    pub escrows: BTreeSet<u64>,
    pub tokens: BTreeSet<u64>,
}

impl Entering {
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.escrows.is_empty() && self.tokens.is_empty()
    }
}

/// The accounts an event names in its topics (after the name), as `contracts/EVENTS.md`
/// lays them out.
pub fn topic_accounts(e: &E) -> Vec<Address> {
    match e {
        E::AdminChanged { previous, admin } => vec![*previous, *admin],
        E::RoleGranted { account, .. } | E::RoleRevoked { account, .. } => vec![*account],
        E::Paused { by } | E::Unpaused { by } => vec![*by],
        E::Upgraded { .. } | E::Proposed { .. } | E::Cancelled { .. } | E::Executed { .. } => {
            vec![]
        }
        E::EscrowCreated {
            depositor,
            beneficiary,
            ..
        } => vec![*depositor, *beneficiary],
        E::EscrowApproved { signer, .. } => vec![*signer],
        E::EscrowReleased { beneficiary, .. } => vec![*beneficiary],
        E::EscrowRefunded { depositor, .. } | E::EscrowCancelled { depositor, .. } => {
            vec![*depositor]
        }
        E::EscrowDisputed { by, .. } | E::EscrowSettled { by, .. } => vec![*by],
        E::EscrowResolved { arbitrator, .. } => vec![*arbitrator],
        E::Minted { creator, .. } | E::MetadataUpdated { creator, .. } => vec![*creator],
        E::Approved { owner, .. } => vec![*owner],
        E::Transferred { from, to, .. } => vec![*from, *to],
        E::CompletionRecorded {
            learner, issuer, ..
        } => vec![*learner, *issuer],
        E::ContributionRecorded { learner, .. } => vec![*learner],
        E::ContributionRated { rater, author, .. } => vec![*rater, *author],
        E::CourseBound { issuer, .. } => vec![*issuer],
        E::CompletionCorrected { learner, .. } => vec![*learner],
        E::Funded { funder, .. } => vec![*funder],
        E::RewardIssued {
            learner, issuer, ..
        } => vec![*learner, *issuer],
        E::RewardClaimed { learner, .. } | E::RewardRevoked { learner, .. } => vec![*learner],
        E::Withdrawn { to, .. } => vec![*to],
        E::AllowanceSet { issuer, .. } => vec![*issuer],
        E::ValidatorRegistered { validator, .. }
        | E::ValidatorActivated { validator }
        | E::ValidatorDeactivated { validator }
        | E::UnbondingStarted { validator, .. }
        | E::StakeWithdrawn { validator, .. }
        | E::BridgeSlashed { validator, .. } => vec![*validator],
        E::ChainLimitsSet { .. } => vec![],
        E::ChainPaused { by, .. } | E::ChainResumed { by, .. } => vec![*by],
        E::BridgeFunded { from, .. } => vec![*from],
        E::BridgeLocked { sender, .. }
        | E::OutboundConfirmed { sender, .. }
        | E::BridgeRefunded { sender, .. } => vec![*sender],
        E::BridgeCompleted { recipient, .. } => vec![*recipient],
    }
}

impl Scope {
    /// A scope of these accounts, without the catalogue.
    pub fn accounts(accounts: impl IntoIterator<Item = Address>) -> Self {
        Scope {
            accounts: accounts.into_iter().collect(),
            catalogue: false,
        }
    }

    /// Whether `e` names an account of the scope: in its topics, or (`escrow_created`) as
    /// a signer or the arbitrator in its data.
    pub fn names(&self, e: &E) -> bool {
        if topic_accounts(e).iter().any(|a| self.accounts.contains(a)) {
            return true;
        }
        match e {
            E::EscrowCreated {
                signers,
                arbitrator,
                ..
            } => {
                signers.iter().any(|s| self.accounts.contains(&s.address))
                    || arbitrator.is_some_and(|a| self.accounts.contains(&a))
            }
            _ => false,
        }
    }

    /// Whether a scoped store holding `state` keeps an event its filters returned: every
    /// event the filters return is about the scope, except the `escrow_created` of escrows
    /// that name none of its accounts (all of them are fetched, see the module's doc).
    pub fn wants(&self, d: &Decoded, state: &State, entering: &Entering) -> bool {
        let Decoded::Event(e) = d else {
            // Undecodable events the filters returned are kept raw, as the full indexer does.
            return true;
        };
        if let Some(id) = e.body.escrow_id() {
            return self.names(&e.body)
                || state.escrows.contains_key(&id)
                || entering.escrows.contains(&id);
        }
        if let Some(id) = e.body.token_id() {
            return self.catalogue
                || self.names(&e.body)
                || state.tokens.contains_key(&id)
                || entering.tokens.contains(&id);
        }
        self.names(&e.body)
    }

    /// The filters following this scope at the head: one per account (it named at topic
    /// position 1, 2 or 3 of any contract), every `escrow_created`, the content contract
    /// whole when the catalogue is in the scope, and the followed escrows and tokens by id.
    pub fn head_filters(
        &self,
        contracts: &Contracts,
        following: &Following,
    ) -> Result<Vec<EventFilter>, EncodeError> {
        let mut out = self.account_filters(contracts)?;
        if let Some(content) = &contracts.content {
            if self.catalogue {
                out.push(EventFilter {
                    contract_ids: vec![content.clone()],
                    topics: vec![],
                });
            } else {
                out.extend(by_id(content, &following.tokens)?);
            }
        }
        if let Some(escrow) = &contracts.escrow {
            out.extend(by_id(escrow, &following.escrows)?);
        }
        Ok(out)
    }

    /// The filters selecting what names the scope's accounts (the first part of
    /// [`Scope::head_filters`]; also how an account entering the scope is backfilled).
    pub fn account_filters(&self, contracts: &Contracts) -> Result<Vec<EventFilter>, EncodeError> {
        let mut out = Vec::new();
        for a in &self.accounts {
            let a = value(&encode::addr(a))?;
            out.push(EventFilter {
                contract_ids: contracts.all.clone(),
                topics: vec![
                    vec![Segment::Any, a.clone(), Segment::Rest],
                    vec![Segment::Any, Segment::Any, a.clone(), Segment::Rest],
                    vec![Segment::Any, Segment::Any, Segment::Any, a],
                ],
            });
        }
        if let (Some(escrow), false) = (&contracts.escrow, self.accounts.is_empty()) {
            // `escrow_created` has exactly three topics after its name.
            out.push(EventFilter {
                contract_ids: vec![escrow.clone()],
                topics: vec![vec![
                    value(&encode::sym("escrow_created")?)?,
                    Segment::Any,
                    Segment::Any,
                    Segment::Any,
                ]],
            });
        }
        if self.catalogue {
            if let Some(content) = &contracts.content {
                out.push(EventFilter {
                    contract_ids: vec![content.clone()],
                    topics: vec![],
                });
            }
        }
        Ok(out)
    }

    /// The filters fetching the whole history of escrows and tokens entering the scope.
    pub fn history_filters(
        &self,
        contracts: &Contracts,
        entering: &Entering,
    ) -> Result<Vec<EventFilter>, EncodeError> {
        let mut out = Vec::new();
        if let Some(escrow) = &contracts.escrow {
            out.extend(by_id(escrow, &entering.escrows)?);
        }
        if let Some(content) = &contracts.content {
            out.extend(by_id(content, &entering.tokens)?);
        }
        Ok(out)
    }

    /// The escrows and tokens that the kept events of `page` bring into a scoped store
    /// holding `state`: they were not in it, so their earlier events (by parties outside
    /// the scope) were never fetched.
    pub fn entering(&self, state: &State, page: &[Decoded]) -> Entering {
        let mut out = Entering::default();
        for d in page {
            let Decoded::Event(e) = d else { continue };
            if !self.names(&e.body) {
                continue;
            }
            if let Some(id) = e.body.escrow_id() {
                if !state.escrows.contains_key(&id) {
                    out.escrows.insert(id);
                }
            }
            if let Some(id) = e.body.token_id() {
                if !self.catalogue && !state.tokens.contains_key(&id) {
                    out.tokens.insert(id);
                }
            }
        }
        out
    }

    /// Whether an entity keyed by account `a` (profile, rewards, completions, contributions,
    /// transfers, validator) belongs to the scope.
    fn has(&self, a: &Address) -> bool {
        self.accounts.contains(a)
    }

    /// Drops from `state` the entities `changes` names that belong to no account of the
    /// scope (they would be partial), and from `changes` too.
    fn prune(&self, state: &mut State, changes: &mut Changes) {
        changes.profiles.retain(|a| {
            let keep = self.has(a);
            if !keep {
                state.profiles.remove(a);
            }
            keep
        });
        changes.rewards.retain(|a| {
            let keep = self.has(a);
            if !keep {
                state.rewards.remove(a);
            }
            keep
        });
        changes.completions.retain(|k| {
            let keep = self.has(&k.1);
            if !keep {
                state.completions.remove(k);
            }
            keep
        });
        changes.contributions.retain(|id| {
            let keep = state
                .contributions
                .get(id)
                .is_some_and(|c| self.has(&c.author));
            if !keep {
                state.contributions.remove(id);
            }
            keep
        });
        changes.outbound.retain(|n| {
            let keep = state.outbound.get(n).is_some_and(|t| self.has(&t.sender));
            if !keep {
                state.outbound.remove(n);
            }
            keep
        });
        changes.inbound.retain(|k| {
            let keep = state.inbound.get(k).is_some_and(|t| self.has(&t.recipient));
            if !keep {
                state.inbound.remove(k);
            }
            keep
        });
        changes.validators.retain(|a| {
            let keep = self.has(a);
            if !keep {
                state.validators.remove(a);
            }
            keep
        });
        // Platform-wide entities: partial in any slice.
        for k in std::mem::take(&mut changes.pools) {
            state.pools.remove(&k);
        }
        for k in std::mem::take(&mut changes.contracts) {
            state.contracts.remove(&k);
        }
        for k in std::mem::take(&mut changes.chains) {
            state.chains.remove(&k);
        }
        for k in std::mem::take(&mut changes.bridges) {
            state.bridges.remove(&k);
        }
    }
}

fn event_id(d: &Decoded) -> Option<EventId> {
    match d {
        Decoded::Event(e) => Some(e.meta.id),
        Decoded::Unknown(raw, _) => raw.id.parse().ok(),
    }
}

/// `events` in id order, each once.
pub fn sorted_unique(mut events: Vec<Decoded>) -> Vec<Decoded> {
    events.sort_by_key(event_id);
    events.dedup_by(|a, b| event_id(a) == event_id(b));
    events
}

/// Applies one scoped batch to `state`: first the complete `history` (in any order; it is
/// sorted and deduplicated here) of what is `entering` the scope, projected in a fresh state
/// whose entering entities replace those of `state`; then the new `page` (in chain order),
/// skipping the events of entering escrows and tokens (their history covers the page); then
/// drops what the batch wrote that belongs to no account of the scope.
pub fn apply_scoped(
    state: &mut State,
    scope: &Scope,
    entering: &Entering,
    history: Vec<Decoded>,
    page: &[Decoded],
) -> (BatchOutcome, Changes) {
    let mut changes = Changes::default();
    let mut out = BatchOutcome::default();
    if !entering.is_empty() {
        let mut fresh = State::default();
        for d in sorted_unique(history) {
            if let Decoded::Event(e) = &d {
                fresh.apply_event(e);
            }
        }
        state.events = state.events.saturating_add(fresh.events);
        for id in &entering.escrows {
            state.escrows.remove(id);
            if let Some(x) = fresh.escrows.remove(id) {
                state.escrows.insert(*id, x);
            }
            changes.escrows.insert(*id);
        }
        for id in &entering.tokens {
            state.tokens.remove(id);
            if let Some(t) = fresh.tokens.remove(id) {
                state.tokens.insert(*id, t);
            }
            changes.tokens.insert(*id);
        }
        for a in &entering.accounts {
            enter_account(state, &mut fresh, *a, &mut changes);
        }
    }
    for d in page {
        let Decoded::Event(e) = d else {
            if let Decoded::Unknown(raw, reason) = d {
                if state.keep_unknown(raw, reason) == crate::project::Applied::New {
                    out.new += 1;
                    out.unknown += 1;
                    changes.unknown.insert(raw.id.clone());
                } else {
                    out.duplicates += 1;
                }
            }
            continue;
        };
        let covered = e
            .body
            .escrow_id()
            .is_some_and(|id| entering.escrows.contains(&id))
            || e.body
                .token_id()
                .is_some_and(|id| entering.tokens.contains(&id));
        if covered {
            // Projected with its entity's history; only the high-water mark moves.
            if state.applied_through.is_none_or(|t| e.meta.id > t) {
                state.applied_through = Some(e.meta.id);
                out.new += 1;
            }
            continue;
        }
        match state.apply_event(e) {
            crate::project::Applied::New => {
                out.new += 1;
                changes.add(e.meta.contract, &e.body);
            }
            crate::project::Applied::Duplicate => out.duplicates += 1,
        }
    }
    scope.prune(state, &mut changes);
    (out, changes)
}

/// Moves the entities keyed by account `a` from `fresh` (its history projected alone) into
/// `state`, replacing what `state` had of them.
fn enter_account(state: &mut State, fresh: &mut State, a: Address, changes: &mut Changes) {
    state.profiles.remove(&a);
    if let Some(p) = fresh.profiles.remove(&a) {
        state.profiles.insert(a, p);
    }
    changes.profiles.insert(a);
    state.rewards.remove(&a);
    if let Some(r) = fresh.rewards.remove(&a) {
        state.rewards.insert(a, r);
    }
    changes.rewards.insert(a);
    state.validators.remove(&a);
    if let Some(v) = fresh.validators.remove(&a) {
        state.validators.insert(a, v);
    }
    changes.validators.insert(a);
    state.completions.retain(|k, _| k.1 != a);
    for (k, c) in fresh.completions.iter().filter(|(k, _)| k.1 == a) {
        state.completions.insert(*k, c.clone());
        changes.completions.insert(*k);
    }
    state.contributions.retain(|_, c| c.author != a);
    for (k, c) in fresh.contributions.iter().filter(|(_, c)| c.author == a) {
        state.contributions.insert(*k, c.clone());
        changes.contributions.insert(*k);
    }
    state.outbound.retain(|_, t| t.sender != a);
    for (k, t) in fresh.outbound.iter().filter(|(_, t)| t.sender == a) {
        state.outbound.insert(*k, t.clone());
        changes.outbound.insert(*k);
    }
    state.inbound.retain(|_, t| t.recipient != a);
    for (k, t) in fresh.inbound.iter().filter(|(_, t)| t.recipient == a) {
        state.inbound.insert(*k, t.clone());
        changes.inbound.insert(*k);
    }
}

/// The events of `events` a scope's filters return and the scope keeps; for tests and the
/// server's archive, which answer the same filters from stored events.
pub fn select<'a>(
    filters: &[EventFilter],
    events: impl IntoIterator<Item = &'a (Decoded, RawEvent)>,
) -> Vec<Decoded> {
    events
        .into_iter()
        .filter(|(_, raw)| any_matches(filters, raw))
        .map(|(d, _)| d.clone())
        .collect()
}

/// What a page of one account shows, read from a state the way the stores' queries read it:
/// what the property test compares between a scoped and a full store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountView {
    pub escrows: Vec<crate::project::Escrow>,
    pub tokens_owned: Vec<crate::project::ContentToken>,
    pub tokens_created: Vec<crate::project::ContentToken>,
    pub profile: Option<crate::project::Profile>,
    pub completions: Vec<crate::project::Completion>,
    pub contributions: Vec<crate::project::Contribution>,
    pub rewards: Option<crate::project::LearnerRewards>,
    pub outbound: Vec<crate::project::OutboundTransfer>,
    pub inbound: Vec<crate::project::InboundTransfer>,
    pub validator: Option<crate::project::Validator>,
}

impl AccountView {
    pub fn of(state: &State, a: &Address) -> Self {
        AccountView {
            escrows: state
                .escrows
                .values()
                .filter(|x| x.parties().contains(a))
                .cloned()
                .collect(),
            tokens_owned: state
                .tokens
                .values()
                .filter(|t| t.owner.as_ref() == Some(a))
                .cloned()
                .collect(),
            tokens_created: state
                .tokens
                .values()
                .filter(|t| t.creator.as_ref() == Some(a))
                .cloned()
                .collect(),
            profile: state.profiles.get(a).cloned(),
            completions: state
                .completions
                .values()
                .filter(|c| c.learner == *a)
                .cloned()
                .collect(),
            contributions: state
                .contributions
                .values()
                .filter(|c| c.author == *a)
                .cloned()
                .collect(),
            rewards: state.rewards.get(a).cloned(),
            outbound: state
                .outbound
                .values()
                .filter(|t| t.sender == *a)
                .cloned()
                .collect(),
            inbound: state
                .inbound
                .values()
                .filter(|t| t.recipient == *a)
                .cloned()
                .collect(),
            validator: state.validators.get(a).cloned(),
        }
    }

    /// Entities in the view.
    pub fn len(&self) -> usize {
        self.escrows.len()
            + self.tokens_owned.len()
            + self.tokens_created.len()
            + usize::from(self.profile.is_some())
            + self.completions.len()
            + self.contributions.len()
            + usize::from(self.rewards.is_some())
            + self.outbound.len()
            + self.inbound.len()
            + usize::from(self.validator.is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether `e` is an event a scoped store must fetch the history of an entity for; public
/// for the syncer's bookkeeping.
pub fn entity_of(e: &Event) -> Option<(ContractKind, u64)> {
    e.body
        .escrow_id()
        .map(|id| (ContractKind::Escrow, id))
        .or_else(|| e.body.token_id().map(|id| (ContractKind::Content, id)))
}
