//! Owns RPC endpoint failover: the indexer's list of RPC URLs (`--rpc-url`, repeated or
//! comma-separated), which one is in use, and when to switch.
//!
//! * Before an endpoint is ever used its `getNetwork` passphrase is checked against the
//!   configured network's (or, when none is configured, the first endpoint's that
//!   answers): an endpoint of another network is **refused** for good, with the reason in
//!   /health and the log. Two networks are never mixed.
//! * A failed sync step (RPC unreachable or failing) switches to the next usable endpoint
//!   in order that answers `getHealth`.
//! * Every `check_every`, the endpoints' `getHealth` are compared: when the one in use is
//!   more than `lag_switch` ledgers behind the best, the indexer switches to the best.
//!
//! The checkpoint is in the store, so the next step resumes where the last one committed,
//! whichever endpoint serves it; replayed events are idempotent.

use std::time::Duration;

use serde::Serialize;
use teachlink_indexer::sync::{Health, RpcClient};

/// An endpoint as /health reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointReport {
    pub url: String,
    /// `unchecked` (never reached yet), `usable`, or `refused` (another network).
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its latest ledger when last asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_ledger: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Verdict {
    Unchecked,
    Usable,
    Refused(String),
}

struct Endpoint {
    url: String,
    client: Option<RpcClient>,
    verdict: Verdict,
    latest: Option<u32>,
    /// Its oldest ledger when it last answered: an endpoint that held a ledger is waited
    /// for through an outage rather than replaced by one that never held it.
    oldest: Option<u32>,
}

/// Why no endpoint can be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FailoverError {
    #[error("every RPC endpoint serves another network: {0}")]
    AllRefused(String),
}

/// The endpoints and the one in use.
pub struct Endpoints {
    endpoints: Vec<Endpoint>,
    current: usize,
    expected: Option<String>,
    lag_switch: u32,
    timeout: Duration,
    switches: u64,
}

impl Endpoints {
    /// `urls` in order of preference (at least one); `expected` is the network passphrase
    /// when configured.
    pub fn new(urls: &[String], expected: Option<String>, lag_switch: u32) -> Endpoints {
        Endpoints {
            endpoints: urls
                .iter()
                .map(|u| Endpoint {
                    url: u.clone(),
                    client: RpcClient::new(u.clone()).ok(),
                    verdict: Verdict::Unchecked,
                    latest: None,
                    oldest: None,
                })
                .collect(),
            current: 0,
            expected,
            lag_switch,
            timeout: Duration::from_secs(2),
            switches: 0,
        }
    }

    /// The endpoint in use.
    pub fn current_url(&self) -> &str {
        self.endpoints
            .get(self.current)
            .map_or("", |e| e.url.as_str())
    }

    /// Its position in the configured list (from 0).
    pub fn current_index(&self) -> usize {
        self.current
    }

    /// How many times the endpoint in use changed.
    pub fn switches(&self) -> u64 {
        self.switches
    }

    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// Every endpoint, for /health.
    pub fn report(&self) -> Vec<EndpointReport> {
        self.endpoints
            .iter()
            .map(|e| EndpointReport {
                url: e.url.clone(),
                state: match e.verdict {
                    Verdict::Unchecked => "unchecked",
                    Verdict::Usable => "usable",
                    Verdict::Refused(_) => "refused",
                },
                reason: match &e.verdict {
                    Verdict::Refused(r) => Some(r.clone()),
                    _ => None,
                },
                latest_ledger: e.latest,
            })
            .collect()
    }

    /// Checks endpoint `i`'s network (once; a refusal is final) and asks its head. `Ok`
    /// with its health when it can be used now.
    async fn probe(&mut self, i: usize) -> Result<Health, String> {
        let timeout = self.timeout;
        let Some(e) = self.endpoints.get_mut(i) else {
            return Err("no such endpoint".into());
        };
        if let Verdict::Refused(r) = &e.verdict {
            return Err(r.clone());
        }
        let Some(client) = e.client.clone() else {
            return Err("invalid URL".into());
        };
        if e.verdict == Verdict::Unchecked {
            let network = tokio::time::timeout(timeout, client.get_network())
                .await
                .map_err(|_| "getNetwork: no answer in time".to_string())?
                .map_err(|err| format!("getNetwork: {err}"))?;
            match &self.expected {
                Some(expected) if *expected != network.passphrase => {
                    let reason = format!(
                        "serves the network {:?}, not {expected:?}",
                        network.passphrase
                    );
                    tracing::error!(rpc = %e.url, reason = %reason, "refusing an RPC endpoint of another network");
                    e.verdict = Verdict::Refused(reason.clone());
                    return Err(reason);
                }
                Some(_) => {}
                // The first endpoint that answers names the network for the others.
                None => self.expected = Some(network.passphrase),
            }
            e.verdict = Verdict::Usable;
        }
        let health = tokio::time::timeout(timeout, client.get_health())
            .await
            .map_err(|_| "getHealth: no answer in time".to_string())?
            .map_err(|err| format!("getHealth: {err}"));
        if let Ok(h) = &health {
            e.latest = Some(h.latest_ledger);
            e.oldest = Some(h.oldest_ledger);
        } else {
            e.latest = None;
        }
        health
    }

