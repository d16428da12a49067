//! Owns the browser store: the projections in IndexedDB behind the [`Store`] and
//! [`Queries`] traits, one readwrite transaction (relaxed durability) per batch, with
//! indexes for the app's queries (by party, status, owner, creator, course, learner,
//! author, transfer sender and recipient).
//!
//! A batch runs as: issue every read it needs at once (applied ids, touched entities),
//! await them, apply the events to that partial [`State`] with the same projection code as
//! the memory store, then issue every write and the checkpoint and commit. Requests go out
//! when built, so reads and writes are pipelined rather than one round trip per event.

use std::collections::{BTreeSet, HashSet};

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use indexed_db_futures::KeyPath;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::decode::{Decoded, TeachLinkEvent as E};
use crate::project::{
    BridgeChain, BridgeTotals, Completion, ContentToken, ContractAdmin, Contribution, Escrow,
    EscrowStatus, InboundTransfer, LearnerRewards, OutboundTransfer, Pool, Profile, State,
    UnknownEvent, Validator,
};
use crate::store::{BatchOutcome, Checkpoint, Queries, Store, StoreStats};
use crate::types::Address;

/// Version 1: everything up to `contracts`; version 2 adds the bridge's stores.
const VERSION: u8 = 2;
const META: &str = "meta";
const APPLIED: &str = "applied";
const UNKNOWN: &str = "unknown";
const ESCROWS: &str = "escrows";
const TOKENS: &str = "tokens";
const PROFILES: &str = "profiles";
const COMPLETIONS: &str = "completions";
const CONTRIBUTIONS: &str = "contributions";
const REWARDS: &str = "rewards";
const POOLS: &str = "pools";
const CONTRACTS: &str = "contracts";
const OUTBOUND: &str = "bridge_outbound";
const INBOUND: &str = "bridge_inbound";
const VALIDATORS: &str = "bridge_validators";
const CHAINS: &str = "bridge_chains";
const BRIDGES: &str = "bridges";
const ALL: [&str; 16] = [
    META,
    APPLIED,
    UNKNOWN,
    ESCROWS,
    TOKENS,
    PROFILES,
    COMPLETIONS,
    CONTRIBUTIONS,
    REWARDS,
    POOLS,
    CONTRACTS,
    OUTBOUND,
    INBOUND,
    VALIDATORS,
    CHAINS,
    BRIDGES,
];

/// A failure of the IndexedDB store.
#[derive(Debug, thiserror::Error)]
pub enum IdbError {
    #[error("IndexedDB: {0}")]
    Db(String),
}

impl From<indexed_db_futures::error::Error> for IdbError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        IdbError::Db(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for IdbError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        IdbError::Db(e.to_string())
    }
}

/// One stored record: the key `k` (in-line key path), the fields indexes read, and the
/// entity. Keys are strings; numbers are zero-padded so they sort numerically.
#[derive(Serialize, Deserialize)]
struct Rec<T> {
    k: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    parties: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    creator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    course: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    learner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recipient: Option<String>,
    v: T,
}

impl<T> Rec<T> {
    fn new(k: String, v: T) -> Self {
        Rec {
            k,
            parties: Vec::new(),
            status: None,
            owner: None,
            creator: None,
            course: None,
            learner: None,
            author: None,
            sender: None,
            recipient: None,
            v,
        }
    }
}

/// A record as the JS value IndexedDB stores. indexed_db_futures' `.serde()` writes every
/// u64 as a JS number and refuses any above 2^53 - 1, so one such value on chain (a course
/// id, a timestamp, a token id) would fail its batch on every retry and stall the browser
/// sync for good. Large numbers go in as BigInt instead (all u64 and i64, so a field's JS
/// type does not depend on its value); reading accepts both, so records written as numbers
/// by earlier builds still load.
fn js<T: Serialize>(value: &T) -> Result<JsValue, IdbError> {
    value
        .serialize(
            &serde_wasm_bindgen::Serializer::new()
                .serialize_maps_as_objects(true)
                .serialize_large_number_types_as_bigints(true),
        )
        .map_err(|e| IdbError::Db(e.to_string()))
}

fn num(n: u64) -> String {
    format!("{n:020}")
}

fn completion_key(course: u64, learner: &Address) -> String {
    format!("{}/{learner}", num(course))
}

fn inbound_key(source_chain: u32, nonce: u64) -> String {
    format!("{source_chain:010}/{}", num(nonce))
}

