//! Owns the browser store: the projections in IndexedDB behind the [`Store`] and
//! [`Queries`] traits, one readwrite transaction (relaxed durability) per batch, with
//! indexes for the app's queries (by party, status, owner, creator, course, learner,
//! author, transfer sender and recipient).
//!
//! The writer keeps the projected [`State`] in memory (a [`MemoryStore`], with its query
//! indexes): a batch is applied there with the same projection code as the memory store,
//! and the transaction appends ONE log record (the after-images of the entities the batch
//! changed, as JSON) and the `meta` record (checkpoint and counters). IndexedDB's cost is
//! per request (~150 µs here), so one put per batch instead of one per entity is what
//! makes persisting fast. The log is materialised into the indexed per-entity records
//! (key, index fields, entity as JSON text) when the syncer has caught up
//! ([`Store::idle`]), or within a batch once it passes [`LOG_LIMIT_BYTES`]. While the log
//! is not empty, queries are answered from memory (loading the entity stores and replaying
//! the log if this handle has no state yet); once it is empty, straight from the indexes.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use indexed_db_futures::{KeyPath, KeyRange};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::decode::Decoded;
use crate::project::{
    BridgeChain, BridgeTotals, Changes, Completion, ContentToken, ContractAdmin, Contribution,
    Escrow, EscrowStatus, InboundTransfer, Keyed, LearnerRewards, OutboundTransfer, Pool, Profile,
    State, UnknownEvent, Validator,
};
use crate::scope::{Entering, Scope};
use crate::snapshot::Snapshot;
use crate::store::{
    BatchOutcome, Checkpoint, MemoryStore, MemoryStoreError, Queries, ScopedStore, Store,
    StoreStats,
};
use crate::types::{Address, EventId};

/// Version 3: entities as JSON text, one `meta` record, no per-event `applied` store;
/// version 4 adds the `log` store (a version 3 database upgrades in place). Databases of
/// versions 1 and 2 are emptied on upgrade and rebuilt from the chain (the indexer is a
/// cache of it).
const VERSION: u8 = 4;
const META: &str = "meta";
/// Version 4 adds the log: one record per batch, materialised into the entity stores.
const LOG: &str = "log";
/// The log is materialised within the batch that takes it past this many bytes of JSON,
/// which bounds what a reload replays (about a second's work at the sizes measured).
pub const LOG_LIMIT_BYTES: u64 = 64 << 20;
const META_KEY: &str = "meta";
/// The per-event idempotency store of versions 1 and 2.
const LEGACY_APPLIED: &str = "applied";
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
    LOG,
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
    #[error("a snapshot is imported only into an empty store; this one is indexed through ledger {ledger}")]
    NotEmpty { ledger: u32 },
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

/// A record as the JS value IndexedDB stores. Its fields are strings (the entity is JSON
/// text), so no number crosses into JS: a u64 above 2^53 - 1 cannot be mangled.
fn js<T: Serialize>(value: &T) -> Result<JsValue, IdbError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| IdbError::Db(e.to_string()))
}

fn json<T: Serialize>(value: &T) -> Result<String, IdbError> {
    serde_json::to_string(value).map_err(|e| IdbError::Db(format!("encoding a record: {e}")))
}

fn unjson<T: DeserializeOwned>(text: &str) -> Result<T, IdbError> {
    serde_json::from_str(text).map_err(|e| IdbError::Db(format!("a stored record: {e}")))
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
    /// The writer's copy of the committed state; `None` until the first batch, and again
    /// after a failed one.
    cache: RefCell<Option<Cache>>,
}

impl IdbStore {
    /// Opens (creating or upgrading) the database `name`.
    pub async fn open(name: &str) -> Result<Self, IdbError> {
        let db = Database::open(name)
            .with_version(VERSION)
            .with_on_upgrade_needed(|_event, db| {
                // A version 1 or 2 database (it has the `applied` store) stores records
                // another way: empty it, and sync rebuilds it from the chain.
                let mut existing: Vec<String> = db.object_store_names().collect();
                if existing.iter().any(|name| name == LEGACY_APPLIED) {
                    for name in existing.drain(..) {
                        db.delete_object_store(&name)?;
                    }
                }
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
        Ok(IdbStore {
            db,
            cache: RefCell::new(None),
        })
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
}

/// One record of `store` by key, decoded.
async fn get<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    store: &str,
    key: String,
) -> Result<Option<T>, IdbError> {
    let rec: Option<Rec<String>> = tx.object_store(store)?.get(key).serde()?.await?;
    rec.map(|r| unjson(&r.v)).transpose()
}

/// The records of `store` whose index `index` holds `key`, decoded.
async fn by_index<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    store: &str,
    index: &str,
    key: String,
) -> Result<Vec<T>, IdbError> {
    let recs: Vec<Rec<String>> = tx
        .object_store(store)?
        .index(index)?
        .get_all()
        .with_query(key)
        .serde()?
        .await?
        .collect::<Result<_, _>>()?;
    recs.iter().map(|r| unjson(&r.v)).collect()
}

/// What the `meta` record holds: the checkpoint and the counters, written with every batch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Meta {
    checkpoint: Option<Checkpoint>,
    applied_through: Option<EventId>,
    events: u64,
    orphans: u64,
    unknown: u64,
    /// Log records `log_first..log_next` hold changes not yet in the entity stores.
    #[serde(default)]
    log_first: u64,
    #[serde(default)]
    log_next: u64,
    /// Bytes of JSON in those log records.
    #[serde(default)]
    log_bytes: u64,
}

