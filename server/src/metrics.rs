//! Owns the Prometheus metrics: the registry and every metric the server exports
//! ([`METRIC_NAMES`]), the HTTP request middleware that counts and times requests by
//! matched route, the indexer's progress as counters and gauges, and `GET /metrics`.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use teachlink_indexer::Status;

/// Every sample name `/metrics` exports, as dashboards and alert rules use them (counters
/// with their `_total`, histograms by their base name).
pub const METRIC_NAMES: &[&str] = &[
    "teachlink_http_requests_total",
    "teachlink_http_request_duration_seconds",
    "teachlink_indexer_events_processed_total",
    "teachlink_indexer_unknown_events_total",
    "teachlink_indexer_errors_total",
    "teachlink_indexer_last_processed_ledger",
    "teachlink_indexer_rpc_latest_ledger",
    "teachlink_indexer_ledger_lag",
    "teachlink_indexer_retention_gap_ledgers",
    "teachlink_indexer_chain_mismatch",
    "teachlink_indexer_last_success_timestamp_seconds",
    "teachlink_indexer_running",
    "teachlink_indexer_rpc_endpoint",
    "teachlink_indexer_rpc_switches_total",
    "teachlink_indexer_panics_total",
    "teachlink_dependency_up",
    "teachlink_health_state",
    "teachlink_build_info",
];

/// Request durations: fine-grained below 10 ms, up to 2.5 s.
pub const HTTP_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5,
];

/// The content type of the OpenMetrics text exposition.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DependencyLabels {
    dependency: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabels {
    version: String,
}

/// What kind of failure an indexer error was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The RPC could not be reached or refused (each failed attempt counts).
    Rpc,
    /// The store failed to read or commit.
    Store,
    /// The RPC answered something that does not parse.
    Decode,
}

impl ErrorKind {
    fn label(self) -> &'static str {
        match self {
            ErrorKind::Rpc => "rpc",
            ErrorKind::Store => "store",
            ErrorKind::Decode => "decode",
        }
    }
}

/// A dependency /health checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dependency {
    Database,
    Rpc,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn http_histogram() -> Histogram {
    Histogram::new(HTTP_BUCKETS)
}

/// The registry and handles to every metric.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<RequestLabels, Counter>,
    http_duration: HistogramFamily,
    events_processed: Counter,
    unknown_events: Counter,
    errors: Family<KindLabels, Counter>,
    last_processed_ledger: Gauge,
    rpc_latest_ledger: Gauge,
    ledger_lag: Gauge,
    retention_gap: Gauge,
    chain_mismatch: Gauge,
    last_success: Gauge<f64, AtomicU64>,
    running: Gauge,
    rpc_endpoint: Gauge,
    rpc_switches: Counter,
    panics: Counter,
    dependency_up: Family<DependencyLabels, Gauge>,
    health_state: Gauge,
}

