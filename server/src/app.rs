//! Owns the HTTP surface: the axum [`Router`] with `/health`, `/metrics`, the REST API
//! nested at `/api` (see [`crate::api`]; unknown API routes answer a JSON 404), the web
//! app's static files (or a "not built" notice), the OpenAPI description of all of it
//! ([`openapi_router`]), and the rule that every error answers a JSON body ([`ApiError`]),
//! panics included.

use std::any::Any;
use std::path::Path;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Serialize;
use teachlink_indexer::Deployment;
use tokio::sync::watch;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeader;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use crate::api::error::{ApiError, ErrorCause, ErrorCode};
use crate::config::HttpLimits;
use crate::demo::DemoState;
use crate::health::HealthChecker;
use crate::indexer::IndexerSnapshot;
use crate::metrics::{self, Metrics};
use crate::store::AppStore;

/// What the network is, for /api/status.
#[derive(Clone, Debug, Serialize)]
pub struct NetworkInfo {
    /// `localnet` (embedded) or `rpc`.
    pub mode: &'static str,
    pub rpc_url: String,
    pub network_passphrase: Option<String>,
    /// The network's protocol version (the RPC's `getNetwork`), for the archive's answers.
    #[serde(skip)]
    pub protocol_version: Option<u32>,
}

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The SQL store: handlers read it directly (pooled, `Send` futures).
    pub store: Arc<AppStore>,
    pub indexer: watch::Receiver<IndexerSnapshot>,
    pub metrics: Arc<Metrics>,
    pub health: Arc<HealthChecker>,
    pub network: Arc<NetworkInfo>,
    pub deployment: Arc<Deployment>,
    pub demo: watch::Receiver<Option<DemoState>>,
    /// The snapshot `GET /api/snapshot` serves, shared by the requests that come close.
    pub snapshots: Arc<crate::snapshot::SnapshotCache>,
    /// The model `GET /api/recommendations/popular` serves, trained once per store change.
    pub recommender: Arc<crate::api::RecommenderCache>,
}

/// Every documented route: `/health`, `/metrics` and `/api/*`, with their OpenAPI paths.
pub fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::api::base_doc())
        .routes(routes!(health))
        .routes(routes!(metrics_handler))
        .routes(routes!(crate::archive::rpc))
        .nest("/api", crate::api::router())
}

/// The whole router. `web_dir` is served at `/` when it exists.
pub fn router(state: AppState, web_dir: &Path, limits: &HttpLimits) -> Router {
    let metrics = state.metrics.clone();
    let (app, _doc) = openapi_router().split_for_parts();
    // The web app is the root fallback, so that the API's own fallback (a JSON 404) still
    // answers every unknown `/api/*` path. Its requests are labelled `unmatched` in metrics.
    let app = if web_dir.is_dir() {
        let index = web_dir.join("index.html");
        // A single-page app: unknown paths get index.html so client-side routes work.
        // scripts/build-web.sh writes a gzip -9 copy of every file (`F.gz`), sent to
        // browsers that accept gzip: the Wasm travels at about a quarter of its size.
        let files = ServeDir::new(web_dir)
            .precompressed_gzip()
            .fallback(ServeFile::new(index).precompressed_gzip());
        // Always asked again (a 304 while unchanged): a browser guessing freshness from
        // Last-Modified could pair a new module with an old Wasm after a deploy. Offline,
        // the app's service worker has the files.
        let files = SetResponseHeader::if_not_present(
            files,
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        );
        app.fallback_service(files)
    } else {
        tracing::warn!(
            web_dir = %web_dir.display(),
            "the web app is not built: / answers 404 until it is (see the notice it serves)"
        );
        let notice = Arc::new(not_built_notice(web_dir));
        app.fallback(move || web_not_built(notice.clone()))
    };
    // Request metrics per route (a layer on the routes, after routing), inside the cap,
    // which counts what it sheds itself.
    let app = json_errors_always(app.with_state(state)).layer(middleware::from_fn_with_state(
        metrics.clone(),
        metrics::track,
    ));
    crate::serve::limit(app, limits, metrics)
}

/// Every error answers JSON: bodiless error responses get one, and panics become a 500.
fn json_errors_always(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::map_response(json_errors))
}

fn not_built_notice(web_dir: &Path) -> String {
    format!(
        "TeachLink web app not built: {} does not exist.\n\
         Build the web app (web-app/, its build writes web-app/dist) or point --web-dir \
         (TEACHLINK_WEB_DIR) at a built copy, then restart.\n\
         The server itself is up: GET /api/status, /health, /metrics.\n",
        web_dir.display()
    )
}

