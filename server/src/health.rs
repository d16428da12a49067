//! Owns health: the checks behind `GET /health` (database ping, RPC `getHealth`, indexer
//! lag, retention gap), how they combine into ok / degraded / error against the configured
//! thresholds, the HTTP status that goes with it, and the health gauges of /metrics. Also
//! the RPC's network passphrase, checked at start.
//!
//! A replica that does not index (standby or `--read-only`) judges the data it serves: the
//! lag and the retention gaps of the checkpoint the indexing replica committed.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{json, Value};
use teachlink_indexer::sync::RpcClient;
use teachlink_indexer::{Checkpoint, Store};

use crate::config::HealthThresholds;
use crate::indexer::{IndexerSnapshot, Role};
use crate::metrics::{Dependency, Metrics};
use crate::store::{AppStore, Ping, PingError};

/// A check's (and the whole report's) state; ordered from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Degraded,
    Error,
}

impl Level {
    /// The value of `teachlink_health_state`.
    pub fn gauge(self) -> i64 {
        match self {
            Level::Ok => 0,
            Level::Degraded => 1,
            Level::Error => 2,
        }
    }

    /// 200 for ok and degraded (still serving), 503 for error.
    pub fn http_status(self) -> StatusCode {
        match self {
            Level::Ok | Level::Degraded => StatusCode::OK,
            Level::Error => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// One check: its level, a message when not ok, and what it measured.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub status: Level,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(flatten)]
    pub details: serde_json::Map<String, Value>,
}

impl Check {
    fn new(status: Level, message: Option<String>, details: Value) -> Check {
        let details = match details {
            Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        Check {
            status,
            message,
            details,
        }
    }
}

/// The checks, by name.
#[derive(Clone, Debug, Serialize)]
pub struct Checks {
    pub database: Check,
    pub rpc: Check,
    pub indexer_lag: Check,
    pub retention_gap: Check,
}

/// The body of `GET /health`.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub status: Level,
    pub checks: Checks,
}

/// How long one RPC probe answers every `/health` and `/metrics` request: a burst of
/// them costs the upstream RPC one `getHealth`, not one each.
pub const RPC_PROBE_TTL: Duration = Duration::from_secs(1);

/// Runs the checks.
pub struct HealthChecker {
    rpc: RpcClient,
    rpc_url: String,
    thresholds: HealthThresholds,
    /// The last RPC probe: when it ended, of which endpoint, its check. Held during a
    /// probe, so concurrent requests wait for the one in flight (single-flight).
    last_probe: tokio::sync::Mutex<Option<(Instant, String, Check)>>,
    probes: std::sync::atomic::AtomicU64,
}

/// A failure to reach the RPC for a one-off call.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("cannot build the RPC client: {0}")]
    Client(String),
    #[error("the RPC did not answer within {0:?}")]
    Timeout(Duration),
    #[error("{0}")]
    Rpc(String),
}

impl HealthChecker {
    pub fn new(rpc_url: &str, thresholds: HealthThresholds) -> Result<Self, ProbeError> {
        Ok(HealthChecker {
            rpc: RpcClient::new(rpc_url).map_err(|e| ProbeError::Client(e.to_string()))?,
            rpc_url: rpc_url.to_string(),
            thresholds,
            last_probe: tokio::sync::Mutex::new(None),
            probes: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// How many times the RPC was probed (`getHealth`) for the health checks.
    pub fn rpc_probes(&self) -> u64 {
        self.probes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs every check, combines them and updates the health gauges.
    pub async fn report(
        &self,
        store: &AppStore,
        indexer: &IndexerSnapshot,
        metrics: &Metrics,
    ) -> Report {
        let (database, mut rpc) = tokio::join!(self.database(store), self.rpc(indexer));
        if !indexer.rpc_endpoints.is_empty() {
            rpc.details
                .insert("endpoints".into(), json!(indexer.rpc_endpoints));
        }
        metrics.set_dependency(Dependency::Database, database.status == Level::Ok);
        metrics.set_dependency(Dependency::Rpc, rpc.status == Level::Ok);
        let (indexer_lag, retention_gap) = match indexer.role {
            Role::Standby | Role::ReadOnly => {
                let checkpoint = if database.status == Level::Ok {
                    match tokio::time::timeout(self.thresholds.timeout, store.cursor()).await {
                        Ok(Ok(cp)) => Ok(cp),
                        Ok(Err(e)) => Err(e.to_string()),
                        Err(_) => Err("no answer in time".to_string()),
                    }
                } else {
                    Err("database unreachable".to_string())
                };
                let latest = rpc
                    .details
                    .get("latest_ledger")
                    .and_then(Value::as_u64)
                    .and_then(|l| u32::try_from(l).ok());
                (
                    self.replica_lag(indexer.role, &checkpoint, latest),
                    replica_gap(&checkpoint),
                )
            }
            Role::Starting | Role::Indexing => (self.indexer_lag(indexer), retention_gap(indexer)),
        };
        let checks = Checks {
            database,
            rpc,
            indexer_lag,
            retention_gap,
        };
        let status = [
            checks.database.status,
            checks.rpc.status,
            checks.indexer_lag.status,
            checks.retention_gap.status,
        ]
        .into_iter()
        .max()
        .unwrap_or(Level::Error);
        metrics.set_health_state(status.gauge());
        Report { status, checks }
    }

    /// Database: a ping; unreachable is an error (nothing can be served or committed).
    async fn database(&self, store: &AppStore) -> Check {
        let start = Instant::now();
        let outcome = match tokio::time::timeout(self.thresholds.timeout, Ping::ping(store)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(PingError(e))) => Err(e),
            Err(_) => Err(format!(
                "no answer within {} ms",
                self.thresholds.timeout.as_millis()
            )),
        };
        let latency_ms = start.elapsed().as_secs_f64() * 1_000.0;
        match outcome {
            Ok(()) => Check::new(Level::Ok, None, json!({ "latency_ms": latency_ms })),
            Err(e) => Check::new(
                Level::Error,
                Some(format!("database unreachable: {e}")),
                json!({ "latency_ms": latency_ms }),
            ),
        }
    }

    /// RPC: `getHealth` with a short timeout, at most once per [`RPC_PROBE_TTL`] and one at
    /// a time; unreachable is degraded (the API still serves what is stored).
    async fn rpc(&self, indexer: &IndexerSnapshot) -> Check {
        // The endpoint the indexer uses (failover may have switched from the first).
        let switched = indexer
            .rpc_url
            .as_deref()
            .filter(|u| *u != self.rpc_url)
            .and_then(|u| RpcClient::new(u).ok());
        let (client, url) = match &switched {
            Some(c) => (c, c.url().to_string()),
            None => (&self.rpc, self.rpc_url.clone()),
        };
        let mut last = self.last_probe.lock().await;
        if let Some((at, probed, check)) = last.as_ref() {
            if *probed == url && at.elapsed() < RPC_PROBE_TTL {
                return check.clone();
            }
        }
        self.probes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let check = Self::probe(client, url.clone(), self.thresholds.timeout).await;
        *last = Some((Instant::now(), url, check.clone()));
        check
    }

    /// One `getHealth` of `client` within `timeout`.
    async fn probe(client: &RpcClient, url: String, timeout: Duration) -> Check {
        let start = Instant::now();
        let outcome = tokio::time::timeout(timeout, client.get_health()).await;
        let latency_ms = start.elapsed().as_secs_f64() * 1_000.0;
        match outcome {
            Ok(Ok(h)) => Check::new(
                Level::Ok,
                None,
                json!({
                    "url": url,
                    "latest_ledger": h.latest_ledger,
                    "oldest_ledger": h.oldest_ledger,
                    "latency_ms": latency_ms,
                }),
            ),
            Ok(Err(e)) => Check::new(
                Level::Degraded,
                Some(format!("RPC unreachable: {e}")),
                json!({ "url": url, "latency_ms": latency_ms }),
            ),
            Err(_) => Check::new(
                Level::Degraded,
                Some(format!(
                    "RPC unreachable: no answer within {} ms",
                    timeout.as_millis()
                )),
                json!({ "url": url, "latency_ms": latency_ms }),
            ),
        }
    }

    /// Indexer lag: not ready (error) before the first sync step or once the loop stopped;
    /// degraded (or error) above the thresholds.
    fn indexer_lag(&self, snapshot: &IndexerSnapshot) -> Check {
        let last_error = snapshot.status.as_ref().and_then(|s| s.last_error.clone());
        let status = match &snapshot.status {
            Some(status) if snapshot.ready => status,
            _ => {
                let message = match &snapshot.stopped {
                    Some(why) => format!("the indexer stopped: {why}"),
                    None => "not ready: no sync step has succeeded yet".to_string(),
                };
                return Check::new(
                    Level::Error,
                    Some(message),
                    json!({ "running": snapshot.running, "last_error": last_error }),
                );
            }
        };
        let details = json!({
            "ledgers_behind": status.ledgers_behind,
            "indexed_ledger": status.indexed_ledger,
            "latest_ledger": status.latest_ledger,
            "caught_up": status.caught_up,
            "running": snapshot.running,
            "last_error": last_error,
        });
        let lag = status.ledgers_behind;
        if !snapshot.running {
            let why = snapshot.stopped.as_deref().unwrap_or("shutting down");
            return Check::new(
                Level::Error,
                Some(format!("the indexer is not running: {why}")),
                details,
            );
        }
        self.lag_check(lag, details, || format!("{lag} ledgers behind the RPC"))
    }

    /// Indexer lag of a replica that does not index: how far the committed checkpoint is
    /// behind the RPC (the indexing replica's progress, as this replica serves it).
    fn replica_lag(
        &self,
        role: Role,
        checkpoint: &Result<Option<Checkpoint>, String>,
        latest: Option<u32>,
    ) -> Check {
        let indexed = match checkpoint {
            Ok(Some(cp)) => cp.ledger,
            Ok(None) => {
                return Check::new(
                    Level::Degraded,
                    Some("nothing indexed yet (this replica does not index)".to_string()),
                    json!({ "role": role, "running": false }),
                )
            }
            Err(e) => {
                return Check::new(
                    Level::Error,
                    Some(format!("cannot read the indexed ledger: {e}")),
                    json!({ "role": role, "running": false }),
                )
            }
        };
        let Some(latest) = latest else {
            return Check::new(
                Level::Ok,
                None,
                json!({ "role": role, "running": false, "indexed_ledger": indexed }),
            );
        };
        let lag = latest.saturating_sub(indexed);
        let details = json!({
            "role": role,
            "running": false,
            "indexed_ledger": indexed,
            "latest_ledger": latest,
            "ledgers_behind": lag,
        });
        self.lag_check(lag, details, || {
            format!("the stored data is {lag} ledgers behind the RPC")
        })
    }

    /// The check of data `lag` ledgers behind the RPC, by the thresholds: an error beyond
    /// `lag_error`, degraded beyond `lag_degraded`, else ok; `behind` words the message.
    fn lag_check(&self, lag: u32, details: Value, behind: impl FnOnce() -> String) -> Check {
        let level = if self.thresholds.lag_error.is_some_and(|max| lag > max) {
            Level::Error
        } else if lag > self.thresholds.lag_degraded {
            Level::Degraded
        } else {
            Level::Ok
        };
        Check::new(level, (level != Level::Ok).then(behind), details)
    }

    /// The RPC's network passphrase (`getNetwork`), within the health timeout.
    pub async fn network_passphrase(&self) -> Result<String, ProbeError> {
        Ok(self.network().await?.0)
    }

    /// The RPC's network passphrase and protocol version (`getNetwork`), within the
    /// health timeout.
    pub async fn network(&self) -> Result<(String, Option<u32>), ProbeError> {
        let call = async {
            let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "getNetwork" });
            let v: Value = reqwest::Client::new()
                .post(&self.rpc_url)
                .json(&body)
                .send()
                .await
                .map_err(|e| ProbeError::Rpc(e.to_string()))?
                .json()
                .await
                .map_err(|e| ProbeError::Rpc(e.to_string()))?;
            let passphrase = v
                .pointer("/result/passphrase")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| ProbeError::Rpc(format!("unexpected getNetwork answer: {v}")))?;
            let protocol = v
                .pointer("/result/protocolVersion")
                .and_then(Value::as_u64)
                .and_then(|p| u32::try_from(p).ok());
            Ok((passphrase, protocol))
        };
        tokio::time::timeout(self.thresholds.timeout.max(Duration::from_secs(5)), call)
            .await
            .map_err(|_| ProbeError::Timeout(self.thresholds.timeout.max(Duration::from_secs(5))))?
    }
}

/// Degraded when `ledgers` ledgers were never indexed (they left the RPC's retention
/// window first), else ok.
fn gap_check(ledgers: u64, details: Value) -> Check {
    if ledgers > 0 {
        Check::new(
            Level::Degraded,
            Some(format!(
                "{ledgers} ledgers left the RPC's retention window before they were indexed"
            )),
            details,
        )
    } else {
        Check::new(Level::Ok, None, details)
    }
}

/// Retention gap of a replica that does not index: the committed checkpoint's gaps.
fn replica_gap(checkpoint: &Result<Option<Checkpoint>, String>) -> Check {
    let gaps = match checkpoint {
        Ok(Some(cp)) => cp.gaps.as_slice(),
        _ => &[],
    };
    let ledgers: u64 = gaps
        .iter()
        .map(|g| u64::from(g.last_ledger.saturating_sub(g.first_ledger)) + 1)
        .sum();
    let details = json!({ "ledgers": ledgers, "latest_gap": gaps.last() });
    gap_check(ledgers, details)
}

/// Retention gap: any recorded gap is degraded (the data is known to be incomplete).
fn retention_gap(snapshot: &IndexerSnapshot) -> Check {
    let ledgers = snapshot.retention_gap_ledgers;
    let gap = snapshot.status.as_ref().and_then(|s| s.gap);
    let details = json!({ "ledgers": ledgers, "latest_gap": gap });
    gap_check(ledgers, details)
}

#[cfg(test)]
mod tests {
    use teachlink_indexer::{Gap, Status};