fn chain_key(chain: u32) -> String {
    format!("{chain:010}")
}

fn status_key(s: EscrowStatus) -> String {
    format!("{s:?}")
}

/// The projections in one IndexedDB database.
pub struct IdbStore {
    db: Database,
}

impl IdbStore {
    /// Opens (creating or upgrading) the database `name`.
    pub async fn open(name: &str) -> Result<Self, IdbError> {
        let db = Database::open(name)
            .with_version(VERSION)
            .with_on_upgrade_needed(|_event, db| {
                // Create whatever an older version lacks (everything for a new database;
                // the bridge's stores for a version 1 one); existing data is kept.
                let existing: Vec<String> = db.object_store_names().collect();
                for store in ALL {
                    if existing.iter().any(|name| name == store) {
                        continue;
                    }
                    let s = db
                        .create_object_store(store)
                        .with_key_path(KeyPath::One("k"))
                        .build()?;
                    let index = |name: &str, multi: bool| {
                        s.create_index(name, KeyPath::One(name))
                            .with_multi_entry(multi)
                            .build()
                            .map(|_| ())
                    };
                    match store {
                        ESCROWS => {
                            index("parties", true)?;
                            index("status", false)?;
                        }
                        TOKENS => {
                            index("owner", false)?;
                            index("creator", false)?;
                        }
                        COMPLETIONS => {
                            index("course", false)?;
                            index("learner", false)?;
                        }
                        CONTRIBUTIONS => index("author", false)?,
                        OUTBOUND => index("sender", false)?,
                        INBOUND => index("recipient", false)?,
                        _ => {}
                    }
                }
                Ok(())
            })
            .await?;
        Ok(IdbStore { db })
    }

    fn tx(&self, mode: TransactionMode) -> Result<Transaction<'_>, IdbError> {
        // Relaxed durability: a batch lost to a power cut is fetched again from the
        // RPC (the checkpoint is lost with it), so fsync per batch buys nothing.
        Ok(self
            .db
            .transaction(ALL)
            .with_mode(mode)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Relaxed))
            .build()?)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        store: &str,
        key: String,
    ) -> Result<Option<T>, IdbError> {
        let tx = self.tx(TransactionMode::Readonly)?;
        let s = tx.object_store(store)?;
        let rec: Option<Rec<T>> = s.get(key).serde()?.await?;
        Ok(rec.map(|r| r.v))
    }

    async fn by_index<T: DeserializeOwned>(
        &self,
        store: &str,
        index: &str,
        key: String,
    ) -> Result<Vec<T>, IdbError> {
        let tx = self.tx(TransactionMode::Readonly)?;
        let s = tx.object_store(store)?;
        let recs: Vec<Rec<T>> = s
            .index(index)?
            .get_all()
            .with_query(key)
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        Ok(recs.into_iter().map(|r| r.v).collect())
    }

    async fn all<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, IdbError> {
        let tx = self.tx(TransactionMode::Readonly)?;
        let s = tx.object_store(store)?;
        let recs: Vec<Rec<T>> = s.get_all().serde()?.await?.collect::<Result<_, _>>()?;
        Ok(recs.into_iter().map(|r| r.v).collect())
    }
}

/// The entity keys a batch reads before applying.
#[derive(Default)]
struct Touched {
    escrows: BTreeSet<u64>,
    tokens: BTreeSet<u64>,
    profiles: BTreeSet<Address>,
    contributions: BTreeSet<u64>,
    rewards: BTreeSet<Address>,
    pools: BTreeSet<Address>,
    contracts: BTreeSet<Address>,
    outbound: BTreeSet<u64>,
    validators: BTreeSet<Address>,
    chains: BTreeSet<u32>,
    bridges: BTreeSet<Address>,
}

impl Touched {
    fn add(&mut self, contract: Address, e: &E) {
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
            // Completions are only ever inserted, never read-modified.
            E::CompletionRecorded { learner, .. } => {
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
            // Inbound transfers are only ever inserted, never read-modified.
            E::BridgeFunded { .. } | E::BridgeCompleted { .. } => {
                self.bridges.insert(contract);
            }
        }
    }
}

