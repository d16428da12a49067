//! One conformance suite for every store behind the indexer's `Store` and `Queries`
//! traits: the in-memory store, `SqlStore` on SQLite (a temp file) and `SqlStore` on a
//! real PostgreSQL. The memory store is the reference: after the same batches every query
//! of a SQL store must answer exactly what it answers.
//!
//! PostgreSQL: `TEACHLINK_TEST_DATABASE_URL` (default: the URL `scripts/postgres.sh`
//! prints). The tests FAIL when it is unreachable; run `scripts/postgres.sh` first. Each
//! test works in a fresh schema of its own (dropped at the end; schemas left by dead test
//! processes are dropped by the next run), so tests run concurrently.

#[path = "../../indexer-wasm/tests/fixtures/mod.rs"]
mod fixtures;

use std::path::PathBuf;

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use teachlink_indexer::traffic;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use teachlink_indexer::decode::{Decoded, Event, EventMeta, RawEvent, Signer, TeachLinkEvent as E};
use teachlink_indexer::project::{Completion, EscrowStatus};
use teachlink_indexer::store::{BatchOutcome, Checkpoint, Gap, MemoryStore, Queries, Store};
use teachlink_indexer::{Address, EventId, Hash32, HexBytes};
use teachlink_indexer_sql::{Backend, ContractFilter, SqlError, SqlStore, MAX_PAGE};

const DEFAULT_PG_URL: &str = "postgres://teachlink:teachlink@127.0.0.1:5432/teachlink_test";

// ---------------------------------------------------------------------------------------
// Backends

/// A database the suite runs against; `open` gives a store on it (the same database each
/// time for SQL backends, so a second `open` is a reopen).
trait Env {
    type S: Store + Queries;
    async fn open(&self) -> Self::S;
    /// Removes what the test created (the PostgreSQL schema).
    async fn done(self)
    where
        Self: Sized,
    {
    }
}

/// The SQL backends: raw SQL beside the store, to break and repair it.
trait SqlEnv: Env<S = SqlStore> {
    async fn exec(&self, sql: &str);
    /// Makes every commit fail from now on (until [`SqlEnv::heal`]).
    async fn break_commits(&self);
    async fn heal(&self);
    /// Creates the schema of the FIRST migration only, as the first version did.
    async fn first_migration_only(&self);
    /// Copies every projection table and the `meta` row's first-migration columns from
    /// `other`'s database into this one.
    async fn copy_first_schema_from(&self, other: &Self);
}

/// The first migration of `backend`, alone, as a migrator.
async fn first_migrator(backend: &str) -> (tempfile::TempDir, sqlx::migrate::Migrator) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let name = "0001_projections.sql";
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend)
            .join(name),
        dir.path().join(name),
    )
    .expect("copies the first migration");
    let migrator = sqlx::migrate::Migrator::new(dir.path())
        .await
        .expect("reads the first migration");
    (dir, migrator)
}

/// The tables of the first migration, projections first, then its `meta` columns.
const FIRST_TABLES: [&str; 15] = [
    "escrows",
    "escrow_parties",
    "tokens",
    "profiles",
    "completions",
    "contributions",
    "rewards",
    "pools",
    "contracts",
    "outbound",
    "inbound",
    "validators",
    "chains",
    "bridges",
    "unknown_events",
];
const FIRST_META: &str = "generation, checkpoint_ledger, cursor_toid, cursor_index, gaps, \
     applied_toid, applied_index, events, orphans, unknown";

/// SQL copying the first migration's data from the tables under `prefix` (`old.` for an
/// attached SQLite file, `schema.` on PostgreSQL).
fn copy_sql(prefix: &str) -> String {
    let mut sql = String::new();
    for t in FIRST_TABLES {
        sql.push_str(&format!("INSERT INTO {t} SELECT * FROM {prefix}{t};\n"));
    }
    sql.push_str(&format!(
        "UPDATE meta SET ({FIRST_META}) = (SELECT {FIRST_META} FROM {prefix}meta WHERE id = 1) \
         WHERE id = 1;\n"
    ));
    sql
}

struct MemoryEnv;

impl Env for MemoryEnv {
    type S = MemoryStore;
    async fn open(&self) -> MemoryStore {
        MemoryStore::new()
    }
}

struct SqliteEnv {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl SqliteEnv {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("indexer.db");
        SqliteEnv { _dir: dir, path }
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.path.display())
    }

    async fn raw(&self) -> SqlitePool {
        let options = SqliteConnectOptions::from_str(&self.url())
            .expect("a sqlite url")
            .create_if_missing(true)
            .busy_timeout(Duration::from_secs(10));
        SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("a raw sqlite connection")
    }
}

impl Env for SqliteEnv {
    type S = SqlStore;
    async fn open(&self) -> SqlStore {
        SqlStore::connect(&self.url()).await.expect("sqlite opens")
    }
}

impl SqlEnv for SqliteEnv {
    async fn exec(&self, sql: &str) {
        let raw = self.raw().await;
        sqlx::raw_sql(sql).execute(&raw).await.expect(sql);
        raw.close().await;
    }

    async fn break_commits(&self) {
        self.exec(
            "CREATE TRIGGER fail_commit BEFORE UPDATE ON meta \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
        )
        .await;
    }

    async fn heal(&self) {
        self.exec("DROP TRIGGER fail_commit").await;
    }

    async fn first_migration_only(&self) {
        let (_dir, migrator) = first_migrator("sqlite").await;
        let raw = self.raw().await;
        migrator.run(&raw).await.expect("the first migration runs");
        raw.close().await;
    }

    async fn copy_first_schema_from(&self, other: &Self) {
        self.exec(&format!(
            "ATTACH DATABASE '{}' AS old;\n{}DETACH DATABASE old;",
            other.path.display(),
            copy_sql("old.")
        ))
        .await;
    }
}

static SCHEMAS: AtomicUsize = AtomicUsize::new(0);

fn pg_base_url() -> String {
    std::env::var("TEACHLINK_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string())
}

/// `url` without its password, for messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{}://{user}:***{}", &url[..s], &url[at..])
        }
        _ => url.to_string(),
    }
}

struct PgEnv {
    schema: String,
    url: String,
    admin: PgPool,
}

impl PgEnv {
    async fn new() -> Self {
        let base = pg_base_url();
        let admin = PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(5))
            .connect(&base)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is unreachable at {} ({e}).\n\
                     Run scripts/postgres.sh (it installs, starts and prepares a local \
                     PostgreSQL), or set TEACHLINK_TEST_DATABASE_URL to a reachable database.",
                    redacted(&base)
                )
            });
        // Schemas of test processes that died before dropping theirs.
        let stale: Vec<String> = sqlx::query_scalar(
            "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'conformance\\_%'",
        )
        .fetch_all(&admin)
        .await
        .expect("lists schemas");
        let me = std::process::id().to_string();
        for s in stale {
            let pid = s.split('_').nth(1).unwrap_or_default();
            if pid != me && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                // Another test process may drop it at the same moment: ignore failures.
                let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {s} CASCADE"))
                    .execute(&admin)
                    .await;
            }
        }
        let schema = format!(
            "conformance_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("creates the test schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        PgEnv { schema, url, admin }
    }

    async fn raw(&self) -> PgPool {
        let options = PgConnectOptions::from_str(&self.url).expect("a postgres url");
        PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("a raw postgres connection")
    }
}

impl Env for PgEnv {
    type S = SqlStore;
    async fn open(&self) -> SqlStore {
        SqlStore::connect(&self.url)
            .await
            .expect("postgres store opens")
    }

    async fn done(self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(&self.admin)
            .await
            .expect("drops the test schema");
        self.admin.close().await;
    }
}

