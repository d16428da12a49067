//! Exactly one indexer per database: several server replicas may serve reads from one
//! database, and the one holding [`IndexerLock`] writes.
//!
//! * PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) taken on a connection of
//!   its own that the guard holds. It is released when the guard is released or dropped
//!   (the connection closes) and, by the server, when the connection is lost, so a crashed
//!   indexer never blocks its successor. The key is per schema, so databases that keep
//!   several stores in several schemas lock each one apart.
//!   Its connection can drop while the holder is between checks: each write transaction
//!   of a store that took the lock checks, inside the transaction, that the lock is still
//!   granted to the same backend (its pid and start time: the fencing token, [`Fence`]),
//!   and refuses to commit otherwise ([`SqlError::Fenced`]).
//! * SQLite file: an exclusive OS lock (`flock`) on `<db path>.indexer.lock`, released
//!   when the guard drops or the process dies.
//! * In-memory SQLite: nobody else can open the database; the lock always succeeds.

use std::fs::{File, TryLockError};
use std::path::PathBuf;

use std::time::Duration;

use sqlx::postgres::PgConnection;
use sqlx::Connection;

use crate::db::Tx;
use crate::{LockTarget, SqlError, SqlStore};

/// The advisory lock's first key: "TLIX" (TeachLink IndeXer).
const LOCK_CLASS: i32 = 0x544C_4958;

/// FNV-1a, 32 bits: a stable hash of the schema name for the lock's second key (Rust's
/// `DefaultHasher` may change between releases, and replicas of different builds must
/// agree).
fn fnv1a32(s: &str) -> i32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    i32::from_ne_bytes(h.to_ne_bytes())
}

/// Proof that this process is the one indexer of its database; dropping it releases the
/// lock.
pub struct IndexerLock {
    held: Held,
}

enum Held {
    Memory,
    File {
        _file: File,
        path: PathBuf,
    },
    Postgres {
        conn: PgConnection,
        key: i32,
        fence: Fence,
        timeout: Duration,
    },
}

/// The fencing token of a PostgreSQL lock: the backend that holds it (a pid is reused
/// only by a later backend, whose start time differs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fence {
    pid: i32,
    started: String,
    key: i32,
}

/// Fails with [`SqlError::Fenced`] unless `fence`'s backend still holds the lock, as seen
/// by the transaction `tx` (which then commits only if it was held when checked; a rival
/// that takes the lock later serialises behind it on the `meta` row).
pub(crate) async fn check_fence(tx: &mut Tx, fence: &Fence) -> Result<(), SqlError> {
    let Tx::Postgres(t) = tx else {
        return Ok(());
    };
    let held: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 \
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND l.pid = $1 AND l.classid::bigint = $2 AND l.objid::bigint = $3 \
         AND a.backend_start::text = $4)",
    )
    .bind(fence.pid)
    .bind(i64::from(LOCK_CLASS))
    .bind(i64::from(u32::from_ne_bytes(fence.key.to_ne_bytes())))
    .bind(fence.started.as_str())
    .fetch_one(&mut **t)
    .await?;
    if held {
        Ok(())
    } else {
        Err(SqlError::Fenced)
    }
}

impl std::fmt::Debug for IndexerLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.held {
            Held::Memory => f.write_str("IndexerLock(memory)"),
            Held::File { path, .. } => write!(f, "IndexerLock(file {})", path.display()),
            Held::Postgres { key, .. } => {
                write!(f, "IndexerLock(postgres advisory {LOCK_CLASS}/{key})")
            }
        }
    }
}

impl IndexerLock {
    /// Checks that the lock is still held: on PostgreSQL that its connection is alive (a
    /// lost connection lost the lock, and another replica may have taken it: stop
    /// indexing). Cheap enough to call before each batch.
    pub async fn check(&mut self) -> Result<(), SqlError> {
        match &mut self.held {
            Held::Memory | Held::File { .. } => Ok(()),
            // Bounded: a connection whose peer vanished may not answer at all.
            Held::Postgres { conn, timeout, .. } => {
                match tokio::time::timeout(*timeout, conn.ping()).await {
                    Ok(pinged) => Ok(pinged?),
                    Err(_) => Err(SqlError::Timeout(*timeout)),
                }
            }
        }
    }

