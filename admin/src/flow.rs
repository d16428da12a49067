//! Owns the one path every spending command takes: simulate, show the fee and the
//! footprint, write the unsigned transaction (`--build-only`) or ask before spending
//! (unless `--yes`), sign, send, wait for the result, and print the transaction hash, the
//! returned value and the TeachLink events it emitted.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use ed25519_dalek::SigningKey;
use stellar_xdr::{
    HostFunction, LedgerKey, ScVal, Transaction, TransactionEnvelope, TransactionExt,
    TransactionV1Envelope,
};
use teachlink_indexer::Event;
use teachlink_sdk::invoke::Submitted;
use teachlink_sdk::signer::SignerKind;
use teachlink_sdk::{tx, SdkError};

use crate::error::{AdminError, Result};
use crate::net::Net;

/// Who signs and how the operator confirms.
pub struct Flow<'a> {
    pub net: &'a Net,
    /// The signing key; None with `--build-only --source G…`.
    pub key: Option<SigningKey>,
    /// The transaction source (the key's account, or `--source`).
    pub source: [u8; 32],
    /// Skip the confirmation prompt.
    pub yes: bool,
    /// Write the unsigned transaction here (`-`: stdout) instead of sending it.
    pub build_only: Option<PathBuf>,
    /// The deployment's contracts `(name, C…)`, whose events are decoded and printed.
    pub contracts: Vec<(String, String)>,
}

/// What a confirmed transaction did.
pub struct Sent {
    pub hash: String,
    pub ledger: u32,
    pub value: Option<ScVal>,
    pub events: Vec<Event>,
}

/// A transaction sent, or only built.
pub enum Outcome {
    Sent(Sent),
    Built,
}

impl Outcome {
    pub fn sent(self) -> Option<Sent> {
        match self {
            Outcome::Sent(s) => Some(s),
            Outcome::Built => None,
        }
    }
}

impl Flow<'_> {
    /// The account the transactions come from, as a strkey.
    pub fn source_strkey(&self) -> String {
        tx::account_strkey(&self.source)
    }

    /// `what` (a label for the operator) as one transaction running `hf`; contract errors
    /// named by `error_name`.
    pub async fn run(
        &self,
        what: &str,
        hf: HostFunction,
        error_name: fn(u32) -> &'static str,
    ) -> Result<Outcome> {
        let invoker = self.net.invoker(error_name);
        let t = invoker.prepare(&self.source, hf).await?;
        show(what, &t);
        let pending = tx::unsigned_auth_addresses(&t);
        if let Some(path) = &self.build_only {
            write_envelope(path, &tx::wrap(t))?;
            println!("unsigned transaction written to {}", path.display());
            if !pending.is_empty() {
                println!("auth entries still to sign: {}", pending.join(", "));
            }
            return Ok(Outcome::Built);
        }
        if !pending.is_empty() {
            return Err(SdkError::MissingAuthorization(pending).into());
        }
        confirm(self.yes, t.fee)?;
        let key = self.signing_key()?;
        let sent = invoker.submit(t, &SignerKind::Local(Box::new(key))).await?;
        self.report(sent).await.map(Outcome::Sent)
    }

    pub fn signing_key(&self) -> Result<SigningKey> {
        self.key.clone().ok_or_else(|| {
            AdminError::KeyMissing("this command signs: pass --key-file or --secret-env".into())
        })
    }

    /// Prints a confirmed transaction and its decoded events.
    pub async fn report(&self, sent: Submitted) -> Result<Sent> {
        println!(
            "transaction {} confirmed in ledger {}",
            sent.hash, sent.ledger
        );
        if let Some(v) = sent.value.as_ref().filter(|v| !matches!(v, ScVal::Void)) {
            println!("returned {}", show_val(v));
        }
        let events = if self.contracts.is_empty() {
            Vec::new()
        } else {
            self.net
                .events(&self.contracts, sent.ledger, Some(sent.ledger))
                .await?
                .into_iter()
                .filter(|e| e.meta.tx_hash.to_string() == sent.hash)
                .collect()
        };
        for e in &events {
            println!(
                "event {}",
                serde_json::to_string(&e.body).unwrap_or_else(|_| format!("{:?}", e.body))
            );
        }
        Ok(Sent {
            hash: sent.hash,
            ledger: sent.ledger,
            value: sent.value,
            events,
        })
    }
}