impl SqlEnv for PgEnv {
    async fn exec(&self, sql: &str) {
        let raw = self.raw().await;
        sqlx::raw_sql(sql).execute(&raw).await.expect(sql);
        raw.close().await;
    }

    /// At commit, a deferred trigger kills the committing connection's own backend
    /// (`pg_terminate_backend`): the connection is lost in the middle of the commit.
    async fn break_commits(&self) {
        self.exec(
            "CREATE FUNCTION kill_own_backend() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$; \
             CREATE CONSTRAINT TRIGGER kill_at_commit AFTER UPDATE ON meta \
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kill_own_backend();",
        )
        .await;
    }

    async fn heal(&self) {
        self.exec("DROP TRIGGER kill_at_commit ON meta; DROP FUNCTION kill_own_backend();")
            .await;
    }

    async fn first_migration_only(&self) {
        let (_dir, migrator) = first_migrator("postgres").await;
        let raw = self.raw().await;
        migrator.run(&raw).await.expect("the first migration runs");
        raw.close().await;
    }

    async fn copy_first_schema_from(&self, other: &Self) {
        self.exec(&copy_sql(&format!("{}.", other.schema))).await;
    }
}

// ---------------------------------------------------------------------------------------
// Events, batches, and every answer a store gives

fn catalogue() -> Vec<Decoded> {
    fixtures::every_event()
        .into_iter()
        .map(Decoded::Event)
        .collect()
}

/// Every catalogued event, then generated traffic (its ids follow the catalogue's), in
/// batches of `size`. The two reuse entity ids (escrow 1 is created twice), so the
/// catalogue goes in batches of its own: an escrow's parties are indexed as committed,
/// and within one batch only the last of two contradicting creations is committed.
fn rich_batches(traffic: usize, size: usize) -> Vec<(Vec<Decoded>, Checkpoint)> {
    let mut all = batches(&catalogue(), size);
    all.extend(batches(&traffic::stream(traffic), size));
    all
}

fn id_of(d: &Decoded) -> EventId {
    d.id_string().parse().expect("generated ids parse")
}

/// `events` in batches of `size`, each with the checkpoint a syncer would commit with it.
fn batches(events: &[Decoded], size: usize) -> Vec<(Vec<Decoded>, Checkpoint)> {
    events
        .chunks(size)
        .map(|chunk| {
            let last = chunk.last().map(id_of);
            let cp = Checkpoint {
                cursor: last,
                ledger: last.map_or(0, |id| id.ledger().saturating_sub(1)),
                gaps: vec![Gap {
                    first_ledger: 1,
                    last_ledger: 9,
                }],
            };
            (chunk.to_vec(), cp)
        })
        .collect()
}

async fn apply_all<S: Store>(s: &S, batches: &[(Vec<Decoded>, Checkpoint)]) -> Vec<BatchOutcome> {
    let mut out = Vec::new();
    for (events, cp) in batches {
        out.push(s.apply_batch(events, cp).await.expect("batch applies"));
    }
    out
}

async fn reference(batches: &[(Vec<Decoded>, Checkpoint)]) -> MemoryStore {
    let m = MemoryStore::new();
    apply_all(&m, batches).await;
    m
}

/// The keys to ask every query about: everything the reference store holds, plus keys
/// nobody has.
struct Probe {
    addresses: Vec<Address>,
    escrows: Vec<u64>,
    tokens: Vec<u64>,
    contributions: Vec<u64>,
    courses: Vec<u64>,
    outbound: Vec<u64>,
    inbound: Vec<(u32, u64)>,
}

fn probe(reference: &MemoryStore) -> Probe {
    let s = reference.snapshot().expect("snapshot").state;
    let mut addresses = std::collections::BTreeSet::new();
    for x in s.escrows.values() {
        addresses.extend(x.parties());
    }
    for t in s.tokens.values() {
        addresses.extend(t.owner);
        addresses.extend(t.creator);
    }
    addresses.extend(s.profiles.keys().copied());
    addresses.extend(s.completions.keys().map(|(_, l)| *l));
    addresses.extend(s.contributions.values().map(|c| c.author));
    addresses.extend(s.rewards.keys().copied());
    addresses.extend(s.pools.keys().copied());
    addresses.extend(s.contracts.keys().copied());
    addresses.extend(s.outbound.values().map(|t| t.sender));
    addresses.extend(s.inbound.values().map(|t| t.recipient));
    addresses.extend(s.validators.keys().copied());
    addresses.extend(s.bridges.keys().copied());
    addresses.insert(Address::Account([0xEE; 32]));
    addresses.insert(Address::Contract([0xEE; 32]));
    let plus = |mut v: Vec<u64>| {
        v.push(u64::MAX - 7);
        v.push(123_456_789);
        v
    };
    let mut inbound: Vec<(u32, u64)> = s.inbound.keys().copied().collect();
    inbound.push((u32::MAX - 1, 1));
    let mut courses: Vec<u64> = s.completions.keys().map(|(c, _)| *c).collect();
    courses.dedup();
    Probe {
        addresses: addresses.into_iter().collect(),
        escrows: plus(s.escrows.keys().copied().collect()),
        tokens: plus(s.tokens.keys().copied().collect()),
        contributions: plus(s.contributions.keys().copied().collect()),
        courses: plus(courses),
        outbound: plus(s.outbound.keys().copied().collect()),
        inbound,
    }
}

/// Every query's answer, labelled, as text (the answers of the two stores are compared).
async fn answers<S: Queries>(s: &S, p: &Probe) -> Vec<(String, String)> {
    let mut out = Vec::new();
    macro_rules! ask {
        ($label:expr, $call:expr) => {{
            let label = $label;
            let v = $call.await.unwrap_or_else(|e| panic!("{label}: {e}"));
            out.push((label, format!("{v:?}")));
        }};
    }
    ask!("cursor".to_string(), s.cursor());
    ask!("stats".to_string(), s.stats());
    ask!("pool".to_string(), s.pool());
    ask!("bridge".to_string(), s.bridge());
    ask!("validators".to_string(), s.validators());
    ask!("chains".to_string(), s.chains());
    ask!("unknown_events".to_string(), s.unknown_events());
    for status in [
        EscrowStatus::Open,
        EscrowStatus::Disputed,
        EscrowStatus::Released,
        EscrowStatus::Refunded,
        EscrowStatus::Cancelled,
        EscrowStatus::Resolved,
    ] {
        ask!(
            format!("escrows_by_status({status:?})"),
            s.escrows_by_status(status)
        );
    }
    for id in &p.escrows {
        ask!(format!("escrow({id})"), s.escrow(*id));
    }
    for id in &p.tokens {
        ask!(format!("token({id})"), s.token(*id));
        ask!(format!("tokens(after {id}, 2)"), s.tokens(Some(*id), 2));
    }
    ask!("tokens(all)".to_string(), s.tokens(None, 100_000));
    ask!("tokens(first 3)".to_string(), s.tokens(None, 3));
    for id in &p.contributions {
        ask!(format!("contribution({id})"), s.contribution(*id));
    }
    for c in &p.courses {
        ask!(
            format!("completions_by_course({c})"),
            s.completions_by_course(*c)
        );
    }
    for n in &p.outbound {
        ask!(format!("outbound_transfer({n})"), s.outbound_transfer(*n));
    }
    for (c, n) in &p.inbound {
        ask!(
            format!("inbound_transfer({c}, {n})"),
            s.inbound_transfer(*c, *n)
        );
    }
    for a in &p.addresses {
        ask!(format!("escrows_by_party({a})"), s.escrows_by_party(a));
        ask!(format!("tokens_by_owner({a})"), s.tokens_by_owner(a));
        ask!(format!("tokens_by_creator({a})"), s.tokens_by_creator(a));
        ask!(format!("profile({a})"), s.profile(a));
        ask!(
            format!("completions_by_learner({a})"),
            s.completions_by_learner(a)
        );
        ask!(
            format!("contributions_by_author({a})"),
            s.contributions_by_author(a)
        );
        ask!(format!("rewards({a})"), s.rewards(a));
        ask!(format!("contract_admin({a})"), s.contract_admin(a));
        ask!(
            format!("outbound_transfers_by_sender({a})"),
            s.outbound_transfers_by_sender(a)
        );
        ask!(
            format!("inbound_transfers_by_recipient({a})"),
            s.inbound_transfers_by_recipient(a)
        );
        ask!(format!("validator({a})"), s.validator(a));
    }
    out
}

