//! The whole server in-process, on real parts only: an embedded localnet running the built
//! contracts, the demo's real signed transactions, the indexer syncing over JSON-RPC, and
//! real HTTP. Build the contracts first: scripts/build-contracts.sh.
//!
//! The read-only checks share one server (with the demo); the tests that stop things start
//! their own.

mod support;

use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use teachlink_localnet::Localnet;
use teachlink_server::demo::DemoState;
use teachlink_server::{run, Config, METRIC_NAMES};

use support::chain::{
    account, localnet_config, one_more_event, own_localnet, rpc_config, submit, sym,
};
use support::harness::{
    client, demo_done, eventually, get, get_json, post_json, require_wasm, rt, start_server,
    status, store_events, wait_for_events, TestServer,
};

/// The shared server: embedded localnet, demo, fast ledger closes.
fn shared() -> &'static TestServer {
    static SHARED: OnceLock<TestServer> = OnceLock::new();
    SHARED.get_or_init(TestServer::start)
}

#[test]
fn health_turns_ok_once_the_indexer_has_caught_up() {
    let s = shared();
    let base = s.handle.url();
    rt().block_on(async {
        let report = eventually("/health ok", Duration::from_secs(60), || async {
            let (code, v) = get_json(&base, "/health").await;
            if code == 200 && v["status"] == "ok" {
                Ok(v)
            } else {
                Err(format!("{code} {v}"))
            }
        })
        .await;
        for check in ["database", "rpc", "indexer_lag", "retention_gap"] {
            assert_eq!(report["checks"][check]["status"], "ok", "{report}");
        }
        assert_eq!(report["checks"]["rpc"]["url"], s.handle.rpc_url());
    });
}

