//! teachlink-indexer-sql: the server's SQL stores for the TeachLink indexer. [`SqlStore`]
//! keeps the indexer's projections in SQLite (the embedded default: a file, or memory) or
//! PostgreSQL, behind the indexer's [`Store`] and [`Queries`] traits, plus the paged reads
//! the REST API serves and the lock that lets exactly one replica index.
//!
//! * **Writes** ([`Store::apply_batch`]): the writer keeps the projected [`State`] in memory
//!   (loaded from the database on its first batch), applies the batch there with the
//!   indexer's own projection code, then in ONE transaction upserts exactly the entities
//!   the batch changed ([`teachlink_indexer::project::Changes`]), the counters and the
//!   checkpoint, and commits. If anything fails the in-memory state is dropped and
//!   reloaded on the next batch, so memory never runs ahead of the database. A `generation`
//!   counter in the `meta` row, read (and on PostgreSQL row-locked) at the start of each
//!   write transaction, makes a writer reload if another one committed in between.
//! * **Reads** ([`Queries`] and the `*_page` methods) always go to SQL, never to the
//!   writer's memory, so read-only replicas see what the indexing replica committed. Each
//!   page is one indexed query with a `LIMIT`.
//! * **Schema** (`migrations/sqlite`, `migrations/postgres`, embedded and run by
//!   [`SqlStore::connect`]): one table per entity kind with its key, the columns queries
//!   filter and sort on, and the entity as JSON text; `escrow_parties` for the several
//!   parties of an escrow; one `meta` row. Every u64 is stored in a signed 64-bit column
//!   with its top bit flipped ([`u64_to_sql`]): exact, and ordered like the u64. Addresses
//!   are strkey text, compared bytewise (PostgreSQL columns are `COLLATE "C"`).
//! * **Skipped history** ([`SqlStore::merge_history`]): events of a retention gap or of a
//!   contract added to the deployment are merged into the archive and every projection is
//!   rebuilt from it in chain order, in one transaction.
//! * **One indexer** ([`SqlStore::try_lock_indexer`]): a PostgreSQL session advisory lock on
//!   a dedicated connection, or an exclusive lock on the file `<db>.indexer.lock`.
//!
//! Every future of this crate is `Send`: the server runs them on a multi-threaded runtime.

mod archive;
mod codec;
mod db;
mod history;
mod identity;
mod lock;
mod read;
mod snapshot;
mod write;

pub use history::Merged;
pub use snapshot::{ExportRead, SnapshotParts};

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use teachlink_indexer::decode::{Decoded, RawEvent};
use teachlink_indexer::project::State;
use teachlink_indexer::store::{BatchOutcome, Checkpoint, Queries, Store};

pub use archive::{ArchiveWindow, ContractFilter, MAX_ARCHIVE_PAGE};
pub use codec::{u64_from_sql, u64_to_sql};
pub use lock::IndexerLock;

use db::Pool;

/// The most rows one page returns; a larger `limit` is clamped to it, and 0 becomes 1.
pub const MAX_PAGE: u32 = 1_000;