/// Fails on the first answer that differs, naming the query.
fn assert_same(context: &str, got: &[(String, String)], want: &[(String, String)]) {
    assert_eq!(got.len(), want.len(), "{context}: number of answers");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.0, w.0, "{context}: query order");
        assert_eq!(g.1, w.1, "{context}: {} differs", g.0);
    }
}

/// Fails on the first query of `p` that `got` answers otherwise than `want`.
async fn assert_answers_same<G: Queries, W: Queries>(context: &str, got: &G, want: &W, p: &Probe) {
    assert_same(context, &answers(got, p).await, &answers(want, p).await);
}

// ---------------------------------------------------------------------------------------
// The cases

mod cases {
    use super::*;

    /// Every catalogued event and generated traffic: every answer is the memory store's.
    pub async fn every_query_matches_memory<V: Env>(env: &V) {
        let b = rich_batches(2_500, 97);
        let store = env.open().await;
        let got = apply_all(&store, &b).await;
        let memory = MemoryStore::new();
        let want = apply_all(&memory, &b).await;
        assert_eq!(got, want, "batch outcomes");
        let p = probe(&memory);
        assert!(p.addresses.len() > 100, "a rich probe");
        assert_answers_same("after every event", &store, &memory, &p).await;
    }

    /// A replayed batch changes nothing and counts its events as duplicates; a batch
    /// overlapping the applied ones applies only the new part.
    pub async fn replay_changes_nothing<V: Env>(env: &V) {
        let b = batches(&traffic::stream(600), 50);
        let store = env.open().await;
        let memory = MemoryStore::new();
        apply_all(&store, &b[..5]).await;
        apply_all(&memory, &b[..5]).await;
        let p = probe(&reference(&b).await);
        let before = answers(&store, &p).await;
        let last_cp = b[4].1.clone();

        let replay = store.apply_batch(&b[3].0, &last_cp).await.expect("replays");
        assert_eq!(
            replay,
            BatchOutcome {
                new: 0,
                duplicates: b[3].0.len(),
                unknown: 0
            }
        );
        let all: Vec<Decoded> = b[..5].iter().flat_map(|(e, _)| e.clone()).collect();
        let replay = store.apply_batch(&all, &last_cp).await.expect("replays");
        assert_eq!(replay.new, 0);
        assert_eq!(replay.duplicates, all.len());
        assert_same("after replays", &answers(&store, &p).await, &before);

        // Batches 4 and 5 together: 4 is a replay, 5 is new.
        let overlap: Vec<Decoded> = b[4].0.iter().chain(&b[5].0).cloned().collect();
        let got = store.apply_batch(&overlap, &b[5].1).await.expect("applies");
        let want = memory
            .apply_batch(&overlap, &b[5].1)
            .await
            .expect("applies");
        assert_eq!(got, want);
        assert_eq!(got.duplicates, b[4].0.len());
        assert_eq!(got.new, b[5].0.len());
        assert_answers_same("after an overlap", &store, &memory, &p).await;
    }

    pub const EXTREMES: [u64; 7] = [
        0,
        1,
        (1 << 63) - 1,
        1 << 63,
        (1 << 63) + 1,
        u64::MAX - 1,
        u64::MAX,
    ];

    fn extreme_events() -> Vec<Decoded> {
        let alice = fixtures::acct(10);
        let bob = fixtures::acct(11);
        let mut bodies = Vec::new();
        for (i, id) in EXTREMES.iter().copied().enumerate() {
            let signer = fixtures::acct(100 + i as u8);
            bodies.push((
                fixtures::ESCROW,
                E::EscrowCreated {
                    escrow_id: id,
                    depositor: alice,
                    beneficiary: bob,
                    token: Address::Contract([8; 32]),
                    amount: if i % 2 == 0 { i128::MAX } else { i128::MIN },
                    signers: vec![Signer {
                        address: signer,
                        weight: u32::MAX,
                    }],
                    threshold: u32::MAX,
                    release_after: Some(id),
                    refund_after: Some(u64::MAX),
                    arbitrator: None,
                    dispute_timeout: 0,
                    course_id: id,
                },
            ));
            bodies.push((
                fixtures::CONTENT,
                E::Minted {
                    token_id: id,
                    creator: bob,
                    title: format!("t{id}"),
                    content_hash: Hash32([i as u8; 32]),
                    uri: "ipfs://x".into(),
                    licence: "cc0".into(),
                    tags: vec![],
                    transferable: true,
                    royalty_bps: u32::MAX,
                },
            ));
            bodies.push((
                fixtures::REPUTATION,
                E::CompletionRecorded {
                    learner: alice,
                    course_id: id,
                    issuer: bob,
                    score_pct: 100,
                    credit_score: u32::MAX,
                    reputation: u32::MAX,
                },
            ));
            bodies.push((
                fixtures::REPUTATION,
                E::ContributionRecorded {
                    contribution_id: id,
                    learner: alice,
                    kind: "k".into(),
                    reference: Hash32([1; 32]),
                },
            ));
            bodies.push((
                fixtures::BRIDGE,
                E::BridgeLocked {
                    nonce: id,
                    dest_chain: u32::MAX,
                    sender: alice,
                    amount: i128::MAX,
                    recipient: HexBytes(vec![0xff; 32]),
                    expires_at: id,
                },
            ));
            bodies.push((
                fixtures::BRIDGE,
                E::BridgeCompleted {
                    nonce: id,
                    source_chain: if i % 2 == 0 { u32::MAX } else { 0 },
                    recipient: bob,
                    amount: i128::MIN,
                    attested_stake: i128::MAX,
                },
            ));
        }
        bodies.push((
            fixtures::BRIDGE,
            E::ValidatorRegistered {
                validator: fixtures::V1,
                signing_key: Hash32([9; 32]),
                stake: i128::MAX,
            },
        ));
        bodies.push((
            fixtures::BRIDGE,
            E::UnbondingStarted {
                validator: fixtures::V1,
                unbonding_ends: u64::MAX,
            },
        ));
        bodies
            .into_iter()
            .enumerate()
            .map(|(i, (contract, body))| {
                let ledger = 5_000 + i as u32;
                Decoded::Event(Event {
                    meta: EventMeta {
                        id: EventId {
                            toid: (u64::from(ledger) << 32) | 4096,
                            index: u32::MAX,
                        },
                        ledger,
                        // Close times at the top of the range.
                        closed_at: u64::MAX - i as u64,
                        contract,
                        tx_hash: Hash32([0xff; 32]),
                    },
                    body,
                })
            })
            .collect()
    }

    fn extreme_checkpoint() -> Checkpoint {
        Checkpoint {
            cursor: Some(EventId {
                toid: u64::MAX,
                index: u32::MAX,
            }),
            ledger: u32::MAX,
            gaps: vec![Gap {
                first_ledger: 0,
                last_ledger: u32::MAX,
            }],
        }
    }

