//! RPC endpoint failover (issue 10): several endpoints of one chain, the one in use killed,
//! the indexer goes on with another; an endpoint of another network is refused.
//!
//! Needs the contracts' Wasm (`scripts/build-contracts.sh`).

mod support;

use std::time::Duration;

use serde_json::Value;
use teachlink_localnet::Localnet;
use teachlink_server::config::Network;
use teachlink_server::demo::DemoState;
use teachlink_server::run;

use support::chain::{localnet_config, one_more_event, own_localnet, rpc_config};
use support::harness::{
    client, eventually, get_json, require_wasm, rt, start_server, wait_for_events,
};

const OTHER_NETWORK: &str = "Some Other Network ; November 2026";

/// A metric's value in the exposition at `base`.
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

#[test]
fn the_indexer_fails_over_to_another_endpoint_of_the_same_chain_and_refuses_another_network() {
    require_wasm();
    rt().block_on(async {
        // The chain: a localnet with the contracts and the demo.
        let (net, deployment, demo_events) = tokio::task::spawn_blocking(|| {
            let (net, deployment) = own_localnet(0, None);
            let done = teachlink_server::demo::run(&net, &deployment, &|| false, &|_| {})
                .expect("the demo runs");
            let DemoState::Done { events, .. } = done else {
                panic!("the demo did not complete: {done:?}")
            };
            (net, deployment, u64::from(events))
        })
        .await
        .expect("setup");
        // A localnet of another network.
        let other = Localnet::start(teachlink_localnet::Config {
            network_passphrase: OTHER_NETWORK.to_string(),
            ..localnet_config(0, None)
        })
        .expect("the other network starts");

        // Server A indexes the localnet; its archive (`/rpc`) serves the same chain.
        let dir_a = tempfile::tempdir().expect("dir");
        let archive = start_server(rpc_config(dir_a.path(), net.url(), &deployment)).await;
        wait_for_events(
            &archive.url(),
            "A indexed the demo",
            Duration::from_secs(60),
            |n| n >= demo_events,
        )
        .await;
        let archive_rpc = format!("{}rpc", archive.url());

        // Server B: A's archive first, then the other network, then the localnet.
        let dir_b = tempfile::tempdir().expect("dir");
        let mut config = rpc_config(dir_b.path(), archive_rpc.clone(), &deployment);
        let Network::Rpc(rpc) = &mut config.network else {
            panic!("an RPC network")
        };
        rpc.fallback_rpc_urls = vec![other.url(), net.url()];
        let b = start_server(config).await;
        let base = b.url();
        wait_for_events(
            &base,
            "B indexed the demo from A's archive",
            Duration::from_secs(60),
            |n| n >= demo_events,
        )
        .await;
        let (_, h) = get_json(&base, "/health").await;
        assert_eq!(h["checks"]["rpc"]["url"], archive_rpc.as_str(), "{h}");
        assert_eq!(
            metric(&base, "teachlink_indexer_rpc_endpoint").await,
            Some(0.0)
        );
        assert_eq!(
            metric(&base, "teachlink_indexer_rpc_switches_total").await,
            Some(0.0)
        );

        // A is killed: B goes on with the localnet, never with the other network.
        archive.shutdown().await.expect("A stops");
        let rewards = deployment.contracts["rewards"].clone();
        let net = one_more_event(net, rewards, "after-failover").await;
        wait_for_events(
            &base,
            "B indexes the new event from the localnet",
            Duration::from_secs(60),
            |n| n == demo_events + 1,
        )
        .await;
        let h: Value = eventually("B reports the switch", Duration::from_secs(10), || async {
            let (_, h) = get_json(&base, "/health").await;
            if h["checks"]["rpc"]["url"] == net.url().as_str() {
                Ok(h)
            } else {
                Err(h.to_string())
            }
        })
        .await;
        let endpoints = h["checks"]["rpc"]["endpoints"]
            .as_array()
            .expect("endpoints");
        assert_eq!(endpoints.len(), 3, "{h}");
        assert_eq!(endpoints[1]["url"], other.url().as_str(), "{h}");
        assert_eq!(endpoints[1]["state"], "refused", "{h}");
        assert!(
            endpoints[1]["reason"]
                .as_str()
                .is_some_and(|r| r.contains(OTHER_NETWORK)),
            "{h}"
        );
        assert_eq!(endpoints[2]["state"], "usable", "{h}");
        assert_eq!(
            metric(&base, "teachlink_indexer_rpc_endpoint").await,
            Some(2.0)
        );
        assert_eq!(
            metric(&base, "teachlink_indexer_rpc_switches_total").await,
            Some(1.0)
        );
        let (_, status) = get_json(&base, "/api/status").await;
        assert_eq!(
            status["store"]["events"],
            demo_events + 1,
            "no duplicates: {status}"
        );
        b.shutdown().await.expect("B stops");

        // With only the other network's endpoint, the server refuses to start.
        let dir_c = tempfile::tempdir().expect("dir");
        let refused = run(
            rpc_config(dir_c.path(), other.url(), &deployment),
            std::future::pending(),
        )
        .await;
        match refused {
            Err(e) => assert!(e.to_string().contains(OTHER_NETWORK), "{e}"),
            Ok(_) => panic!("a server on another network's RPC started"),
        }

        tokio::task::spawn_blocking(move || {
            net.shutdown();
            other.shutdown();
        })
        .await
        .expect("localnets stopped");
    });
}