/// The `limit` a page query uses: `limit` clamped to `1..=MAX_PAGE`.
pub fn clamp_limit(limit: u32) -> u32 {
    limit.clamp(1, MAX_PAGE)
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A failure of the SQL store.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    /// The URL is neither `sqlite:…` nor `postgres://…` / `postgresql://…` (only its scheme
    /// is kept: the rest may hold a password).
    #[error("unsupported database URL scheme {scheme:?}: expected sqlite://PATH, sqlite::memory: or postgres://…")]
    UnsupportedUrl { scheme: String },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value this version cannot read: bad JSON, an integer out of range, a
    /// missing `meta` row.
    #[error("corrupt {what} in the database: {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error("cannot encode {what}: {detail}")]
    Encode { what: &'static str, detail: String },
    #[error("the database did not answer within {0:?}")]
    Timeout(Duration),
    #[error("a snapshot is imported only into an empty store; this one is indexed through ledger {ledger}")]
    NotEmpty { ledger: u32 },
    /// This store took the PostgreSQL indexing lock and no longer holds it (its lock
    /// connection was lost, or it released it): it may not write.
    #[error("the indexing lock was lost: this store no longer writes")]
    Fenced,
    /// Skipped history cannot be merged: the archive does not hold what the projections
    /// were built from ([`SqlStore::merge_history`]).
    #[error("cannot rebuild the projections from the archive: {0}")]
    CannotRebuild(String),
    #[error("indexer lock file {path}: {source}")]
    LockFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Which database a store uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connection settings; [`SqlConfig::default`] suits the server.
#[derive(Clone, Debug)]
pub struct SqlConfig {
    /// Connections in the pool (in-memory SQLite always uses exactly one: the database
    /// lives as long as its connection).
    pub max_connections: u32,
    /// How long a query may wait for a free connection.
    pub acquire_timeout: Duration,
    /// SQLite: how long a statement waits for another connection's write lock.
    pub busy_timeout: Duration,
    /// [`SqlStore::ping`]'s bound.
    pub ping_timeout: Duration,
}

impl Default for SqlConfig {
    fn default() -> Self {
        SqlConfig {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            busy_timeout: Duration::from_secs(5),
            ping_timeout: Duration::from_secs(1),
        }
    }
}

/// Where [`SqlStore::try_lock_indexer`] takes its lock.
#[derive(Clone, Debug)]
enum LockTarget {
    /// In-memory SQLite: no other process can open it, so the lock always succeeds.
    Memory,
    File(PathBuf),
    Postgres(Box<PgConnectOptions>),
}

/// The writer's copy of the committed state and the `meta.generation` it matches.
struct Cached {
    state: State,
    generation: i64,
}

/// The indexer's projections in SQLite or PostgreSQL.
pub struct SqlStore {
    pool: Pool,
    lock_target: LockTarget,
    ping_timeout: Duration,
    /// The writer's state; `None` until the first batch and after a failed one. The async
    /// mutex also serialises this process's writers.
    writer: tokio::sync::Mutex<Option<Cached>>,
    /// Once this store has taken the PostgreSQL indexing lock: the token every write
    /// transaction checks ([`lock`]).
    fence: std::sync::Mutex<Option<lock::Fence>>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Connects to `url` with [`SqlConfig::default`] and runs the migrations.
    ///
    /// * `sqlite://PATH` (relative) or `sqlite:///ABSOLUTE/PATH`: the file is created if
    ///   missing; WAL journal, `synchronous=NORMAL` (a power cut may lose the last batches,
    ///   never consistency: they are fetched again from the RPC), a busy timeout.
    /// * `sqlite::memory:`: a private in-memory database (one connection).
    /// * `postgres://USER:PASSWORD@HOST:PORT/DB` (or `postgresql://`); libpq-style
    ///   parameters are honoured, e.g. `?options=-c%20search_path%3Dmy_schema` to keep the
    ///   tables in a schema of their own.
    pub async fn connect(url: &str) -> Result<Self, SqlError> {
        Self::connect_with(url, &SqlConfig::default()).await
    }

    /// [`SqlStore::connect`] with explicit settings.
    pub async fn connect_with(url: &str, config: &SqlConfig) -> Result<Self, SqlError> {
        let max = config.max_connections.max(1);
        let (pool, lock_target) = if url.starts_with("sqlite:") {
            let memory = is_sqlite_memory(url);
            let mut options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(config.busy_timeout)
                .statement_cache_capacity(256);
            let pool_options = SqlitePoolOptions::new()
                .acquire_timeout(config.acquire_timeout)
                // A connection that failed is closed when it is returned; the ping on
                // every acquire would cost a round trip through the worker thread.
                .test_before_acquire(false);
            let (pool_options, lock_target) = if memory {
                // The database lives as long as a connection to it: keep exactly one.
                let p = pool_options
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None);
                (p, LockTarget::Memory)
            } else {
                options = options.journal_mode(SqliteJournalMode::Wal);
                let mut lock = options.get_filename().as_os_str().to_owned();
                lock.push(".indexer.lock");
                (
                    pool_options.max_connections(max),
                    LockTarget::File(PathBuf::from(lock)),
                )
            };
            let pool = pool_options.connect_with(options).await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            (Pool::Sqlite(pool), lock_target)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?.statement_cache_capacity(256);
            let pool = PgPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(config.acquire_timeout)
                // Broken connections are dropped when returned (sqlx pings on release);
                // a ping before each query would double its round trips.
                .test_before_acquire(false)
                .connect_with(options.clone())
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            (
                Pool::Postgres(pool),
                LockTarget::Postgres(Box::new(options)),
            )
        } else {
            let scheme = url.split(':').next().unwrap_or_default().to_string();
            return Err(SqlError::UnsupportedUrl { scheme });
        };
        Ok(SqlStore {
            pool,
            lock_target,
            ping_timeout: config.ping_timeout,
            writer: tokio::sync::Mutex::new(None),
            fence: std::sync::Mutex::new(None),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The migration versions this crate embeds for `backend`, oldest first; after
    /// [`SqlStore::connect`] the database has exactly these applied.
    pub fn migration_versions(backend: Backend) -> Vec<i64> {
        let m = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        m.iter().map(|m| m.version).collect()
    }

    /// The migration versions the database records as applied, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, SqlError> {
        let texts = self
            .pool
            .texts(
                "SELECT CAST(version AS TEXT) FROM _sqlx_migrations WHERE success ORDER BY version",
                &[],
            )
            .await?;
        texts
            .iter()
            .map(|t| {
                t.parse().map_err(|_| SqlError::Corrupt {
                    what: "migration version",
                    detail: t.clone(),
                })
            })
            .collect()
    }

    /// A cheap `SELECT 1`, bounded by [`SqlConfig::ping_timeout`] (for `/health`).
    pub async fn ping(&self) -> Result<(), SqlError> {
        match tokio::time::timeout(self.ping_timeout, self.pool.execute("SELECT 1")).await {
            Ok(result) => Ok(result?),
            Err(_) => Err(SqlError::Timeout(self.ping_timeout)),
        }
    }

    /// Closes every connection; later calls fail with a pool-closed error.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }
}

impl Store for SqlStore {
    type Error = SqlError;

    /// See the crate documentation: applied to the in-memory state, then the changed
    /// entities, counters and checkpoint written in one transaction.
    async fn apply_batch(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, SqlError> {
        self.write_batch(&[], events, checkpoint).await
    }

    /// The SQL store archives every event as received (table `raw_events`).
    fn keeps_raw(&self) -> bool {
        true
    }

    /// [`Store::apply_batch`], with `raw` archived in the same transaction.
    async fn apply_batch_raw(
        &self,
        raw: &[RawEvent],
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, SqlError> {
        self.write_batch(raw, events, checkpoint).await
    }

    async fn cursor(&self) -> Result<Option<Checkpoint>, SqlError> {
        Ok(self.read_meta().await?.checkpoint)
    }
}

/// Whether a `sqlite:` URL names an in-memory database.
fn is_sqlite_memory(url: &str) -> bool {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (db, params) = rest.split_once('?').unwrap_or((rest, ""));
    db == ":memory:" || params.split('&').any(|p| p == "mode=memory")
}

// The server needs `Queries` too; re-checked here so a change of the trait breaks the
// build of this crate rather than the server's.
const _: fn() = || {
    fn is_queries<T: Queries>() {}
    is_queries::<SqlStore>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_memory_urls_are_recognised() {
        assert!(is_sqlite_memory("sqlite::memory:"));
        assert!(is_sqlite_memory("sqlite://:memory:"));
        assert!(is_sqlite_memory("sqlite://x.db?mode=memory"));
        assert!(!is_sqlite_memory("sqlite://x.db"));
        assert!(!is_sqlite_memory("sqlite:///tmp/memory.db"));
    }

    #[test]
    fn limits_are_clamped() {
        assert_eq!(clamp_limit(0), 1);
        assert_eq!(clamp_limit(1), 1);
        assert_eq!(clamp_limit(1_000), 1_000);
        assert_eq!(clamp_limit(u32::MAX), MAX_PAGE);
    }
}
