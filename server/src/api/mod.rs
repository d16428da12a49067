//! Owns the REST API under `/api`: read-only JSON over the indexed entities, one small
//! handler per route, registered together with its OpenAPI description (utoipa-axum's
//! `routes!` takes both from the handler's `#[utoipa::path]`, so the document at
//! `/api/openapi.json` cannot drift from the router). Each route group has its own file
//! (`escrows`, `tokens`, `reputation`, `rewards`, `bridge`, `events`, `recommendations`,
//! `status`); this one keeps the router, the document and what the groups share.
//!
//! Handlers query the shared SQL store directly (its futures are `Send`, its reads go
//! through a pool), never through the sync loop. Lists page by key ([`cursor`]): `limit`
//! 1..=200 (default 50), `cursor` from the previous page's `next_cursor`. Bad input is a
//! 400 with a code ([`error::ErrorCode`]), a missing entity a 404, both as
//! `{"error": {"code": …, "message": …}}`.
//!
//! | route | what |
//! |---|---|
//! | `GET /api/escrows?party=&status=` · `/api/escrows/{id}` | course escrows |
//! | `GET /api/tokens?owner=&creator=` · `/api/tokens/{id}` | content NFTs, with provenance |
//! | `GET /api/profiles/{address}` | reputation and credit score |
//! | `GET /api/completions?course=&learner=` | course completions |
//! | `GET /api/contributions?author=` · `/api/contributions/{id}` | contributions, ratings |
//! | `GET /api/rewards/{learner}` · `/api/pool` | rewards and the reward pool |
//! | `GET /api/bridge` · `/bridge/outbound?sender=` · `/bridge/outbound/{nonce}` · `/bridge/inbound?recipient=` · `/bridge/inbound/{chain}/{nonce}` · `/bridge/validators` · `/bridge/chains` | the bridge |
//! | `GET /api/events/unknown` | events kept raw |
//! | `GET /api/recommendations/popular?limit=` | anonymous course recommendations, with reasons |
//! | `GET /api/status` | indexer, store counts and checkpoint, network, demo |
//! | `GET /api/openapi.json` | this API as OpenAPI 3.1 |

pub mod bridge;
pub mod cursor;
pub mod error;
pub mod escrows;
pub mod events;
pub mod params;
pub mod recommendations;
pub mod reputation;
pub mod rewards;
pub mod schema;
pub mod status;
pub mod tokens;

use std::sync::OnceLock;

use axum::extract::OriginalUri;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use teachlink_indexer::Address;
use utoipa::{IntoParams, IntoResponses, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use error::{ApiError, ErrorBody};
use params::{Limit, StrKey};
pub use recommendations::RecommenderCache;

/// The document's fixed parts; the paths come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "TeachLink API",
        description = "Read-only JSON over the TeachLink contracts' indexed events: escrows, \
                       content tokens, reputation, rewards and the bridge. Lists page with \
                       `limit` (1 to 200, default 50) and `cursor` (the previous page's \
                       `next_cursor`). Errors answer `{\"error\": {\"code\", \"message\"}}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    tags(
        (name = "escrows", description = "Course escrows"),
        (name = "tokens", description = "Content tokens (course NFTs)"),
        (name = "reputation", description = "Profiles, completions and contributions"),
        (name = "rewards", description = "Learner rewards and the reward pool"),
        (name = "bridge", description = "The cross-chain bridge"),
        (name = "events", description = "Events kept raw"),
        (name = "recommendations", description = "Anonymous course recommendations"),
        (name = "server", description = "Status, health, metrics and this document"),
        (name = "archive", description = "Every indexed event, kept forever, served as Stellar RPC's JSON-RPC (`getEvents`, `getHealth`, `getNetwork`, `getLatestLedger`) so any TeachLink indexer can sync from this server")
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The whole server's OpenAPI document (`/health`, `/metrics` and `/api`), built once.
pub fn openapi_json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let doc = crate::app::openapi_router().into_openapi();
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot serialize the OpenAPI document");
            "{}".to_string()
        })
    })
}

/// The base document the routers add their paths to.
pub fn base_doc() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = crate::VERSION.to_string();
    doc
}

/// The `/api` routes (to nest under `/api`), each with its OpenAPI description; unknown
/// routes answer a JSON 404.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(escrows::escrows))
        .routes(routes!(escrows::escrow))
        .routes(routes!(tokens::tokens))
        .routes(routes!(tokens::token))
        .routes(routes!(reputation::profile))
        .routes(routes!(reputation::completions))
        .routes(routes!(reputation::contributions))
        .routes(routes!(reputation::contribution))
        .routes(routes!(rewards::rewards))
        .routes(routes!(rewards::pool))
        .routes(routes!(bridge::bridge))
        .routes(routes!(bridge::outbound_list))
        .routes(routes!(bridge::outbound))
        .routes(routes!(bridge::inbound_list))
        .routes(routes!(bridge::inbound))
        .routes(routes!(bridge::validators))
        .routes(routes!(bridge::chains))
        .routes(routes!(events::unknown_events))
        .routes(routes!(recommendations::popular))
        .routes(routes!(recommendations::course_stats))
        .routes(routes!(status::status))
        .routes(routes!(crate::snapshot::snapshot_handler))
        .routes(routes!(openapi))
        .fallback(not_found)
}

/// The error responses of a route that reads the store.
#[derive(IntoResponses)]
#[allow(dead_code)]
enum ReadErrors {
    /// Bad input: an unknown parameter, a malformed value or cursor.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The database did not answer.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The error responses of a route that reads one entity.
#[derive(IntoResponses)]
#[allow(dead_code)]
enum EntityErrors {
    /// Bad input: an unknown query parameter or a malformed path segment.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No such entity has been indexed.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The database did not answer.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

fn found<T>(entity: Option<T>, what: impl FnOnce() -> String) -> Result<Json<T>, ApiError> {
    entity
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no {} has been indexed", what())))
}

fn text<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

fn addr(v: Option<StrKey>) -> Option<Address> {
    v.map(|k| k.0)
}

/// Fetches one row more than asked, so the page knows whether another follows.
fn fetch(limit: Option<Limit>) -> (u32, u32) {
    let limit = Limit::or_default(limit).get();
    (limit, limit + 1)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct NoQuery {}

/// This API as an OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "server",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json",
        body = Object)))]
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// Any unknown `/api/*` route.
async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("no API route {method} {}", uri.path()))
}

#[cfg(test)]
mod tests;