    /// Ids, nonces and course ids at 0, 2^63 and u64::MAX (and amounts at i128's ends)
    /// round-trip exactly and sort numerically; so does a checkpoint at the top of range.
    pub async fn u64_extremes<V: Env>(env: &V) {
        let b = vec![(extreme_events(), extreme_checkpoint())];
        let store = env.open().await;
        let memory = reference(&b).await;
        assert_eq!(apply_all(&store, &b).await[0].new, b[0].0.len());
        let p = probe(&memory);
        for id in EXTREMES {
            assert!(p.escrows.contains(&id));
        }
        assert_answers_same("extremes", &store, &memory, &p).await;
        let alice = fixtures::acct(10);
        let ids: Vec<u64> = store
            .escrows_by_party(&alice)
            .await
            .expect("reads")
            .iter()
            .map(|x| x.id)
            .collect();
        assert_eq!(ids, EXTREMES, "numeric order");
        assert_eq!(
            store.cursor().await.expect("reads"),
            Some(extreme_checkpoint())
        );
    }

    // ----- SQL only

    /// A new store on the same database (migrations re-run: a no-op) answers the same and
    /// resumes from the same cursor; continuing equals an uninterrupted run. A second
    /// writer's commits are picked up (the first reloads its state).
    pub async fn reopen_resumes<V: SqlEnv>(env: &V) {
        let events = traffic::stream(1_800);
        let b = batches(&events, 100);
        let p = probe(&reference(&b).await);
        let half = reference(&b[..8]).await;
        {
            let first = env.open().await;
            apply_all(&first, &b[..8]).await;
            first.close().await;
        }
        let second = env.open().await;
        let backend = second.backend();
        assert_eq!(
            second.applied_migrations().await.expect("reads"),
            SqlStore::migration_versions(backend),
            "re-running the migrations is a no-op"
        );
        assert_eq!(
            second.cursor().await.expect("reads"),
            half.cursor().await.expect("reads")
        );
        assert_answers_same("reopened", &second, &half, &p).await;
        apply_all(&second, &b[8..15]).await;
        // Another writer on the same database commits batch 15, then `second` goes on.
        let third = env.open().await;
        apply_all(&third, &b[15..16]).await;
        let outcomes = apply_all(&second, &b[16..]).await;
        assert!(outcomes.iter().all(|o| o.duplicates == 0));
        let full = reference(&b).await;
        assert_answers_same("resumed", &second, &full, &p).await;
        assert_answers_same("third", &third, &full, &p).await;
    }

    /// An export reads one committed batch while the indexer goes on: a batch commits
    /// while an export is open (it is not held up by it), and the export still sees the
    /// batch it started at; a later export sees the new one.
    pub async fn export_does_not_hold_up_the_writer<V: SqlEnv>(env: &V) {
        let events = traffic::stream(600);
        let b = batches(&events, 100);
        let store = env.open().await;
        apply_all(&store, &b[..3]).await;
        let mut export = store.begin_export().await.expect("opens");
        let before = export.parts().await.expect("reads").expect("indexed");
        assert_eq!(before.checkpoint, b[2].1);
        // Generous: only reached if the writer waits for the export.
        let committed =
            tokio::time::timeout(Duration::from_secs(30), store.apply_batch(&b[3].0, &b[3].1))
                .await;
        assert!(
            matches!(committed, Ok(Ok(_))),
            "the batch waited for the export: {committed:?}"
        );
        let again = export.parts().await.expect("reads").expect("indexed");
        assert_eq!(again, before, "the export moved to a later batch");
        drop(export);
        let after = store
            .snapshot_parts()
            .await
            .expect("reads")
            .expect("indexed");
        assert_eq!(after.checkpoint, b[3].1);
    }

    /// A batch whose commit fails leaves the database and every answer as they were; the
    /// store recovers (its memory was not ahead of the database) and the next good batch
    /// applies in full. A closed pool fails the batch the same way.
    pub async fn failed_commit_changes_nothing<V: SqlEnv>(env: &V) {
        let b = batches(&traffic::stream(900), 100);
        let p = probe(&reference(&b).await);
        let store = env.open().await;
        apply_all(&store, &b[..4]).await;
        let before = answers(&store, &p).await;

        env.break_commits().await;
        let failed = store.apply_batch(&b[4].0, &b[4].1).await;
        match &failed {
            Err(e) => eprintln!("the injected failure: {e}"),
            Ok(o) => panic!("the commit was made to fail, yet: {o:?}"),
        }
        assert_same("after a failed commit", &answers(&store, &p).await, &before);
        let other = env.open().await;
        assert_same("seen by another store", &answers(&other, &p).await, &before);
        env.heal().await;

        let retried = store.apply_batch(&b[4].0, &b[4].1).await.expect("applies");
        assert_eq!(
            retried.new,
            b[4].0.len(),
            "nothing of the failed batch was kept"
        );
        assert_eq!(retried.duplicates, 0);
        apply_all(&store, &b[5..8]).await;
        let memory = reference(&b[..8]).await;
        assert_answers_same("recovered", &store, &memory, &p).await;

        // The pool closed under the writer: the batch fails, nothing changes.
        let before = answers(&other, &p).await;
        store.close().await;
        assert!(store.apply_batch(&b[8].0, &b[8].1).await.is_err());
        assert_same("after a closed pool", &answers(&other, &p).await, &before);
        let outcome = other.apply_batch(&b[8].0, &b[8].1).await.expect("applies");
        assert_eq!(outcome.new, b[8].0.len());
        let memory = reference(&b).await;
        assert_answers_same("all", &other, &memory, &p).await;
    }