impl Meta {
    fn log_is_empty(&self) -> bool {
        self.log_first == self.log_next
    }

    /// This meta with the counters of `state` and `checkpoint`.
    fn with(&self, state: &State, checkpoint: Option<Checkpoint>) -> Self {
        Meta {
            checkpoint,
            applied_through: state.applied_through,
            events: state.events,
            orphans: state.orphans,
            unknown: state.unknown.len() as u64,
            ..self.clone()
        }
    }
}

/// The projections as last committed, kept in memory (with their query indexes) by the
/// writer, and by readers while the log holds changes the entity stores lack.
struct Cache {
    mem: Rc<MemoryStore>,
    meta: Meta,
    /// The keys of the entities the log changed: what materialising writes.
    pending: Changes,
    /// False while a batch applied to `mem` is being committed (or was abandoned then):
    /// the writer must reload before trusting `mem` again.
    committed: bool,
}

/// One log record: the after-images of the entities a batch changed.
#[derive(Default, Serialize, Deserialize)]
struct Images<'a> {
    escrows: Vec<Cow<'a, Escrow>>,
    tokens: Vec<Cow<'a, ContentToken>>,
    profiles: Vec<Cow<'a, Profile>>,
    completions: Vec<Cow<'a, Completion>>,
    contributions: Vec<Cow<'a, Contribution>>,
    rewards: Vec<Cow<'a, LearnerRewards>>,
    pools: Vec<Cow<'a, Pool>>,
    contracts: Vec<Cow<'a, ContractAdmin>>,
    outbound: Vec<Cow<'a, OutboundTransfer>>,
    inbound: Vec<Cow<'a, InboundTransfer>>,
    validators: Vec<Cow<'a, Validator>>,
    chains: Vec<Cow<'a, BridgeChain>>,
    bridges: Vec<Cow<'a, BridgeTotals>>,
    unknown: Vec<Cow<'a, UnknownEvent>>,
}

fn images<'a>(state: &'a State, changes: &Changes) -> Images<'a> {
    fn pick<'a, K: Ord, V: Clone>(map: &'a BTreeMap<K, V>, keys: &BTreeSet<K>) -> Vec<Cow<'a, V>> {
        keys.iter()
            .filter_map(|k| map.get(k).map(Cow::Borrowed))
            .collect()
    }
    Images {
        escrows: pick(&state.escrows, &changes.escrows),
        tokens: pick(&state.tokens, &changes.tokens),
        profiles: pick(&state.profiles, &changes.profiles),
        completions: pick(&state.completions, &changes.completions),
        contributions: pick(&state.contributions, &changes.contributions),
        rewards: pick(&state.rewards, &changes.rewards),
        pools: pick(&state.pools, &changes.pools),
        contracts: pick(&state.contracts, &changes.contracts),
        outbound: pick(&state.outbound, &changes.outbound),
        inbound: pick(&state.inbound, &changes.inbound),
        validators: pick(&state.validators, &changes.validators),
        chains: pick(&state.chains, &changes.chains),
        bridges: pick(&state.bridges, &changes.bridges),
        unknown: pick(&state.unknown, &changes.unknown),
    }
}

