//! The observability files and the server agree: every metric the alert rules, their unit
//! tests and the Grafana dashboard name is one a running server exports on `/metrics`, and
//! every metric the server exports ([`METRIC_NAMES`]) is queried by the dashboard, so
//! nothing exported goes unwatched. (`scripts/check-observability.sh` checks the same files
//! against a hand-kept list; this test checks them against the server itself.)
//!
//! The server runs in-process against a localnet of the test's own (no contracts needed:
//! it indexes a contract id nobody deployed, so its indexer runs and catches up).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use teachlink_indexer::{Address, Deployment};
use teachlink_localnet::Localnet;
use teachlink_server::config::{Network, RpcNetwork};
use teachlink_server::{Config, METRIC_NAMES};

use support::harness::{eventually, get, rt, start_server};

/// Exported metrics deliberately not on the dashboard, with the reason. Empty today: the
/// dashboard queries every one. A name added here must be exported and really absent from
/// the dashboard (the test checks both, so the list cannot go stale).
const NOT_ON_DASHBOARD: &[(&str, &str)] = &[];

fn observability_file(relative: &str) -> (String, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../observability")
        .join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    (format!("observability/{relative}"), text)
}

/// Every match of `teachlink_[a-z0-9_]+` in `text` (as scripts/check-observability.sh
/// finds them).
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("teachlink_") {
        let tail = &rest[at + "teachlink_".len()..];
        let len = tail
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(tail.len());
        if len > 0 {
            names.insert(format!("teachlink_{}", &tail[..len]));
        }
        rest = &tail[len..];
    }
    names
}

/// What `/metrics` exports: `# TYPE` of every family, and every sample name.
struct Exposition {
    types: BTreeMap<String, String>,
    samples: BTreeSet<String>,
}

impl Exposition {
    fn parse(text: &str) -> Exposition {
        let mut types = BTreeMap::new();
        let mut samples = BTreeSet::new();
        for line in text.lines() {
            if let Some(meta) = line.strip_prefix("# TYPE ") {
                let mut parts = meta.split(' ');
                if let (Some(name), Some(kind)) = (parts.next(), parts.next()) {
                    types.insert(name.to_string(), kind.to_string());
                }
            } else if !line.starts_with('#') && !line.is_empty() {
                let end = line.find(['{', ' ']).unwrap_or(line.len());
                samples.insert(line[..end].to_string());
            }
        }
        Exposition { types, samples }
    }

    fn is_histogram(&self, name: &str) -> bool {
        self.types.get(name).is_some_and(|t| t == "histogram")
    }

    /// A name as dashboards and rules use it, by its metric: a histogram's `_bucket`,
    /// `_sum` and `_count` series are the histogram (the convention of [`METRIC_NAMES`]);
    /// the suffix stays on anything else.
    fn metric_of(&self, name: &str) -> String {
        ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|base| self.is_histogram(base)))
            .unwrap_or(name)
            .to_string()
    }

    /// The teachlink metrics exported, by [`Exposition::metric_of`].
    fn metrics(&self) -> BTreeSet<String> {
        self.samples
            .iter()
            .filter(|s| s.starts_with("teachlink_"))
            .map(|s| self.metric_of(s))
            .collect()
    }
}

