//! Owns `GET /api/status`: the indexer's role and progress, the store's counts and
//! checkpoint, the network, the deployment and the demo.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use teachlink_indexer::{Queries, Store};
use utoipa::ToSchema;

use super::error::ApiError;
use super::params::ApiQuery;
use super::{NoQuery, ReadErrors};
use crate::app::AppState;

/// The body of `GET /api/status`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
struct StatusBody {
    /// The indexer as this replica sees it: `role` (`starting`, `indexing`, `standby`,
    /// `read_only`), `running`, `ready`, the syncer's `status` and retention gaps.
    #[schema(value_type = Object)]
    indexer: Value,
    /// Counts over the whole store: `events`, `unknown`, `orphans`.
    #[schema(value_type = Object)]
    store: Value,
    /// What the store has committed: `ledger` (every ledger up to it is indexed) and the
    /// retention `gaps`; `null` before the first batch.
    #[schema(value_type = Option<Object>, required = true)]
    checkpoint: Value,
    /// `mode` (`localnet` or `rpc`), `rpc_url`, `network_passphrase`.
    #[schema(value_type = Object)]
    network: Value,
    /// The contracts indexed and the first ledger.
    #[schema(value_type = Object)]
    deployment: Value,
    /// The demo data set's progress (embedded localnet only).
    #[schema(value_type = Option<Object>, required = true)]
    demo: Value,
}

/// The indexer's progress and role, the store's counts and checkpoint (with its retention
/// gaps), the network, the contracts and the demo's progress.
#[utoipa::path(get, path = "/status", tag = "server",
    responses((status = 200, description = "The server's status", body = StatusBody), ReadErrors))]
pub(super) async fn status(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Response, ApiError> {
    let snapshot = s.indexer.borrow().clone();
    let (stats, checkpoint) = tokio::try_join!(s.store.stats(), s.store.cursor())?;
    let demo = s.demo.borrow().clone();
    Ok(Json(serde_json::json!({
        "indexer": snapshot,
        "store": stats,
        "checkpoint": checkpoint.map(|c| serde_json::json!({ "ledger": c.ledger, "gaps": c.gaps })),
        "network": &*s.network,
        "deployment": &*s.deployment,
        "demo": demo,
    }))
    .into_response())
}