/// Puts the after-images of a log record into `state`, and their keys into `pending`.
fn replay(images: Images<'_>, state: &mut State, pending: &mut Changes) {
    fn upsert<T: Keyed>(
        images: Vec<Cow<'_, T>>,
        map: &mut BTreeMap<T::Key, T>,
        keys: &mut BTreeSet<T::Key>,
    ) {
        for x in images {
            let x = x.into_owned();
            keys.insert(x.key());
            map.insert(x.key(), x);
        }
    }
    upsert(images.escrows, &mut state.escrows, &mut pending.escrows);
    upsert(images.tokens, &mut state.tokens, &mut pending.tokens);
    upsert(images.profiles, &mut state.profiles, &mut pending.profiles);
    upsert(
        images.completions,
        &mut state.completions,
        &mut pending.completions,
    );
    upsert(
        images.contributions,
        &mut state.contributions,
        &mut pending.contributions,
    );
    upsert(images.rewards, &mut state.rewards, &mut pending.rewards);
    upsert(images.pools, &mut state.pools, &mut pending.pools);
    upsert(
        images.contracts,
        &mut state.contracts,
        &mut pending.contracts,
    );
    upsert(images.outbound, &mut state.outbound, &mut pending.outbound);
    upsert(images.inbound, &mut state.inbound, &mut pending.inbound);
    upsert(
        images.validators,
        &mut state.validators,
        &mut pending.validators,
    );
    upsert(images.chains, &mut state.chains, &mut pending.chains);
    upsert(images.bridges, &mut state.bridges, &mut pending.bridges);
    upsert(images.unknown, &mut state.unknown, &mut pending.unknown);
}

/// Entities per log record when importing a snapshot: records of a few MiB.
const IMPORT_CHUNK: usize = 10_000;

/// Every entity of `state` as log records of at most `per` entities each.
fn image_chunks(state: &State, per: usize) -> Vec<Images<'_>> {
    let mut out: Vec<Images<'_>> = Vec::new();
    let mut n = per;
    macro_rules! add {
        ($($field:ident),*) => {$(
            for x in state.$field.values() {
                if n == per {
                    out.push(Images::default());
                    n = 0;
                }
                if let Some(last) = out.last_mut() {
                    last.$field.push(Cow::Borrowed(x));
                }
                n += 1;
            }
        )*};
    }
    add!(
        escrows,
        tokens,
        profiles,
        completions,
        contributions,
        rewards,
        pools,
        contracts,
        outbound,
        inbound,
        validators,
        chains,
        bridges,
        unknown
    );
    out
}

fn merge(into: &mut Changes, from: Changes) {
    into.escrows.extend(from.escrows);
    into.tokens.extend(from.tokens);
    into.profiles.extend(from.profiles);
    into.completions.extend(from.completions);
    into.contributions.extend(from.contributions);
    into.rewards.extend(from.rewards);
    into.pools.extend(from.pools);
    into.contracts.extend(from.contracts);
    into.outbound.extend(from.outbound);
    into.inbound.extend(from.inbound);
    into.validators.extend(from.validators);
    into.chains.extend(from.chains);
    into.bridges.extend(from.bridges);
    into.unknown.extend(from.unknown);
}

fn memory_error(e: MemoryStoreError) -> IdbError {
    IdbError::Db(e.to_string())
}

/// Puts one record: the key, the index fields `index` sets, and the entity as JSON.
fn put<T: Serialize>(
    store: &ObjectStore<'_>,
    key: String,
    value: &T,
    index: impl FnOnce(&mut Rec<String>),
) -> Result<(), IdbError> {
    let mut r = Rec::new(key, json(value)?);
    index(&mut r);
    store.put(js(&r)?).primitive()?;
    Ok(())
}