    /// The PostgreSQL backend (its pid) whose session holds the lock.
    pub fn backend_pid(&self) -> Option<i32> {
        match &self.held {
            Held::Postgres { fence, .. } => Some(fence.pid),
            Held::Memory | Held::File { .. } => None,
        }
    }

    /// Releases the lock now (rather than when dropped): on PostgreSQL it is unlocked and
    /// its connection closed gracefully, so the next replica can take it at once.
    pub async fn release(self) -> Result<(), SqlError> {
        match self.held {
            Held::Memory | Held::File { .. } => Ok(()),
            Held::Postgres { mut conn, key, .. } => {
                sqlx::query("SELECT pg_advisory_unlock($1, $2)")
                    .bind(LOCK_CLASS)
                    .bind(key)
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                Ok(())
            }
        }
    }
}

impl SqlStore {
    /// Takes the indexing lock if nobody holds it: `Some(guard)` makes this process the
    /// indexer until the guard is dropped (or released); `None` means another holds it
    /// (serve reads, and try again later).
    pub async fn try_lock_indexer(&self) -> Result<Option<IndexerLock>, SqlError> {
        match &self.lock_target {
            LockTarget::Memory => Ok(Some(IndexerLock { held: Held::Memory })),
            LockTarget::File(path) => {
                let io = |source| SqlError::LockFile {
                    path: path.clone(),
                    source,
                };
                let file = File::options()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(path)
                    .map_err(io)?;
                match file.try_lock() {
                    Ok(()) => Ok(Some(IndexerLock {
                        held: Held::File {
                            _file: file,
                            path: path.clone(),
                        },
                    })),
                    Err(TryLockError::WouldBlock) => Ok(None),
                    Err(TryLockError::Error(e)) => Err(io(e)),
                }
            }
            LockTarget::Postgres(options) => {
                let mut conn = PgConnection::connect_with(options).await?;
                let schema: Option<String> = sqlx::query_scalar("SELECT current_schema()")
                    .fetch_one(&mut conn)
                    .await?;
                let key = fnv1a32(schema.as_deref().unwrap_or(""));
                let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
                    .bind(LOCK_CLASS)
                    .bind(key)
                    .fetch_one(&mut conn)
                    .await?;
                if locked {
                    let (pid, started): (i32, String) = sqlx::query_as(
                        "SELECT pid, backend_start::text FROM pg_stat_activity \
                         WHERE pid = pg_backend_pid()",
                    )
                    .fetch_one(&mut conn)
                    .await?;
                    let fence = Fence { pid, started, key };
                    // From now on this store's writes check it.
                    if let Ok(mut f) = self.fence.lock() {
                        *f = Some(fence.clone());
                    }
                    Ok(Some(IndexerLock {
                        held: Held::Postgres {
                            conn,
                            key,
                            fence,
                            timeout: self.ping_timeout,
                        },
                    }))
                } else {
                    conn.close().await?;
                    Ok(None)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_stable() {
        // FNV-1a test vectors.
        assert_eq!(fnv1a32(""), 0x811c_9dc5_u32 as i32);
        assert_eq!(fnv1a32("a"), 0xe40c_292c_u32 as i32);
        assert_ne!(fnv1a32("public"), fnv1a32("replica"));
    }

    #[tokio::test]
    async fn sqlite_file_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("x.db").display());
        let a = SqlStore::connect(&url).await.expect("connects");
        let b = SqlStore::connect(&url).await.expect("connects");
        let held = a.try_lock_indexer().await.expect("locks");
        assert!(held.is_some());
        assert!(b.try_lock_indexer().await.expect("tries").is_none());
        assert!(a.try_lock_indexer().await.expect("tries").is_none());
        drop(held);
        let again = b.try_lock_indexer().await.expect("locks");
        assert!(again.is_some());
        assert!(dir.path().join("x.db.indexer.lock").exists());

        let m = SqlStore::connect("sqlite::memory:")
            .await
            .expect("connects");
        let one = m.try_lock_indexer().await.expect("locks");
        assert!(one.is_some());
    }
}