/// A strict check of the OpenMetrics text format; returns the sample names.
fn parse_openmetrics(text: &str) -> BTreeSet<String> {
    fn is_name(s: &str) -> bool {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    }
    fn is_value(s: &str) -> bool {
        matches!(s, "+Inf" | "-Inf" | "NaN") || s.parse::<f64>().is_ok()
    }
    /// `key="value",…` with escapes; panics on anything else.
    fn check_labels(labels: &str, line: &str) {
        let mut rest = labels;
        while !rest.is_empty() {
            let (key, after) = rest
                .split_once("=\"")
                .unwrap_or_else(|| panic!("label without =\" in {line:?}"));
            assert!(is_name(key), "label name {key:?} in {line:?}");
            let mut end = None;
            let mut escaped = false;
            for (i, c) in after.char_indices() {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let end = end.unwrap_or_else(|| panic!("unterminated label value in {line:?}"));
            rest = &after[end + 1..];
            rest = rest.strip_prefix(',').unwrap_or(rest);
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "must end with # EOF");
    let mut types = std::collections::BTreeMap::new();
    let mut samples = BTreeSet::new();
    for line in &lines[..lines.len() - 1] {
        if let Some(meta) = line.strip_prefix("# ") {
            let mut parts = meta.splitn(3, ' ');
            let kind = parts.next().unwrap_or_default();
            let name = parts.next().unwrap_or_default();
            assert!(is_name(name), "metric name in {line:?}");
            match kind {
                "TYPE" => {
                    let t = parts.next().unwrap_or_default();
                    assert!(
                        [
                            "counter",
                            "gauge",
                            "histogram",
                            "gaugehistogram",
                            "summary",
                            "info",
                            "stateset",
                            "unknown"
                        ]
                        .contains(&t),
                        "type in {line:?}"
                    );
                    assert!(types.insert(name.to_string(), t.to_string()).is_none());
                }
                "HELP" | "UNIT" => {}
                _ => panic!("unknown metadata line {line:?}"),
            }
            continue;
        }
        assert!(!line.is_empty(), "empty line in the exposition");
        let (name_labels, value) = match line.find('}') {
            Some(close) => {
                let (head, tail) = line.split_at(close + 1);
                (head, tail.trim_start())
            }
            None => line
                .split_once(' ')
                .unwrap_or_else(|| panic!("sample without value {line:?}")),
        };
        let (name, labels) = match name_labels.split_once('{') {
            Some((n, l)) => (n, l.strip_suffix('}').expect("closing brace")),
            None => (name_labels, ""),
        };
        assert!(is_name(name), "sample name in {line:?}");
        check_labels(labels, line);
        let mut fields = value.split(' ');
        assert!(
            fields.next().is_some_and(is_value),
            "sample value in {line:?}"
        );
        if let Some(ts) = fields.next() {
            assert!(ts.parse::<f64>().is_ok(), "timestamp in {line:?}");
        }
        assert!(fields.next().is_none(), "trailing fields in {line:?}");
        let family = ["_total", "_bucket", "_sum", "_count", "_created", "_info"]
            .iter()
            .find_map(|suffix| {
                name.strip_suffix(suffix)
                    .filter(|base| types.contains_key(*base))
            })
            .unwrap_or(name);
        assert!(
            types.contains_key(family),
            "sample {name} without a # TYPE before it"
        );
        samples.insert(name.to_string());
    }
    samples
}

#[test]
fn metrics_parse_as_openmetrics_and_export_every_documented_name() {
    let s = shared();
    let base = s.handle.url();
    rt().block_on(async {
        // Some traffic first, so the request metrics have samples.
        let _ = get(&base, "/health").await;
        let _ = get(&base, "/api/status").await;
        let (code, content_type, text) = get(&base, "/metrics").await;
        assert_eq!(code, 200);
        assert!(
            content_type.starts_with("application/openmetrics-text"),
            "{content_type}"
        );
        let samples = parse_openmetrics(&text);
        for name in METRIC_NAMES {
            let present = samples.contains(*name)
                || samples.contains(&format!("{name}_bucket"))
                    && samples.contains(&format!("{name}_count"));
            assert!(present, "{name} missing from /metrics:\n{text}");
        }
        assert!(
            text.contains(r#"teachlink_http_requests_total{method="GET",route="/health",status=""#),
            "{text}"
        );
        assert!(
            text.contains(r#"teachlink_http_request_duration_seconds_bucket{le="0.0005",method="GET",route="/api/status"}"#)
                || text.contains(r#"teachlink_http_request_duration_seconds_bucket{method="GET",route="/api/status",le="0.0005"}"#),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "teachlink_build_info{{version=\"{}\"}} 1",
                teachlink_server::VERSION
            )),
            "{text}"
        );
        for kind in ["rpc", "store", "decode"] {
            assert!(
                text.contains(&format!("teachlink_indexer_errors_total{{kind=\"{kind}\"}}")),
                "{text}"
            );
        }
    });
}

#[test]
fn api_status_shows_the_demo_indexed_and_the_ledger_advancing() {
    let s = shared();
    let base = s.handle.url();
    rt().block_on(async {
        let (expected, _) = demo_done(&s.handle).await;
        assert!(expected > 20, "the demo emits events: {expected}");
        let first = wait_for_events(&base, "demo indexed", Duration::from_secs(30), |n| {
            n >= expected
        })
        .await;
        assert_eq!(first["store"]["unknown"], 0, "{first}");
        assert_eq!(first["indexer"]["running"], true);
        assert_eq!(first["network"]["mode"], "localnet");
        assert_eq!(first["demo"]["state"], "done");
        let ledger = |v: &Value| {
            v["indexer"]["status"]["indexed_ledger"]
                .as_u64()
                .unwrap_or(0)
        };
        let l1 = ledger(&first);
        assert!(l1 > 0);
        let later = eventually(
            "the indexed ledger advances",
            Duration::from_secs(10),
            || async {
                let v = status(&base).await;
                if ledger(&v) > l1 {
                    Ok(v)
                } else {
                    Err(v.to_string())
                }
            },
        )
        .await;
        assert!(later["indexer"]["status"]["latest_ledger"].as_u64() >= Some(ledger(&later)));
    });
}

#[test]
fn one_more_contract_call_is_indexed_with_its_ledger() {
    let s = shared();
    let base = s.handle.url();
    let net = s.handle.localnet().expect("embedded localnet");
    let rewards = s.handle.deployment().contracts["rewards"].clone();
    rt().block_on(async {
        let (expected, _) = demo_done(&s.handle).await;
        let before = store_events(
            &wait_for_events(&base, "demo indexed", Duration::from_secs(30), |n| {
                n >= expected
            })
            .await,
        );
        let root = net.with_node(|n| n.root_key().clone()).expect("root key");
        let newcomer = teachlink_server::demo::key("one-more-issuer");
        // Not closed here: the localnet's own cadence closes the ledger.
        let landing = submit(
            net,
            &root,
            &rewards,
            "grant_role",
            vec![sym("issuer"), account(&newcomer)],
            false,
        );
        // Once the committed checkpoint covers the ledger the call landed in, its event is
        // in the store: indexed with that ledger, not held back for later ones. (How soon
        // that is after the close is measured by the benchmarks, not asserted here.)
        eventually(
            "the checkpoint covers the landing ledger",
            Duration::from_secs(30),
            || async {
                let v = status(&base).await;
                match v["checkpoint"]["ledger"].as_u64() {
                    Some(l) if l >= u64::from(landing) => Ok(()),
                    _ => Err(v.to_string()),
                }
            },
        )
        .await;
        let after = status(&base).await;
        assert!(store_events(&after) > before, "{after}");
    });
}

/// Issue 17: the server passes `--cors-origin` through to its embedded localnet, so a web
/// app served from a configured origin may call the localnet's JSON-RPC; other origins are
/// still refused. (Without it the localnet allowed localhost and its own origin only.)
#[test]
fn the_embedded_localnet_lets_the_configured_origins_call_it() {
    require_wasm();
    rt().block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_tests(dir.path());
        let teachlink_server::config::Network::Localnet(options) = &mut config.network else {
            panic!("an embedded localnet")
        };
        options.demo = false;
        options.cors_origins = vec!["https://app.example".to_string()];
        let server = start_server(config).await;
        let rpc = server.rpc_url().to_string();
        let preflight = |origin: &'static str| {
            let rpc = rpc.clone();
            async move {
                let resp = client()
                    .request(reqwest::Method::OPTIONS, &rpc)
                    .header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type")
                    .send()
                    .await
                    .expect("preflight answered");
                resp.headers()
                    .get("access-control-allow-origin")
                    .map(|v| v.to_str().unwrap_or_default().to_string())
            }
        };
        assert_eq!(
            preflight("https://app.example").await.as_deref(),
            Some("https://app.example")
        );
        assert_eq!(preflight("https://elsewhere.example").await, None);
        // A real call from the configured origin is answered with the header too.
        let resp = client()
            .post(&rpc)
            .header("Origin", "https://app.example")
            .json(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "getHealth"}))
            .send()
            .await
            .expect("getHealth answered");
        assert_eq!(
            resp.headers()
                .get("access-control-allow-origin")
                .and_then(|v| v.to_str().ok()),
            Some("https://app.example")
        );
        let body: Value = resp.json().await.expect("JSON");
        assert_eq!(body["result"]["status"], "healthy", "{body}");
        server.shutdown().await.expect("stops");
    });
}