    /// Pages of every size walk every result set completely and exactly once, in key
    /// order, each page within its limit.
    pub async fn pages_walk_everything_once<V: SqlEnv>(env: &V) {
        let b = rich_batches(2_500, 250);
        let store = env.open().await;
        apply_all(&store, &b).await;
        let memory = reference(&b).await;
        let m = memory.snapshot().expect("snapshot").state;
        let p = probe(&memory);
        // Addresses with many, few and no entities.
        let sample: Vec<Address> = p.addresses.iter().step_by(23).copied().collect();
        let busy = [
            traffic::account(30_000),
            traffic::account(20_000),
            traffic::account(0),
        ];
        let people: Vec<Address> = sample.iter().chain(&busy).copied().collect();
        let statuses = [
            None,
            Some(EscrowStatus::Open),
            Some(EscrowStatus::Disputed),
            Some(EscrowStatus::Released),
            Some(EscrowStatus::Refunded),
            Some(EscrowStatus::Resolved),
            Some(EscrowStatus::Cancelled),
        ];
        let text = |a: &Address| a.to_string();
        for limit in [1, 4, 33, MAX_PAGE] {
            // Escrows: no filter, each status, parties with and without a status.
            for status in statuses {
                let want: Vec<_> = m
                    .escrows
                    .values()
                    .filter(|x| status.is_none_or(|s| x.status == s))
                    .cloned()
                    .collect();
                let got = walk(
                    limit,
                    async |after, l| store.escrows_page(None, status, after, l).await,
                    |x| x.id,
                )
                .await;
                assert_eq!(got, want, "escrows {status:?} limit {limit}");
            }
            for party in &people {
                let all = memory.escrows_by_party(party).await.expect("reads");
                for status in statuses {
                    let want: Vec<_> = all
                        .iter()
                        .filter(|x| status.is_none_or(|s| x.status == s))
                        .cloned()
                        .collect();
                    let got = walk(
                        limit,
                        async |after, l| store.escrows_page(Some(party), status, after, l).await,
                        |x| x.id,
                    )
                    .await;
                    assert_eq!(got, want, "escrows of {party} {status:?} limit {limit}");
                }
            }
            // Tokens: all, by owner, by creator, by both.
            let want: Vec<_> = m.tokens.values().cloned().collect();
            let got = walk(
                limit,
                async |after, l| store.tokens_page(None, None, after, l).await,
                |t| t.id,
            )
            .await;
            assert_eq!(got, want, "tokens limit {limit}");
            for a in &people {
                let want = memory.tokens_by_owner(a).await.expect("reads");
                let got = walk(
                    limit,
                    async |after, l| store.tokens_page(Some(a), None, after, l).await,
                    |t| t.id,
                )
                .await;
                assert_eq!(got, want, "tokens owned by {a}");
                let want = memory.tokens_by_creator(a).await.expect("reads");
                let got = walk(
                    limit,
                    async |after, l| store.tokens_page(None, Some(a), after, l).await,
                    |t| t.id,
                )
                .await;
                assert_eq!(got, want, "tokens created by {a}");
                let want: Vec<_> = want
                    .into_iter()
                    .filter(|t| t.owner == Some(traffic::account(0)))
                    .collect();
                let got = walk(
                    limit,
                    async |after, l| {
                        store
                            .tokens_page(Some(&traffic::account(0)), Some(a), after, l)
                            .await
                    },
                    |t| t.id,
                )
                .await;
                assert_eq!(got, want, "tokens created by {a} owned by account 0");
            }
            // Completions: by (course, learner text) in every combination.
            let by_text = |v: &mut Vec<Completion>| {
                v.sort_by_key(|c| (c.course_id, text(&c.learner)));
            };
            let mut want: Vec<_> = m.completions.values().cloned().collect();
            by_text(&mut want);
            let key = |c: &Completion| (c.course_id, c.learner);
            let got = walk(
                limit,
                async |after, l| store.completions_page(None, None, after, l).await,
                key,
            )
            .await;
            assert_eq!(got, want, "completions limit {limit}");
            for course in p.courses.iter().step_by(37) {
                let mut want = memory.completions_by_course(*course).await.expect("reads");
                by_text(&mut want);
                let got = walk(
                    limit,
                    async |after, l| store.completions_page(Some(*course), None, after, l).await,
                    key,
                )
                .await;
                assert_eq!(got, want, "completions of course {course}");
                for learner in &people {
                    let want: Vec<_> = want
                        .iter()
                        .filter(|c| c.learner == *learner)
                        .cloned()
                        .collect();
                    let got = walk(
                        limit,
                        async |after, l| {
                            store
                                .completions_page(Some(*course), Some(learner), after, l)
                                .await
                        },
                        key,
                    )
                    .await;
                    assert_eq!(got, want, "completion of course {course} by {learner}");
                }
            }
            for learner in &people {
                let want = memory.completions_by_learner(learner).await.expect("reads");
                let got = walk(
                    limit,
                    async |after, l| store.completions_page(None, Some(learner), after, l).await,
                    key,
                )
                .await;
                assert_eq!(got, want, "completions of {learner}");
            }
            // Contributions, transfers, validators, unknown events.
            let want: Vec<_> = m.contributions.values().cloned().collect();
            let got = walk(
                limit,
                async |after, l| store.contributions_page(None, after, l).await,
                |c| c.id,
            )
            .await;
            assert_eq!(got, want, "contributions");
            let want: Vec<_> = m.outbound.values().cloned().collect();
            let got = walk(
                limit,
                async |after, l| store.outbound_page(None, after, l).await,
                |t| t.nonce,
            )
            .await;
            assert_eq!(got, want, "outbound");
            let want: Vec<_> = m.inbound.values().cloned().collect();
            let got = walk(
                limit,
                async |after, l| store.inbound_page(None, after, l).await,
                |t| (t.source_chain, t.nonce),
            )
            .await;
            assert_eq!(got, want, "inbound");
            for a in &people {
                let want = memory.contributions_by_author(a).await.expect("reads");
                let got = walk(
                    limit,
                    async |after, l| store.contributions_page(Some(a), after, l).await,
                    |c| c.id,
                )
                .await;
                assert_eq!(got, want, "contributions of {a}");
                let want = memory.outbound_transfers_by_sender(a).await.expect("reads");
                let got = walk(
                    limit,
                    async |after, l| store.outbound_page(Some(a), after, l).await,
                    |t| t.nonce,
                )
                .await;
                assert_eq!(got, want, "outbound of {a}");
                let want = memory
                    .inbound_transfers_by_recipient(a)
                    .await
                    .expect("reads");
                let got = walk(
                    limit,
                    async |after, l| store.inbound_page(Some(a), after, l).await,
                    |t| (t.source_chain, t.nonce),
                )
                .await;
                assert_eq!(got, want, "inbound of {a}");
            }
            let mut want: Vec<_> = m.validators.values().cloned().collect();
            want.sort_by_key(|v| text(&v.address));
            assert!(want.len() > 3);
            let got = walk(
                limit,
                async |after: Option<Address>, l| store.validators_page(after.as_ref(), l).await,
                |v| v.address,
            )
            .await;
            assert_eq!(got, want, "validators by strkey text");
            let want: Vec<_> = m.unknown.values().cloned().collect();
            assert!(want.len() > 3);
            let got = walk(
                limit,
                async |after: Option<String>, l| store.unknown_page(after.as_deref(), l).await,
                |u| u.raw.id.clone(),
            )
            .await;
            assert_eq!(got, want, "unknown events");
        }
    }

    /// Reads pages until one comes back short, checking each against `limit`.
    async fn walk<T, K>(
        limit: u32,
        page: impl AsyncFn(Option<K>, u32) -> Result<Vec<T>, SqlError>,
        key: impl Fn(&T) -> K,
    ) -> Vec<T> {
        let mut out = Vec::new();
        let mut after = None;
        for _ in 0..100_000 {
            let got = page(after, limit).await.expect("a page");
            assert!(got.len() <= limit as usize, "a page within its limit");
            let done = got.len() < limit as usize;
            after = got.last().map(&key);
            out.extend(got);
            if done || after.is_none() {
                return out;
            }
        }
        panic!("pages never end");
    }

    /// Limits are clamped to 1..=MAX_PAGE.
    pub async fn bad_limits_are_clamped<V: SqlEnv>(env: &V) {
        let store = env.open().await;
        assert!(store
            .escrows_page(None, None, None, 0)
            .await
            .expect("reads")
            .is_empty());
        let mints: Vec<Decoded> = (1..=1_100u64)
            .map(|id| {
                Decoded::Event(fixtures::event(
                    id as u32,
                    E::Minted {
                        token_id: id,
                        creator: fixtures::acct(1),
                        title: String::new(),
                        content_hash: Hash32([0; 32]),
                        uri: String::new(),
                        licence: String::new(),
                        tags: vec![],
                        transferable: false,
                        royalty_bps: 0,
                    },
                ))
            })
            .collect();
        let b = batches(&mints, 1_100);
        apply_all(&store, &b).await;
        let ids = |v: Vec<teachlink_indexer::project::ContentToken>| -> Vec<u64> {
            v.iter().map(|t| t.id).collect()
        };
        let one = store.tokens_page(None, None, None, 0).await.expect("reads");
        assert_eq!(ids(one), vec![1], "limit 0 is 1");
        let most = store
            .tokens_page(None, None, None, u32::MAX)
            .await
            .expect("reads");
        assert_eq!(
            ids(most),
            (1..=1_000).collect::<Vec<_>>(),
            "at most MAX_PAGE"
        );
        let rest = store
            .tokens_page(None, None, Some(1_000), 5_000)
            .await
            .expect("reads");
        assert_eq!(ids(rest), (1_001..=1_100).collect::<Vec<_>>());
        let creator = fixtures::acct(1);
        let most = store
            .tokens_page(None, Some(&creator), None, 1_001)
            .await
            .expect("reads");
        assert_eq!(most.len(), 1_000);
    }

