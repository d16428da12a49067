//! Owns one validator's work in one direction (source chain → destination chain): read
//! the source bridge's events, sign what they show, gather peers' signatures, submit
//! `complete` / `confirm_completed` to the destination bridge once a quorum has signed,
//! and submit `slash` when a validator is caught signing two versions of one transfer.
//!
//! Honest validators converge: each attests only what it read from the source chain, keeps
//! only signatures that verify against the keys the destination bridge has on record, and
//! submits only the message it derived itself, so a forged message can gather at most the
//! forger's signature. Whoever submits first wins; the others see `AlreadyCompleted` and
//! move on.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::SigningKey;

use crate::book::Added;
use crate::chain::{codes, contract_code, Bridge, ValidatorRecord};
use crate::error::{Error, Result};
use crate::gossip::{Peers, SharedBook};
use crate::progress::Progress;
use crate::statement::{Attester, Signed, Statement, TransferKey};
use crate::watch::Watcher;

/// One chain as the daemon reaches it.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub rpc_url: String,
    pub passphrase: String,
    /// The bridge contract (C…).
    pub bridge: String,
}

/// Everything a daemon is told.
#[derive(Clone, Debug)]
pub struct DaemonConfig {
    pub source: Endpoint,
    pub dest: Endpoint,
    /// The validator's account: its address is the validator on the destination bridge,
    /// and it pays the destination's transaction fees.
    pub account: SigningKey,
    /// Other validators' gossip URLs.
    pub peers: Vec<String>,
    /// Cursor and pending work (created on first run).
    pub state_file: PathBuf,
    /// Where a first run starts reading; default: the oldest ledger the source RPC serves.
    pub start_ledger: Option<u32>,
    pub poll_interval: Duration,
}

/// What one step did (for logs and tests).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepReport {
    pub new_work: usize,
    pub submitted: usize,
    pub finished: usize,
    pub slashed: usize,
}

/// How often a transfer's submission is retried when nothing new has arrived (steps).
const RETRY_EVERY: u32 = 10;
/// Steps a finished transfer stays in the book, still served to and pulled from peers: a
/// quorum can finish a transfer before a faulty validator's second signature has reached
/// anyone, and that evidence must still be caught.
const LINGER_STEPS: u32 = 30;

/// A running validator for one direction.
pub struct Daemon<A: Attester> {
    config: DaemonConfig,
    attester: A,
    book: SharedBook,
    watcher: Watcher,
    /// The source bridge, for its completion markers.
    source: Bridge,
    dest: Bridge,
    peers: Peers,
    progress: Progress,
    start_ledger: u32,
    /// Validator records read from the destination bridge.
    records: HashMap<String, ValidatorRecord>,
    /// Attestations counted at the last submission attempt, and steps since.
    attempts: HashMap<TransferKey, (usize, u32)>,
    /// Equivocation evidence waiting to be submitted, by validator.
    evidence: HashMap<String, (Signed, Signed)>,
    slashed: HashSet<String>,
    /// Finished transfers still watched for evidence, with the steps left.
    lingering: HashMap<TransferKey, u32>,
}