/// Puts the entities `changes` names, as `state` holds them, into the transaction.
fn write_changes(tx: &Transaction<'_>, state: &State, changes: &Changes) -> Result<(), IdbError> {
    fn each<'a, K: Ord + 'a, V: 'a>(
        map: &'a BTreeMap<K, V>,
        keys: &'a BTreeSet<K>,
    ) -> impl Iterator<Item = &'a V> + 'a {
        keys.iter().filter_map(move |k| map.get(k))
    }
    let s = tx.object_store(ESCROWS)?;
    for x in each(&state.escrows, &changes.escrows) {
        put(&s, num(x.id), x, |r| {
            r.parties = x.parties().iter().map(ToString::to_string).collect();
            r.status = Some(status_key(x.status));
        })?;
    }
    let s = tx.object_store(TOKENS)?;
    for t in each(&state.tokens, &changes.tokens) {
        put(&s, num(t.id), t, |r| {
            r.owner = t.owner.map(|a| a.to_string());
            r.creator = t.creator.map(|a| a.to_string());
        })?;
    }
    let s = tx.object_store(PROFILES)?;
    for p in each(&state.profiles, &changes.profiles) {
        put(&s, p.learner.to_string(), p, |_| {})?;
    }
    let s = tx.object_store(COMPLETIONS)?;
    for c in each(&state.completions, &changes.completions) {
        put(&s, completion_key(c.course_id, &c.learner), c, |r| {
            r.course = Some(num(c.course_id));
            r.learner = Some(c.learner.to_string());
        })?;
    }
    let s = tx.object_store(CONTRIBUTIONS)?;
    for c in each(&state.contributions, &changes.contributions) {
        put(&s, num(c.id), c, |r| r.author = Some(c.author.to_string()))?;
    }
    let s = tx.object_store(REWARDS)?;
    for r in each(&state.rewards, &changes.rewards) {
        put(&s, r.learner.to_string(), r, |_| {})?;
    }
    let s = tx.object_store(POOLS)?;
    for p in each(&state.pools, &changes.pools) {
        put(&s, p.contract.to_string(), p, |_| {})?;
    }
    let s = tx.object_store(CONTRACTS)?;
    for c in each(&state.contracts, &changes.contracts) {
        put(&s, c.contract.to_string(), c, |_| {})?;
    }
    let s = tx.object_store(OUTBOUND)?;
    for t in each(&state.outbound, &changes.outbound) {
        put(&s, num(t.nonce), t, |r| {
            r.sender = Some(t.sender.to_string())
        })?;
    }
    let s = tx.object_store(INBOUND)?;
    for t in each(&state.inbound, &changes.inbound) {
        put(&s, inbound_key(t.source_chain, t.nonce), t, |r| {
            r.recipient = Some(t.recipient.to_string());
        })?;
    }
    let s = tx.object_store(VALIDATORS)?;
    for v in each(&state.validators, &changes.validators) {
        put(&s, v.address.to_string(), v, |_| {})?;
    }
    let s = tx.object_store(CHAINS)?;
    for c in each(&state.chains, &changes.chains) {
        put(&s, chain_key(c.chain), c, |_| {})?;
    }
    let s = tx.object_store(BRIDGES)?;
    for b in each(&state.bridges, &changes.bridges) {
        put(&s, b.contract.to_string(), b, |_| {})?;
    }
    let s = tx.object_store(UNKNOWN)?;
    for (id, u) in changes
        .unknown
        .iter()
        .filter_map(|id| state.unknown.get(id).map(|u| (id, u)))
    {
        put(&s, id.clone(), u, |_| {})?;
    }
    Ok(())
}

/// Every value of `store`, decoded.
async fn load_all<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    store: &str,
) -> Result<Vec<T>, IdbError> {
    let recs: Vec<Rec<String>> = tx
        .object_store(store)?
        .get_all()
        .serde()?
        .await?
        .collect::<Result<_, _>>()?;
    recs.iter().map(|r| unjson(&r.v)).collect()
}

/// Every record of `store` into `map`, by each entity's key.
async fn load_into<T: Keyed + DeserializeOwned>(
    tx: &Transaction<'_>,
    store: &str,
    map: &mut BTreeMap<T::Key, T>,
) -> Result<(), IdbError> {
    for x in load_all::<T>(tx, store).await? {
        map.insert(x.key(), x);
    }
    Ok(())
}

/// The whole committed state, read inside `tx` (so it matches the meta read there).
async fn load_cache(tx: &Transaction<'_>, meta: Meta) -> Result<Cache, IdbError> {
    let mut state = State {
        applied_through: meta.applied_through,
        events: meta.events,
        orphans: meta.orphans,
        ..State::default()
    };
    // Requests go out as each `get_all` is built and awaited in turn; the stores are few.
    load_into(tx, ESCROWS, &mut state.escrows).await?;
    load_into(tx, TOKENS, &mut state.tokens).await?;
    load_into(tx, PROFILES, &mut state.profiles).await?;
    load_into(tx, COMPLETIONS, &mut state.completions).await?;
    load_into(tx, CONTRIBUTIONS, &mut state.contributions).await?;
    load_into(tx, REWARDS, &mut state.rewards).await?;
    load_into(tx, POOLS, &mut state.pools).await?;
    load_into(tx, CONTRACTS, &mut state.contracts).await?;
    load_into(tx, OUTBOUND, &mut state.outbound).await?;
    load_into(tx, INBOUND, &mut state.inbound).await?;
    load_into(tx, VALIDATORS, &mut state.validators).await?;
    load_into(tx, CHAINS, &mut state.chains).await?;
    load_into(tx, BRIDGES, &mut state.bridges).await?;
    load_into(tx, UNKNOWN, &mut state.unknown).await?;
    // Then the log, oldest first (keys are zero-padded sequence numbers).
    let mut pending = Changes::default();
    for record in load_all::<Images<'static>>(tx, LOG).await? {
        replay(record, &mut state, &mut pending);
    }
    Ok(Cache {
        mem: Rc::new(MemoryStore::from_state(state, meta.checkpoint.clone())),
        meta,
        pending,
        committed: true,
    })
}

async fn read_meta(tx: &Transaction<'_>) -> Result<Meta, IdbError> {
    let rec: Option<Rec<String>> = tx
        .object_store(META)?
        .get(META_KEY.to_string())
        .serde()?
        .await?;
    rec.map_or(Ok(Meta::default()), |r| unjson(&r.v))
}