impl Metrics {
    /// A registry with every metric of [`METRIC_NAMES`], each with at least one sample.
    pub fn new(version: &str) -> Metrics {
        let mut registry = Registry::default();
        let http_requests = Family::<RequestLabels, Counter>::default();
        // prometheus-client appends `_total` to counter names.
        registry.register(
            "teachlink_http_requests",
            "HTTP requests by method, matched route template (or `unmatched`) and status",
            http_requests.clone(),
        );
        let http_duration: HistogramFamily = Family::new_with_constructor(http_histogram);
        registry.register(
            "teachlink_http_request_duration_seconds",
            "HTTP request duration in seconds by method and matched route template",
            http_duration.clone(),
        );
        let events_processed = Counter::default();
        registry.register(
            "teachlink_indexer_events_processed",
            "New contract events the indexer committed (decoded or kept raw)",
            events_processed.clone(),
        );
        let unknown_events = Counter::default();
        registry.register(
            "teachlink_indexer_unknown_events",
            "Of the processed events, those that did not decode and are kept raw",
            unknown_events.clone(),
        );
        let errors = Family::<KindLabels, Counter>::default();
        registry.register(
            "teachlink_indexer_errors",
            "Indexer errors by kind: rpc (each failed RPC attempt), store, decode (malformed RPC answers)",
            errors.clone(),
        );
        let last_processed_ledger = Gauge::default();
        registry.register(
            "teachlink_indexer_last_processed_ledger",
            "Every ledger up to this one is indexed",
            last_processed_ledger.clone(),
        );
        let rpc_latest_ledger = Gauge::default();
        registry.register(
            "teachlink_indexer_rpc_latest_ledger",
            "The RPC's latest ledger, as last reported to the indexer",
            rpc_latest_ledger.clone(),
        );
        let ledger_lag = Gauge::default();
        registry.register(
            "teachlink_indexer_ledger_lag",
            "Ledgers the indexer is behind the RPC's latest ledger",
            ledger_lag.clone(),
        );
        let retention_gap = Gauge::default();
        registry.register(
            "teachlink_indexer_retention_gap_ledgers",
            "Ledgers recorded as never indexed: they left the RPC's retention window first",
            retention_gap.clone(),
        );
        let chain_mismatch = Gauge::default();
        registry.register(
            "teachlink_indexer_chain_mismatch",
            "1 when the RPC's chain is not the one the store was indexed from (reset chain, \
             other network, changed deployment): indexing stopped",
            chain_mismatch.clone(),
        );
        let last_success = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "teachlink_indexer_last_success_timestamp_seconds",
            "Unix time of the indexer's last successful sync step (0: none yet)",
            last_success.clone(),
        );
        let running = Gauge::default();
        registry.register(
            "teachlink_indexer_running",
            "1 while this replica's sync loop runs",
            running.clone(),
        );
        let rpc_endpoint = Gauge::default();
        registry.register(
            "teachlink_indexer_rpc_endpoint",
            "The RPC endpoint the indexer uses: its position in --rpc-url (from 0; URLs may hold keys, so not as a label)",
            rpc_endpoint.clone(),
        );
        let panics = Counter::default();
        registry.register(
            "teachlink_indexer_panics",
            "Panics of the indexer thread (each logged; the indexer is restarted)",
            panics.clone(),
        );
        let rpc_switches = Counter::default();
        registry.register(
            "teachlink_indexer_rpc_switches",
            "Times the indexer switched RPC endpoint (failure, lag, or another network)",
            rpc_switches.clone(),
        );
        let dependency_up = Family::<DependencyLabels, Gauge>::default();
        registry.register(
            "teachlink_dependency_up",
            "1 when the dependency answered the last health check",
            dependency_up.clone(),
        );
        let health_state = Gauge::default();
        registry.register(
            "teachlink_health_state",
            "The last health state: 0 ok, 1 degraded, 2 error",
            health_state.clone(),
        );
        let build_info = Family::<VersionLabels, Gauge>::default();
        registry.register(
            "teachlink_build_info",
            "Always 1; the server's version as a label",
            build_info.clone(),
        );
        build_info
            .get_or_create(&VersionLabels {
                version: version.to_string(),
            })
            .set(1);
        for kind in [ErrorKind::Rpc, ErrorKind::Store, ErrorKind::Decode] {
            let _ = errors.get_or_create(&KindLabels {
                kind: kind.label().to_string(),
            });
        }
        // Unknown until the first health check: report down, and health "error".
        for dep in ["database", "rpc"] {
            let _ = dependency_up.get_or_create(&DependencyLabels {
                dependency: dep.to_string(),
            });
        }
        health_state.set(2);
        Metrics {
            registry,
            http_requests,
            http_duration,
            events_processed,
            unknown_events,
            errors,
            last_processed_ledger,
            rpc_latest_ledger,
            ledger_lag,
            retention_gap,
            chain_mismatch,
            panics,
            last_success,
            running,
            rpc_endpoint,
            rpc_switches,
            dependency_up,
            health_state,
        }
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }

    /// Counts and times one HTTP request.
    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.http_requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status: status.to_string(),
            })
            .inc();
        self.http_duration
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts `n` indexer errors of `kind`.
    pub fn indexer_errors(&self, kind: ErrorKind, n: u64) {
        if n > 0 {
            self.errors
                .get_or_create(&KindLabels {
                    kind: kind.label().to_string(),
                })
                .inc_by(n);
        }
    }

    /// Updates the indexer's counters and gauges from its status (`previous` is the status
    /// last reported, for the counters' increments).
    pub fn indexer_progress(&self, previous: Option<&Status>, status: &Status) {
        let prev = |f: fn(&Status) -> u64| previous.map_or(0, f);
        self.events_processed.inc_by(
            status
                .events_indexed
                .saturating_sub(prev(|s| s.events_indexed)),
        );
        self.unknown_events.inc_by(
            status
                .unknown_events
                .saturating_sub(prev(|s| s.unknown_events)),
        );
        self.indexer_errors(
            ErrorKind::Rpc,
            status.retries.saturating_sub(prev(|s| s.retries)),
        );
        self.last_processed_ledger
            .set(i64::from(status.indexed_ledger));
        self.rpc_latest_ledger.set(i64::from(status.latest_ledger));
        self.ledger_lag.set(i64::from(status.ledgers_behind));
    }

    pub fn set_retention_gap(&self, ledgers: u64) {
        self.retention_gap
            .set(i64::try_from(ledgers).unwrap_or(i64::MAX));
    }

    /// One more panic of the indexer thread.
    pub fn indexer_panicked(&self) {
        self.panics.inc();
    }

    pub fn set_chain_mismatch(&self, mismatch: bool) {
        self.chain_mismatch.set(i64::from(mismatch));
    }

    pub fn set_last_success(&self, unix_seconds: f64) {
        self.last_success.set(unix_seconds);
    }

    /// The endpoint in use (its index) and the switches so far (only ever grows).
    pub fn set_rpc_endpoint(&self, index: usize, switches: u64) {
        self.rpc_endpoint
            .set(i64::try_from(index).unwrap_or(i64::MAX));
        let counted = self.rpc_switches.get();
        if switches > counted {
            self.rpc_switches.inc_by(switches - counted);
        }
    }

    pub fn set_running(&self, running: bool) {
        self.running.set(i64::from(running));
    }

    pub fn set_dependency(&self, dependency: Dependency, up: bool) {
        let name = match dependency {
            Dependency::Database => "database",
            Dependency::Rpc => "rpc",
        };
        self.dependency_up
            .get_or_create(&DependencyLabels {
                dependency: name.to_string(),
            })
            .set(i64::from(up));
    }

    /// 0 ok, 1 degraded, 2 error.
    pub fn set_health_state(&self, state: i64) {
        self.health_state.set(state);
    }
}

