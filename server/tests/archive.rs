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
use support::harness::{
    client, eventually, get_json, require_wasm, rt, start_server, wait_for_events,
};
use support::proxy::Proxy;

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

/// The entities a server serves, for comparing two servers: every list (one page of up to
/// 200 holds the demo's), the pool and the store's counts.
async fn reads(base: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for path in [
        "api/escrows?limit=200",
        "api/tokens?limit=200",
        "api/completions?limit=200",
        "api/contributions?limit=200",
        "api/events/unknown?limit=200",
        "api/bridge/validators?limit=200",
        "api/pool",
    ] {
        let (code, body) = get_json(base, path).await;
        out.push((path.to_string(), json!({ "code": code, "body": body })));
    }
    let (_, status) = get_json(base, "api/status").await;
    out.push(("store".into(), status["store"].clone()));
    out
}

/// The archive's event chain of the SQLite store in `dir` (the server keeps it open).
async fn chain_of(dir: &std::path::Path) -> teachlink_indexer::snapshot::EventChain {
    let url = format!("sqlite://{}", dir.join("teachlink.db").display());
    let store = teachlink_indexer_sql::SqlStore::connect(&url)
        .await
        .expect("the store opens");
    let chain = store.event_chain().await.expect("its chain");
    store.close().await;
    chain
}

/// The server at `base` once its checkpoint satisfies `ok` (its status then).
async fn checkpoint_where(base: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    eventually(what, Duration::from_secs(60), || async {
        let (_, v) = get_json(base, "api/status").await;
        if ok(&v["checkpoint"]) {
            Ok(v)
        } else {
            Err(v.to_string())
        }
    })
    .await
}

/// Issue 17 item 4 and issue 22: a server whose only endpoint holding the deployment's
/// early ledgers (another server's archive) is out records the gap; stopped while the
/// window moves on, it records a second one on restart; `/health` reports them. Once that
/// endpoint answers again each gap is filled from it: the store ends with exactly what the
/// archive server holds (the same entities, counts and event chain), no gap, `/health` ok.
#[test]
fn recorded_gaps_are_filled_when_an_endpoint_holding_them_returns() {
    require_wasm();
    rt().block_on(async {
        let (net, deployment, demo_events) = tokio::task::spawn_blocking(small_window_localnet)
            .await
            .expect("setup");
        // A: indexes everything while the localnet still has it, and follows it.
        let dir_a = tempfile::tempdir().expect("dir");
        let a = start_server(rpc_config(dir_a.path(), net.url(), &deployment)).await;
        wait_for_events(
            &a.url(),
            "A indexed the demo",
            Duration::from_secs(60),
            |n| n >= demo_events,
        )
        .await;
        move_window_past(&net, &a.url()).await;
        // B reaches A's archive through a proxy, switched off: A is out for B.
        let to_a = Proxy::start(format!("{}rpc", a.url()), None).await;
        to_a.set_up(false);

        // B: A's archive first, then the localnet, whose window has moved on.
        let dir_b = tempfile::tempdir().expect("dir");
        let config_b = || {
            let mut c = rpc_config(dir_b.path(), to_a.url.clone(), &deployment);
            let teachlink_server::config::Network::Rpc(rpc) = &mut c.network else {
                panic!("an RPC network")
            };
            rpc.fallback_rpc_urls = vec![net.url()];
            c
        };
        let b = start_server(config_b()).await;
        let first_gap = checkpoint_where(&b.url(), "B records a gap", |c| {
            c["gaps"].as_array().is_some_and(|g| g.len() == 1)
        })
        .await;
        assert_eq!(first_gap["store"]["events"], 0, "{first_gap}");
        assert_eq!(
            first_gap["checkpoint"]["gaps"][0]["first_ledger"], deployment.start_ledger,
            "{first_gap}"
        );
        let (_, health) = get_json(&b.url(), "health").await;
        assert_eq!(
            health["checks"]["retention_gap"]["status"], "degraded",
            "{health}"
        );
        // A second gap: B stopped while the window moves on again (A follows it).
        let b_head = u64::from(
            net.with_node(|n| n.latest().header.ledger_seq)
                .expect("node"),
        );
        checkpoint_where(&b.url(), "B at the head", |c| {
            c["ledger"].as_u64() == Some(b_head)
        })
        .await;
        b.shutdown().await.expect("B stops");
        move_window_past(&net, &a.url()).await;
        one_more_event_now(&net, &deployment).await;
        let b = start_server(config_b()).await;
        let two = checkpoint_where(&b.url(), "B records a second gap", |c| {
            c["gaps"].as_array().is_some_and(|g| g.len() == 2)
        })
        .await;
        assert_eq!(
            two["checkpoint"]["gaps"][1]["first_ledger"].as_u64(),
            Some(b_head + 1),
            "{two}"
        );
        let (_, health) = get_json(&b.url(), "health").await;
        assert_eq!(
            health["checks"]["retention_gap"]["status"], "degraded",
            "{health}"
        );
        wait_for_events(
            &b.url(),
            "B indexes the new event",
            Duration::from_secs(60),
            |n| n == 1,
        )
        .await;
        wait_for_events(
            &a.url(),
            "A indexes the new event",
            Duration::from_secs(60),
            |n| n == demo_events + 1,
        )
        .await;

        // A answers again: B fills both gaps from it.
        to_a.set_up(true);
        let filled = checkpoint_where(&b.url(), "B fills its gaps", |c| {
            c["gaps"].as_array().is_some_and(Vec::is_empty)
        })
        .await;
        assert_eq!(filled["store"]["events"], demo_events + 1, "{filled}");
        assert_eq!(reads(&b.url()).await, reads(&a.url()).await);
        assert_eq!(chain_of(dir_b.path()).await, chain_of(dir_a.path()).await);
        let health = eventually(
            "B's /health without a gap",
            Duration::from_secs(30),
            || async {
                let (_, h) = get_json(&b.url(), "health").await;
                if h["checks"]["retention_gap"]["status"] == "ok" {
                    Ok(h)
                } else {
                    Err(h.to_string())
                }
            },
        )
        .await;
        assert_eq!(health["checks"]["retention_gap"]["ledgers"], 0, "{health}");
        b.shutdown().await.expect("B stops");
        a.shutdown().await.expect("A stops");
        tokio::task::spawn_blocking(move || net.shutdown())
            .await
            .expect("localnet stopped");
    });
}

