//! A bounded load test of the REST API (ignored by default; it measures, so run it on a
//! release build and a quiet machine):
//!
//! ```sh
//! cargo test --release -p teachlink-server --test load -- --ignored --nocapture
//! ```
//!
//! The server runs as `main` runs it (its own multi-threaded runtime, SQLite, the indexer
//! following a localnet closing a ledger a second) with the demo data set; an open-loop
//! client on another runtime sends `TEACHLINK_LOAD_RPS` requests a second (default 2,000)
//! for `TEACHLINK_LOAD_SECONDS` (default 10, at most 60) to loopback, over a mix of list
//! and entity routes, and times each from when it was due (so queueing counts). The target:
//! p99 ≤ 10 ms. Client and server share the machine's cores.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use teachlink_server::config::Network;
use teachlink_server::Config;

use support::harness::{demo_indexed, require_wasm, start_server};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
#[ignore = "a load test: cargo test --release -p teachlink-server --test load -- --ignored"]
fn reads_keep_p99_within_10_ms_at_2000_requests_a_second() {
    require_wasm();
    let rps = env_u64("TEACHLINK_LOAD_RPS", 2_000).clamp(1, 20_000);
    let seconds = env_u64("TEACHLINK_LOAD_SECONDS", 10).clamp(1, 60);

    // The server, on a runtime like main's.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("server runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_tests(dir.path());
    if let Network::Localnet(l) = &mut config.network {
        l.ledger_close = Duration::from_secs(1);
    }
    config.indexer.poll_interval = Duration::from_secs(1);
    let handle = server_rt.block_on(start_server(config));
    let base = handle.url();
    let people = server_rt.block_on(demo_indexed(&handle));
    let alan = people.get("alan").expect("alan").clone();
    let paths: Vec<String> = vec![
        "api/escrows/1".into(),
        "api/escrows?limit=50".into(),
        "api/tokens/2".into(),
        "api/tokens?limit=10".into(),
        format!("api/profiles/{alan}"),
        "api/completions?course=1".into(),
        format!("api/rewards/{alan}"),
        "api/pool".into(),
    ];
    let urls: Arc<Vec<String>> = Arc::new(paths.iter().map(|p| format!("{base}{p}")).collect());

    // The client, open loop.
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime");
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::with_capacity(
        usize::try_from(rps * seconds).unwrap_or(0),
    )));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    client_rt.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        // Warm up connections and caches.
        for u in urls.iter().cycle().take(400) {
            let _ = client
                .get(u)
                .send()
                .await
                .and_then(|r| r.error_for_status());
        }
        let total = rps * seconds;
        let interval = Duration::from_secs_f64(1.0 / rps as f64);
        let start = tokio::time::Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..total {
            let due = start + interval.mul_f64(i as f64);
            tokio::time::sleep_until(due).await;
            let client = client.clone();
            let url = urls[usize::try_from(i).unwrap_or(0) % urls.len()].clone();
            let latencies = latencies.clone();
            let errors = errors.clone();
            tasks.spawn(async move {
                let outcome = client.get(&url).send().await;
                let took = due.elapsed();
                match outcome {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        if let Ok(mut l) = latencies.lock() {
                            l.push(took);
                        }
                    }
                    Ok(r) => {
                        if let Ok(mut e) = errors.lock() {
                            e.push(format!("{url}: {}", r.status()));
                        }
                    }
                    Err(e) => {
                        if let Ok(mut errs) = errors.lock() {
                            errs.push(format!("{url}: {e}"));
                        }
                    }
                }
            });
            while tasks.try_join_next().is_some() {}
        }
        while tasks.join_next().await.is_some() {}
        let elapsed = start.elapsed();
        eprintln!("sent {total} requests in {elapsed:?}");
    });
    let mut l = latencies.lock().expect("latencies").clone();
    let errors = errors.lock().expect("errors").clone();
    l.sort();
    let pct = |p: f64| {
        let i = ((l.len() as f64) * p).ceil() as usize;
        l.get(i.saturating_sub(1)).copied().unwrap_or_default()
    };
    let (p50, p90, p99, max) = (pct(0.50), pct(0.90), pct(0.99), pct(1.0));
    eprintln!(
        "{rps} req/s for {seconds} s: {} ok, {} errors; p50 {p50:?} p90 {p90:?} p99 {p99:?} max {max:?}",
        l.len(),
        errors.len()
    );
    if let Some(e) = errors.first() {
        eprintln!("first error: {e}");
    }
    server_rt
        .block_on(handle.shutdown())
        .expect("clean shutdown");
    assert!(errors.is_empty(), "{} requests failed", errors.len());
    assert!(
        p99 <= Duration::from_millis(10),
        "p99 {p99:?} above 10 ms at {rps} req/s"
    );
}
