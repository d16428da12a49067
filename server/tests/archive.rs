//! The archive (issue 10): the server keeps every indexed event and serves it as Stellar
//! RPC's `getEvents` at `POST /rpc`, so an indexer syncs from the server past the window
//! the RPC still keeps.
//!
//! Needs the contracts' Wasm (`scripts/build-contracts.sh`).

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use teachlink_indexer::scope::{AccountView, Scope};
use teachlink_indexer::store::MemoryStore;
use teachlink_indexer::sync::{Backoff, TokioTimer};
use teachlink_indexer::{Deployment, State, SyncConfig, Syncer};

use support::chain::{
    indexer_deployment, move_window_past, rpc_config, small_window_localnet, RETENTION,
};
use support::harness::{client, require_wasm, rt, start_server, wait_for_events};

/// Syncs a fresh memory store from `url` until caught up, `page_limit` events a page.
async fn sync_fresh(
    url: &str,
    d: &Deployment,
    page_limit: u32,
) -> (MemoryStore, teachlink_indexer::Status) {
    let store = MemoryStore::new();
    let mut config = SyncConfig::new(url, d.clone());
    config.page_limit = page_limit;
    config.backoff = Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        max_attempts: Some(5),
    };
    let status = {
        let mut syncer = Syncer::new(config, &store, TokioTimer::default()).expect("a syncer");
        syncer.backfill().await.expect("the sync completes");
        syncer.status().clone()
    };
    (store, status)
}

fn state(store: &MemoryStore) -> State {
    store.snapshot().expect("the store").state
}

/// One JSON-RPC call to `url`; the whole response.
async fn call(url: &str, method: &str, params: Value) -> Value {
    client()
        .post(url)
        .json(&json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params }))
        .send()
        .await
        .expect("the request")
        .json()
        .await
        .expect("a JSON answer")
}