async fn web_not_built(notice: Arc<String>) -> Response {
    (
        axum::http::StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        notice.as_str().to_owned(),
    )
        .into_response()
}

/// The server's health: `status` (`ok`, `degraded`, `error`) and `checks` (`database`,
/// `rpc`, `indexer_lag`, `retention_gap`, each with its `status`).
#[utoipa::path(get, path = "/health", tag = "server",
    responses(
        (status = 200, description = "ok or degraded: serving", body = Object),
        (status = 503, description = "error or not ready", body = Object)))]
async fn health(State(state): State<AppState>) -> Response {
    let snapshot = state.indexer.borrow().clone();
    let report = state
        .health
        .report(&state.store, &snapshot, &state.metrics)
        .await;
    (report.status.http_status(), Json(report)).into_response()
}

/// Prometheus metrics (OpenMetrics text); the health gauges are refreshed first.
#[utoipa::path(get, path = "/metrics", tag = "server",
    responses((status = 200, description = "OpenMetrics text exposition",
        content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8", body = String)))]
async fn metrics_handler(State(state): State<AppState>) -> Response {
    let snapshot = state.indexer.borrow().clone();
    let _ = state
        .health
        .report(&state.store, &snapshot, &state.metrics)
        .await;
    metrics::exposition(&state.metrics)
}

/// Error responses without a body (axum's 405, 413, …) get the JSON error body; the
/// cause of a server error ([`ErrorCause`]) is logged here, once per response.
async fn json_errors(uri: axum::http::Uri, response: Response) -> Response {
    let status = response.status();
    if let Some(ErrorCause(cause)) = response.extensions().get::<ErrorCause>() {
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), path = uri.path(), %cause, "request failed");
        } else {
            tracing::debug!(status = status.as_u16(), path = uri.path(), %cause, "request refused");
        }
    }
    if !(status.is_client_error() || status.is_server_error())
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let message = status.canonical_reason().unwrap_or("request failed");
    let mut out = ApiError::new(ErrorCode::for_status(status), message).into_response();
    // Keep the original status (e.g. 405, not the code's default) and what the original
    // response said beyond its body (e.g. `Allow` on a 405).
    *out.status_mut() = status;
    for (name, value) in response.headers() {
        if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

/// A panic in a handler: a JSON 500, never an HTML page or a dropped connection.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".to_string());
    ApiError::internal(format_args!("a request handler panicked: {detail}")).into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn call(router: Router, method: Method, path: &str) -> (StatusCode, serde_json::Value) {
        let resp = router
            .oneshot(
                Request::builder()
                    .method(method)
                    .uri(path)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .expect("body");
        let v = serde_json::from_slice(&bytes).expect("a JSON body");
        (status, v)
    }

    async fn boom_handler() -> &'static str {
        panic!("handler bug")
    }

    async fn store_down() -> ApiError {
        teachlink_indexer_sql::SqlError::Timeout(std::time::Duration::from_secs(5)).into()
    }

    async fn store_corrupt() -> ApiError {
        teachlink_indexer_sql::SqlError::Corrupt {
            what: "meta",
            detail: "SELECT generation FROM meta WHERE id = 1: no row".into(),
        }
        .into()
    }

    fn boom() -> Router {
        json_errors_always(
            Router::new()
                .route("/boom", get(boom_handler))
                .route("/down", get(store_down))
                .route("/corrupt", get(store_corrupt)),
        )
    }

    #[tokio::test]
    async fn store_failures_answer_a_fixed_message_and_keep_the_cause_out_of_the_body() {
        let (status, v) = call(boom(), Method::GET, "/down").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(v["error"]["code"], "store_unavailable");
        assert_eq!(v["error"]["message"], crate::api::error::STORE_UNAVAILABLE);
        let (status, v) = call(boom(), Method::GET, "/corrupt").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(v["error"]["code"], "internal");
        assert_eq!(v["error"]["message"], crate::api::error::INTERNAL);
        // The cause travels beside the body, for the log.
        let resp = boom()
            .oneshot(
                Request::builder()
                    .uri("/corrupt")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        let cause = resp.extensions().get::<ErrorCause>().expect("a cause");
        assert!(cause.0.contains("SELECT generation"), "{cause:?}");
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_a_json_500() {
        let (status, v) = call(boom(), Method::GET, "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(v["error"]["code"], "internal");
    }

    #[tokio::test]
    async fn bodiless_errors_get_a_json_body() {
        let (status, v) = call(boom(), Method::DELETE, "/boom").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(v["error"]["code"], "method_not_allowed");
        let (status, v) = call(boom(), Method::GET, "/nothing").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(v["error"]["code"], "not_found");
    }
}
