//! Owns persistence: the [`Store`] trait every backend implements (in memory here,
//! IndexedDB in the browser, SQL in the server), the [`Checkpoint`] committed atomically with
//! each batch, and [`MemoryStore`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::decode::{Decoded, RawEvent, TeachLinkEvent as E};
use crate::project::{
    Applied, BridgeChain, BridgeTotals, Changes, Completion, ContentToken, ContractAdmin,
    Contribution, Escrow, EscrowStatus, InboundTransfer, LearnerRewards, OutboundTransfer, Pool,
    Profile, State, UnknownEvent, Validator,
};
use crate::scope::{Entering, Scope};
use crate::types::{Address, EventId};

/// Ledgers the indexer knows it never saw: they had left the RPC's retention window before
/// they were indexed. Inclusive range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub first_ledger: u32,
    pub last_ledger: u32,
}

/// How far indexing got, committed in the same atomic write as the batch it covers, so a
/// restart resumes exactly after the last committed event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The RPC paging cursor to resume after; `None` before the first page.
    pub cursor: Option<EventId>,
    /// Every ledger up to this one is indexed (or recorded in `gaps`).
    pub ledger: u32,
    /// Retention gaps met so far, oldest first; never forgotten.
    pub gaps: Vec<Gap>,
}

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Events applied for the first time (decoded or unknown).
    pub new: usize,
    /// Events already applied before: a replay.
    pub duplicates: usize,
    /// Of the new ones, events kept raw because they did not decode.
    pub unknown: usize,
}

/// Counts over the whole store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreStats {
    pub events: u64,
    pub unknown: u64,
    pub orphans: u64,
}

/// A backend for the projections.
///
/// Methods take `&self` so the app can query while a sync runs (backends synchronise
/// inside), and the futures carry no `Send` bound on purpose: IndexedDB futures are not
/// `Send`, and the browser is single-threaded anyway.
#[allow(async_fn_in_trait)]
pub trait Store {
    type Error: std::error::Error + 'static;

