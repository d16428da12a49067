//! The store remembers the chain it was indexed from (issue 17 items 2 and 5): the same
//! database restarted against a localnet restarted without its state file (same passphrase,
//! same contract ids), or with its deployment changed, stops indexing with the reason in
//! /health and `teachlink_indexer_chain_mismatch` 1, instead of mixing chains; restarted
//! against the same chain and deployment it resumes.
//!
//! Needs the contracts' Wasm (`scripts/build-contracts.sh`).

mod support;

use std::time::Duration;

use serde_json::Value;
use teachlink_localnet::{deploy_teachlink, Localnet};
use teachlink_server::identity::Mismatch;

use support::chain::{localnet_config, one_more_event, own_localnet, rpc_config};
use support::harness::{
    client, eventually, get_json, require_wasm, rt, start_server, wait_for_events,
};

async fn metric(base: &str, name: &str) -> Option<f64> {
    let text = client()
        .get(format!("{base}metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
}

/// Waits for the indexer of the server at `base` to stop; its /health message.
async fn stopped(base: &str) -> String {
    eventually("the indexer stops", Duration::from_secs(60), || async {
        let (_, h) = get_json(base, "/health").await;
        match h["checks"]["indexer_lag"]["message"].as_str() {
            Some(m) if m.starts_with("the indexer stopped") => Ok(m.to_string()),
            _ => Err(h.to_string()),
        }
    })
    .await
}

#[test]
fn a_store_refuses_a_reset_chain_and_a_changed_deployment_and_resumes_its_own() {
    require_wasm();
    rt().block_on(async {
        let (net, deployment) = tokio::task::spawn_blocking(|| own_localnet(0, None))
            .await
            .expect("setup");
        let rewards = deployment.contracts["rewards"].clone();
        let net = one_more_event(net, rewards.clone(), "first").await;
        let dir = tempfile::tempdir().expect("dir");

        // The store is created on chain A.
        let a = start_server(rpc_config(dir.path(), net.url(), &deployment)).await;
        let first =
            wait_for_events(&a.url(), "A indexed", Duration::from_secs(60), |n| n >= 1).await;
        let indexed = first["store"]["events"].as_u64().expect("events");
        a.shutdown().await.expect("stops");

        // Positive control: the same chain and deployment resume.
        let net = one_more_event(net, rewards.clone(), "second").await;
        let again = start_server(rpc_config(dir.path(), net.url(), &deployment)).await;
        wait_for_events(&again.url(), "resumed", Duration::from_secs(60), |n| {
            n == indexed + 1
        })
        .await;
        assert_eq!(
            metric(&again.url(), "teachlink_indexer_chain_mismatch").await,
            Some(0.0)
        );
        again.shutdown().await.expect("stops");

        // The deployment changed (a contract id differs): refused.
        let mut changed = deployment.clone();
        let other_id = deployment.contracts["content"].clone();
        changed.contracts.insert("rewards".into(), other_id);
        let c = start_server(rpc_config(dir.path(), net.url(), &changed)).await;
        let expected = Mismatch::Contracts {
            stored: deployment.contracts.clone(),
            now: changed.contracts.clone(),
        };
        assert_eq!(
            stopped(&c.url()).await,
            format!(
                "the indexer stopped: {expected}; indexing stopped: re-index into an empty \
                 store (runbook: TeachLinkIndexerChainMismatch)"
            )
        );
        assert_eq!(
            metric(&c.url(), "teachlink_indexer_chain_mismatch").await,
            Some(1.0)
        );
        c.shutdown().await.expect("stops");

        // Chain A is gone; B is started without its state: same passphrase, same keys, the
        // contracts deployed a few ledgers later (same ids).
        tokio::task::spawn_blocking(move || net.shutdown())
            .await
            .expect("A stops");
        let (b, b_deployment) = tokio::task::spawn_blocking(|| {
            let b = Localnet::start(localnet_config(0, None)).expect("B starts");
            let d = b
                .with_node(|n| {
                    for _ in 0..3 {
                        n.close_ledger().expect("closes");
                    }
                    deploy_teachlink(n, &teachlink_server::config::default_wasm_dir())
                })
                .expect("node")
                .expect("deploys");
            (b, d)
        })
        .await
        .expect("B");
        assert_eq!(b_deployment.contracts, deployment.contracts, "same ids");
        // The operator changed nothing: the same configuration, pointed at B.
        let r = start_server(rpc_config(dir.path(), b.url(), &deployment)).await;
        let message = stopped(&r.url()).await;
        assert!(
            message.starts_with("the indexer stopped: the chain was reset: "),
            "{message}"
        );
        assert_eq!(
            metric(&r.url(), "teachlink_indexer_chain_mismatch").await,
            Some(1.0)
        );
        let (_, status) = get_json(&r.url(), "/api/status").await;
        assert_eq!(
            status["store"]["events"],
            Value::from(indexed + 1),
            "nothing of B applied: {status}"
        );
        r.shutdown().await.expect("stops");
        tokio::task::spawn_blocking(move || b.shutdown())
            .await
            .expect("B stops");
    });
}