/// The dashboard's PromQL: every panel's (rows' panels too) targets and every variable's
/// query.
fn dashboard_queries(dashboard: &Value) -> Vec<String> {
    fn panels(items: &[Value], out: &mut Vec<String>) {
        for p in items {
            for t in p["targets"].as_array().into_iter().flatten() {
                if let Some(expr) = t["expr"].as_str() {
                    out.push(expr.to_string());
                }
            }
            panels(p["panels"].as_array().map_or(&[], Vec::as_slice), out);
        }
    }
    let mut out = Vec::new();
    panels(
        dashboard["panels"].as_array().map_or(&[], Vec::as_slice),
        &mut out,
    );
    for var in dashboard["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
    {
        match &var["query"] {
            Value::String(q) => out.push(q.clone()),
            Value::Object(q) => {
                out.extend(q.get("query").and_then(Value::as_str).map(String::from))
            }
            _ => {}
        }
    }
    out
}

/// Scrapes `/metrics` of a running server (after some traffic, once it is healthy).
fn scrape() -> String {
    let net = Localnet::start(teachlink_localnet::Config {
        port: 0,
        close_interval: Some(Duration::from_millis(200)),
        state_file: None,
        ..teachlink_localnet::Config::default()
    })
    .expect("localnet starts");
    let (passphrase, start_ledger) = net
        .with_node(|n| {
            (
                n.config().network_passphrase.clone(),
                n.latest().header.ledger_seq,
            )
        })
        .expect("node");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_tests(dir.path());
    config.network = Network::Rpc(RpcNetwork {
        rpc_url: net.url(),
        fallback_rpc_urls: Vec::new(),
        lag_switch: 5,
        network_passphrase: Some(passphrase),
        deployment: Deployment {
            contracts: [(
                "rewards".to_string(),
                Address::Contract([4; 32]).to_string(),
            )]
            .into(),
            start_ledger,
        },
    });
    let text = rt().block_on(async {
        let handle = start_server(config).await;
        let base = handle.url();
        eventually("/health ok", Duration::from_secs(20), || async {
            let (code, _, body) = get(&base, "/health").await;
            if code == 200 && body.contains(r#""status":"ok""#) {
                Ok(())
            } else {
                Err(format!("{code} {body}"))
            }
        })
        .await;
        let (code, _, _) = get(&base, "/api/status").await;
        assert_eq!(code, 200);
        let (code, _, text) = get(&base, "/metrics").await;
        assert_eq!(code, 200);
        handle.shutdown().await.expect("clean shutdown");
        text
    });
    net.shutdown();
    text
}

#[test]
fn observability_files_name_only_exported_metrics_and_the_dashboard_watches_every_one() {
    let exposition = Exposition::parse(&scrape());
    let exported = exposition.metrics();
    assert!(
        exposition.is_histogram("teachlink_http_request_duration_seconds"),
        "the request duration is a histogram: {:?}",
        exposition.types
    );
    // The documented list is what the server exports, exactly.
    let documented: BTreeSet<String> = METRIC_NAMES.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        exported, documented,
        "/metrics and METRIC_NAMES differ (exported vs documented)"
    );

    // Every name in the rules, their tests and the dashboard (queries, descriptions,
    // variables: the whole file) is exported.
    let mut problems = Vec::new();
    let files = [
        observability_file("prometheus/alerts.yml"),
        observability_file("prometheus/alerts.test.yml"),
        observability_file("grafana/teachlink-server.json"),
    ];
    for (file, text) in &files {
        let names = metric_names(text);
        assert!(!names.is_empty(), "{file} names no teachlink metric");
        for name in names {
            let metric = exposition.metric_of(&name);
            if !exported.contains(&metric) {
                problems.push(format!("{file}: {name} is not exported by the server"));
            }
        }
    }

    // Every exported metric is queried by the dashboard, but those listed as deliberately
    // left off it.
    let dashboard: Value = serde_json::from_str(&files[2].1).expect("the dashboard is JSON");
    let queries = dashboard_queries(&dashboard);
    assert!(queries.len() > 10, "dashboard queries: {queries:?}");
    let watched: BTreeSet<String> = queries
        .iter()
        .flat_map(|q| metric_names(q))
        .map(|n| exposition.metric_of(&n))
        .collect();
    let left_off: BTreeMap<&str, &str> = NOT_ON_DASHBOARD.iter().copied().collect();
    for (name, why) in &left_off {
        assert!(
            !why.trim().is_empty(),
            "{name}: say why it is not on the dashboard"
        );
        if !documented.contains(*name) {
            problems.push(format!(
                "NOT_ON_DASHBOARD lists {name}, which is not exported"
            ));
        }
        if watched.contains(*name) {
            problems.push(format!(
                "NOT_ON_DASHBOARD lists {name}, which the dashboard queries: remove it from the list"
            ));
        }
    }
    for name in METRIC_NAMES {
        if !watched.contains(*name) && !left_off.contains_key(name) {
            problems.push(format!(
                "{name} is exported but no dashboard query uses it (add a panel, or list it in NOT_ON_DASHBOARD with the reason)"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_name_scanner_finds_what_the_check_script_finds() {
    let names = metric_names(
        r#"sum(rate(teachlink_http_request_duration_seconds_bucket{job="teachlink-server"}[5m])) / teachlink_x9_total"#,
    );
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        [
            "teachlink_http_request_duration_seconds_bucket",
            "teachlink_x9_total"
        ]
    );
    let e = Exposition::parse(
        "# TYPE teachlink_h histogram\nteachlink_h_bucket{le=\"1\"} 0\nteachlink_h_sum 0\n\
         teachlink_h_count 0\n# TYPE teachlink_g gauge\nteachlink_g 1\n# EOF\n",
    );
    assert_eq!(e.metric_of("teachlink_h_bucket"), "teachlink_h");
    assert_eq!(e.metric_of("teachlink_g_count"), "teachlink_g_count");
    assert_eq!(
        e.metrics().into_iter().collect::<Vec<_>>(),
        ["teachlink_g", "teachlink_h"]
    );
}