/// The route label of a request: axum's matched route template, or `unmatched`
/// (fallbacks, including the API's JSON 404).
fn route_label(req: &Request) -> String {
    match req.extensions().get::<MatchedPath>() {
        // Nested routers' fallbacks carry axum's internal tail parameter: not a route.
        Some(p) if !p.as_str().contains("__private__") => p.as_str().to_string(),
        _ => "unmatched".to_string(),
    }
}

/// Standard methods by name; anything else is `other` (bounded label values).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware: counts and times every request by method, matched route and status.
/// Install with `axum::middleware::from_fn_with_state(metrics, metrics::track)` as a
/// router `layer`, so that it runs after routing and sees [`MatchedPath`].
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = route_label(&req);
    let method = method_label(req.method());
    let start = Instant::now();
    let response = next.run(req).await;
    metrics.record_request(method, &route, response.status().as_u16(), start.elapsed());
    response
}

/// The `/metrics` response body for `metrics` (health gauges are refreshed by the caller).
pub fn exposition(metrics: &Metrics) -> Response {
    match metrics.encode() {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(_) => crate::app::ApiError::internal("cannot encode the metrics").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_name_has_a_sample_from_the_start() {
        let m = Metrics::new("test");
        m.record_request("GET", "/health", 200, Duration::from_millis(3));
        let text = m.encode().expect("encodes");
        for name in METRIC_NAMES {
            let sample = text.lines().any(|l| {
                !l.starts_with('#')
                    && (l.starts_with(&format!("{name} "))
                        || l.starts_with(&format!("{name}{{"))
                        || l.starts_with(&format!("{name}_bucket{{")))
            });
            assert!(sample, "{name} has no sample:\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
