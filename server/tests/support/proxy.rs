//! A JSON-RPC proxy in front of an RPC endpoint, to inject a fault at a known point rather
//! than race the system: switched down it answers every request 503 (an endpoint that is
//! out); given a `getEvents` allowance it forwards that many `getEvents` calls and holds
//! every later one until opened (a sync stopped after a known number of pages).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;
use tokio::sync::watch;

pub struct Proxy {
    /// Where clients call it.
    pub url: String,
    state: Arc<Inner>,
}

struct Inner {
    upstream: String,
    up: AtomicBool,
    allowed: Option<u64>,
    passed: AtomicU64,
    held: AtomicU64,
    open: watch::Sender<bool>,
    client: reqwest::Client,
}

impl Proxy {
    /// A proxy to `upstream` on a free port, up, on the current runtime; with
    /// `events_allowed`, `getEvents` calls past that many are held until [`Proxy::open`].
    pub async fn start(upstream: String, events_allowed: Option<u64>) -> Proxy {
        let state = Arc::new(Inner {
            upstream,
            up: AtomicBool::new(true),
            allowed: events_allowed,
            passed: AtomicU64::new(0),
            held: AtomicU64::new(0),
            open: watch::channel(false).0,
            client: reqwest::Client::new(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the proxy binds");
        let addr = listener.local_addr().expect("its address");
        let app = axum::Router::new()
            .route("/", axum::routing::post(forward))
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Proxy {
            url: format!("http://{addr}/"),
            state,
        }
    }

    /// Down: every request answers 503 (as an endpoint that is out); up: forwarded.
    pub fn set_up(&self, up: bool) {
        self.state.up.store(up, Ordering::SeqCst);
    }

    /// `getEvents` calls forwarded or held so far.
    pub fn events_calls(&self) -> u64 {
        self.state.passed.load(Ordering::SeqCst)
    }

    /// `getEvents` calls held (now or before).
    pub fn held(&self) -> u64 {
        self.state.held.load(Ordering::SeqCst)
    }

    /// Lets every held and later `getEvents` call through.
    pub fn open(&self) {
        self.state.open.send_replace(true);
    }
}

async fn forward(State(p): State<Arc<Inner>>, body: Bytes) -> (StatusCode, String) {
    if !p.up.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "switched off".into());
    }
    let events = serde_json::from_slice::<Value>(&body).is_ok_and(|v| v["method"] == "getEvents");
    if events {
        let n = p.passed.fetch_add(1, Ordering::SeqCst);
        if p.allowed.is_some_and(|allowed| n >= allowed) {
            p.held.fetch_add(1, Ordering::SeqCst);
            let _ = p.open.subscribe().wait_for(|open| *open).await;
        }
    }
    let answer = p
        .client
        .post(&p.upstream)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;
    match answer {
        Ok(resp) => {
            let code =
                StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            (code, resp.text().await.unwrap_or_default())
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()),
    }
}
