//! A hostile RPC (issue 17 item 3): a real HTTP server answering crafted `getEvents` pages
//! that break the paging contract (ids out of order, ids not after the request's start, a
//! cursor past the latest ledger). Each page is refused, retried, and never stored; a
//! well-formed page from the same server is stored.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use serde_json::{json, Value};
use teachlink_indexer::store::{Checkpoint, MemoryStore, Queries, Store};
use teachlink_indexer::sync::{Backoff, RpcError, SyncConfig, SyncError, Syncer, Timer};
use teachlink_indexer::types::EventId;
use teachlink_indexer::{Address, Deployment};

const LATEST: u32 = 100;
const START: u32 = 10;

/// Serves JSON-RPC on a thread of its own: `getHealth` says ledgers 1 to [`LATEST`],
/// `getEvents` answers `page` whatever is asked. Returns its URL.
fn hostile_rpc(page: Value) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let result = match request["method"].as_str() {
                Some("getHealth") => {
                    json!({ "status": "healthy", "latestLedger": LATEST, "oldestLedger": 1 })
                }
                Some("getEvents") => page.clone(),
                _ => Value::Null,
            };
            let text =
                json!({ "jsonrpc": "2.0", "id": request["id"], "result": result }).to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    url
}

fn contract() -> String {
    Address::Contract([4; 32]).to_string()
}

fn id(ledger: u32, tx: u64) -> EventId {
    EventId {
        toid: (u64::from(ledger) << 32) | (tx << 12),
        index: 0,
    }
}

fn event(id: EventId) -> Value {
    json!({
        "type": "contract",
        "id": id.to_string(),
        "ledger": id.ledger(),
        "ledgerClosedAt": "2026-12-01T00:00:00Z",
        "contractId": contract(),
        "txHash": "00",
        "topic": [],
        "value": "",
    })
}

fn page(events: &[EventId], cursor: EventId) -> Value {
    json!({
        "events": events.iter().map(|i| event(*i)).collect::<Vec<_>>(),
        "cursor": cursor.to_string(),
        "latestLedger": LATEST,
        "oldestLedger": 1,
    })
}

/// A clock that never waits, counting the retries' sleeps.
#[derive(Default)]
struct FakeTimer {
    now: Cell<f64>,
    sleeps: RefCell<Vec<Duration>>,
}

impl Timer for &FakeTimer {
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    async fn sleep(&self, d: Duration) {
        self.sleeps.borrow_mut().push(d);
        self.now.set(self.now.get() + d.as_secs_f64() * 1_000.0);
    }
}

fn config(url: String) -> SyncConfig {
    let deployment = Deployment {
        contracts: [("rewards".to_string(), contract())].into(),
        start_ledger: START,
    };
    let mut c = SyncConfig::new(url, deployment);
    c.backoff = Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(100),
        max_attempts: Some(2),
    };
    c
}

/// One step against `page` on `store`: the refusal it ends with, after one retry, with
/// nothing of the page stored.
async fn refused(store: &MemoryStore, page: Value) -> RpcError {
    let before = store.cursor().await.expect("cursor");
    let timer = FakeTimer::default();
    let mut s = Syncer::new(config(hostile_rpc(page)), store, &timer).expect("syncer");
    let err = s.step().await.expect_err("the page is refused");
    let SyncError::Rpc { attempts, error } = err else {
        panic!("not an RPC refusal: {err}")
    };
    assert_eq!(attempts, 2, "retried before failing");
    assert_eq!(timer.sleeps.borrow().len(), 1);
    assert_eq!(
        store.cursor().await.expect("cursor"),
        before,
        "nothing stored"
    );
    let stats = store.stats().await.expect("stats");
    assert_eq!((stats.events, stats.unknown), (0, 0));
    error
}

#[tokio::test]
async fn pages_breaking_the_paging_contract_are_refused_never_stored() {
    let fresh = MemoryStore::new();
    // Not sorted by id.
    assert_eq!(
        refused(&fresh, page(&[id(12, 1), id(11, 1)], id(12, 1))).await,
        RpcError::Malformed(format!("event ids not in ascending order at {}", id(11, 1)))
    );
    // Before the ledger the request started from (the deployment's start).
    assert_eq!(
        refused(&fresh, page(&[id(START - 1, 1)], id(START - 1, 1))).await,
        RpcError::Malformed(format!(
            "event {} is not after the requested start",
            id(START - 1, 1)
        ))
    );
    // A cursor beyond the end of the latest ledger.
    let beyond = EventId::end_of_ledger(LATEST + 1);
    assert_eq!(
        refused(&fresh, page(&[id(12, 1)], beyond)).await,
        RpcError::Malformed(format!(
            "cursor {beyond} is beyond the latest ledger {LATEST}"
        ))
    );

    // A store with a checkpoint: an id not above the request's cursor is refused.
    let resumed = MemoryStore::new();
    let checkpoint = Checkpoint {
        cursor: Some(id(20, 1)),
        ledger: 19,
        gaps: Vec::new(),
    };
    resumed.apply_batch(&[], &checkpoint).await.expect("seed");
    assert_eq!(
        refused(&resumed, page(&[id(20, 1), id(21, 1)], id(21, 1))).await,
        RpcError::Malformed(format!(
            "event {} is not after the requested start",
            id(20, 1)
        ))
    );
    // A cursor going back before the request's.
    assert_eq!(
        refused(&resumed, page(&[], id(19, 1))).await,
        RpcError::Malformed(format!(
            "cursor {} goes back before the request's {}",
            id(19, 1),
            id(20, 1)
        ))
    );

    // Positive control: a well-formed page from the same kind of server is stored.
    let timer = FakeTimer::default();
    let url = hostile_rpc(page(&[id(11, 1), id(12, 1)], id(12, 1)));
    let mut s = Syncer::new(config(url), &fresh, &timer).expect("syncer");
    s.step().await.expect("a good page");
    // (Undecodable events: kept raw, as unknown.)
    assert_eq!(fresh.stats().await.expect("stats").unknown, 2);
    assert_eq!(
        fresh.cursor().await.expect("cursor").and_then(|c| c.cursor),
        Some(id(12, 1))
    );
}