/// Puts every entity of `state` (the batch's partial view) into the transaction.
fn write_state(tx: &Transaction<'_>, state: &State) -> Result<(), IdbError> {
    let escrows = tx.object_store(ESCROWS)?;
    for x in state.escrows.values() {
        let mut r = Rec::new(num(x.id), x);
        r.parties = x.parties().iter().map(ToString::to_string).collect();
        r.status = Some(status_key(x.status));
        escrows.put(js(&r)?).primitive()?;
    }
    let tokens = tx.object_store(TOKENS)?;
    for t in state.tokens.values() {
        let mut r = Rec::new(num(t.id), t);
        r.owner = t.owner.map(|a| a.to_string());
        r.creator = t.creator.map(|a| a.to_string());
        tokens.put(js(&r)?).primitive()?;
    }
    let profiles = tx.object_store(PROFILES)?;
    for p in state.profiles.values() {
        profiles
            .put(js(&Rec::new(p.learner.to_string(), p))?)
            .primitive()?;
    }
    let completions = tx.object_store(COMPLETIONS)?;
    for c in state.completions.values() {
        let mut r = Rec::new(completion_key(c.course_id, &c.learner), c);
        r.course = Some(num(c.course_id));
        r.learner = Some(c.learner.to_string());
        completions.put(js(&r)?).primitive()?;
    }
    let contributions = tx.object_store(CONTRIBUTIONS)?;
    for c in state.contributions.values() {
        let mut r = Rec::new(num(c.id), c);
        r.author = Some(c.author.to_string());
        contributions.put(js(&r)?).primitive()?;
    }
    let rewards = tx.object_store(REWARDS)?;
    for r in state.rewards.values() {
        rewards
            .put(js(&Rec::new(r.learner.to_string(), r))?)
            .primitive()?;
    }
    let pools = tx.object_store(POOLS)?;
    for p in state.pools.values() {
        pools
            .put(js(&Rec::new(p.contract.to_string(), p))?)
            .primitive()?;
    }
    let contracts = tx.object_store(CONTRACTS)?;
    for c in state.contracts.values() {
        contracts
            .put(js(&Rec::new(c.contract.to_string(), c))?)
            .primitive()?;
    }
    let outbound = tx.object_store(OUTBOUND)?;
    for t in state.outbound.values() {
        let mut r = Rec::new(num(t.nonce), t);
        r.sender = Some(t.sender.to_string());
        outbound.put(js(&r)?).primitive()?;
    }
    let inbound = tx.object_store(INBOUND)?;
    for t in state.inbound.values() {
        let mut r = Rec::new(inbound_key(t.source_chain, t.nonce), t);
        r.recipient = Some(t.recipient.to_string());
        inbound.put(js(&r)?).primitive()?;
    }
    let validators = tx.object_store(VALIDATORS)?;
    for v in state.validators.values() {
        validators
            .put(js(&Rec::new(v.address.to_string(), v))?)
            .primitive()?;
    }
    let chains = tx.object_store(CHAINS)?;
    for c in state.chains.values() {
        chains
            .put(js(&Rec::new(chain_key(c.chain), c))?)
            .primitive()?;
    }
    let bridges = tx.object_store(BRIDGES)?;
    for b in state.bridges.values() {
        bridges
            .put(js(&Rec::new(b.contract.to_string(), b))?)
            .primitive()?;
    }
    let unknown = tx.object_store(UNKNOWN)?;
    for (id, u) in &state.unknown {
        unknown.put(js(&Rec::new(id.clone(), u))?).primitive()?;
    }
    let applied = tx.object_store(APPLIED)?;
    for id in &state.applied {
        applied
            .put(js(&Rec::new(id.to_string(), ()))?)
            .primitive()?;
    }
    Ok(())
}

async fn load<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    store: &str,
    keys: impl IntoIterator<Item = String>,
) -> Result<Vec<T>, IdbError> {
    let s = tx.object_store(store)?;
    // Build every request first: they go out at once, then are awaited in order.
    let mut pending = Vec::new();
    for k in keys {
        pending.push(s.get(k).serde()?);
    }
    let mut out = Vec::new();
    for p in pending {
        let rec: Option<Rec<T>> = p.await?;
        out.extend(rec.map(|r| r.v));
    }
    Ok(out)
}

impl Store for IdbStore {
    type Error = IdbError;