impl IdbStore {
    /// The writer's cache matching `meta` (reloaded inside `tx` if it does not).
    async fn writer_cache(&self, tx: &Transaction<'_>, meta: &Meta) -> Result<(), IdbError> {
        let fresh = matches!(&*self.cache.borrow(), Some(c) if c.committed && c.meta == *meta);
        if !fresh {
            *self.cache.borrow_mut() = None;
            let loaded = load_cache(tx, meta.clone()).await?;
            *self.cache.borrow_mut() = Some(loaded);
        }
        Ok(())
    }

    /// Commits `tx`; the cache counts as committed with `meta` only once that succeeded.
    async fn commit(
        &self,
        tx: Transaction<'_>,
        meta: Meta,
        materialized: bool,
    ) -> Result<(), IdbError> {
        if let Some(c) = self.cache.borrow_mut().as_mut() {
            c.committed = false;
        }
        if let Err(e) = tx.commit().await {
            *self.cache.borrow_mut() = None;
            return Err(e.into());
        }
        if let Some(c) = self.cache.borrow_mut().as_mut() {
            c.meta = meta;
            c.committed = true;
            if materialized {
                c.pending = Changes::default();
            }
        }
        Ok(())
    }

    /// Writes every entity the log changed into the indexed entity stores and empties the
    /// log, in one transaction; returns how many entities it wrote. The syncer calls it
    /// through [`Store::idle`] once it has caught up, so a backfill writes at log speed
    /// and the per-entity records (what queries on a reloaded page read) follow.
    pub async fn materialize(&self) -> Result<usize, IdbError> {
        let tx = self.tx(TransactionMode::Readwrite)?;
        let meta = read_meta(&tx).await?;
        if meta.log_is_empty() {
            return Ok(0);
        }
        self.writer_cache(&tx, &meta).await?;
        let written = {
            let cache = self.cache.borrow();
            let cache = cache
                .as_ref()
                .ok_or_else(|| IdbError::Db("no cache".into()))?;
            cache
                .mem
                .with_state(|state| write_changes(&tx, state, &cache.pending))
                .map_err(memory_error)??;
            cache.pending.len()
        };
        tx.object_store(LOG)?.clear()?;
        let meta = Meta {
            log_first: meta.log_next,
            log_bytes: 0,
            ..meta
        };
        put(&tx.object_store(META)?, META_KEY.to_string(), &meta, |_| {})?;
        self.commit(tx, meta, true).await?;
        Ok(written)
    }

    /// Imports a verified snapshot ([`crate::snapshot::decode`]) into this empty database,
    /// in one readwrite transaction: the entities go in as log records (a few large puts
    /// rather than one per entity, materialised into the indexed records once the syncer
    /// has caught up, as after a backfill) with the meta record holding the snapshot's
    /// checkpoint, so a sync started next resumes after it. A database that holds
    /// anything refuses ([`IdbError::NotEmpty`]); a failed import leaves it empty.
    pub async fn import_snapshot(&self, snapshot: &Snapshot) -> Result<(), IdbError> {
        let tx = self.tx(TransactionMode::Readwrite)?;
        let meta = read_meta(&tx).await?;
        if meta != Meta::default() {
            return Err(IdbError::NotEmpty {
                ledger: meta.checkpoint.map_or(0, |c| c.ledger),
            });
        }
        let state = &snapshot.state;
        let mut meta = meta.with(state, Some(snapshot.checkpoint().clone()));
        let log = tx.object_store(LOG)?;
        for chunk in image_chunks(state, IMPORT_CHUNK) {
            let record = json(&chunk)?;
            meta.log_bytes += record.len() as u64;
            log.put(js(&Rec::new(num(meta.log_next), record))?)
                .primitive()?;
            meta.log_next += 1;
        }
        put(&tx.object_store(META)?, META_KEY.to_string(), &meta, |_| {})?;
        *self.cache.borrow_mut() = None;
        tx.commit().await?;
        Ok(())
    }