    /// The archive: the raw events of each batch are kept in the batch's transaction,
    /// read back in chain order exactly as given, paged, filtered by contract and bounded
    /// by ledger; a replay adds nothing; a failed commit archives nothing.
    pub async fn archive_keeps_raw_events<V: SqlEnv>(env: &V) {
        let store = env.open().await;
        let raw: Vec<RawEvent> = fixtures::every_event()
            .iter()
            .map(|e| teachlink_indexer::encode::to_raw(e).expect("encodes"))
            .collect();
        let mut decoder = fixtures::decoder();
        let decoded: Vec<Decoded> = raw.iter().map(|r| decoder.decode(r.clone())).collect();
        let chunks: Vec<(Vec<RawEvent>, Vec<Decoded>)> = raw
            .chunks(7)
            .zip(decoded.chunks(7))
            .map(|(r, d)| (r.to_vec(), d.to_vec()))
            .collect();
        let checkpoint_of = |events: &[Decoded]| Checkpoint {
            cursor: events.last().map(id_of),
            ledger: events.last().map_or(0, |e| id_of(e).ledger()),
            gaps: Vec::new(),
        };
        // The first batch fails to commit: nothing of it is archived.
        env.break_commits().await;
        let (r0, d0) = &chunks[0];
        assert!(store
            .apply_batch_raw(r0, d0, &checkpoint_of(d0))
            .await
            .is_err());
        env.heal().await;
        let fresh = env.open().await;
        assert_eq!(fresh.archived_count().await.expect("counts"), 0);
        for (r, d) in &chunks {
            fresh
                .apply_batch_raw(r, d, &checkpoint_of(d))
                .await
                .expect("batch applies");
        }
        // A replay archives nothing new.
        let (r1, d1) = &chunks[1];
        fresh
            .apply_batch_raw(r1, d1, &checkpoint_of(d1))
            .await
            .expect("replay applies");
        assert_eq!(
            fresh.archived_count().await.expect("counts"),
            raw.len() as u64
        );

        let last_ledger = raw.iter().map(|r| r.ledger).max().expect("events");
        // Everything, page by page, in order, identical to what was given.
        let mut got = Vec::new();
        let mut after = None;
        loop {
            let page = fresh
                .archived_events(1, after, last_ledger, &ContractFilter::All, 5)
                .await
                .expect("reads");
            let Some(last) = page.last() else { break };
            after = Some(last.id.parse::<EventId>().expect("an id"));
            got.extend(page);
        }
        assert_eq!(got, raw);
        // By contract, and bounded by ledger.
        let one = raw[0].contract_id.clone();
        let of_one = fresh
            .archived_events(
                1,
                None,
                last_ledger,
                &ContractFilter::Only(vec![one.clone()]),
                10_000,
            )
            .await
            .expect("reads");
        let want: Vec<RawEvent> = raw
            .iter()
            .filter(|r| r.contract_id == one)
            .cloned()
            .collect();
        assert_eq!(of_one, want);
        let first_ledgers = fresh
            .archived_events(
                raw[0].ledger,
                None,
                raw[3].ledger,
                &ContractFilter::All,
                10_000,
            )
            .await
            .expect("reads");
        let want: Vec<RawEvent> = raw
            .iter()
            .filter(|r| r.ledger <= raw[3].ledger)
            .cloned()
            .collect();
        assert_eq!(first_ledgers, want);
        assert!(fresh
            .archived_events(1, None, last_ledger, &ContractFilter::Only(Vec::new()), 10)
            .await
            .expect("reads")
            .is_empty());
        // The window is the last committed checkpoint's (the replay's).
        let window = fresh.archive_window().await.expect("reads");
        assert_eq!(window.latest_ledger, Some(checkpoint_of(d1).ledger));
    }

    /// A corrupt row is a typed error, never a panic: for reads, for the checkpoint, and
    /// for a writer that must load the state.
    /// The indexer's decoder for the generated traffic's contracts.
    fn traffic_decoder() -> teachlink_indexer::Decoder {
        use teachlink_indexer::decode::ContractKind as K;
        teachlink_indexer::Decoder::with_contracts([
            (traffic::ESCROW, K::Escrow),
            (traffic::CONTENT, K::Content),
            (traffic::REPUTATION, K::Reputation),
            (traffic::REWARDS, K::Rewards),
            (traffic::BRIDGE, K::Bridge),
        ])
    }

    /// Generated traffic as the RPC would send it, and decoded by the indexer's decoder
    /// (the same events as generated: the round trip is checked).
    fn raw_traffic(n: usize) -> (Vec<RawEvent>, Vec<Decoded>) {
        let stream = traffic::stream(n);
        let raw: Vec<RawEvent> = stream
            .iter()
            .map(|d| match d {
                Decoded::Event(e) => teachlink_indexer::encode::to_raw(e).expect("encodes"),
                Decoded::Unknown(raw, _) => raw.clone(),
            })
            .collect();
        let mut decoder = traffic_decoder();
        let decoded: Vec<Decoded> = raw.iter().map(|r| decoder.decode(r.clone())).collect();
        for (got, want) in decoded.iter().zip(&stream) {
            if let (Decoded::Event(g), Decoded::Event(w)) = (got, want) {
                assert_eq!(g, w, "the traffic decodes to itself");
            } else {
                assert_eq!(
                    matches!(got, Decoded::Unknown(..)),
                    matches!(want, Decoded::Unknown(..))
                );
            }
        }
        (raw, decoded)
    }

    fn checkpoint_after(events: &[Decoded], gaps: Vec<Gap>) -> Checkpoint {
        let last = events.last().map(id_of);
        Checkpoint {
            cursor: last,
            ledger: last.map_or(0, |id| id.ledger().saturating_sub(1)),
            gaps,
        }
    }