    async fn apply_batch(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, IdbError> {
        let tx = self.tx(TransactionMode::Readwrite)?;
        let mut out = BatchOutcome::default();

        // Which events are new: one read per id, all issued together.
        let ids: Vec<String> = events.iter().map(Decoded::id_string).collect();
        let applied = tx.object_store(APPLIED)?;
        let unknown = tx.object_store(UNKNOWN)?;
        let mut seen_reqs = Vec::with_capacity(events.len());
        for (d, id) in events.iter().zip(&ids) {
            let store = if matches!(d, Decoded::Event(_)) {
                &applied
            } else {
                &unknown
            };
            seen_reqs.push(store.get_key::<String, _>(id.clone()).primitive()?);
        }
        let mut fresh = Vec::new();
        let mut in_batch = HashSet::new();
        for ((d, id), req) in events.iter().zip(&ids).zip(seen_reqs) {
            let seen: Option<String> = req.await?;
            if seen.is_some() || !in_batch.insert(id.as_str()) {
                out.duplicates += 1;
            } else {
                fresh.push(d);
            }
        }

        // Read the entities the new events touch into a partial state.
        let mut touched = Touched::default();
        for d in &fresh {
            if let Decoded::Event(e) = d {
                touched.add(e.meta.contract, &e.body);
            }
        }
        let mut state = State::default();
        for x in load::<Escrow>(&tx, ESCROWS, touched.escrows.iter().map(|i| num(*i))).await? {
            state.escrows.insert(x.id, x);
        }
        for t in load::<ContentToken>(&tx, TOKENS, touched.tokens.iter().map(|i| num(*i))).await? {
            state.tokens.insert(t.id, t);
        }
        for p in load::<Profile>(
            &tx,
            PROFILES,
            touched.profiles.iter().map(ToString::to_string),
        )
        .await?
        {
            state.profiles.insert(p.learner, p);
        }
        for c in load::<Contribution>(
            &tx,
            CONTRIBUTIONS,
            touched.contributions.iter().map(|i| num(*i)),
        )
        .await?
        {
            state.contributions.insert(c.id, c);
        }
        for r in load::<LearnerRewards>(
            &tx,
            REWARDS,
            touched.rewards.iter().map(ToString::to_string),
        )
        .await?
        {
            state.rewards.insert(r.learner, r);
        }
        for p in load::<Pool>(&tx, POOLS, touched.pools.iter().map(ToString::to_string)).await? {
            state.pools.insert(p.contract, p);
        }
        for c in load::<ContractAdmin>(
            &tx,
            CONTRACTS,
            touched.contracts.iter().map(ToString::to_string),
        )
        .await?
        {
            state.contracts.insert(c.contract, c);
        }
        for t in load::<OutboundTransfer>(&tx, OUTBOUND, touched.outbound.iter().map(|n| num(*n)))
            .await?
        {
            state.outbound.insert(t.nonce, t);
        }
        for v in load::<Validator>(
            &tx,
            VALIDATORS,
            touched.validators.iter().map(ToString::to_string),
        )
        .await?
        {
            state.validators.insert(v.address, v);
        }
        for c in
            load::<BridgeChain>(&tx, CHAINS, touched.chains.iter().map(|c| chain_key(*c))).await?
        {
            state.chains.insert(c.chain, c);
        }
        for b in load::<BridgeTotals>(
            &tx,
            BRIDGES,
            touched.bridges.iter().map(ToString::to_string),
        )
        .await?
        {
            state.bridges.insert(b.contract, b);
        }
        let meta = tx.object_store(META)?;
        let orphans: Option<Rec<u64>> = meta.get("orphans".to_string()).serde()?.await?;

        for d in fresh {
            state.apply(d);
            out.new += 1;
            if matches!(d, Decoded::Unknown(..)) {
                out.unknown += 1;
            }
        }
        write_state(&tx, &state)?;
        let orphans = orphans.map_or(0, |r| r.v) + state.orphans;
        meta.put(js(&Rec::new("orphans".to_string(), orphans))?)
            .primitive()?;
        meta.put(js(&Rec::new("checkpoint".to_string(), checkpoint))?)
            .primitive()?;
        // Transactions roll back unless committed: an error above leaves nothing behind.
        tx.commit().await?;
        Ok(out)
    }

    async fn cursor(&self) -> Result<Option<Checkpoint>, IdbError> {
        self.get(META, "checkpoint".to_string()).await
    }
}

impl Queries for IdbStore {
    async fn escrow(&self, id: u64) -> Result<Option<Escrow>, IdbError> {
        self.get(ESCROWS, num(id)).await
    }

    async fn escrows_by_party(&self, party: &Address) -> Result<Vec<Escrow>, IdbError> {
        self.by_index(ESCROWS, "parties", party.to_string()).await
    }