    /// Answers a query from memory while the log holds changes (`mem`), else from the
    /// indexed entity stores (`idb`), in the transaction that found the log empty.
    async fn query<T>(
        &self,
        mem: impl AsyncFnOnce(&MemoryStore) -> Result<T, MemoryStoreError>,
        idb: impl AsyncFnOnce(&Transaction<'_>) -> Result<T, IdbError>,
    ) -> Result<T, IdbError> {
        let tx = self.tx(TransactionMode::Readonly)?;
        let meta = read_meta(&tx).await?;
        if meta.log_is_empty() {
            return idb(&tx).await;
        }
        let mem_store = self.reader(&tx, meta).await?;
        mem(&mem_store).await.map_err(memory_error)
    }

    /// Runs `f` over the whole projected state, as committed, read in one transaction
    /// (this handle's in-memory projections when current, else loaded from the database):
    /// for computations over everything, such as the learner's recommendations.
    pub async fn with_state<R>(&self, f: impl FnOnce(&State) -> R) -> Result<R, IdbError> {
        let tx = self.tx(TransactionMode::Readonly)?;
        let meta = read_meta(&tx).await?;
        self.reader(&tx, meta)
            .await?
            .with_state(f)
            .map_err(memory_error)
    }

    /// The in-memory projections to answer a query from while the log holds changes the
    /// entity stores lack: this handle's, or loaded inside `tx`.
    async fn reader(&self, tx: &Transaction<'_>, meta: Meta) -> Result<Rc<MemoryStore>, IdbError> {
        // A batch being committed is visible to readers (it is about to be in the
        // database); the writer alone must not build on it before its commit.
        let cached = self
            .cache
            .borrow()
            .as_ref()
            .filter(|c| !c.committed || c.meta == meta)
            .map(|c| c.mem.clone());
        if let Some(mem) = cached {
            return Ok(mem);
        }
        let loaded = load_cache(tx, meta).await?;
        let mem = loaded.mem.clone();
        *self.cache.borrow_mut() = Some(loaded);
        Ok(mem)
    }
}

impl Store for IdbStore {
    type Error = IdbError;

    /// Applies the batch to the state kept in memory and appends, in one readwrite
    /// transaction, one log record with the after-images of the entities it changed, and
    /// the meta record with the checkpoint. One put per batch instead of one per entity:
    /// IndexedDB's cost is per request. The transaction first re-reads the meta record:
    /// if another writer (a second tab) moved it, the state is reloaded before applying.
    /// When the log passes [`LOG_LIMIT_BYTES`] it is materialised in the same transaction.
    /// If anything fails, the in-memory state is dropped and reloaded next time.
    async fn apply_batch(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, IdbError> {
        let tx = self.tx(TransactionMode::Readwrite)?;
        let meta = read_meta(&tx).await?;
        if events.is_empty() {
            // Only the checkpoint moves (ledgers without events): no entity changes, so
            // the writer's copy of the state is not needed (and not loaded: after a
            // reload that would read every record before the first page can).
            let moved = Meta {
                checkpoint: Some(checkpoint.clone()),
                ..meta.clone()
            };
            put(
                &tx.object_store(META)?,
                META_KEY.to_string(),
                &moved,
                |_| {},
            )?;
            tx.commit().await?;
            // A writer's copy that matched the database still does.
            if let Some(c) = self.cache.borrow_mut().as_mut() {
                if c.committed && c.meta == meta {
                    c.meta = moved;
                }
            }
            return Ok(BatchOutcome::default());
        }
        self.apply_staged(tx, meta, checkpoint, |mem| {
            mem.apply_batch_tracked(events, checkpoint)
        })
        .await
    }

    async fn cursor(&self) -> Result<Option<Checkpoint>, IdbError> {
        let tx = self.tx(TransactionMode::Readonly)?;
        Ok(read_meta(&tx).await?.checkpoint)
    }

    async fn idle(&self) -> Result<(), IdbError> {
        self.materialize().await.map(|_| ())
    }
}

impl ScopedStore for IdbStore {
    async fn read_state<R>(&self, f: impl FnOnce(&State) -> R) -> Result<R, IdbError> {
        self.with_state(f).await
    }

