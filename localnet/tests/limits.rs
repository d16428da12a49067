//! What a client may ask of the node: JSON-RPC batches are bounded, only the configured
//! origins (and the node's own and localhost's) get CORS, and a ledger close that fails
//! changes nothing.

mod common;

use common::*;
use serde_json::{json, Value};
use stellar_xdr::{BumpSequenceOp, OperationBody, SequenceNumber};
use teachlink_localnet::rpc::MAX_BATCH;
use teachlink_localnet::{Config, LocalnetError};

fn batch(n: usize) -> String {
    let items: Vec<Value> = (0..n)
        .map(|i| json!({ "jsonrpc": "2.0", "id": i, "method": "getHealth" }))
        .collect();
    Value::Array(items).to_string()
}

#[test]
fn batches_longer_than_the_cap_are_refused() {
    let net = Net::start();
    let refused = net.post_raw(&batch(MAX_BATCH + 1));
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    assert_eq!(
        refused["error"]["message"],
        format!("a batch of {} requests; at most {MAX_BATCH}", MAX_BATCH + 1)
    );
    let served = net.post_raw(&batch(MAX_BATCH));
    let answers = served.as_array().expect("a batch answer");
    assert_eq!(answers.len(), MAX_BATCH);
    assert!(answers.iter().all(|a| a["result"]["status"] == "healthy"));
}

/// The `Access-Control-Allow-Origin` a preflight from `origin` gets.
fn allowed(net: &Net, origin: &str) -> Option<String> {
    let resp = net
        .http
        .request(reqwest::Method::OPTIONS, net.handle.url())
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .expect("preflight");
    resp.headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[test]
fn cors_answers_only_configured_origins_its_own_and_localhost() {
    let net = Net::start_with(Config {
        cors_origins: vec!["https://app.teachlink.example".into()],
        ..Config::for_tests()
    });
    let own = format!("http://{}", net.handle.addr());
    for origin in [
        own.as_str(),
        "https://app.teachlink.example",
        "http://localhost:8080",
        "http://127.0.0.1:3000",
        "http://[::1]:8080",
        "http://localhost",
    ] {
        assert_eq!(allowed(&net, origin).as_deref(), Some(origin), "{origin}");
    }
    for origin in [
        "https://evil.example",
        "http://localhost.evil.example",
        "http://127.0.0.1.evil.example:8080",
        "https://app.teachlink.example.evil",
    ] {
        assert_eq!(allowed(&net, origin), None, "{origin}");
    }
}

#[test]
fn a_failed_ledger_close_changes_nothing() {
    let dir =
        std::env::temp_dir().join(format!("teachlink-localnet-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("chain.state");
    let _ = std::fs::remove_dir_all(&file);
    let _ = std::fs::remove_file(&file);
    let net = Net::start_with(Config {
        state_file: Some(file.clone()),
        ..Config::for_tests()
    });
    let alice = key("alice");
    net.friendbot(&alice);
    let before = net.latest();
    let bump = net.tx(
        &alice,
        OperationBody::BumpSequence(BumpSequenceOp {
            bump_to: SequenceNumber(0),
        }),
        100,
    );
    let sent = net.send(&net.sign(bump, &[&alice]));
    assert_eq!(sent["status"], "PENDING", "{sent}");
    let hash = sent["hash"].as_str().expect("hash").to_string();

    // The state file cannot be written: a directory stands in its place.
    std::fs::remove_file(&file).expect("the state file exists");
    std::fs::create_dir(&file).expect("a directory");
    std::fs::write(file.join("blocker"), b"x").expect("writes");
    let failed = net.handle.close_ledger();
    assert!(
        matches!(&failed, Err(LocalnetError::Io(e)) if e.kind() == std::io::ErrorKind::IsADirectory
            || e.kind() == std::io::ErrorKind::DirectoryNotEmpty),
        "the close wrote no state file: {failed:?}"
    );
    assert_eq!(net.latest(), before, "a failed close added a ledger");
    let pending = net.handle.with_node(|n| n.pending_count()).expect("node");
    assert_eq!(pending, 1, "the transaction was lost");
    let status = net.result("getTransaction", json!({ "hash": hash }));
    assert_eq!(status["status"], "NOT_FOUND", "{status}");

    // Writable again: the next close applies it.
    std::fs::remove_dir_all(&file).expect("removes");
    assert_eq!(net.close(), before + 1);
    // Applied in that ledger (its result is the node's business, not this test's).
    let status = net.result("getTransaction", json!({ "hash": hash }));
    assert_eq!(status["ledger"], before + 1, "{status}");
    assert!(file.is_file());
    let _ = std::fs::remove_dir_all(&dir);
}
