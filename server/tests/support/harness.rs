//! The server under test: a runtime to run it on, starting it, reading it over HTTP,
//! polling it until something holds, and waiting for its demo.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use teachlink_server::config::{default_wasm_dir, DatabaseUrl};
use teachlink_server::demo::{DemoState, Person};
use teachlink_server::{run, Config, ServerHandle};

/// One runtime for every test of a binary, so a shared server outlives each test's
/// `block_on`.
pub fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test runtime")
    })
}

/// Fails, saying what to do, unless the contracts' Wasm is built.
pub fn require_wasm() {
    let dir = default_wasm_dir();
    assert!(
        dir.join("teachlink_escrow.wasm").is_file(),
        "no contract Wasm in {}: run scripts/build-contracts.sh first",
        dir.display()
    );
}

/// Runs a server on `config` until its handle's `shutdown`.
pub async fn start_server(config: Config) -> ServerHandle {
    run(config, std::future::pending())
        .await
        .expect("the server starts")
}

/// A server as [`Config::for_tests`] sets it up (the embedded localnet with the contracts
/// and the demo), in a temp dir of its own, running on [`rt`]: a binary's shared server.
pub struct TestServer {
    pub handle: ServerHandle,
    /// Its SQLite database.
    pub database: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> TestServer {
        require_wasm();
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config::for_tests(dir.path());
        let DatabaseUrl::Sqlite(database) = config.database.clone() else {
            panic!("SQLite by default")
        };
        let handle = rt().block_on(start_server(config));
        TestServer {
            handle,
            database,
            _dir: dir,
        }
    }
}

// ---- HTTP ----

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("HTTP client")
}

/// GET `base` + `path`: status, content type and body.
pub async fn get(base: &str, path: &str) -> (u16, String, String) {
    let resp = client()
        .get(format!("{base}{}", path.trim_start_matches('/')))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = resp.text().await.expect("body");
    (status, content_type, body)
}

/// GET a JSON answer (it must say so in its content type): status and body.
pub async fn get_json(base: &str, path: &str) -> (u16, Value) {
    let (status, content_type, body) = get(base, path).await;
    assert!(
        content_type.starts_with("application/json"),
        "GET {path}: {status} {content_type}: {body}"
    );
    let v = serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"));
    (status, v)
}

/// POST nothing to `base` + `path`: status and JSON body.
pub async fn post_json(base: &str, path: &str) -> (u16, Value) {
    let resp = client()
        .post(format!("{base}{}", path.trim_start_matches('/')))
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    let status = resp.status().as_u16();
    let v = resp
        .json()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {status}, no JSON body: {e}"));
    (status, v)
}

/// `/api/status`, which must answer 200.
pub async fn status(base: &str) -> Value {
    let (code, v) = get_json(base, "/api/status").await;
    assert_eq!(code, 200, "{v}");
    v
}

/// The events in the store, by an `/api/status` answer.
pub fn store_events(status: &Value) -> u64 {
    status["store"]["events"].as_u64().unwrap_or(0)
}

/// `teachlink_indexer_running` of the server at `base` (None: not exported, or no answer).
pub async fn indexer_running(base: &str) -> Option<i64> {
    let text = client()
        .get(format!("{base}metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("teachlink_indexer_running "))
        .and_then(|v| v.trim().parse().ok())
}

// ---- polling ----

const POLL: Duration = Duration::from_millis(20);

/// Polls `check` every 20 ms until it yields a value or `deadline` passes.
pub async fn eventually<T, F, Fut>(what: &str, deadline: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match check().await {
            Ok(v) => return v,
            Err(last) if start.elapsed() > deadline => {
                panic!("{what}: not within {deadline:?}; last: {last}")
            }
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}

/// [`eventually`] for a blocking `check`, sleeping the thread between tries.
pub fn eventually_blocking<T>(
    what: &str,
    deadline: Duration,
    mut check: impl FnMut() -> Result<T, String>,
) -> T {
    let start = Instant::now();
    loop {
        match check() {
            Ok(v) => return v,
            Err(last) if start.elapsed() > deadline => {
                panic!("{what}: not within {deadline:?}; last: {last}")
            }
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// Polls `/api/status` of the server at `base` until the store's event count is `enough`;
/// returns that status.
pub async fn wait_for_events(
    base: &str,
    what: &str,
    deadline: Duration,
    enough: impl Fn(u64) -> bool,
) -> Value {
    eventually(what, deadline, || async {
        let v = status(base).await;
        if enough(store_events(&v)) {
            Ok(v)
        } else {
            Err(v.to_string())
        }
    })
    .await
}

// ---- the demo ----

/// Waits (two minutes at most) for the demo of `handle` to complete; returns how many
/// TeachLink events it emitted, and its people.
pub async fn demo_done(handle: &ServerHandle) -> (u64, Vec<Person>) {
    let mut demo = handle.demo_state();
    let state = tokio::time::timeout(
        Duration::from_secs(120),
        demo.wait_for(|s| !matches!(s, Some(DemoState::Running { .. }) | None)),
    )
    .await
    .expect("the demo completes within two minutes")
    .expect("demo state")
    .clone();
    match state {
        Some(DemoState::Done { events, people, .. }) => (u64::from(events), people),
        other => panic!("the demo did not complete: {other:?}"),
    }
}

/// Waits for the demo of `handle` to complete and be indexed; returns its people's
/// accounts by name.
pub async fn demo_indexed(handle: &ServerHandle) -> BTreeMap<String, String> {
    let (events, people) = demo_done(handle).await;
    wait_for_events(
        &handle.url(),
        "the demo indexed",
        Duration::from_secs(30),
        |n| n >= events,
    )
    .await;
    people.into_iter().map(|p| (p.name, p.account)).collect()
}
