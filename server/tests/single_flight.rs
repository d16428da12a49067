//! Expensive work done once for a burst of requests, against the real server (embedded
//! localnet with the demo, SQLite): concurrent `/api/recommendations/popular` requests
//! share one training, and concurrent `/health` and `/metrics` requests one RPC probe.

mod support;

use support::harness::{client, demo_indexed, get_json, TestServer};

/// Requests in each burst.
const BURST: usize = 16;

#[test]
fn a_burst_of_requests_trains_one_model_and_probes_the_rpc_once() {
    let server = TestServer::start();
    let handle = &server.handle;
    support::harness::rt().block_on(async {
        demo_indexed(handle).await;
        let base = handle.url();

        // Recommendations: the first burst after the data is indexed trains one model;
        // every request gets its answer.
        let before = handle.recommender_trainings();
        let answers = futures_join((0..BURST).map(|_| {
            let base = base.clone();
            async move { get_json(&base, "/api/recommendations/popular?limit=5").await }
        }))
        .await;
        for (code, v) in &answers {
            assert_eq!(*code, 200, "{v}");
            assert!(!v["items"].as_array().expect("items").is_empty(), "{v}");
        }
        assert!(answers.windows(2).all(|w| w[0].1 == w[1].1));
        assert_eq!(handle.recommender_trainings() - before, 1);

        // Health and metrics: one probe serves the burst (two if it straddles the
        // probe's lifetime), not one each.
        let before = handle.rpc_probes();
        let bodies = futures_join((0..BURST).map(|i| {
            let url = format!("{base}{}", if i % 2 == 0 { "health" } else { "metrics" });
            async move {
                let resp = client().get(url).send().await.expect("answers");
                resp.text().await.expect("body")
            }
        }))
        .await;
        assert_eq!(bodies.len(), BURST);
        let probes = handle.rpc_probes() - before;
        assert!(probes <= 2, "{probes} RPC probes for {BURST} requests");
    });
}

/// Runs the futures concurrently on the test runtime; their outputs in order.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let tasks: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}