impl<A: Attester> Daemon<A> {
    /// Connects to both chains, checks they are what the configuration says, and loads the
    /// saved progress.
    pub async fn connect(config: DaemonConfig, attester: A, book: SharedBook) -> Result<Self> {
        let source = Bridge::new(
            &config.source.rpc_url,
            &config.source.passphrase,
            &config.source.bridge,
            config.account.clone(),
        )?;
        let dest = Bridge::new(
            &config.dest.rpc_url,
            &config.dest.passphrase,
            &config.dest.bridge,
            config.account.clone(),
        )?;
        source.check_network().await?;
        dest.check_network().await?;
        let source_config = source.config().await?;
        let dest_config = dest.config().await?;
        if source_config.local_chain == dest_config.local_chain {
            return Err(Error::Misconfigured(format!(
                "both bridges are chain {}",
                dest_config.local_chain
            )));
        }
        let watcher = Watcher::new(
            &config.source.rpc_url,
            &config.source.bridge,
            source_config.local_chain,
            dest_config.local_chain,
            dest_config.token,
        )?;
        let progress = Progress::load(&config.state_file)?;
        let start_ledger = match config.start_ledger {
            Some(l) => l,
            None => watcher.oldest_ledger().await?,
        };
        let peers = Peers::new(config.peers.clone())?;
        tracing::info!(
            validator = attester.validator(),
            source_chain = source_config.local_chain,
            dest_chain = dest_config.local_chain,
            pending = progress.pending.len(),
            cursor = ?progress.cursor,
            "validator daemon connected"
        );
        Ok(Daemon {
            config,
            attester,
            book,
            watcher,
            source,
            dest,
            peers,
            progress,
            start_ledger,
            records: HashMap::new(),
            attempts: HashMap::new(),
            evidence: HashMap::new(),
            slashed: HashSet::new(),
            lingering: HashMap::new(),
        })
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Steps until `stop` resolves, logging failed steps and carrying on.
    pub async fn run(mut self, stop: impl std::future::Future<Output = ()>) -> Progress {
        tokio::pin!(stop);
        loop {
            match self.step().await {
                Ok(r) if r != StepReport::default() => tracing::info!(?r, "step"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "step failed; retrying"),
            }
            tokio::select! {
                _ = &mut stop => return self.progress,
                _ = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
    }

    /// Reads one page of the source chain, then advances every pending transfer once.
    pub async fn step(&mut self) -> Result<StepReport> {
        let mut report = StepReport::default();
        let page = self
            .watcher
            .next_page(self.progress.cursor.as_deref(), self.start_ledger)
            .await?;
        let before = self.progress.clone();
        for statement in page.statements {
            if self.progress.add(statement) {
                report.new_work += 1;
            }
        }
        self.progress.dropped += page.undeliverable;
        self.progress.cursor = page.cursor;
        if self.progress != before {
            self.progress.save(&self.config.state_file)?;
        }

        for statement in self.progress.pending.clone() {
            match self.advance(&statement, &mut report).await {
                Ok(Some(outcome)) => {
                    match outcome {
                        Outcome::Done => self.progress.done += 1,
                        Outcome::Dropped => self.progress.dropped += 1,
                    }
                    report.finished += 1;
                    self.progress.remove(&statement);
                    self.progress.save(&self.config.state_file)?;
                    self.attempts.remove(&statement.key());
                    self.lingering.insert(statement.key(), LINGER_STEPS);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(?statement, error = %e, "transfer not advanced"),
            }
        }

        let me = self.attester.validator().to_string();
        for (key, left) in self.lingering.clone() {
            self.pull_peers(&key, &me).await;
            if left == 0 {
                self.lingering.remove(&key);
                self.with_book(|b| b.forget(&key));
            } else {
                self.lingering.insert(key, left - 1);
            }
        }

        let evidence: Vec<_> = self.evidence.drain().collect();
        for (validator, (a, b)) in evidence {
            match self.dest.slash(&a, &b).await {
                Ok(_) => {
                    tracing::warn!(%validator, "slashed for equivocation");
                    report.slashed += 1;
                    self.slashed.insert(validator.clone());
                    self.records.remove(&validator);
                }
                Err(e) if contract_code(&e) == Some(codes::ALREADY_SLASHED) => {
                    self.slashed.insert(validator.clone());
                    self.records.remove(&validator);
                }
                Err(e) => {
                    tracing::warn!(%validator, error = %e, "slash not accepted yet; retrying");
                    self.evidence.insert(validator, (a, b));
                }
            }
        }
        Ok(report)
    }

    async fn advance(
        &mut self,
        statement: &Statement,
        report: &mut StepReport,
    ) -> Result<Option<Outcome>> {
        if let Statement::Inbound { message } = statement {
            if now() >= message.expires_at {
                tracing::warn!(nonce = message.nonce, "expired before a quorum released it");
                return Ok(Some(Outcome::Dropped));
            }
        }
        let key = statement.key();
        let me = self.attester.validator().to_string();
        if !self.with_book(|b| b.has_from(&key, &me)) {
            if let Statement::Completion { nonce } = statement {
                // A `completed` event names the source chain but not its bridge: attest only
                // a release of the destination bridge's own transfer, never one of an earlier
                // deployment that used the same nonce.
                let dest_chain = self.watcher.dest_chain();
                let ours = self
                    .source
                    .is_completed(dest_chain, &self.dest.id()?, *nonce)
                    .await?;
                if !ours {
                    tracing::warn!(
                        nonce,
                        "a completion of another bridge deployment; not attested"
                    );
                    return Ok(Some(Outcome::Dropped));
                }
            }
            for own in self.attester.attest(self.dest.address(), statement)? {
                self.with_book(|b| b.add(own));
            }
        }
        self.pull_peers(&key, &me).await;

        let attesting = self.with_book(|b| b.attesting(statement));
        let (last_count, waited) = self.attempts.get(&key).copied().unwrap_or((0, 0));
        if attesting.len() <= last_count && waited < RETRY_EVERY {
            self.attempts.insert(key, (last_count, waited + 1));
            return Ok(None);
        }
        self.attempts.insert(key, (attesting.len(), 0));
        let mut active = Vec::with_capacity(attesting.len());
        for signed in attesting {
            // Fresh records: a validator slashed or deactivated since would make the
            // contract refuse the whole list.
            self.records.remove(&signed.validator);
            if self
                .record(&signed.validator)
                .await?
                .is_some_and(|r| r.status == "Active")
            {
                active.push(signed);
            }
        }
        let outcome = match statement {
            Statement::Inbound { message } => self.dest.complete(message, &active).await,
            Statement::Completion { nonce } => self.dest.confirm_completed(*nonce, &active).await,
        };
        report.submitted += usize::from(outcome.is_ok());
        match outcome {
            Ok(done) => {
                tracing::info!(?key, tx = %done.hash, attestations = active.len(), "submitted");
                Ok(Some(Outcome::Done))
            }
            Err(e) => match contract_code(&e) {
                Some(codes::ALREADY_COMPLETED | codes::TRANSFER_NOT_PENDING) => {
                    Ok(Some(Outcome::Done))
                }
                Some(
                    codes::MESSAGE_EXPIRED
                    | codes::WRONG_DESTINATION
                    | codes::WRONG_TOKEN
                    | codes::TRANSFER_NOT_FOUND,
                ) => {
                    tracing::warn!(?key, error = %e, "the destination refuses this transfer for good");
                    Ok(Some(Outcome::Dropped))
                }
                Some(codes::QUORUM_NOT_REACHED | codes::VALIDATOR_NOT_ACTIVE) => Ok(None),
                // Until the admin mends it (another validator activated, the source bridge
                // configured, the pause lifted), or the transfer expires.
                Some(codes::ACTIVE_SET_TOO_SMALL | codes::WRONG_SOURCE_BRIDGE | codes::PAUSED) => {
                    tracing::warn!(?key, error = %e, "the destination refuses this transfer for now; waiting");
                    Ok(None)
                }
                Some(codes::INSUFFICIENT_LIQUIDITY) => {
                    tracing::warn!(?key, "the destination bridge lacks liquidity; waiting");
                    Ok(None)
                }
                _ => Err(e),
            },
        }
    }

    async fn pull_peers(&mut self, key: &TransferKey, me: &str) {
        for peer in self.peers.urls().to_vec() {
            match self.peers.pull(&peer, key).await {
                Ok(list) => {
                    for signed in list {
                        self.take(signed, key, me).await;
                    }
                }
                Err(e) => tracing::debug!(error = %e, "peer unavailable"),
            }
        }
    }

    /// Keeps a peer's attestation if it is about `key` and verifies under the key the
    /// destination bridge holds for its validator; notes equivocation.
    async fn take(&mut self, signed: Signed, key: &TransferKey, me: &str) {
        if signed.statement.key() != *key {
            return;
        }
        let record = match self.record(&signed.validator).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                tracing::debug!(error = %e, "validator record unavailable");
                return;
            }
        };
        if !signed.verifies(self.dest.address(), &record.signing_key) {
            tracing::warn!(validator = %signed.validator, "a peer served a signature that does not verify");
            return;
        }
        if let Added::Equivocation(pair) = self.with_book(|b| b.add(signed)) {
            let (a, b) = *pair;
            // An honest validator never equivocates, and a faulty one does not report itself.
            if a.validator != me && !self.slashed.contains(&a.validator) {
                tracing::warn!(validator = %a.validator, ?key, "equivocation caught");
                self.evidence.entry(a.validator.clone()).or_insert((a, b));
            }
        }
    }

    async fn record(&mut self, validator: &str) -> Result<Option<ValidatorRecord>> {
        if let Some(r) = self.records.get(validator) {
            return Ok(Some(r.clone()));
        }
        let r = self.dest.validator(validator).await?;
        if let Some(r) = &r {
            self.records.insert(validator.to_string(), r.clone());
        }
        Ok(r)
    }

    fn with_book<T>(&self, f: impl FnOnce(&mut crate::book::Book) -> T) -> T {
        // Only this loop writes the book, and it does not panic while holding the lock;
        // recover the data of a poisoned lock rather than stopping the validator.
        let mut guard = self
            .book
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }
}

enum Outcome {
    Done,
    Dropped,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