    use super::*;

    fn checker(lag_error: Option<u32>) -> HealthChecker {
        HealthChecker::new(
            "http://127.0.0.1:9/",
            HealthThresholds {
                lag_degraded: 10,
                lag_error,
                timeout: Duration::from_millis(100),
            },
        )
        .expect("client")
    }

    fn snapshot(behind: u32) -> IndexerSnapshot {
        IndexerSnapshot {
            status: Some(Status {
                ledgers_behind: behind,
                ..Status::default()
            }),
            ready: true,
            running: true,
            ..IndexerSnapshot::default()
        }
    }

    #[test]
    fn lag_levels_follow_the_thresholds() {
        let c = checker(Some(100));
        assert_eq!(c.indexer_lag(&snapshot(10)).status, Level::Ok);
        assert_eq!(c.indexer_lag(&snapshot(11)).status, Level::Degraded);
        assert_eq!(c.indexer_lag(&snapshot(101)).status, Level::Error);
        assert_eq!(
            checker(None).indexer_lag(&snapshot(1_000_000)).status,
            Level::Degraded
        );
    }

    #[test]
    fn not_ready_and_stopped_are_errors() {
        let c = checker(None);
        let before_first_step = IndexerSnapshot {
            running: true,
            ..IndexerSnapshot::default()
        };
        let check = c.indexer_lag(&before_first_step);
        assert_eq!(check.status, Level::Error);
        assert!(check.message.is_some_and(|m| m.contains("not ready")));
        let stopped = IndexerSnapshot {
            running: false,
            ..snapshot(0)
        };
        assert_eq!(c.indexer_lag(&stopped).status, Level::Error);
    }

    #[test]
    fn a_recorded_gap_is_degraded() {
        let mut s = snapshot(0);
        assert_eq!(retention_gap(&s).status, Level::Ok);
        s.retention_gap_ledgers = 5;
        if let Some(status) = s.status.as_mut() {
            status.gap = Some(Gap {
                first_ledger: 3,
                last_ledger: 7,
            });
        }
        let check = retention_gap(&s);
        assert_eq!(check.status, Level::Degraded);
        assert_eq!(check.details["ledgers"], 5);
    }
}