    /// As [`Store::apply_batch`]: one log record with the after-images of what the scoped
    /// batch wrote, and the meta record, in one readwrite transaction.
    async fn apply_scoped(
        &self,
        scope: &Scope,
        entering: &Entering,
        history: Vec<Decoded>,
        page: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, IdbError> {
        let tx = self.tx(TransactionMode::Readwrite)?;
        let meta = read_meta(&tx).await?;
        self.apply_staged(tx, meta, checkpoint, |mem| {
            mem.apply_scoped_tracked(scope, entering, history, page, checkpoint)
        })
        .await
    }
}

impl IdbStore {
    /// Applies a batch to the writer's in-memory state with `apply` and appends the log
    /// record of what it changed and the meta record, in `tx`; on any failure the
    /// in-memory state is dropped (the transaction rolls back).
    async fn apply_staged(
        &self,
        tx: Transaction<'_>,
        meta: Meta,
        checkpoint: &Checkpoint,
        apply: impl FnOnce(&MemoryStore) -> Result<(BatchOutcome, Changes), MemoryStoreError>,
    ) -> Result<BatchOutcome, IdbError> {
        self.writer_cache(&tx, &meta).await?;
        let staged = (|| {
            let mut cache = self.cache.borrow_mut();
            let cache = cache
                .as_mut()
                .ok_or_else(|| IdbError::Db("no cache".into()))?;
            let (outcome, changes) = apply(&cache.mem).map_err(memory_error)?;
            let mut meta = cache.meta.clone();
            if !changes.is_empty() {
                let record = cache
                    .mem
                    .with_state(|state| json(&images(state, &changes)))
                    .map_err(memory_error)??;
                meta.log_bytes += record.len() as u64;
                let log = tx.object_store(LOG)?;
                log.put(js(&Rec::new(num(meta.log_next), record))?)
                    .primitive()?;
                meta.log_next += 1;
                merge(&mut cache.pending, changes);
            }
            let materialize = meta.log_bytes > LOG_LIMIT_BYTES;
            if materialize {
                cache
                    .mem
                    .with_state(|state| write_changes(&tx, state, &cache.pending))
                    .map_err(memory_error)??;
                tx.object_store(LOG)?.clear()?;
                meta.log_first = meta.log_next;
                meta.log_bytes = 0;
            }
            let meta = cache
                .mem
                .with_state(|state| meta.with(state, Some(checkpoint.clone())))
                .map_err(memory_error)?;
            put(&tx.object_store(META)?, META_KEY.to_string(), &meta, |_| {})?;
            Ok::<_, IdbError>((outcome, meta, materialize))
        })();
        let (outcome, meta, materialized) = match staged {
            Ok(staged) => staged,
            Err(e) => {
                // Memory may hold part of the batch: drop it (the transaction rolls back).
                *self.cache.borrow_mut() = None;
                return Err(e);
            }
        };
        self.commit(tx, meta, materialized).await?;
        Ok(outcome)
    }
}

impl Queries for IdbStore {
    async fn escrow(&self, id: u64) -> Result<Option<Escrow>, IdbError> {
        self.query(
            async |m| m.escrow(id).await,
            async |tx| get(tx, ESCROWS, num(id)).await,
        )
        .await
    }

    async fn escrows_by_party(&self, party: &Address) -> Result<Vec<Escrow>, IdbError> {
        self.query(
            async |m| m.escrows_by_party(party).await,
            async |tx| by_index(tx, ESCROWS, "parties", party.to_string()).await,
        )
        .await
    }

    async fn escrows_by_status(&self, status: EscrowStatus) -> Result<Vec<Escrow>, IdbError> {
        self.query(
            async |m| m.escrows_by_status(status).await,
            async |tx| by_index(tx, ESCROWS, "status", status_key(status)).await,
        )
        .await
    }

    async fn token(&self, id: u64) -> Result<Option<ContentToken>, IdbError> {
        self.query(
            async |m| m.token(id).await,
            async |tx| get(tx, TOKENS, num(id)).await,
        )
        .await
    }

    async fn tokens_by_owner(&self, owner: &Address) -> Result<Vec<ContentToken>, IdbError> {
        self.query(
            async |m| m.tokens_by_owner(owner).await,
            async |tx| by_index(tx, TOKENS, "owner", owner.to_string()).await,
        )
        .await
    }

    async fn tokens_by_creator(&self, creator: &Address) -> Result<Vec<ContentToken>, IdbError> {
        self.query(
            async |m| m.tokens_by_creator(creator).await,
            async |tx| by_index(tx, TOKENS, "creator", creator.to_string()).await,
        )
        .await
    }