    async fn escrows_by_status(&self, status: EscrowStatus) -> Result<Vec<Escrow>, IdbError> {
        self.by_index(ESCROWS, "status", status_key(status)).await
    }

    async fn token(&self, id: u64) -> Result<Option<ContentToken>, IdbError> {
        self.get(TOKENS, num(id)).await
    }

    async fn tokens_by_owner(&self, owner: &Address) -> Result<Vec<ContentToken>, IdbError> {
        self.by_index(TOKENS, "owner", owner.to_string()).await
    }

    async fn tokens_by_creator(&self, creator: &Address) -> Result<Vec<ContentToken>, IdbError> {
        self.by_index(TOKENS, "creator", creator.to_string()).await
    }

    async fn profile(&self, learner: &Address) -> Result<Option<Profile>, IdbError> {
        self.get(PROFILES, learner.to_string()).await
    }

    async fn completions_by_course(&self, course_id: u64) -> Result<Vec<Completion>, IdbError> {
        self.by_index(COMPLETIONS, "course", num(course_id)).await
    }

    async fn completions_by_learner(&self, learner: &Address) -> Result<Vec<Completion>, IdbError> {
        self.by_index(COMPLETIONS, "learner", learner.to_string())
            .await
    }

    async fn contribution(&self, id: u64) -> Result<Option<Contribution>, IdbError> {
        self.get(CONTRIBUTIONS, num(id)).await
    }

    async fn contributions_by_author(
        &self,
        author: &Address,
    ) -> Result<Vec<Contribution>, IdbError> {
        self.by_index(CONTRIBUTIONS, "author", author.to_string())
            .await
    }

    async fn rewards(&self, learner: &Address) -> Result<Option<LearnerRewards>, IdbError> {
        self.get(REWARDS, learner.to_string()).await
    }

    async fn pool(&self) -> Result<Option<Pool>, IdbError> {
        Ok(self.all::<Pool>(POOLS).await?.into_iter().next())
    }

    async fn contract_admin(&self, contract: &Address) -> Result<Option<ContractAdmin>, IdbError> {
        self.get(CONTRACTS, contract.to_string()).await
    }

    async fn outbound_transfer(&self, nonce: u64) -> Result<Option<OutboundTransfer>, IdbError> {
        self.get(OUTBOUND, num(nonce)).await
    }

    async fn outbound_transfers_by_sender(
        &self,
        sender: &Address,
    ) -> Result<Vec<OutboundTransfer>, IdbError> {
        self.by_index(OUTBOUND, "sender", sender.to_string()).await
    }

    async fn inbound_transfer(
        &self,
        source_chain: u32,
        nonce: u64,
    ) -> Result<Option<InboundTransfer>, IdbError> {
        self.get(INBOUND, inbound_key(source_chain, nonce)).await
    }

    async fn inbound_transfers_by_recipient(
        &self,
        recipient: &Address,
    ) -> Result<Vec<InboundTransfer>, IdbError> {
        self.by_index(INBOUND, "recipient", recipient.to_string())
            .await
    }

    async fn validators(&self) -> Result<Vec<Validator>, IdbError> {
        self.all(VALIDATORS).await
    }

    async fn validator(&self, address: &Address) -> Result<Option<Validator>, IdbError> {
        self.get(VALIDATORS, address.to_string()).await
    }

    async fn chains(&self) -> Result<Vec<BridgeChain>, IdbError> {
        self.all(CHAINS).await
    }

    async fn bridge(&self) -> Result<Option<BridgeTotals>, IdbError> {
        Ok(self.all::<BridgeTotals>(BRIDGES).await?.into_iter().next())
    }

    async fn stats(&self) -> Result<StoreStats, IdbError> {
        let tx = self.tx(TransactionMode::Readonly)?;
        let events = tx.object_store(APPLIED)?.count().await?;
        let unknown = tx.object_store(UNKNOWN)?.count().await?;
        let orphans: Option<Rec<u64>> = tx
            .object_store(META)?
            .get("orphans".to_string())
            .serde()?
            .await?;
        Ok(StoreStats {
            events: u64::from(events),
            unknown: u64::from(unknown),
            orphans: orphans.map_or(0, |r| r.v),
        })
    }

    async fn unknown_events(&self) -> Result<Vec<UnknownEvent>, IdbError> {
        self.all(UNKNOWN).await
    }
}