    /// Applies `events` (in chain order) and records `checkpoint`, all or nothing. Events
    /// already applied are skipped, so a replayed batch changes nothing.
    async fn apply_batch(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, Self::Error>;
    /// The last committed checkpoint; `None` for an empty store.
    async fn cursor(&self) -> Result<Option<Checkpoint>, Self::Error>;

    /// Whether this store archives the events as received ([`Store::apply_batch_raw`]): the
    /// syncer then keeps a copy of each page's raw events for it. False by default.
    fn keeps_raw(&self) -> bool {
        false
    }

    /// [`Store::apply_batch`] with the page's events as the RPC sent them (`raw`, in the
    /// same order as `events`), for a store that archives them in the same atomic write.
    /// The default ignores `raw`.
    async fn apply_batch_raw(
        &self,
        raw: &[RawEvent],
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, Self::Error> {
        let _ = raw;
        self.apply_batch(events, checkpoint).await
    }

    /// Called by the syncer when it has caught up with the chain: time for deferred work
    /// (the browser store writes its per-entity records then). Nothing by default.
    async fn idle(&self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A store a scoped syncer ([`crate::sync::Syncer::step_scoped`]) writes: it shows its
/// state (which escrows and tokens the scope follows) and applies scoped batches, whose
/// entering entities' histories are older than its checkpoint ([`crate::scope`]).
#[allow(async_fn_in_trait)]
pub trait ScopedStore: Store {
    /// Runs `f` on the committed projections.
    async fn read_state<R>(&self, f: impl FnOnce(&State) -> R) -> Result<R, Self::Error>;
    /// Applies one scoped batch ([`crate::scope::apply_scoped`]) and records `checkpoint`,
    /// all or nothing.
    async fn apply_scoped(
        &self,
        scope: &Scope,
        entering: &Entering,
        history: Vec<Decoded>,
        page: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, Self::Error>;
}

/// The queries the app makes, on a store's projections. Separate from [`Store`] because
/// the syncer needs only the writes (and test doubles only implement those).
#[allow(async_fn_in_trait)]
pub trait Queries: Store {
    async fn escrow(&self, id: u64) -> Result<Option<Escrow>, Self::Error>;
    /// Escrows where `party` is depositor, beneficiary, signer or arbitrator, by id.
    async fn escrows_by_party(&self, party: &Address) -> Result<Vec<Escrow>, Self::Error>;
    async fn escrows_by_status(&self, status: EscrowStatus) -> Result<Vec<Escrow>, Self::Error>;

    async fn token(&self, id: u64) -> Result<Option<ContentToken>, Self::Error>;
    async fn tokens_by_owner(&self, owner: &Address) -> Result<Vec<ContentToken>, Self::Error>;
    async fn tokens_by_creator(&self, creator: &Address) -> Result<Vec<ContentToken>, Self::Error>;
    /// Every content token by id, after `after` (exclusive), at most `limit`: the
    /// catalogue a learner browses, a page at a time.
    async fn tokens(
        &self,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<ContentToken>, Self::Error>;

    async fn profile(&self, learner: &Address) -> Result<Option<Profile>, Self::Error>;
    async fn completions_by_course(&self, course_id: u64) -> Result<Vec<Completion>, Self::Error>;
    async fn completions_by_learner(
        &self,
        learner: &Address,
    ) -> Result<Vec<Completion>, Self::Error>;
    async fn contribution(&self, id: u64) -> Result<Option<Contribution>, Self::Error>;
    async fn contributions_by_author(
        &self,
        author: &Address,
    ) -> Result<Vec<Contribution>, Self::Error>;

    async fn rewards(&self, learner: &Address) -> Result<Option<LearnerRewards>, Self::Error>;
    /// The reward pool (a deployment has one rewards contract).
    async fn pool(&self) -> Result<Option<Pool>, Self::Error>;
    async fn contract_admin(
        &self,
        contract: &Address,
    ) -> Result<Option<ContractAdmin>, Self::Error>;

    /// An outbound bridge transfer by its nonce.
    async fn outbound_transfer(&self, nonce: u64) -> Result<Option<OutboundTransfer>, Self::Error>;
    /// Outbound bridge transfers of `sender`, by nonce.
    async fn outbound_transfers_by_sender(
        &self,
        sender: &Address,
    ) -> Result<Vec<OutboundTransfer>, Self::Error>;
    /// The inbound bridge transfer of (`source_chain`, `nonce`), once completed here.
    async fn inbound_transfer(
        &self,
        source_chain: u32,
        nonce: u64,
    ) -> Result<Option<InboundTransfer>, Self::Error>;
    /// Inbound bridge transfers released to `recipient`, by (source chain, nonce).
    async fn inbound_transfers_by_recipient(
        &self,
        recipient: &Address,
    ) -> Result<Vec<InboundTransfer>, Self::Error>;
    /// Every bridge validator ever seen (withdrawn and slashed ones too), by address.
    async fn validators(&self) -> Result<Vec<Validator>, Self::Error>;
    async fn validator(&self, address: &Address) -> Result<Option<Validator>, Self::Error>;
    /// The remote chains' circuit breakers, by chain id.
    async fn chains(&self) -> Result<Vec<BridgeChain>, Self::Error>;
    /// The bridge's liquidity and totals (a deployment has at most one bridge).
    async fn bridge(&self) -> Result<Option<BridgeTotals>, Self::Error>;

    async fn stats(&self) -> Result<StoreStats, Self::Error>;
    async fn unknown_events(&self) -> Result<Vec<UnknownEvent>, Self::Error>;
}

/// A failure of the in-memory store.
#[derive(Debug, thiserror::Error)]
pub enum MemoryStoreError {
    #[error("the store's lock was poisoned by a panic in another thread")]
    Poisoned,
}

/// The projections, their secondary indexes and the checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryContents {
    pub state: State,
    pub checkpoint: Option<Checkpoint>,
    escrows_by_party: BTreeMap<Address, BTreeSet<u64>>,
    escrows_by_status: BTreeMap<EscrowStatus, BTreeSet<u64>>,
    tokens_by_owner: BTreeMap<Address, BTreeSet<u64>>,
    tokens_by_creator: BTreeMap<Address, BTreeSet<u64>>,
    outbound_by_sender: BTreeMap<Address, BTreeSet<u64>>,
    inbound_by_recipient: BTreeMap<Address, BTreeSet<(u32, u64)>>,
}

/// Everything in memory, behind a mutex (no `RefCell`, so the server can share it across
/// threads; on wasm the mutex is uncontended).
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<MemoryContents>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of everything, to compare stores in tests.
    pub fn snapshot(&self) -> Result<MemoryContents, MemoryStoreError> {
        Ok(self.lock()?.clone())
    }

    fn lock(&self) -> Result<MutexGuard<'_, MemoryContents>, MemoryStoreError> {
        self.inner.lock().map_err(|_| MemoryStoreError::Poisoned)
    }

    /// The synchronous core of [`Store::apply_batch`]: the whole batch is applied under one
    /// lock, and applying cannot fail half-way, so readers see all of it or none of it.
    pub fn apply_batch_sync(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, MemoryStoreError> {
        Ok(self.apply_batch_tracked(events, checkpoint)?.0)
    }

    /// [`MemoryStore::apply_batch_sync`], also saying which entities the batch wrote: what a
    /// persistent store that keeps its state in a `MemoryStore` writes back.
    pub fn apply_batch_tracked(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<(BatchOutcome, Changes), MemoryStoreError> {
        let mut c = self.lock()?;
        let mut out = BatchOutcome::default();
        let mut changes = Changes::default();
        for d in events {
            match c.apply_one(d) {
                Applied::New => {
                    out.new += 1;
                    match d {
                        Decoded::Event(e) => changes.add(e.meta.contract, &e.body),
                        Decoded::Unknown(raw, _) => {
                            out.unknown += 1;
                            changes.unknown.insert(raw.id.clone());
                        }
                    }
                }
                Applied::Duplicate => out.duplicates += 1,
            }
        }
        c.checkpoint = Some(checkpoint.clone());
        Ok((out, changes))
    }

    /// [`ScopedStore::apply_scoped`], also saying which entities the batch wrote (what a
    /// persistent store keeping its state in a `MemoryStore` writes back). The scoped store
    /// is small (one learner's slice): its query indexes are rebuilt after each batch.
    pub fn apply_scoped_tracked(
        &self,
        scope: &Scope,
        entering: &Entering,
        history: Vec<Decoded>,
        page: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<(BatchOutcome, Changes), MemoryStoreError> {
        let mut c = self.lock()?;
        let (out, changes) =
            crate::scope::apply_scoped(&mut c.state, scope, entering, history, page);
        let state = std::mem::take(&mut c.state);
        *c = MemoryContents::indexed(state, Some(checkpoint.clone()));
        Ok((out, changes))
    }

    /// A store holding `state` (loaded from elsewhere), its query indexes rebuilt.
    pub fn from_state(state: State, checkpoint: Option<Checkpoint>) -> Self {
        MemoryStore {
            inner: Mutex::new(MemoryContents::indexed(state, checkpoint)),
        }
    }
}

impl MemoryContents {
    /// `state` at `checkpoint` with its query indexes built.
    fn indexed(state: State, checkpoint: Option<Checkpoint>) -> Self {
        let mut c = MemoryContents {
            state,
            checkpoint,
            ..MemoryContents::default()
        };
        for x in c.state.escrows.values() {
            for p in x.parties() {
                c.escrows_by_party.entry(p).or_default().insert(x.id);
            }
            c.escrows_by_status
                .entry(x.status)
                .or_default()
                .insert(x.id);
        }
        for t in c.state.tokens.values() {
            if let Some(owner) = t.owner {
                c.tokens_by_owner.entry(owner).or_default().insert(t.id);
            }
            if let Some(creator) = t.creator {
                c.tokens_by_creator.entry(creator).or_default().insert(t.id);
            }
        }
        for t in c.state.outbound.values() {
            c.outbound_by_sender
                .entry(t.sender)
                .or_default()
                .insert(t.nonce);
        }
        for t in c.state.inbound.values() {
            c.inbound_by_recipient
                .entry(t.recipient)
                .or_default()
                .insert((t.source_chain, t.nonce));
        }
        c
    }
}

impl MemoryStore {
    /// Replaces everything this store holds with `state` at `checkpoint` (an imported
    /// snapshot), indexes included, in one step under the lock.
    pub fn replace(
        &self,
        state: State,
        checkpoint: Option<Checkpoint>,
    ) -> Result<(), MemoryStoreError> {
        let fresh = MemoryStore::from_state(state, checkpoint)
            .inner
            .into_inner()
            .map_err(|_| MemoryStoreError::Poisoned)?;
        *self.lock()? = fresh;
        Ok(())
    }

    /// Runs `f` on the projections (under the lock: keep it short).
    pub fn with_state<R>(&self, f: impl FnOnce(&State) -> R) -> Result<R, MemoryStoreError> {
        Ok(f(&self.lock()?.state))
    }
}

fn move_in_index<K: Ord + Copy>(
    index: &mut BTreeMap<K, BTreeSet<u64>>,
    old: Option<K>,
    new: Option<K>,
    id: u64,
) {
    if old == new {
        return;
    }
    if let Some(old) = old {
        if let Some(set) = index.get_mut(&old) {
            set.remove(&id);
            if set.is_empty() {
                index.remove(&old);
            }
        }
    }
    if let Some(new) = new {
        index.entry(new).or_default().insert(id);
    }
}

impl MemoryContents {
    fn apply_one(&mut self, d: &Decoded) -> Applied {
        let Decoded::Event(e) = d else {
            return self.state.apply(d);
        };
        let escrow = e.body.escrow_id();
        let token = e.body.token_id();
        let old_status = escrow.and_then(|id| self.state.escrows.get(&id).map(|x| x.status));
        let (old_owner, old_creator) = token
            .and_then(|id| self.state.tokens.get(&id).map(|t| (t.owner, t.creator)))
            .unwrap_or((None, None));
        let applied = self.state.apply_event(e);
        if applied == Applied::Duplicate {
            return applied;
        }
        if let Some(x) = escrow.and_then(|id| self.state.escrows.get(&id)) {
            // Parties are only ever added, so the party index never needs removals; and
            // once the terms are known (creation) no later event adds one, so only the
            // creation and events on escrows still without terms are reindexed.
            if matches!(e.body, E::EscrowCreated { .. }) || x.terms.is_none() {
                for p in x.parties() {
                    self.escrows_by_party.entry(p).or_default().insert(x.id);
                }
            }
            move_in_index(
                &mut self.escrows_by_status,
                old_status,
                Some(x.status),
                x.id,
            );
        }
        if let Some(t) = token.and_then(|id| self.state.tokens.get(&id)) {
            move_in_index(&mut self.tokens_by_owner, old_owner, t.owner, t.id);
            move_in_index(&mut self.tokens_by_creator, old_creator, t.creator, t.id);
        }
        // A transfer's sender and recipient are in every event about it and never change.
        match &e.body {
            E::BridgeLocked { nonce, sender, .. }
            | E::OutboundConfirmed { nonce, sender, .. }
            | E::BridgeRefunded { nonce, sender, .. } => {
                self.outbound_by_sender
                    .entry(*sender)
                    .or_default()
                    .insert(*nonce);
            }
            E::BridgeCompleted {
                nonce,
                source_chain,
                recipient,
                ..
            } => {
                self.inbound_by_recipient
                    .entry(*recipient)
                    .or_default()
                    .insert((*source_chain, *nonce));
            }
            _ => {}
        }
        applied
    }

    fn escrows_in(&self, ids: Option<&BTreeSet<u64>>) -> Vec<Escrow> {
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.state.escrows.get(id).cloned())
            .collect()
    }

    fn tokens_in(&self, ids: Option<&BTreeSet<u64>>) -> Vec<ContentToken> {
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.state.tokens.get(id).cloned())
            .collect()
    }
}

impl Store for MemoryStore {
    type Error = MemoryStoreError;

    async fn apply_batch(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, Self::Error> {
        self.apply_batch_sync(events, checkpoint)
    }

    async fn cursor(&self) -> Result<Option<Checkpoint>, Self::Error> {
        Ok(self.lock()?.checkpoint.clone())
    }
}

impl ScopedStore for MemoryStore {
    async fn read_state<R>(&self, f: impl FnOnce(&State) -> R) -> Result<R, Self::Error> {
        self.with_state(f)
    }

    async fn apply_scoped(
        &self,
        scope: &Scope,
        entering: &Entering,
        history: Vec<Decoded>,
        page: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, Self::Error> {
        Ok(self
            .apply_scoped_tracked(scope, entering, history, page, checkpoint)?
            .0)
    }
}

impl Queries for MemoryStore {
    async fn escrow(&self, id: u64) -> Result<Option<Escrow>, Self::Error> {
        Ok(self.lock()?.state.escrows.get(&id).cloned())
    }

    async fn escrows_by_party(&self, party: &Address) -> Result<Vec<Escrow>, Self::Error> {
        let c = self.lock()?;
        Ok(c.escrows_in(c.escrows_by_party.get(party)))
    }

    async fn escrows_by_status(&self, status: EscrowStatus) -> Result<Vec<Escrow>, Self::Error> {
        let c = self.lock()?;
        Ok(c.escrows_in(c.escrows_by_status.get(&status)))
    }

    async fn token(&self, id: u64) -> Result<Option<ContentToken>, Self::Error> {
        Ok(self.lock()?.state.tokens.get(&id).cloned())
    }

    async fn tokens_by_owner(&self, owner: &Address) -> Result<Vec<ContentToken>, Self::Error> {
        let c = self.lock()?;
        Ok(c.tokens_in(c.tokens_by_owner.get(owner)))
    }

    async fn tokens_by_creator(&self, creator: &Address) -> Result<Vec<ContentToken>, Self::Error> {
        let c = self.lock()?;
        Ok(c.tokens_in(c.tokens_by_creator.get(creator)))
    }

    async fn tokens(
        &self,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<ContentToken>, Self::Error> {
        use std::ops::Bound;
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        let c = self.lock()?;
        Ok(c.state
            .tokens
            .range((from, Bound::Unbounded))
            .take(limit)
            .map(|(_, t)| t.clone())
            .collect())
    }

    async fn profile(&self, learner: &Address) -> Result<Option<Profile>, Self::Error> {
        Ok(self.lock()?.state.profiles.get(learner).cloned())
    }

    async fn completions_by_course(&self, course_id: u64) -> Result<Vec<Completion>, Self::Error> {
        // Keys are (course, learner): one course is one contiguous range.
        let c = self.lock()?;
        Ok(c.state
            .completions
            .range((course_id, Address::Account([0; 32]))..)
            .take_while(|((course, _), _)| *course == course_id)
            .map(|(_, v)| v.clone())
            .collect())
    }

    async fn completions_by_learner(
        &self,
        learner: &Address,
    ) -> Result<Vec<Completion>, Self::Error> {
        let c = self.lock()?;
        Ok(c.state
            .completions
            .values()
            .filter(|x| x.learner == *learner)
            .cloned()
            .collect())
    }

    async fn contribution(&self, id: u64) -> Result<Option<Contribution>, Self::Error> {
        Ok(self.lock()?.state.contributions.get(&id).cloned())
    }

    async fn contributions_by_author(
        &self,
        author: &Address,
    ) -> Result<Vec<Contribution>, Self::Error> {
        let c = self.lock()?;
        Ok(c.state
            .contributions
            .values()
            .filter(|x| x.author == *author)
            .cloned()
            .collect())
    }

    async fn rewards(&self, learner: &Address) -> Result<Option<LearnerRewards>, Self::Error> {
        Ok(self.lock()?.state.rewards.get(learner).cloned())
    }

    async fn pool(&self) -> Result<Option<Pool>, Self::Error> {
        Ok(self.lock()?.state.pools.values().next().cloned())
    }

    async fn contract_admin(
        &self,
        contract: &Address,
    ) -> Result<Option<ContractAdmin>, Self::Error> {
        Ok(self.lock()?.state.contracts.get(contract).cloned())
    }

    async fn outbound_transfer(&self, nonce: u64) -> Result<Option<OutboundTransfer>, Self::Error> {
        Ok(self.lock()?.state.outbound.get(&nonce).cloned())
    }

    async fn outbound_transfers_by_sender(
        &self,
        sender: &Address,
    ) -> Result<Vec<OutboundTransfer>, Self::Error> {
        let c = self.lock()?;
        Ok(c.outbound_by_sender
            .get(sender)
            .into_iter()
            .flatten()
            .filter_map(|n| c.state.outbound.get(n).cloned())
            .collect())
    }

    async fn inbound_transfer(
        &self,
        source_chain: u32,
        nonce: u64,
    ) -> Result<Option<InboundTransfer>, Self::Error> {
        Ok(self
            .lock()?
            .state
            .inbound
            .get(&(source_chain, nonce))
            .cloned())
    }

    async fn inbound_transfers_by_recipient(
        &self,
        recipient: &Address,
    ) -> Result<Vec<InboundTransfer>, Self::Error> {
        let c = self.lock()?;
        Ok(c.inbound_by_recipient
            .get(recipient)
            .into_iter()
            .flatten()
            .filter_map(|k| c.state.inbound.get(k).cloned())
            .collect())
    }

    async fn validators(&self) -> Result<Vec<Validator>, Self::Error> {
        Ok(self.lock()?.state.validators.values().cloned().collect())
    }

    async fn validator(&self, address: &Address) -> Result<Option<Validator>, Self::Error> {
        Ok(self.lock()?.state.validators.get(address).cloned())
    }

    async fn chains(&self) -> Result<Vec<BridgeChain>, Self::Error> {
        Ok(self.lock()?.state.chains.values().cloned().collect())
    }

    async fn bridge(&self) -> Result<Option<BridgeTotals>, Self::Error> {
        Ok(self.lock()?.state.bridges.values().next().cloned())
    }

    async fn stats(&self) -> Result<StoreStats, Self::Error> {
        let c = self.lock()?;
        Ok(StoreStats {
            events: c.state.events,
            unknown: c.state.unknown.len() as u64,
            orphans: c.state.orphans,
        })
    }

    async fn unknown_events(&self) -> Result<Vec<UnknownEvent>, Self::Error> {
        Ok(self.lock()?.state.unknown.values().cloned().collect())
    }
}
