//! Owns the server's snapshots: `GET /api/snapshot` exports the store's entities,
//! checkpoint and event chain as one verifiable file ([`teachlink_indexer::snapshot`]),
//! gzip-compressed; `--snapshot` bootstraps an empty store from such a file or URL,
//! verified before anything is written, and the indexer then continues from the RPC.

use std::io::{Read, Write};

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use teachlink_indexer::snapshot::{self, Encoded, Expected, Snapshot, SnapshotError};
pub use teachlink_indexer::snapshot::{LEDGER_HEADER, SHA256_HEADER};
use teachlink_indexer::store::Store;
use teachlink_indexer::Deployment;
use teachlink_indexer_sql::{SqlError, SqlStore};

use crate::api::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::config::SnapshotSource;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why bootstrapping from a snapshot failed. The store is left empty.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("cannot read the snapshot {location}: {reason}")]
    Read { location: String, reason: String },
    #[error("the snapshot {location} is not valid gzip: {reason}")]
    Gzip { location: String, reason: String },
    #[error("snapshot {location} refused: {source}")]
    Refused {
        location: String,
        #[source]
        source: SnapshotError,
    },
    #[error("cannot verify the snapshot: the network passphrase is unknown (the RPC did not answer getNetwork)")]
    NoNetwork,
    #[error("importing the snapshot: {0}")]
    Store(#[from] SqlError),
}

/// `bytes` gzip-compressed.
pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 8), Compression::default());
    gz.write_all(bytes)?;
    gz.finish()
}

/// `bytes` decompressed when they are gzip (a file as served), else as they are.
pub fn gunzip_if_compressed(bytes: Vec<u8>) -> std::io::Result<Vec<u8>> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() * 8);
    GzDecoder::new(bytes.as_slice()).read_to_end(&mut out)?;
    Ok(out)
}

/// The snapshot of `store` now, for the network `passphrase` and `deployment`, and the
/// ledger it is at; `None` before the first batch.
pub async fn export(
    store: &SqlStore,
    passphrase: &str,
    deployment: &Deployment,
) -> Result<Option<(Encoded, u32)>, ExportError> {
    let Some(parts) = store.snapshot_parts().await? else {
        return Ok(None);
    };
    let ledger = parts.checkpoint.ledger;
    let passphrase = passphrase.to_string();
    let contracts = deployment.contracts.clone();
    let encoded = tokio::task::spawn_blocking(move || {
        snapshot::encode(
            &passphrase,
            &contracts,
            &parts.checkpoint,
            &parts.chain,
            &parts.state,
        )
    })
    .await
    .map_err(|e| ExportError::Task(e.to_string()))??;
    Ok(Some((encoded, ledger)))
}

/// Why a snapshot could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] SqlError),
    #[error(transparent)]
    Encode(#[from] SnapshotError),
    #[error("the export task failed: {0}")]
    Task(String),
}

/// A snapshot of every entity the server has indexed, its checkpoint and the hash chain
/// over the events it covers (NDJSON, `teachlink-snapshot/1`, gzip content encoding),
/// for a new browser or replica to start from. Its SHA-256 is in the
/// `X-TeachLink-Snapshot-Sha256` header, its ledger in `X-TeachLink-Snapshot-Ledger`.
#[utoipa::path(get, path = "/snapshot", tag = "server",
    responses(
        (status = 200, description = "The snapshot (gzip-encoded NDJSON)", content_type = "application/x-ndjson", body = String),
        (status = 404, description = "Nothing indexed yet", body = ErrorBody),
        (status = 503, description = "The database did not answer", body = ErrorBody)))]
pub async fn snapshot_handler(State(state): State<AppState>) -> Result<Response, ApiError> {
    let passphrase = state
        .network
        .network_passphrase
        .clone()
        .ok_or_else(|| ApiError::store("the network passphrase is not known yet"))?;
    let (Encoded { bytes, sha256 }, ledger) =
        match export(&state.store, &passphrase, &state.deployment).await {
            Ok(Some(exported)) => exported,
            Ok(None) => return Err(ApiError::not_found("nothing is indexed yet")),
            Err(ExportError::Store(e)) => return Err(ApiError::store(e)),
            Err(e) => return Err(ApiError::internal(e.to_string())),
        };
    let body = tokio::task::spawn_blocking(move || gzip(&bytes))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| ApiError::internal(format!("compressing the snapshot: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
            (header::CONTENT_ENCODING, "gzip".to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::HeaderName::from_static(SHA256_HEADER), sha256),
            (
                header::HeaderName::from_static(LEDGER_HEADER),
                ledger.to_string(),
            ),
        ],
        body,
    )
        .into_response())
}

/// Reads the snapshot at `location` (a path, or an `http(s)://` URL), decompressed.
async fn read(location: &str) -> Result<Vec<u8>, BootstrapError> {
    let failed = |reason: String| BootstrapError::Read {
        location: location.to_string(),
        reason,
    };
    let bytes = if location.starts_with("http://") || location.starts_with("https://") {
        let response = reqwest::get(location)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(failed(format!("HTTP {status}: {body}")));
        }
        response
            .bytes()
            .await
            .map_err(|e| failed(e.to_string()))?
            .to_vec()
    } else {
        tokio::fs::read(location)
            .await
            .map_err(|e| failed(e.to_string()))?
    };
    tokio::task::spawn_blocking(move || gunzip_if_compressed(bytes))
        .await
        .map_err(|e| failed(e.to_string()))?
        .map_err(|e| BootstrapError::Gzip {
            location: location.to_string(),
            reason: e.to_string(),
        })
}

/// Bootstraps `store` from `source` when it is empty: reads, verifies (integrity, the
/// pinned hash, the network `passphrase`, the `deployment`'s contracts) and imports in
/// one transaction. `Ok(None)` when the store already holds data (a restart).
pub async fn bootstrap(
    store: &SqlStore,
    source: &SnapshotSource,
    passphrase: Option<&str>,
    deployment: &Deployment,
) -> Result<Option<Snapshot>, BootstrapError> {
    if store.cursor().await?.is_some() {
        return Ok(None);
    }
    let passphrase = passphrase.ok_or(BootstrapError::NoNetwork)?.to_string();
    let bytes = read(&source.location).await?;
    let contracts = deployment.contracts.clone();
    let sha256 = source.sha256.clone();
    let decoded = tokio::task::spawn_blocking(move || {
        snapshot::decode(
            &bytes,
            &Expected {
                network_passphrase: &passphrase,
                contracts: Some(&contracts),
                sha256: sha256.as_deref(),
            },
        )
    })
    .await
    .map_err(|e| BootstrapError::Read {
        location: source.location.clone(),
        reason: e.to_string(),
    })?;
    let snapshot = decoded.map_err(|source_error| BootstrapError::Refused {
        location: source.location.clone(),
        source: source_error,
    })?;
    store.import_snapshot(&snapshot).await?;
    Ok(Some(snapshot))
}