/// Prints what a prepared transaction costs and touches.
fn show(what: &str, t: &Transaction) {
    println!("{what}");
    println!("  source {}", tx::account_strkey(&tx::source_key(t)));
    if let TransactionExt::V1(data) = &t.ext {
        println!(
            "  fee {} stroops ({} XLM), of which resources {} stroops",
            t.fee,
            xlm(i64::from(t.fee)),
            data.resource_fee
        );
        let r = &data.resources;
        println!(
            "  resources: {} instructions, {} bytes read from disk, {} bytes written",
            r.instructions, r.disk_read_bytes, r.write_bytes
        );
        println!(
            "  footprint: {} read-only, {} read-write",
            r.footprint.read_only.len(),
            r.footprint.read_write.len()
        );
        for k in r.footprint.read_only.iter() {
            println!("    ro {}", describe_key(k));
        }
        for k in r.footprint.read_write.iter() {
            println!("    rw {}", describe_key(k));
        }
    }
}

fn xlm(stroops: i64) -> String {
    format!(
        "{}.{:07}",
        stroops / 10_000_000,
        (stroops % 10_000_000).abs()
    )
}

fn describe_key(k: &LedgerKey) -> String {
    match k {
        LedgerKey::Account(a) => format!("account {}", a.account_id),
        LedgerKey::Trustline(t) => format!("trustline {}", t.account_id),
        LedgerKey::ContractCode(c) => format!("code {}", hex::encode(c.hash.0)),
        LedgerKey::ContractData(d) => {
            let key = match &d.key {
                ScVal::LedgerKeyContractInstance => "instance".to_string(),
                other => {
                    let s = show_val(other);
                    if s.chars().count() > 80 {
                        format!("{}…", s.chars().take(80).collect::<String>())
                    } else {
                        s
                    }
                }
            };
            format!("data {} {key}", d.contract)
        }
        other => other.name().to_string(),
    }
}

/// A contract value as an operator reads it.
pub fn show_val(v: &ScVal) -> String {
    match v {
        ScVal::U32(x) => x.to_string(),
        ScVal::I32(x) => x.to_string(),
        ScVal::U64(x) => x.to_string(),
        ScVal::I64(x) => x.to_string(),
        ScVal::Bool(b) => b.to_string(),
        ScVal::Void => "()".into(),
        ScVal::I128(_) => tx::as_i128(v, "value").map_or_else(|_| "?".into(), |x| x.to_string()),
        ScVal::Symbol(s) => String::from_utf8_lossy(s.0.as_slice()).into_owned(),
        ScVal::Address(a) => a.to_string(),
        ScVal::Bytes(b) => hex::encode(b.as_slice()),
        ScVal::Vec(Some(items)) => format!(
            "[{}]",
            items.iter().map(show_val).collect::<Vec<_>>().join(", ")
        ),
        other => format!("{other:?}"),
    }
}

/// Asks on the terminal before spending `fee` stroops; anything but `y`/`yes` declines.
pub fn confirm(yes: bool, fee: u32) -> Result<()> {
    if yes {
        return Ok(());
    }
    eprint!(
        "send it, paying at most {} XLM? [y/N] ",
        xlm(i64::from(fee))
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| AdminError::invalid("confirmation", e.to_string()))?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(AdminError::Declined),
    }
}

/// Writes a base64 envelope to `path` (`-`: stdout).
pub fn write_envelope(path: &std::path::Path, env: &TransactionEnvelope) -> Result<()> {
    let b64 = tx::to_b64(env, "transaction")?;
    if path.as_os_str() == "-" {
        println!("{b64}");
        return Ok(());
    }
    std::fs::write(path, format!("{b64}\n")).map_err(|e| AdminError::file(path, e))
}

/// Reads a base64 v1 envelope from `path` (`-`: stdin).
pub fn read_envelope(path: &std::path::Path) -> Result<TransactionV1Envelope> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut s)
            .map_err(|e| AdminError::file(path, e))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| AdminError::file(path, e))?
    };
    Ok(tx::unwrap(tx::from_b64(&text, "transaction envelope")?)?)
}
