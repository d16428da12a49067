//! Owns the server's snapshots: `GET /api/snapshot` exports the store's entities,
//! checkpoint and event chain as one verifiable file ([`teachlink_indexer::snapshot`]),
//! gzip-compressed, and serves one export to every request for a while
//! ([`SnapshotCache`]); `--snapshot` bootstraps an empty store from such a file or URL,
//! verified before anything is written, and the indexer then continues from the RPC.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use teachlink_indexer::snapshot::{self, Encoded, Expected, Snapshot, SnapshotError};
pub use teachlink_indexer::snapshot::{LEDGER_HEADER, SHA256_HEADER};
use teachlink_indexer::store::{Checkpoint, Store};
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
/// checkpoint it is at; `None` before the first batch.
pub async fn export(
    store: &SqlStore,
    passphrase: &str,
    deployment: &Deployment,
) -> Result<Option<(Encoded, Checkpoint)>, ExportError> {
    let Some(parts) = store.snapshot_parts().await? else {
        return Ok(None);
    };
    let checkpoint = parts.checkpoint.clone();
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
    Ok(Some((encoded, checkpoint)))
}

/// The last snapshot `GET /api/snapshot` made, served again while it is younger than
/// `max_age` or the store has not moved since. An export reads the whole store and holds
/// its writer meanwhile (9 s at a million events), and every new browser asks for one, so
/// a crowd of them must share one export rather than each start its own.
pub struct SnapshotCache {
    max_age: Duration,
    /// Held through an export: requests arriving meanwhile wait for it and take its result.
    last: tokio::sync::Mutex<Option<Served>>,
}

/// One export, compressed, as served.
#[derive(Clone)]
struct Served {
    gzip: Bytes,
    sha256: String,
    checkpoint: Checkpoint,
    made: Instant,
}

impl Served {
    /// Whether it may be served again at `now` to a store at `current`.
    fn reusable(&self, now: Instant, max_age: Duration, current: Option<&Checkpoint>) -> bool {
        now.saturating_duration_since(self.made) <= max_age || current == Some(&self.checkpoint)
    }
}