#[test]
fn unknown_api_routes_and_errors_answer_json_and_the_missing_web_app_says_so() {
    let s = shared();
    let base = s.handle.url();
    rt().block_on(async {
        let (code, v) = get_json(&base, "/api/no/such/route").await;
        assert_eq!(code, 404);
        assert_eq!(v["error"]["code"], "not_found", "{v}");
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/api/no/such/route")));

        let (code, v) = post_json(&base, "/health").await;
        assert_eq!(code, 405);
        assert_eq!(v["error"]["code"], "method_not_allowed");

        let (code, content_type, body) = get(&base, "/").await;
        assert_eq!(code, 404);
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        assert!(body.contains("web app not built"), "{body}");
        let (code, _, _) = get(&base, "/courses/1").await;
        assert_eq!(code, 404);

        let (_, _, metrics) = get(&base, "/metrics").await;
        assert!(
            metrics.contains(
                r#"teachlink_http_requests_total{method="GET",route="unmatched",status="404"}"#
            ),
            "{metrics}"
        );
    });
}

#[test]
fn health_is_degraded_while_the_rpc_is_down_and_recovers_when_it_returns() {
    require_wasm();
    let dir = tempfile::tempdir().expect("temp dir");
    let state_file = dir.path().join("localnet.state");
    let (net, deployment) = own_localnet(0, Some(state_file.clone()));
    let port = net.addr().port();
    let root = net.with_node(|n| n.root_key().clone()).expect("root");
    let rewards = deployment.contracts["rewards"].clone();
    submit(
        &net,
        &root,
        &rewards,
        "grant_role",
        vec![sym("issuer"), account(&root)],
        true,
    );
    let config = rpc_config(dir.path(), net.url(), &deployment);
    rt().block_on(async move {
        let handle = start_server(config).await;
        let base = handle.url();
        let health = |want: &'static str| {
            let base = base.clone();
            move || {
                let base = base.clone();
                async move {
                    let (code, v) = get_json(&base, "/health").await;
                    if v["status"] == want && code == 200 {
                        Ok(v)
                    } else {
                        Err(format!("{code} {v}"))
                    }
                }
            }
        };
        eventually(
            "ok while the RPC is up",
            Duration::from_secs(30),
            health("ok"),
        )
        .await;
        assert_eq!(store_events(&status(&base).await), 1);

        // The RPC goes away (its state is saved): degraded, still 200.
        let net = tokio::task::spawn_blocking(move || net.shutdown());
        net.await.expect("localnet stopped");
        let v = eventually(
            "degraded while the RPC is down",
            Duration::from_secs(10),
            health("degraded"),
        )
        .await;
        assert_eq!(v["checks"]["rpc"]["status"], "degraded", "{v}");
        assert_eq!(v["checks"]["database"]["status"], "ok", "{v}");
        let (_, _, metrics) = get(&base, "/metrics").await;
        assert!(
            metrics.contains(r#"teachlink_dependency_up{dependency="rpc"} 0"#),
            "{metrics}"
        );
        assert!(metrics.contains("teachlink_health_state 1"), "{metrics}");

        // It comes back on the same port with the same chain: ok again, and indexing goes on.
        let state = state_file.clone();
        let net = tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            loop {
                match Localnet::start(localnet_config(port, Some(state.clone()))) {
                    Ok(net) => return net,
                    Err(e) if start.elapsed() < Duration::from_secs(10) => {
                        eprintln!("rebinding port {port}: {e}");
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    Err(e) => panic!("cannot restart localnet on port {port}: {e}"),
                }
            }
        })
        .await
        .expect("localnet restarted");
        eventually(
            "ok once the RPC is back",
            Duration::from_secs(10),
            health("ok"),
        )
        .await;
        let net = one_more_event(net, rewards.clone(), "after-restart").await;
        wait_for_events(&base, "indexing resumes", Duration::from_secs(10), |n| {
            n == 2
        })
        .await;
        let (_, v) = get_json(&base, "/health").await;
        assert_eq!(v["checks"]["retention_gap"]["status"], "ok", "{v}");
        handle.shutdown().await.expect("clean shutdown");
        tokio::task::spawn_blocking(move || net.shutdown())
            .await
            .expect("localnet stopped");
    });
}