#[test]
fn an_indexer_syncs_past_the_rpcs_retention_window_from_the_servers_archive() {
    require_wasm();
    rt().block_on(async {
        let (net, deployment, demo_events) = tokio::task::spawn_blocking(small_window_localnet)
            .await
            .expect("setup");
        let d = indexer_deployment(&deployment);
        let last_demo_ledger = net
            .with_node(|n| n.latest().header.ledger_seq)
            .expect("node");
        assert!(
            last_demo_ledger - deployment.start_ledger < RETENTION,
            "the demo must fit in the window: {} ledgers",
            last_demo_ledger - deployment.start_ledger
        );

        // The reference: everything, synced from the localnet while it still has it.
        let (reference, ref_status) = sync_fresh(&net.url(), &d, 1_000).await;
        assert_eq!(ref_status.gap, None);
        assert_eq!(ref_status.events_indexed, demo_events);

        // The server indexes the localnet and archives every event.
        let dir = tempfile::tempdir().expect("temp dir");
        let server = start_server(rpc_config(dir.path(), net.url(), &deployment)).await;
        let base = server.url();
        let rpc = format!("{base}rpc");
        wait_for_events(&base, "the demo indexed", Duration::from_secs(60), |n| {
            n >= demo_events
        })
        .await;

        // The window moves past every demo event, with the server following the head.
        let latest = move_window_past(&net, &base).await;
        let oldest = net
            .with_node(|n| n.oldest().header.ledger_seq)
            .expect("node");
        assert!(oldest > last_demo_ledger, "{oldest} <= {last_demo_ledger}");

        // From the localnet alone: the gap, and none of the demo's events.
        let (from_rpc, rpc_status) = sync_fresh(&net.url(), &d, 1_000).await;
        let gap = rpc_status.gap.expect("a retention gap");
        assert_eq!(gap.first_ledger, d.start_ledger);
        assert_eq!(gap.last_ledger, oldest - 1);
        assert_eq!(rpc_status.events_indexed, 0);
        assert_ne!(state(&from_rpc), state(&reference));

        // From the server's archive: every event, no gap, identical entities; small pages
        // so that the cursors are used.
        let (from_archive, archive_status) = sync_fresh(&rpc, &d, 7).await;
        assert_eq!(archive_status.gap, None, "{archive_status:?}");
        assert_eq!(archive_status.events_indexed, demo_events);
        assert_eq!(archive_status.duplicate_events, 0);
        assert!(archive_status.pages > demo_events / 7, "{archive_status:?}");
        assert_eq!(state(&from_archive), state(&reference));

        // Scoped (issue 18): each demo account's slice, from the archive past the RPC's
        // window through the scope's topic filters, equals the full reference's entities.
        let full = state(&reference);
        let mut accounts = std::collections::BTreeSet::new();
        for x in full.escrows.values() {
            accounts.extend(x.parties());
        }
        for t in full.tokens.values() {
            accounts.extend(t.owner);
            accounts.extend(t.creator);
        }
        accounts.extend(full.profiles.keys().copied());
        accounts.extend(full.rewards.keys().copied());
        assert!(accounts.len() >= 4, "{accounts:?}");
        for a in accounts {
            let scope = Scope::accounts([a]);
            let store = MemoryStore::new();
            let mut config = SyncConfig::new(rpc.as_str(), d.clone());
            config.page_limit = 5;
            let mut syncer = Syncer::new(config, &store, TokioTimer::default()).expect("a syncer");
            syncer.backfill_scoped(&scope).await.expect("the scoped sync completes");
            assert_eq!(syncer.status().gap, None);
            let scoped = state(&store);
            assert_eq!(AccountView::of(&scoped, &a), AccountView::of(&full, &a), "{a}");
            assert!(!AccountView::of(&scoped, &a).is_empty(), "{a}");
            for (id, x) in &scoped.escrows {
                assert_eq!(Some(x), full.escrows.get(id), "escrow {id} of {a}");
            }
        }

        // The shapes of Stellar RPC.
        let h = call(&rpc, "getHealth", json!({})).await;
        assert_eq!(h["result"]["status"], "healthy", "{h}");
        assert_eq!(h["result"]["oldestLedger"], d.start_ledger, "{h}");
        assert!(
            h["result"]["latestLedger"].as_u64() >= Some(u64::from(latest)),
            "{h}"
        );
        let n = call(&rpc, "getNetwork", json!({})).await;
        assert_eq!(
            n["result"]["passphrase"], deployment.network_passphrase,
            "{n}"
        );
        assert_eq!(
            n["result"]["protocolVersion"],
            teachlink_localnet::PROTOCOL_VERSION,
            "{n}"
        );
        let l = call(&rpc, "getLatestLedger", json!({})).await;
        assert_eq!(l["result"]["sequence"], h["result"]["latestLedger"], "{l}");
        let page = call(
            &rpc,
            "getEvents",
            json!({
                "startLedger": d.start_ledger,
                "filters": [{ "type": "contract", "contractIds": [d.contracts["escrow"]] }],
                "pagination": { "limit": 2 },
            }),
        )
        .await;
        let events = page["result"]["events"].as_array().expect("events");
        assert_eq!(events.len(), 2, "{page}");
        for e in events {
            assert_eq!(e["contractId"], d.contracts["escrow"], "{e}");
            assert_eq!(e["type"], "contract");
            assert!(e["topic"].as_array().is_some_and(|t| !t.is_empty()), "{e}");
            assert!(e["value"].is_string() && e["txHash"].is_string(), "{e}");
        }
        assert_eq!(
            page["result"]["cursor"], events[1]["id"],
            "a full page ends at its last event"
        );
        // A cursor past the archive's head (another endpoint's): an empty page, same cursor.
        let ahead = format!("{:019}-{:010}", (u64::from(latest) + 50) << 32, 0);
        let page = call(
            &rpc,
            "getEvents",
            json!({ "pagination": { "cursor": ahead } }),
        )
        .await;
        assert_eq!(page["result"]["events"], json!([]), "{page}");
        assert_eq!(page["result"]["cursor"], ahead.as_str(), "{page}");
        // Errors as stellar-rpc answers them.
        let code = |v: &Value| v["error"]["code"].as_i64();
        let early = call(&rpc, "getEvents", json!({ "startLedger": 1 })).await;
        assert_eq!(code(&early), Some(-32600), "{early}");
        let both = call(
            &rpc,
            "getEvents",
            json!({ "startLedger": d.start_ledger, "pagination": { "cursor": "1-0" } }),
        )
        .await;
        assert_eq!(code(&both), Some(-32602), "{both}");
        let topics = call(
            &rpc,
            "getEvents",
            json!({ "startLedger": d.start_ledger, "filters": [{ "topics": [["**", "*"]] }] }),
        )
        .await;
        assert_eq!(code(&topics), Some(-32602), "{topics}");
        let too_many = call(
            &rpc,
            "getEvents",
            json!({ "startLedger": d.start_ledger, "filters": [{ "topics": vec![vec!["*"]; 6] }] }),
        )
        .await;
        assert_eq!(code(&too_many), Some(-32602), "{too_many}");
        // A contract the archive does not hold (issue 17 item 5): refused, not an empty page.
        let foreign = teachlink_indexer::Address::Contract([9; 32]).to_string();
        let not_archived = call(
            &rpc,
            "getEvents",
            json!({
                "startLedger": d.start_ledger,
                "filters": [{ "type": "contract", "contractIds": [d.contracts["escrow"], foreign] }],
            }),
        )
        .await;
        assert_eq!(code(&not_archived), Some(-32602), "{not_archived}");
        assert_eq!(
            not_archived["error"]["message"],
            format!("contract {foreign} is not archived here (only the deployment's contracts are)"),
            "{not_archived}"
        );
        let unknown = call(&rpc, "sendTransaction", json!({})).await;
        assert_eq!(code(&unknown), Some(-32601), "{unknown}");
        let garbage = client()
            .post(&rpc)
            .body("not json")
            .send()
            .await
            .expect("answers")
            .json::<Value>()
            .await
            .expect("JSON");
        assert_eq!(code(&garbage), Some(-32700), "{garbage}");

        server.shutdown().await.expect("clean shutdown");
        tokio::task::spawn_blocking(move || net.shutdown())
            .await
            .expect("localnet stopped");
    });
}
