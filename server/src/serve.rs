//! Owns the HTTP connections: accepting them, what a slow or silent client may hold (a
//! header timeout on every connection, idle keep-alive included, through hyper's timer),
//! the request timeout and the concurrency cap that sheds extra requests with 503 and
//! `Retry-After`, and shutdown with a deadline (connections still open after
//! [`HttpLimits::shutdown_grace`] are closed, so one stuck client cannot hold the server).
//!
//! `axum::serve` runs hyper without a timer, so hyper's header read timeout never fires
//! there and its graceful shutdown waits for every connection without end: hence this.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceBuilder;

use crate::api::error::{ApiError, ErrorCode};
use crate::config::HttpLimits;
use crate::metrics::{self, Metrics};

/// What `Retry-After` says to a shed request, in seconds.
pub const RETRY_AFTER_SECS: u64 = 1;

/// `router` with the request timeout (408, `request_timeout`) and the concurrency cap (503 with
/// `Retry-After` at once, rather than a queue that grows with the load). The cap wraps the
/// router as one service: `Router::layer` would give every route a cap of its own.
pub fn limit(router: Router, limits: &HttpLimits, metrics: Arc<Metrics>) -> Router {
    let limited = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(
            move |method: Method, error: BoxError| {
                let metrics = metrics.clone();
                async move {
                    let response = overloaded(error);
                    // Never routed, so the router's own request metrics do not see it.
                    metrics.record_request(
                        metrics::method_label(&method),
                        SHED_ROUTE,
                        response.status().as_u16(),
                        Duration::ZERO,
                    );
                    response
                }
            },
        ))
        .load_shed()
        .concurrency_limit(limits.max_concurrent_requests.max(1))
        .timeout(limits.request_timeout)
        .service(router);
    Router::new().fallback_service(limited)
}

/// The `route` label of requests refused before routing.
pub const SHED_ROUTE: &str = "shed";

/// A request refused by the concurrency cap, or one that ran out of time.
fn overloaded(error: BoxError) -> Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        return ApiError::new(
            ErrorCode::RequestTimeout,
            "the request took longer than the server allows",
        )
        .into_response();
    }
    if !error.is::<tower::load_shed::error::Overloaded>() {
        // The router cannot fail; anything else is a bug.
        tracing::error!(%error, "unexpected error from the HTTP layers");
        return ApiError::internal("internal error").into_response();
    }
    let mut response = ApiError::new(
        ErrorCode::Overloaded,
        "the server is at its limit of concurrent requests: retry shortly",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}

/// Serves `router` on `listener` until `stop` turns true, then stops accepting, lets open
/// connections finish their request for up to the shutdown grace and closes the rest.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    let mut connections: JoinSet<()> = JoinSet::new();
    let stopped = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            () = &mut stopped => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        accept_failed(e).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(router.clone());
                let connection = http1.serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                connections.spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "HTTP connection ended with an error");
                    }
                });
            }
        }
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            connections = connections.len(),
            grace_ms = limits.shutdown_grace.as_millis() as u64,
            "closing the connections still open after the shutdown grace period"
        );
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// An accept error: a connection that failed before it was accepted is the client's
/// business; running out of descriptors passes, so wait a little instead of spinning.
async fn accept_failed(e: io::Error) {
    let per_connection = matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    );
    if !per_connection {
        tracing::warn!(error = %e, "cannot accept a connection");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