impl SnapshotCache {
    pub fn new(max_age: Duration) -> Self {
        SnapshotCache {
            max_age,
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// The snapshot to serve now: the last one while it is reusable, else a new export.
    async fn get(
        &self,
        store: &SqlStore,
        passphrase: &str,
        deployment: &Deployment,
    ) -> Result<Served, ApiError> {
        let mut last = self.last.lock().await;
        if let Some(served) = last.as_ref() {
            // The checkpoint is read only when age alone does not decide.
            let young = served.made.elapsed() <= self.max_age;
            let current = if young {
                None
            } else {
                store.cursor().await.map_err(ApiError::store)?
            };
            if served.reusable(Instant::now(), self.max_age, current.as_ref()) {
                return Ok(served.clone());
            }
        }
        let (Encoded { bytes, sha256 }, checkpoint) =
            match export(store, passphrase, deployment).await {
                Ok(Some(exported)) => exported,
                Ok(None) => return Err(ApiError::not_found("nothing is indexed yet")),
                Err(ExportError::Store(e)) => return Err(ApiError::store(e)),
                Err(e) => return Err(ApiError::internal(e.to_string())),
            };
        let gzip = tokio::task::spawn_blocking(move || gzip(&bytes))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?
            .map_err(|e| ApiError::internal(format!("compressing the snapshot: {e}")))?;
        let served = Served {
            gzip: Bytes::from(gzip),
            sha256,
            checkpoint,
            made: Instant::now(),
        };
        *last = Some(served.clone());
        Ok(served)
    }
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
/// `X-TeachLink-Snapshot-Sha256` header (and, quoted, the `ETag`: `If-None-Match` with it
/// answers 304), its ledger in `X-TeachLink-Snapshot-Ledger`, and `Age` says how many
/// seconds ago it was made: one export is served to every request for
/// `--snapshot-max-age-secs`, or for as long as the store has not moved.
#[utoipa::path(get, path = "/snapshot", tag = "server",
    responses(
        (status = 200, description = "The snapshot (gzip-encoded NDJSON)", content_type = "application/x-ndjson", body = String),
        (status = 304, description = "The snapshot named by If-None-Match is still the one served"),
        (status = 404, description = "Nothing indexed yet", body = ErrorBody),
        (status = 503, description = "The database did not answer", body = ErrorBody)))]
pub async fn snapshot_handler(
    State(state): State<AppState>,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    let passphrase = state
        .network
        .network_passphrase
        .clone()
        .ok_or_else(|| ApiError::store("the network passphrase is not known yet"))?;
    let served = state
        .snapshots
        .get(&state.store, &passphrase, &state.deployment)
        .await?;
    let etag = format!("\"{}\"", served.sha256);
    let headers = [
        (header::ETAG, etag.clone()),
        (header::AGE, served.made.elapsed().as_secs().to_string()),
        // Clients may keep it, but must ask again before using it.
        (header::CACHE_CONTROL, "no-cache".to_string()),
    ];
    if matches_etag(&request, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    Ok((
        headers,
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
            (header::CONTENT_ENCODING, "gzip".to_string()),
            (
                header::HeaderName::from_static(SHA256_HEADER),
                served.sha256,
            ),
            (
                header::HeaderName::from_static(LEDGER_HEADER),
                served.checkpoint.ledger.to_string(),
            ),
        ],
        served.gzip,
    )
        .into_response())
}

/// Whether the request's `If-None-Match` names `etag` (or `*`).
fn matches_etag(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// Reads the snapshot at `location` (a path, or an `http(s)://` URL, downloaded within
/// `timeout`), decompressed.
async fn read(location: &str, timeout: Duration) -> Result<Vec<u8>, BootstrapError> {
    let failed = |reason: String| BootstrapError::Read {
        location: location.to_string(),
        reason,
    };
    let http_failed = |e: reqwest::Error| {
        if e.is_timeout() {
            failed(format!("no complete answer within {timeout:?}"))
        } else {
            failed(e.to_string())
        }
    };
    let bytes = if location.starts_with("http://") || location.starts_with("https://") {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| failed(e.to_string()))?;
        let response = client.get(location).send().await.map_err(http_failed)?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(failed(format!("HTTP {status}: {body}")));
        }
        response.bytes().await.map_err(http_failed)?.to_vec()
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
    let bytes = read(&source.location, source.timeout).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn served(ledger: u32, made: Instant) -> Served {
        Served {
            gzip: Bytes::new(),
            sha256: "ab".repeat(32),
            checkpoint: Checkpoint {
                ledger,
                ..Checkpoint::default()
            },
            made,
        }
    }

    #[test]
    fn an_export_is_served_again_while_young_or_while_the_store_has_not_moved() {
        let made = Instant::now();
        let s = served(7, made);
        let max_age = Duration::from_secs(30);
        let moved = Checkpoint {
            ledger: 8,
            ..Checkpoint::default()
        };
        // Young: served whatever the store did since.
        assert!(s.reusable(made + Duration::from_secs(30), max_age, Some(&moved)));
        // Old: only while the store is where the export was made.
        let later = made + Duration::from_secs(31);
        assert!(!s.reusable(later, max_age, Some(&moved)));
        assert!(s.reusable(later, max_age, Some(&s.checkpoint.clone())));
        assert!(!s.reusable(later, max_age, None));
        // No age at all: exact, as the tests' servers run.
        assert!(!s.reusable(
            made + Duration::from_millis(1),
            Duration::ZERO,
            Some(&moved)
        ));
    }

    #[test]
    fn if_none_match_names_the_served_snapshot() {
        let etag = format!("\"{}\"", "ab".repeat(32));
        let with = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::IF_NONE_MATCH,
                value.parse().expect("a header value"),
            );
            matches_etag(&h, &etag)
        };
        assert!(with(&etag));
        assert!(with(&format!("\"other\", W/{etag}")));
        assert!(with("*"));
        assert!(!with("\"other\""));
        assert!(!with(&"ab".repeat(32)), "an unquoted tag is another tag");
        assert!(!matches_etag(&HeaderMap::new(), &etag));
    }
}