/// One more TeachLink event on `net`, in a closed ledger.
async fn one_more_event_now(
    net: &teachlink_localnet::LocalnetHandle,
    d: &teachlink_localnet::Deployment,
) {
    let rewards = d.contracts["rewards"].clone();
    net.with_node(|n| {
        let root = n.root_key().clone();
        let newcomer = teachlink_server::demo::key("after-the-second-gap");
        support::chain::send(
            n,
            &root,
            &rewards,
            "grant_role",
            vec![
                support::chain::sym("issuer"),
                support::chain::account(&newcomer),
            ],
        );
        n.close_ledger().expect("closed");
    })
    .expect("node");
}

/// Issue 17 item 5: the same database restarted with a contract added to the deployment
/// fetches that contract's past and serves it (not refused, nothing skipped): it ends with
/// what a server that indexed the whole deployment from the start has, event chain too.
#[test]
fn a_contract_added_to_the_deployment_is_backfilled() {
    require_wasm();
    rt().block_on(async {
        let (net, deployment, demo_events) = tokio::task::spawn_blocking(small_window_localnet)
            .await
            .expect("setup");
        let mut without_rewards = deployment.clone();
        without_rewards.contracts.remove("rewards");
        let latest = net
            .with_node(|n| n.latest().header.ledger_seq)
            .expect("node");

        let dir = tempfile::tempdir().expect("dir");
        let before = start_server(rpc_config(dir.path(), net.url(), &without_rewards)).await;
        let partial = checkpoint_where(&before.url(), "indexed without rewards", |c| {
            c["ledger"].as_u64() >= Some(u64::from(latest))
        })
        .await;
        let partial_events = partial["store"]["events"].as_u64().expect("a count");
        assert!(partial_events < demo_events, "{partial}");
        let (code, _) = get_json(&before.url(), "api/pool").await;
        assert_eq!(code, 404, "no rewards indexed yet");
        before.shutdown().await.expect("stops");

        // The same database, the whole deployment.
        let after = start_server(rpc_config(dir.path(), net.url(), &deployment)).await;
        let status = wait_for_events(
            &after.url(),
            "the rewards backfilled",
            Duration::from_secs(60),
            |n| n == demo_events,
        )
        .await;
        assert_eq!(status["indexer"]["stopped"], Value::Null, "{status}");
        // The reference: a fresh store indexing the whole deployment.
        let dir_ref = tempfile::tempdir().expect("dir");
        let reference = start_server(rpc_config(dir_ref.path(), net.url(), &deployment)).await;
        wait_for_events(
            &reference.url(),
            "the reference",
            Duration::from_secs(60),
            |n| n == demo_events,
        )
        .await;
        let (code, _) = get_json(&after.url(), "api/pool").await;
        assert_eq!(code, 200, "the rewards pool is served");
        assert_eq!(reads(&after.url()).await, reads(&reference.url()).await);
        assert_eq!(chain_of(dir.path()).await, chain_of(dir_ref.path()).await);
        // It goes on indexing every contract.
        one_more_event_now(&net, &deployment).await;
        wait_for_events(
            &after.url(),
            "the next event",
            Duration::from_secs(60),
            |n| n == demo_events + 1,
        )
        .await;
        after.shutdown().await.expect("stops");
        reference.shutdown().await.expect("stops");
        tokio::task::spawn_blocking(move || net.shutdown())
            .await
            .expect("localnet stopped");
    });
}