    /// Issue 17 items 4 and 5: events a store skipped (three batches in the middle, with
    /// a gap on record) merged later: every answer is that of a store that applied
    /// everything in order, the event chain is the one over every event in chain order,
    /// the gap leaves the checkpoint and a replayed merge adds nothing. A store whose
    /// archive lacks events it applied (written before the archive) is refused, unchanged.
    pub async fn skipped_history_merges_in_chain_order<V: SqlEnv>(env: &V) {
        let (raw, decoded) = raw_traffic(900);
        assert!(raw.len() > 800);
        let size = 100;
        let skipped = 3..6;
        let gap = Gap {
            first_ledger: id_of(&decoded[skipped.start * size]).ledger(),
            last_ledger: id_of(&decoded[skipped.end * size - 1]).ledger(),
        };
        let chunks: Vec<(&[RawEvent], &[Decoded])> =
            raw.chunks(size).zip(decoded.chunks(size)).collect();
        let in_order: Vec<(Vec<Decoded>, Checkpoint)> = chunks
            .iter()
            .map(|(_, d)| (d.to_vec(), checkpoint_after(d, Vec::new())))
            .collect();
        let full = reference(&in_order).await;
        let p = probe(&full);

        let store = env.open().await;
        let mut gap_raw = Vec::new();
        for (i, (r, d)) in chunks.iter().enumerate() {
            if skipped.contains(&i) {
                gap_raw.extend_from_slice(r);
                continue;
            }
            let gaps = if i >= skipped.end {
                vec![gap]
            } else {
                Vec::new()
            };
            store
                .apply_batch_raw(r, d, &checkpoint_after(d, gaps))
                .await
                .expect("batch applies");
        }
        assert_ne!(answers(&store, &p).await, answers(&full, &p).await);
        let mut decoder = traffic_decoder();
        let merged = store
            .merge_history(
                &gap_raw,
                |e| decoder.decode(e),
                |mut c: Checkpoint| {
                    c.gaps.retain(|g| *g != gap);
                    c
                },
            )
            .await
            .expect("merges");
        assert_eq!(merged.added, gap_raw.len() as u64);
        assert_eq!(merged.replayed, raw.len() as u64);
        assert_answers_same("merged", &store, &full, &p).await;
        let mut chain = teachlink_indexer::snapshot::EventChain::genesis();
        for r in &raw {
            chain.push(r).expect("chains");
        }
        assert_eq!(store.event_chain().await.expect("reads"), chain);
        // Again: nothing new, nothing changes.
        let mut decoder = traffic_decoder();
        let again = store
            .merge_history(&gap_raw, |e| decoder.decode(e), |c: Checkpoint| c)
            .await
            .expect("merges");
        assert_eq!(again.added, 0);
        assert_answers_same("merged twice", &store, &full, &p).await;
        // The writer goes on from the rebuilt state.
        let (more_raw, more) = {
            let (r, d) = raw_traffic(1_000);
            (r[raw.len()..].to_vec(), d[raw.len()..].to_vec())
        };
        store
            .apply_batch_raw(&more_raw, &more, &checkpoint_after(&more, Vec::new()))
            .await
            .expect("batch applies");
        let mut longer = in_order.clone();
        longer.push((more.clone(), checkpoint_after(&more, Vec::new())));
        let full = reference(&longer).await;
        assert_answers_same("after the merge", &store, &full, &probe(&full)).await;

        // A store that applied events without archiving them cannot be rebuilt.
        let (_, d0) = chunks[0];
        let unarchived = env_fresh_store(env).await;
        unarchived
            .apply_batch(d0, &checkpoint_after(d0, Vec::new()))
            .await
            .expect("batch applies");
        let before = answers(&unarchived, &p).await;
        let mut decoder = traffic_decoder();
        let refused = unarchived
            .merge_history(&gap_raw, |e| decoder.decode(e), |c: Checkpoint| c)
            .await;
        assert!(
            matches!(refused, Err(SqlError::CannotRebuild(_))),
            "{refused:?}"
        );
        assert_eq!(answers(&unarchived, &p).await, before);
        assert_eq!(unarchived.archived_count().await.expect("counts"), 0);
    }

    /// The same database emptied: a store of its own for a second scenario.
    async fn env_fresh_store<V: SqlEnv>(env: &V) -> SqlStore {
        for t in FIRST_TABLES.iter().chain(&["raw_events"]) {
            env.exec(&format!("DELETE FROM {t}")).await;
        }
        env.exec(
            "UPDATE meta SET generation = 0, checkpoint_ledger = NULL, cursor_toid = NULL, \
             cursor_index = NULL, gaps = NULL, applied_toid = NULL, applied_index = NULL, \
             events = NULL, orphans = NULL, unknown = NULL, event_chain = NULL WHERE id = 1",
        )
        .await;
        env.open().await
    }

    /// Issue 22: a store created by the FIRST migration and populated as the first version
    /// wrote it (projections, counters, checkpoint; no archive, no chain), opened by this
    /// version: every later migration runs, every answer is as before, the archive does
    /// not claim the history it never held (`archive_from`), indexing goes on to the same
    /// answers as a store that was never upgraded, and a snapshot exported from it imports.
    pub async fn upgrade_from_the_first_migration<V: SqlEnv>(old: &V, src: &V) {
        let b = batches(&traffic::stream(1_200), 100);
        let (first, rest) = b.split_at(b.len() / 2);
        // What the first version wrote (its write path then is this one without the
        // archive): written here, then copied into a database of the first schema.
        let writer = src.open().await;
        apply_all(&writer, first).await;
        writer.close().await;
        old.first_migration_only().await;
        old.copy_first_schema_from(src).await;

        let store = old.open().await;
        assert_eq!(
            store.applied_migrations().await.expect("reads"),
            SqlStore::migration_versions(store.backend()),
            "every later migration ran"
        );
        let half = reference(first).await;
        let all = reference(&b).await;
        let p = probe(&all);
        assert_answers_same("upgraded", &store, &half, &p).await;
        let cursor = first.last().and_then(|(_, c)| c.cursor).expect("a cursor");
        let window = store.archive_window().await.expect("reads");
        assert_eq!(
            window.archive_from,
            Some(cursor.ledger() + 1),
            "the archive starts after what the first version indexed"
        );
        assert_eq!(store.archived_count().await.expect("counts"), 0);
        // Indexing goes on (archiving now).
        for (events, cp) in rest {
            let raw: Vec<RawEvent> = events
                .iter()
                .filter_map(|d| match d {
                    Decoded::Event(e) => teachlink_indexer::encode::to_raw(e).ok(),
                    Decoded::Unknown(raw, _) => Some(raw.clone()),
                })
                .collect();
            store
                .apply_batch_raw(&raw, events, cp)
                .await
                .expect("batch applies");
        }
        assert_answers_same("indexed on", &store, &all, &p).await;
        assert!(store.archived_count().await.expect("counts") > 0);
        // A snapshot of it verifies and imports into an empty store.
        let parts = store
            .snapshot_parts()
            .await
            .expect("reads")
            .expect("indexed");
        // Its event chain covers what it archived: the events since the upgrade.
        assert_eq!(
            parts.chain.events,
            store.archived_count().await.expect("counts")
        );
        let contracts = std::collections::BTreeMap::new();
        let encoded = teachlink_indexer::snapshot::encode(
            "Test SDF Network ; September 2015",
            &contracts,
            &parts.checkpoint,
            &parts.chain,
            &parts.state,
        )
        .expect("encodes");
        let decoded = teachlink_indexer::snapshot::decode(
            &encoded.bytes,
            &teachlink_indexer::snapshot::Expected {
                network_passphrase: "Test SDF Network ; September 2015",
                contracts: None,
                sha256: None,
            },
        )
        .expect("the snapshot verifies");
        let imported = SqlStore::connect("sqlite::memory:").await.expect("opens");
        imported.import_snapshot(&decoded).await.expect("imports");
        assert_answers_same("imported", &imported, &all, &p).await;
        // It cannot be rebuilt from its archive: a merge is refused.
        let mut decoder = traffic_decoder();
        assert!(matches!(
            store
                .merge_history(&[], |e| decoder.decode(e), |c: Checkpoint| c)
                .await,
            Err(SqlError::CannotRebuild(_))
        ));
    }

    pub async fn corrupt_rows_are_errors<V: SqlEnv>(env: &V) {
        let store = env.open().await;
        apply_all(&store, &batches(&catalogue(), 10)).await;
        env.exec("UPDATE escrows SET json = '{\"id\": \"not a number\"'")
            .await;
        let corrupt = |r: Result<_, SqlError>| matches!(r, Err(SqlError::Corrupt { .. }));
        assert!(corrupt(store.escrow(1).await.map(|_| ())));
        assert!(corrupt(
            store.escrows_page(None, None, None, 10).await.map(|_| ())
        ));
        let fresh = env.open().await;
        let next = batches(&traffic::stream(10), 10);
        assert!(corrupt(
            fresh.apply_batch(&next[0].0, &next[0].1).await.map(|_| ())
        ));
        // The other tables still read.
        assert!(store.token(1).await.expect("reads").is_some());

        env.exec("UPDATE meta SET cursor_index = -1").await;
        assert!(corrupt(store.cursor().await.map(|_| ())));
        env.exec("UPDATE meta SET cursor_index = NULL").await;
        assert!(corrupt(store.cursor().await.map(|_| ())));
        env.exec("UPDATE meta SET gaps = '[{]'").await;
        assert!(corrupt(store.cursor().await.map(|_| ())));
        env.exec("DELETE FROM meta").await;
        assert!(corrupt(store.stats().await.map(|_| ())));
    }
}

