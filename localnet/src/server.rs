//! Owns the HTTP server and the embedding API: axum routes (JSON-RPC at `/`, friendbot,
//! manual ledger close), the ledger-close timer, and the handle in-process users hold.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::oneshot;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::config::Config;
use crate::error::{LocalnetError, Result};
use crate::node::Node;
use crate::rpc::{self, Shared};

/// Starts localnet servers.
pub struct Localnet;

/// A running localnet. Dropping it stops the server.
pub struct LocalnetHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Localnet {
    /// Builds genesis and serves JSON-RPC on `config.host:config.port` from a background
    /// thread with its own Tokio runtime, so sync and async callers can embed it alike.
    /// Returns once the socket is bound.
    pub fn start(config: Config) -> Result<LocalnetHandle> {
        let manual = config.close_interval.is_none();
        let interval = config.close_interval;
        let bind = format!("{}:{}", config.host, config.port);
        let cors_origins = config.cors_origins.clone();
        let node = Node::new(config)?;
        let shared = Arc::new(Shared {
            node: Mutex::new(node),
            manual_close: manual,
            friendbot_url: Mutex::new(String::new()),
        });
        let listener = std::net::TcpListener::bind(&bind)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        if let Ok(mut url) = shared.friendbot_url.lock() {
            *url = format!("http://{addr}/friendbot");
        }
        let (tx, rx) = oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<()>>();
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("teachlink-localnet".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(LocalnetError::Io(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(LocalnetError::Io(e)));
                            return;
                        }
                    };
                    if let Some(every) = interval {
                        tokio::spawn(close_timer(s.clone(), every));
                    }
                    let _ = ready_tx.send(Ok(()));
                    let app = router(s, cors(&cors_origins, addr));
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = rx.await;
                        })
                        .await;
                });
            })?;
        ready_rx
            .recv()
            .map_err(|_| LocalnetError::Invalid("server thread exited during start".into()))??;
        Ok(LocalnetHandle {
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }
}

impl LocalnetHandle {
    /// The JSON-RPC endpoint, e.g. `http://127.0.0.1:8000/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The friendbot endpoint (`GET ?addr=G...`).
    pub fn friendbot_url(&self) -> String {
        format!("http://{}/friendbot", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Closes the next ledger now (any mode); returns its sequence.
    pub fn close_ledger(&self) -> Result<u32> {
        self.with_node(|n| n.close_ledger())?
    }

    /// Runs `f` with exclusive access to the node (state, history, submission).
    pub fn with_node<T>(&self, f: impl FnOnce(&mut Node) -> T) -> Result<T> {
        let mut node = self
            .shared
            .node
            .lock()
            .map_err(|_| LocalnetError::Poisoned)?;
        Ok(f(&mut node))
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Blocks until the server stops (for the binary).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for LocalnetHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn close_timer(shared: Arc<Shared>, every: std::time::Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        let s = shared.clone();
        let closed = tokio::task::spawn_blocking(move || -> std::result::Result<u32, String> {
            let mut node = s.node.lock().map_err(|_| "lock poisoned".to_string())?;
            node.close_ledger().map_err(|e| e.to_string())
        })
        .await;
        if let Ok(Err(e)) | Err(e) = closed.map_err(|e| e.to_string()) {
            eprintln!("teachlink-localnet: ledger close failed: {e}");
        }
    }
}

fn router(shared: Arc<Shared>, cors: CorsLayer) -> Router {
    Router::new()
        .route("/", post(rpc_handler))
        .route("/friendbot", get(friendbot_handler).post(friendbot_handler))
        .route("/close", post(close_handler))
        .with_state(shared)
        .layer(cors)
}

/// CORS for the configured origins, the node's own and localhost's: a page elsewhere must
/// not drive the node's friendbot or ledger closes from a visitor's browser.
fn cors(configured: &[String], addr: SocketAddr) -> CorsLayer {
    let own = format!("http://{addr}");
    let configured: Vec<String> = configured
        .iter()
        .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            let Ok(origin) = origin.to_str() else {
                return false;
            };
            let origin = origin.to_ascii_lowercase();
            origin == own || configured.contains(&origin) || is_localhost(&origin)
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(Any)
}

/// `http(s)://localhost|127.0.0.1|[::1]` with any port.
fn is_localhost(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let host = match rest.strip_prefix("[::1]") {
        Some(port) => return port.is_empty() || is_port(port),
        None => rest,
    };
    let (name, port) = match host.split_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host, None),
    };
    (name == "localhost" || name == "127.0.0.1") && port.is_none_or(|p| is_port(&format!(":{p}")))
}

fn is_port(s: &str) -> bool {
    s.strip_prefix(':')
        .is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

async fn rpc_handler(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match rpc::handle_body(shared, &body).await {
        Some(v) => Json(v).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

#[derive(Deserialize)]
struct FriendbotQuery {
    addr: Option<String>,
}

async fn friendbot_handler(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<FriendbotQuery>,
) -> Response {
    let Some(addr) = q.addr else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "status": 400, "detail": "missing addr parameter" })),
        )
            .into_response();
    };
    match rpc::friendbot(shared, addr).await {
        Ok(v) => Json(v).into_response(),
        Err((code, detail)) => (
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(json!({ "status": code, "detail": detail })),
        )
            .into_response(),
    }
}

async fn close_handler(State(shared): State<Arc<Shared>>) -> Response {
    let closed = tokio::task::spawn_blocking(move || -> std::result::Result<u32, String> {
        let mut node = shared
            .node
            .lock()
            .map_err(|_| "lock poisoned".to_string())?;
        node.close_ledger().map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    match closed {
        Ok(seq) => Json(json!({ "sequence": seq })).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": e })),
        )
            .into_response(),
    }
}