    async fn tokens(
        &self,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<ContentToken>, IdbError> {
        self.query(
            async |m| m.tokens(after, limit).await,
            async |tx| {
                // Keys are zero-padded ids: key order is id order.
                let limit = u32::try_from(limit).unwrap_or(u32::MAX);
                let tokens = tx.object_store(TOKENS)?;
                let all = tokens.get_all();
                let recs: Vec<Rec<String>> = match after {
                    Some(a) => all
                        .with_query::<String, _>(KeyRange::LowerBound(num(a), true))
                        .with_limit(limit)
                        .serde()?
                        .await?
                        .collect::<Result<_, _>>()?,
                    None => all
                        .with_limit(limit)
                        .serde()?
                        .await?
                        .collect::<Result<_, _>>()?,
                };
                recs.iter().map(|r| unjson(&r.v)).collect()
            },
        )
        .await
    }

    async fn profile(&self, learner: &Address) -> Result<Option<Profile>, IdbError> {
        self.query(
            async |m| m.profile(learner).await,
            async |tx| get(tx, PROFILES, learner.to_string()).await,
        )
        .await
    }

    async fn completions_by_course(&self, course_id: u64) -> Result<Vec<Completion>, IdbError> {
        self.query(
            async |m| m.completions_by_course(course_id).await,
            async |tx| by_index(tx, COMPLETIONS, "course", num(course_id)).await,
        )
        .await
    }

    async fn completions_by_learner(&self, learner: &Address) -> Result<Vec<Completion>, IdbError> {
        self.query(
            async |m| m.completions_by_learner(learner).await,
            async |tx| by_index(tx, COMPLETIONS, "learner", learner.to_string()).await,
        )
        .await
    }

    async fn contribution(&self, id: u64) -> Result<Option<Contribution>, IdbError> {
        self.query(
            async |m| m.contribution(id).await,
            async |tx| get(tx, CONTRIBUTIONS, num(id)).await,
        )
        .await
    }

    async fn contributions_by_author(
        &self,
        author: &Address,
    ) -> Result<Vec<Contribution>, IdbError> {
        self.query(
            async |m| m.contributions_by_author(author).await,
            async |tx| by_index(tx, CONTRIBUTIONS, "author", author.to_string()).await,
        )
        .await
    }

    async fn rewards(&self, learner: &Address) -> Result<Option<LearnerRewards>, IdbError> {
        self.query(
            async |m| m.rewards(learner).await,
            async |tx| get(tx, REWARDS, learner.to_string()).await,
        )
        .await
    }

    async fn pool(&self) -> Result<Option<Pool>, IdbError> {
        self.query(
            async |m| m.pool().await,
            async |tx| Ok(load_all::<Pool>(tx, POOLS).await?.into_iter().next()),
        )
        .await
    }

    async fn contract_admin(&self, contract: &Address) -> Result<Option<ContractAdmin>, IdbError> {
        self.query(
            async |m| m.contract_admin(contract).await,
            async |tx| get(tx, CONTRACTS, contract.to_string()).await,
        )
        .await
    }

    async fn outbound_transfer(&self, nonce: u64) -> Result<Option<OutboundTransfer>, IdbError> {
        self.query(
            async |m| m.outbound_transfer(nonce).await,
            async |tx| get(tx, OUTBOUND, num(nonce)).await,
        )
        .await
    }

    async fn outbound_transfers_by_sender(
        &self,
        sender: &Address,
    ) -> Result<Vec<OutboundTransfer>, IdbError> {
        self.query(
            async |m| m.outbound_transfers_by_sender(sender).await,
            async |tx| by_index(tx, OUTBOUND, "sender", sender.to_string()).await,
        )
        .await
    }

    async fn inbound_transfer(
        &self,
        source_chain: u32,
        nonce: u64,
    ) -> Result<Option<InboundTransfer>, IdbError> {
        self.query(
            async |m| m.inbound_transfer(source_chain, nonce).await,
            async |tx| get(tx, INBOUND, inbound_key(source_chain, nonce)).await,
        )
        .await
    }

    async fn inbound_transfers_by_recipient(
        &self,
        recipient: &Address,
    ) -> Result<Vec<InboundTransfer>, IdbError> {
        self.query(
            async |m| m.inbound_transfers_by_recipient(recipient).await,
            async |tx| by_index(tx, INBOUND, "recipient", recipient.to_string()).await,
        )
        .await
    }

    async fn validators(&self) -> Result<Vec<Validator>, IdbError> {
        self.query(
            async |m| m.validators().await,
            async |tx| load_all(tx, VALIDATORS).await,
        )
        .await
    }

    async fn validator(&self, address: &Address) -> Result<Option<Validator>, IdbError> {
        self.query(
            async |m| m.validator(address).await,
            async |tx| get(tx, VALIDATORS, address.to_string()).await,
        )
        .await
    }

    async fn chains(&self) -> Result<Vec<BridgeChain>, IdbError> {
        self.query(
            async |m| m.chains().await,
            async |tx| load_all(tx, CHAINS).await,
        )
        .await
    }

    async fn bridge(&self) -> Result<Option<BridgeTotals>, IdbError> {
        self.query(
            async |m| m.bridge().await,
            async |tx| {
                Ok(load_all::<BridgeTotals>(tx, BRIDGES)
                    .await?
                    .into_iter()
                    .next())
            },
        )
        .await
    }

    async fn stats(&self) -> Result<StoreStats, IdbError> {
        let tx = self.tx(TransactionMode::Readonly)?;
        let meta = read_meta(&tx).await?;
        Ok(StoreStats {
            events: meta.events,
            unknown: meta.unknown,
            orphans: meta.orphans,
        })
    }

    async fn unknown_events(&self) -> Result<Vec<UnknownEvent>, IdbError> {
        self.query(
            async |m| m.unknown_events().await,
            async |tx| load_all(tx, UNKNOWN).await,
        )
        .await
    }
}