// ---------------------------------------------------------------------------------------
// The suite on each backend

/// A module `$backend` of tests, one per case named, each on a new `$env`.
macro_rules! suite {
    ($backend:ident, $env:expr, [$($case:ident),* $(,)?]) => {
        mod $backend {
            use super::*;

            $(
                #[tokio::test]
                async fn $case() {
                    let env = $env;
                    cases::$case(&env).await;
                    env.done().await;
                }
            )*
        }
    };
}

suite!(
    memory,
    MemoryEnv,
    [
        every_query_matches_memory,
        replay_changes_nothing,
        u64_extremes
    ]
);

/// The whole suite on one SQL backend.
macro_rules! sql_suite {
    ($backend:ident, $env:expr) => {
        suite!(
            $backend,
            $env,
            [
                every_query_matches_memory,
                replay_changes_nothing,
                u64_extremes,
                reopen_resumes,
                failed_commit_changes_nothing,
                pages_walk_everything_once,
                bad_limits_are_clamped,
                corrupt_rows_are_errors,
                archive_keeps_raw_events,
                export_does_not_hold_up_the_writer,
                skipped_history_merges_in_chain_order,
            ]
        );
    };
}

#[tokio::test]
async fn sqlite_upgrade_from_the_first_migration() {
    cases::upgrade_from_the_first_migration(&SqliteEnv::new(), &SqliteEnv::new()).await;
}

#[tokio::test]
async fn postgres_upgrade_from_the_first_migration() {
    let (old, src) = (PgEnv::new().await, PgEnv::new().await);
    cases::upgrade_from_the_first_migration(&old, &src).await;
    old.done().await;
    src.done().await;
}

sql_suite!(sqlite, SqliteEnv::new());
sql_suite!(postgres, PgEnv::new().await);

/// In-memory SQLite: the same store, one connection.
#[tokio::test]
async fn sqlite_in_memory_matches_memory() {
    let store = SqlStore::connect("sqlite::memory:").await.expect("opens");
    assert_eq!(store.backend(), Backend::Sqlite);
    let b = rich_batches(600, 50);
    let memory = reference(&b).await;
    apply_all(&store, &b).await;
    let p = probe(&memory);
    assert_answers_same("in memory", &store, &memory, &p).await;
    store.ping().await.expect("pings");
}

/// Kills the connection that holds `lock` (only it: other tests hold locks of their own).
async fn kill_lock_connection(env: &PgEnv, lock: &teachlink_indexer_sql::IndexerLock) {
    let pid = lock.backend_pid().expect("a PostgreSQL lock");
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_locks \
         WHERE locktype = 'advisory' AND classid = 1414285656 AND granted AND pid = $1 \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .bind(pid)
    .fetch_all(&env.admin)
    .await
    .expect("kills");
    assert_eq!(killed, vec![true]);
    // Terminating is asynchronous: wait until the backend is gone with its lock.
    eventually(async || {
        let alive: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)")
                .bind(pid)
                .fetch_one(&env.admin)
                .await
                .expect("reads");
        (!alive).then_some(())
    })
    .await;
}

/// A writer whose lock connection was lost is fenced: its next batch fails inside the
/// write transaction with `Fenced` and writes nothing, without waiting for its next lock
/// check; the replica that takes the lock over writes. The holder writes before (the
/// positive control).
#[tokio::test]
async fn postgres_writer_that_lost_its_lock_is_fenced() {
    let env = PgEnv::new().await;
    let events = traffic::stream(300);
    let b = batches(&events, 100);
    let a = env.open().await;
    let lock = a
        .try_lock_indexer()
        .await
        .expect("tries")
        .expect("the first gets it");
    a.apply_batch(&b[0].0, &b[0].1)
        .await
        .expect("the holder writes");
    kill_lock_connection(&env, &lock).await;
    let refused = a.apply_batch(&b[1].0, &b[1].1).await;
    assert!(matches!(refused, Err(SqlError::Fenced)), "{refused:?}");
    assert_eq!(a.cursor().await.expect("reads"), Some(b[0].1.clone()));

    let successor = env.open().await;
    let taken = eventually(async || successor.try_lock_indexer().await.expect("tries")).await;
    successor
        .apply_batch(&b[1].0, &b[1].1)
        .await
        .expect("the new holder writes");
    assert_eq!(a.cursor().await.expect("reads"), Some(b[1].1.clone()));
    // The old writer stays fenced while another holds the lock.
    let refused = a.apply_batch(&b[2].0, &b[2].1).await;
    assert!(matches!(refused, Err(SqlError::Fenced)), "{refused:?}");
    drop(lock);
    taken.release().await.expect("releases");
    env.done().await;
}

/// Two stores on one PostgreSQL database (one schema): only one gets the indexing lock;
/// when its guard drops (or its connection is killed), the other gets it.
#[tokio::test]
async fn postgres_indexer_lock_is_exclusive() {
    let env = PgEnv::new().await;
    let a = env.open().await;
    let b = env.open().await;
    assert_eq!(a.backend(), Backend::Postgres);
    let mut held = a
        .try_lock_indexer()
        .await
        .expect("tries")
        .expect("the first gets it");
    held.check().await.expect("still held");
    assert!(
        b.try_lock_indexer().await.expect("tries").is_none(),
        "the second waits"
    );
    assert!(
        a.try_lock_indexer().await.expect("tries").is_none(),
        "one guard per database"
    );

    // Another schema is another store: its lock is its own.
    let elsewhere = PgEnv::new().await;
    let other = elsewhere.open().await;
    let other_lock = other.try_lock_indexer().await.expect("tries");
    assert!(other_lock.is_some(), "locks are per schema");
    drop(other_lock);
    elsewhere.done().await;

    drop(held);
    let lock_b = eventually(async || b.try_lock_indexer().await.expect("tries")).await;
    assert!(a.try_lock_indexer().await.expect("tries").is_none());
    lock_b.release().await.expect("releases");
    let mut lock_a = a
        .try_lock_indexer()
        .await
        .expect("tries")
        .expect("released at once");

    // The holder's connection is killed: the lock goes with it, and `check` says so.
    kill_lock_connection(&env, &lock_a).await;
    let _lock_b = eventually(async || b.try_lock_indexer().await.expect("tries")).await;
    assert!(lock_a.check().await.is_err(), "the lost lock is noticed");
    drop(lock_a);
    env.done().await;
}

/// Polls `f` until it gives `Some`, for up to 10 s.
async fn eventually<T>(f: impl AsyncFn() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "never happened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The server awaits these futures on a multi-threaded runtime: they must be `Send`.
#[test]
fn futures_are_send() {
    fn send<T: Send>(_: T) {}
    #[allow(dead_code, clippy::diverging_sub_expression)]
    fn check(s: &SqlStore, a: &Address, events: &[Decoded], cp: &Checkpoint) {
        send(SqlStore::connect("sqlite::memory:"));
        send(s.apply_batch(events, cp));
        send(s.cursor());
        send(s.escrow(1));
        send(s.escrows_by_party(a));
        send(s.completions_by_course(1));
        send(s.validators());
        send(s.stats());
        send(s.escrows_page(Some(a), None, None, 10));
        send(s.tokens_page(Some(a), Some(a), None, 10));
        send(s.completions_page(None, Some(a), Some((1, *a)), 10));
        send(s.contributions_page(None, None, 10));
        send(s.outbound_page(None, None, 10));
        send(s.inbound_page(None, None, 10));
        send(s.validators_page(Some(a), 10));
        send(s.unknown_page(Some("x"), 10));
        send(s.ping());
        send(s.try_lock_indexer());
    }
    let _ = check;
}