    fn switch_to(&mut self, i: usize, why: &str) {
        if i != self.current {
            tracing::warn!(
                from = %self.current_url(),
                to = %self.endpoints[i].url,
                reason = why,
                "switching RPC endpoint"
            );
            self.current = i;
            self.switches += 1;
        }
    }

    /// Picks the first endpoint that serves the network and answers, starting from the one
    /// in use (after a failure: from the next one), keeping to those that hold `needed`
    /// (the next ledger to index: switching to an endpoint whose window starts later makes
    /// a retention gap that another endpoint, e.g. a server's archive, avoids). When none
    /// that answers holds it but one held it when it last answered (an outage, maybe one
    /// missed probe), nothing is switched: the endpoint in use is retried, and no gap is
    /// made. Only when no endpoint ever held it is the first that answers taken (the gap is
    /// then real and recorded). `Ok(true)` when the endpoint in use changed; `Ok(false)`
    /// when none fits now (the current one is kept and retried); an error when every
    /// endpoint is of another network.
    pub async fn pick(
        &mut self,
        after_failure: bool,
        needed: Option<u32>,
    ) -> Result<bool, FailoverError> {
        let n = self.endpoints.len();
        let first = if after_failure { 1 } else { 0 };
        let mut answering = None;
        let mut holding = None;
        for k in first..n + first {
            let i = (self.current + k) % n;
            if let Ok(h) = self.probe(i).await {
                if needed.is_some_and(|l| h.oldest_ledger > l) {
                    answering.get_or_insert(i);
                    continue;
                }
                holding = Some(i);
                break;
            }
        }
        let held_elsewhere = needed.is_some_and(|l| {
            self.endpoints
                .iter()
                .any(|e| e.oldest.is_some_and(|oldest| oldest <= l))
        });
        let chosen = match holding {
            Some(i) => Some(i),
            None if held_elsewhere => {
                tracing::warn!(
                    needed = needed.unwrap_or(0),
                    "no answering RPC endpoint holds the next ledger to index; waiting for \
                     the one that held it rather than making a gap"
                );
                None
            }
            None => answering,
        };
        if let Some(i) = chosen {
            let changed = i != self.current;
            self.switch_to(
                i,
                if after_failure {
                    "the endpoint in use failed"
                } else {
                    "the endpoint in use does not answer"
                },
            );
            return Ok(changed);
        }
        let refused: Vec<String> = self
            .endpoints
            .iter()
            .filter_map(|e| match &e.verdict {
                Verdict::Refused(r) => Some(format!("{}: {r}", e.url)),
                _ => None,
            })
            .collect();
        if refused.len() == n {
            return Err(FailoverError::AllRefused(refused.join("; ")));
        }
        // The one in use must not be a refused one.
        if matches!(
            self.endpoints.get(self.current).map(|e| &e.verdict),
            Some(Verdict::Refused(_))
        ) {
            if let Some(i) = self
                .endpoints
                .iter()
                .position(|e| !matches!(e.verdict, Verdict::Refused(_)))
            {
                self.switch_to(i, "the endpoint in use serves another network");
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The first endpoint of the network (in order) that answers now and holds every ledger
    /// from `first` through `last`: where a recorded gap can be filled from, or a contract
    /// added to the deployment fetched from its start. Switches nothing.
    pub async fn holding(&mut self, first: u32, last: u32) -> Option<String> {
        for i in 0..self.endpoints.len() {
            if let Ok(h) = self.probe(i).await {
                if h.oldest_ledger <= first && h.latest_ledger >= last {
                    return Some(self.endpoints[i].url.clone());
                }
            }
        }
        None
    }

    /// Compares the endpoints' heads; switches to the best when the one in use is more than
    /// `lag_switch` ledgers behind it (or does not answer). Only endpoints that still hold
    /// `needed` (the next ledger to index) are candidates. `true` when it switched.
    pub async fn check_lag(&mut self, needed: Option<u32>) -> bool {
        let n = self.endpoints.len();
        if n < 2 {
            return false;
        }
        let mut heads = Vec::with_capacity(n);
        for i in 0..n {
            let h = self.probe(i).await.ok();
            let covers = |h: &Health| needed.is_none_or(|l| h.oldest_ledger <= l);
            heads.push(h.filter(covers).map(|h| h.latest_ledger));
        }
        let Some((best, best_head)) = heads
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.map(|h| (i, h)))
            .max_by_key(|(i, h)| (*h, std::cmp::Reverse(*i)))
        else {
            return false;
        };
        let current_head = heads.get(self.current).copied().flatten();
        let behind = match current_head {
            Some(h) => best_head.saturating_sub(h) > self.lag_switch,
            None => true,
        };
        if behind && best != self.current {
            self.switch_to(best, "the endpoint in use lags behind another");
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teachlink_localnet::{Localnet, LocalnetHandle, DEFAULT_PASSPHRASE};

    fn localnet(passphrase: &str) -> LocalnetHandle {
        let mut config = teachlink_localnet::Config::for_tests();
        config.network_passphrase = passphrase.to_string();
        Localnet::start(config).expect("localnet starts")
    }

    /// Issue 17 item 4: the long-retention endpoint missing one probe must not hand the
    /// indexer to an endpoint whose window starts after the next ledger to index (the
    /// syncer would record a gap there and move on for good).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_outage_of_the_only_endpoint_holding_the_next_ledger_makes_no_gap() {
        let archive = localnet(DEFAULT_PASSPHRASE);
        let short = {
            let mut config = teachlink_localnet::Config::for_tests();
            config.retention_ledgers = 5;
            Localnet::start(config).expect("localnet starts")
        };
        short
            .with_node(|n| {
                for _ in 0..10 {
                    n.close_ledger().expect("closes");
                }
            })
            .expect("node");
        let urls = [archive.url(), short.url()];
        let mut e = Endpoints::new(&urls, None, 5);
        assert_eq!(e.pick(false, Some(2)).await, Ok(false));
        assert_eq!(e.current_url(), archive.url());
        // The archive stops answering: the short endpoint answers but lacks ledger 2.
        tokio::task::spawn_blocking(move || archive.shutdown())
            .await
            .expect("stopped");
        assert_eq!(e.pick(true, Some(2)).await, Ok(false));
        assert_eq!(e.current_url(), urls[0], "kept waiting for the archive");
        assert_eq!(e.switches(), 0);
        // A ledger the short endpoint holds: it is taken.
        let oldest = short
            .with_node(|n| n.oldest().header.ledger_seq)
            .expect("node");
        assert_eq!(e.pick(true, Some(oldest)).await, Ok(true));
        assert_eq!(e.current_url(), short.url());
        // No endpoint ever held ledger 2: the one that answers is taken (the gap is real).
        let mut fresh = Endpoints::new(&urls, None, 5);
        assert_eq!(fresh.pick(false, Some(2)).await, Ok(true));
        assert_eq!(fresh.current_url(), short.url());
        tokio::task::spawn_blocking(move || short.shutdown())
            .await
            .expect("stopped");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn switches_to_an_endpoint_ahead_and_refuses_another_network() {
        let (a, b) = (localnet(DEFAULT_PASSPHRASE), localnet(DEFAULT_PASSPHRASE));
        let other = localnet("Another Network ; 2026");
        let urls = [other.url(), a.url(), b.url()];
        let mut e = Endpoints::new(&urls, Some(DEFAULT_PASSPHRASE.to_string()), 5);
        // The first endpoint is of another network: refused, never used.
        assert_eq!(e.pick(false, None).await, Ok(true));
        assert_eq!(e.current_url(), a.url());
        let report = e.report();
        assert_eq!(report[0].state, "refused");
        assert!(report[0]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("Another Network")));
        // Level: no switch.
        assert!(!e.check_lag(None).await);
        // B runs 10 ledgers ahead (> 5): switch to it.
        b.with_node(|n| {
            for _ in 0..10 {
                n.close_ledger().expect("closes");
            }
        })
        .expect("node");
        assert!(e.check_lag(None).await);
        assert_eq!(e.current_url(), b.url());
        assert_eq!((e.current_index(), e.switches()), (2, 2));
        // Only another network's endpoints: an error, nothing used.
        let mut only_other = Endpoints::new(&[other.url()], Some(DEFAULT_PASSPHRASE.into()), 5);
        assert!(matches!(
            only_other.pick(false, None).await,
            Err(FailoverError::AllRefused(_))
        ));
        // An endpoint whose window no longer holds the next ledger to index is passed
        // over for one that does, though it comes first.
        let short = {
            let mut config = teachlink_localnet::Config::for_tests();
            config.retention_ledgers = 5;
            Localnet::start(config).expect("localnet starts")
        };
        short
            .with_node(|n| {
                for _ in 0..10 {
                    n.close_ledger().expect("closes");
                }
            })
            .expect("node");
        let mut e = Endpoints::new(&[short.url(), a.url()], None, 5);
        assert_eq!(e.pick(false, Some(2)).await, Ok(true));
        assert_eq!(e.current_url(), a.url());
        // Without such a need, the first that answers.
        let mut e = Endpoints::new(&[short.url(), a.url()], None, 5);
        assert_eq!(e.pick(false, None).await, Ok(false));
        assert_eq!(e.current_url(), short.url());
        for net in [a, b, other, short] {
            tokio::task::spawn_blocking(move || net.shutdown())
                .await
                .expect("stopped");
        }
    }
}
