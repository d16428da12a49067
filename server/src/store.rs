//! Owns the store: the backend the server runs ([`AppStore`], the SQL store of
//! `teachlink-indexer-sql`: SQLite by default, PostgreSQL for `postgres://…`), how it is
//! opened from the configured database URL ([`open`]), and the [`Ping`] the database health
//! check calls.
//!
//! `SqlStore` futures are `Send` and it reads through a connection pool, so the HTTP
//! handlers share one `Arc<AppStore>` and query it directly on the multi-threaded runtime;
//! the sync loop writes through the same store (see [`crate::indexer`]).

use std::path::{Path, PathBuf};

use crate::config::DatabaseUrl;

/// The backend the server runs.
pub type AppStore = teachlink_indexer_sql::SqlStore;

/// A failure to open the store.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot reset the database file {path}: {source}")]
    Reset {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Backend(String),
}

/// Opens the store for `database`. `fresh` asks for an empty store: the embedded localnet
/// is a new chain on every run, so what an earlier run indexed must not be kept (its
/// contract ids are the same, its ledgers are not).
///
/// Connecting runs the migrations.
pub async fn open(database: &DatabaseUrl, fresh: bool) -> Result<AppStore, OpenError> {
    if fresh {
        reset(database)?;
    }
    AppStore::connect(&database.url())
        .await
        .map_err(|e| OpenError::Backend(e.to_string()))
}

/// Empties `database` for a fresh start: removes a SQLite file and its WAL and shared-memory
/// files (in-memory SQLite is always fresh). A PostgreSQL database is left alone: the
/// server never drops tables; give an embedded localnet an empty database.
pub fn reset(database: &DatabaseUrl) -> Result<(), OpenError> {
    let DatabaseUrl::Sqlite(path) = database else {
        return Ok(());
    };
    for file in sqlite_files(path) {
        match std::fs::remove_file(&file) {
            Ok(()) => tracing::info!(
                file = %file.display(),
                "removed the database of an earlier run (the embedded localnet is a new chain)"
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(OpenError::Reset { path: file, source }),
        }
    }
    Ok(())
}

fn sqlite_files(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [path.to_path_buf(), with("-wal"), with("-shm")]
}

/// A failed liveness check of the store.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct PingError(pub String);

/// A cheap round trip to the store's database (for /health and `teachlink_dependency_up`).
pub trait Ping {
    fn ping(&self) -> impl std::future::Future<Output = Result<(), PingError>> + Send;
}

impl Ping for AppStore {
    async fn ping(&self) -> Result<(), PingError> {
        AppStore::ping(self)
            .await
            .map_err(|e| PingError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_start_removes_the_sqlite_file_and_its_journal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("teachlink.db");
        for f in sqlite_files(&db) {
            std::fs::write(&f, b"old chain").expect("write");
        }
        let other = dir.path().join("deployment.json");
        std::fs::write(&other, b"{}").expect("write");
        reset(&DatabaseUrl::Sqlite(db.clone())).expect("reset");
        assert!(sqlite_files(&db).iter().all(|f| !f.exists()));
        assert!(other.exists(), "only the database goes");
        reset(&DatabaseUrl::Sqlite(db)).expect("nothing to remove is fine");
    }
}
