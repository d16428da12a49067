//! Owns how validators share attestations: each daemon serves the verified attestations
//! it holds over HTTP, and pulls its peers' for the transfers it is working on. Pull only:
//! a daemon never accepts writes, so a peer can waste its time but not its memory; every
//! pulled attestation is verified against the signing key the bridge has on record before
//! it is kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::book::Book;
use crate::error::{Error, Result};
use crate::statement::{Signed, TransferKey};

/// Largest attestation list a peer may answer with (bytes).
const MAX_ANSWER: usize = 1 << 20;

/// The book shared by the daemon loop (writer) and the HTTP server (reader).
pub type SharedBook = Arc<Mutex<Book>>;

#[derive(Clone)]
struct Served {
    book: SharedBook,
    validator: String,
}

#[derive(Serialize)]
struct Health {
    validator: String,
    transfers: usize,
}

/// `GET /v1/inbound/{source_chain}/{nonce}`, `GET /v1/completion/{nonce}`, `GET /health`.
pub fn router(book: SharedBook, validator: String) -> Router {
    Router::new()
        .route("/v1/inbound/{source_chain}/{nonce}", get(inbound))
        .route("/v1/completion/{nonce}", get(completion))
        .route("/health", get(health))
        .with_state(Served { book, validator })
}

async fn inbound(
    State(s): State<Served>,
    Path((source_chain, nonce)): Path<(u32, u64)>,
) -> Json<Vec<Signed>> {
    Json(about(
        &s.book,
        TransferKey::Inbound {
            source_chain,
            nonce,
        },
    ))
}

async fn completion(State(s): State<Served>, Path(nonce): Path<u64>) -> Json<Vec<Signed>> {
    Json(about(&s.book, TransferKey::Completion { nonce }))
}

async fn health(State(s): State<Served>) -> Json<Health> {
    let transfers = s.book.lock().map_or(0, |b| b.transfers());
    Json(Health {
        validator: s.validator,
        transfers,
    })
}

fn about(book: &SharedBook, key: TransferKey) -> Vec<Signed> {
    // A poisoned lock means the writer panicked; serve nothing rather than half a state.
    book.lock().map_or_else(|_| Vec::new(), |b| b.about(&key))
}

/// Pulls attestations from peers.
#[derive(Clone, Debug)]
pub struct Peers {
    http: reqwest::Client,
    urls: Vec<String>,
}

impl Peers {
    pub fn new(urls: Vec<String>) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| Error::Invalid(format!("HTTP client: {e}")))?;
        let urls = urls
            .into_iter()
            .map(|u| u.trim_end_matches('/').to_string())
            .collect();
        Ok(Peers { http, urls })
    }

    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// What `peer` holds about `key`, unverified.
    pub async fn pull(&self, peer: &str, key: &TransferKey) -> Result<Vec<Signed>> {
        let url = match key {
            TransferKey::Inbound {
                source_chain,
                nonce,
            } => format!("{peer}/v1/inbound/{source_chain}/{nonce}"),
            TransferKey::Completion { nonce } => format!("{peer}/v1/completion/{nonce}"),
        };
        let failed = |e: String| Error::Invalid(format!("peer {peer}: {e}"));
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| failed(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(failed(format!("HTTP {}", resp.status())));
        }
        if resp.content_length().is_some_and(|l| l > MAX_ANSWER as u64) {
            return Err(failed("answer too large".into()));
        }
        let body = resp.bytes().await.map_err(|e| failed(e.to_string()))?;
        if body.len() > MAX_ANSWER {
            return Err(failed("answer too large".into()));
        }
        serde_json::from_slice(&body).map_err(|e| failed(format!("not an attestation list: {e}")))
    }
}