#[test]
fn an_unreachable_rpc_is_not_ready_and_shutdown_interrupts_its_retries() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let deployment = teachlink_localnet::Deployment {
        network_passphrase: teachlink_localnet::DEFAULT_PASSPHRASE.to_string(),
        admin: String::new(),
        native_asset: String::new(),
        contracts: [(
            "rewards".to_string(),
            teachlink_indexer::Address::Contract([4; 32]).to_string(),
        )]
        .into(),
        start_ledger: 5,
    };
    let config = rpc_config(dir.path(), format!("http://127.0.0.1:{port}/"), &deployment);
    rt().block_on(async move {
        let handle = run(config, std::future::pending())
            .await
            .expect("starts even though the RPC is down");
        let base = handle.url();
        let v = eventually(
            "an RPC error is recorded",
            Duration::from_secs(10),
            || async {
                let (code, v) = get_json(&base, "/health").await;
                if code == 503 && !v["checks"]["indexer_lag"]["last_error"].is_null() {
                    Ok(v)
                } else {
                    Err(format!("{code} {v}"))
                }
            },
        )
        .await;
        assert_eq!(v["status"], "error", "{v}");
        assert_eq!(v["checks"]["rpc"]["status"], "degraded", "{v}");
        assert_eq!(v["checks"]["indexer_lag"]["status"], "error", "{v}");
        assert!(v["checks"]["indexer_lag"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not ready")));
        let (_, _, metrics) = get(&base, "/metrics").await;
        assert!(metrics.contains("teachlink_health_state 2"), "{metrics}");
        assert!(metrics.contains("teachlink_indexer_running 1"), "{metrics}");
        assert!(
            !metrics.contains(r#"teachlink_indexer_errors_total{kind="rpc"} 0"#),
            "{metrics}"
        );

        let mut indexer = handle.indexer();
        let start = Instant::now();
        tokio::time::timeout(Duration::from_secs(5), handle.shutdown())
            .await
            .expect("shutdown within 5 s")
            .expect("clean shutdown");
        eprintln!("shutdown took {:?}", start.elapsed());
        assert!(!indexer.borrow_and_update().running);
        assert!(
            reqwest::get(format!("{base}health")).await.is_err(),
            "the port is closed after shutdown"
        );
    });
}

#[test]
fn graceful_shutdown_stops_everything_within_a_bound_even_mid_demo() {
    require_wasm();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::for_tests(dir.path());
    rt().block_on(async move {
        let handle = start_server(config).await;
        let base = handle.url();
        let rpc = handle.rpc_url().to_string();
        // Wait until something is indexed, so the sync loop is mid-flight.
        wait_for_events(&base, "something indexed", Duration::from_secs(60), |n| {
            n > 0
        })
        .await;
        let mut indexer = handle.indexer();
        let demo = handle.demo_state();
        let before = demo.borrow().clone();
        let start = Instant::now();
        tokio::time::timeout(Duration::from_secs(10), handle.shutdown())
            .await
            .expect("shutdown within 10 s")
            .expect("clean shutdown");
        let took = start.elapsed();
        eprintln!("shutdown took {took:?}");
        assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
        assert!(!indexer.borrow_and_update().running);
        let after = demo.borrow().clone();
        eprintln!("demo before shutdown: {before:?}; after: {after:?}");
        match (&before, &after) {
            // Stopped between two transactions, every one of them complete.
            (
                Some(DemoState::Running { .. }),
                Some(DemoState::Stopped | DemoState::Done { .. }),
            ) => {}
            (Some(DemoState::Done { .. }), Some(DemoState::Done { .. })) => {}
            other => panic!("the demo did not stop cleanly: {other:?}"),
        }
        assert!(
            reqwest::get(format!("{base}health")).await.is_err(),
            "HTTP is down"
        );
        let rpc_down = client()
            .post(&rpc)
            .json(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "getHealth"}))
            .send()
            .await
            .is_err();
        assert!(rpc_down, "the embedded localnet is down");
    });
}
