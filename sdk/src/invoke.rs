//! Owns the life of one contract call, for every contract client: build the
//! InvokeHostFunction transaction, simulate, assemble (soroban data, resource fee, auth),
//! sign, send, poll to a final status, and turn the outcome into the return value or a typed
//! error. Also the multi-party steps: build with someone else's auth left unsigned, sign
//! auth entries, and finish (re-simulate with the signatures, sign the envelope, send).
//! [`Contract`] is one deployed contract on that path, which every typed contract client
//! (`EscrowContract`, `ContentContract`, …) and its JavaScript class call through.

use std::rc::Rc;

use serde::Serialize;
use serde_json::Value;
use stellar_xdr::{HostFunction, ScAddress, ScVal, Transaction, TransactionEnvelope};

use crate::error::{Result, SdkError};
use crate::rpc::{FetchTransport, Rpc, Transport};
use crate::signer::SignerKind;
use crate::tx;

/// Fees, validity and polling of submitted transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvokeOptions {
    /// Inclusion fee bid in stroops, on top of the simulated resource fee.
    pub base_fee: u32,
    /// The transaction is valid this many seconds from when it is built.
    pub tx_timeout_secs: u32,
    /// How long to wait for a final status.
    pub poll_timeout_ms: u32,
    pub poll_interval_ms: u32,
    /// Signed auth entries stay valid this many ledgers past the latest one.
    pub auth_validity_ledgers: u32,
}

impl Default for InvokeOptions {
    fn default() -> Self {
        InvokeOptions {
            base_fee: 100,
            tx_timeout_secs: 300,
            poll_timeout_ms: 60_000,
            poll_interval_ms: 500,
            auth_validity_ledgers: 100,
        }
    }
}

/// A transaction on its way to the network.
pub struct Submitted {
    pub hash: String,
    pub ledger: u32,
    pub value: Option<ScVal>,
}

impl Submitted {
    /// The outcome of a call whose return value says nothing more.
    pub fn unit(self) -> Invoked<()> {
        Invoked {
            tx_hash: self.hash,
            ledger: self.ledger,
            value: (),
        }
    }

    /// The outcome with the returned value read by `read`; `function` names the call when
    /// it returned nothing.
    pub fn read_value<V>(
        self,
        function: &str,
        read: impl FnOnce(&ScVal) -> Result<V>,
    ) -> Result<Invoked<V>> {
        let value = match &self.value {
            Some(v) => read(v)?,
            None => return Err(SdkError::Malformed(format!("{function} returned nothing"))),
        };
        Ok(Invoked {
            tx_hash: self.hash,
            ledger: self.ledger,
            value,
        })
    }
}

/// A confirmed call: its transaction, the ledger that applied it and what it returned
/// (JavaScript's `InvokeResult`, which is this serialized).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoked<T> {
    pub tx_hash: String,
    pub ledger: u32,
    pub value: T,
}

impl<T> Invoked<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Invoked<U> {
        Invoked {
            tx_hash: self.tx_hash,
            ledger: self.ledger,
            value: f(self.value),
        }
    }
}

/// A built transaction waiting for other parties' auth signatures.
pub struct Pending {
    pub xdr: String,
    pub pending_signers: Vec<String>,
}

/// Invokes contracts on one network through one RPC.
pub struct Invoker<T: Transport> {
    pub rpc: std::rc::Rc<Rpc<T>>,
    pub passphrase: String,
    pub options: InvokeOptions,
    /// Names the contract's error codes.
    pub error_name: fn(u32) -> &'static str,
}

/// The all-zero account: the source of read-only simulations (it need not exist).
const READ_SOURCE: [u8; 32] = [0; 32];

impl<T: Transport> Invoker<T> {
    pub fn network_id(&self) -> [u8; 32] {
        tx::network_id(&self.passphrase)
    }

    async fn simulate(&self, t: &Transaction) -> Result<tx::Simulation> {
        let b64 = tx::to_b64(&tx::wrap(t.clone()), "transaction")?;
        tx::parse_simulation(self.rpc.simulate(&b64).await?, self.error_name)
    }

    fn valid_until(&self) -> u64 {
        let now = (self.rpc.transport().now_ms() / 1000.0).max(0.0) as u64;
        now + u64::from(self.options.tx_timeout_secs)
    }

    /// Builds, simulates and assembles `hf` from `source` (auth entries as recorded).
    pub async fn prepare(&self, source: &[u8; 32], hf: HostFunction) -> Result<Transaction> {
        let seq = self
            .rpc
            .account_sequence(source)
            .await?
            .checked_add(1)
            .ok_or_else(|| SdkError::Malformed("sequence number overflow".into()))?;
        let mut t = tx::build_invoke(
            source,
            seq,
            self.options.base_fee,
            Some(self.valid_until()),
            hf,
        )?;
        let sim = self.simulate(&t).await?;
        tx::assemble(&mut t, &sim, self.options.base_fee, true)?;
        Ok(t)
    }

    /// A read-only call: simulation only, nothing signed or sent.
    pub async fn read(&self, hf: HostFunction) -> Result<ScVal> {
        let t = tx::build_invoke(&READ_SOURCE, 1, self.options.base_fee, None, hf)?;
        let sim = self.simulate(&t).await?;
        sim.result
            .ok_or_else(|| SdkError::Malformed("simulation without a result".into()))
    }

    /// The whole call as `signer`, who is the transaction source and may authorize as the
    /// source account; anyone else's authorization makes it a multi-party call.
    pub async fn invoke(
        &self,
        contract: &ScAddress,
        function: &str,
        args: Vec<ScVal>,
        signer: &SignerKind,
        source: &[u8; 32],
    ) -> Result<Submitted> {
        let hf = tx::invoke_args(contract.clone(), function, args)?;
        let t = self.prepare(source, hf).await?;
        let pending = tx::unsigned_auth_addresses(&t);
        if !pending.is_empty() {
            return Err(SdkError::MissingAuthorization(pending));
        }
        self.submit(t, signer).await
    }

    /// Builds the call from `submitter` and returns it with the addresses that must still
    /// sign their auth entries.
    pub async fn build(
        &self,
        contract: &ScAddress,
        function: &str,
        args: Vec<ScVal>,
        submitter: &[u8; 32],
    ) -> Result<Pending> {
        let hf = tx::invoke_args(contract.clone(), function, args)?;
        let t = self.prepare(submitter, hf).await?;
        pending(t)
    }

    /// Signs `signer`'s auth entries of a built transaction.
    pub async fn sign_auth_entries(&self, xdr: &str, signer: &SignerKind) -> Result<Pending> {
        let mut t = tx::unwrap(tx::from_b64::<TransactionEnvelope>(xdr, "transaction")?)?.tx;
        let pk = signer.public_key().await?;
        if tx::auth_entries_of(&t, &pk).is_empty() {
            return Err(SdkError::NothingToSign(tx::account_strkey(&pk)));
        }
        let latest = self.rpc.latest_ledger_sequence().await?;
        let expiration = latest.saturating_add(self.options.auth_validity_ledgers);
        signer
            .sign_auth_entries(&mut t, &self.passphrase, expiration)
            .await?;
        pending(t)
    }

    /// Sends a transaction whose auth entries are all signed, as its source `submitter`:
    /// a fresh sequence number, a re-simulation that charges the signature checks, the
    /// envelope signature, send and poll.
    pub async fn finish(&self, xdr: &str, submitter: &SignerKind) -> Result<Submitted> {
        let mut t = tx::unwrap(tx::from_b64::<TransactionEnvelope>(xdr, "transaction")?)?.tx;
        tx::invoke_op(&t)?;
        let missing = tx::unsigned_auth_addresses(&t);
        if !missing.is_empty() {
            return Err(SdkError::MissingAuthorization(missing));
        }
        let pk = submitter.public_key().await?;
        let source = tx::source_key(&t);
        if pk != source {
            return Err(SdkError::invalid(
                "submitter",
                format!(
                    "the transaction's source is {}, the signer is {}",
                    tx::account_strkey(&source),
                    tx::account_strkey(&pk)
                ),
            ));
        }
        // Auth signatures do not cover the sequence number: take the current one.
        t.seq_num.0 = self
            .rpc
            .account_sequence(&pk)
            .await?
            .checked_add(1)
            .ok_or_else(|| SdkError::Malformed("sequence number overflow".into()))?;
        if tx::has_address_auth(&t) {
            let sim = self.simulate(&t).await?;
            tx::assemble(&mut t, &sim, self.options.base_fee, false)?;
        }
        self.submit(t, submitter).await
    }

    /// Signs, sends and polls; the return value or a typed failure.
    pub async fn submit(&self, t: Transaction, signer: &SignerKind) -> Result<Submitted> {
        let source = tx::source_key(&t);
        let env = signer
            .sign_envelope(tx::unwrap(tx::wrap(t))?, &self.passphrase, &source)
            .await?;
        self.send_envelope(env).await
    }

    /// Sends an envelope signed elsewhere (a wallet, a multisig account's signers) as it
    /// is, and polls it; the return value or a typed failure.
    pub async fn send_envelope(
        &self,
        env: stellar_xdr::TransactionV1Envelope,
    ) -> Result<Submitted> {
        let b64 = tx::to_b64(&TransactionEnvelope::Tx(env), "transaction")?;
        let mut tries = 0;
        let hash = loop {
            let sent = self.rpc.send(&b64).await?;
            let hash = str_field(&sent, "hash")?;
            match sent.get("status").and_then(Value::as_str) {
                Some("PENDING" | "DUPLICATE") => break hash,
                Some("TRY_AGAIN_LATER") if tries < 5 => {
                    tries += 1;
                    self.rpc
                        .transport()
                        .sleep(self.options.poll_interval_ms)
                        .await;
                }
                Some("ERROR") => {
                    let result = sent
                        .get("errorResultXdr")
                        .and_then(Value::as_str)
                        .map_or_else(|| "no result".into(), tx::result_summary);
                    return Err(SdkError::Rejected { hash, result });
                }
                other => {
                    return Err(SdkError::Malformed(format!(
                        "sendTransaction status {other:?}"
                    )))
                }
            }
        };
        let done = self
            .rpc
            .poll_transaction(
                &hash,
                self.options.poll_timeout_ms,
                self.options.poll_interval_ms,
            )
            .await?;
        let ledger = done
            .get("ledger")
            .and_then(Value::as_u64)
            .and_then(|l| u32::try_from(l).ok())
            .unwrap_or(0);
        if done.get("status").and_then(Value::as_str) == Some("SUCCESS") {
            let value = match done.get("returnValue").and_then(Value::as_str) {
                Some(v) => Some(tx::from_b64::<ScVal>(v, "returnValue")?),
                None => match done.get("resultMetaXdr").and_then(Value::as_str) {
                    Some(meta) => tx::return_value_from_meta(meta)?,
                    None => None,
                },
            };
            return Ok(Submitted {
                hash,
                ledger,
                value,
            });
        }
        let diagnostics: Vec<String> = done
            .get("diagnosticEventsXdr")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(code) = tx::contract_error_in_diagnostics(&diagnostics) {
            return Err(SdkError::Contract {
                code,
                name: (self.error_name)(code),
                tx_hash: Some(hash),
            });
        }
        let result = done
            .get("resultXdr")
            .and_then(Value::as_str)
            .map_or_else(|| "no result".into(), tx::result_summary);
        Err(SdkError::Failed { hash, result })
    }
}

/// One deployed contract and the invoker that calls it, with the signer as the source.
pub struct Contract<T: Transport = FetchTransport> {
    address: ScAddress,
    invoker: Invoker<T>,
}

impl<T: Transport> Contract<T> {
    /// `contract_id`: a `C…` strkey; `error_name` names the contract's error codes.
    pub fn new(
        contract_id: &str,
        rpc: Rc<Rpc<T>>,
        passphrase: String,
        options: InvokeOptions,
        error_name: fn(u32) -> &'static str,
    ) -> Result<Self> {
        let address = tx::parse_address(contract_id, "contractId")?;
        if !matches!(address, ScAddress::Contract(_)) {
            return Err(SdkError::invalid(
                "contractId",
                "expected a contract (C…) strkey",
            ));
        }
        Ok(Contract {
            address,
            invoker: Invoker {
                rpc,
                passphrase,
                options,
                error_name,
            },
        })
    }

    pub fn address(&self) -> &ScAddress {
        &self.address
    }

    pub fn invoker(&self) -> &Invoker<T> {
        &self.invoker
    }

    /// `function(signer, …rest)` (with `as_signer`) or `function(…rest)`, signed and sent
    /// by `signer`.
    pub async fn call(
        &self,
        function: &str,
        as_signer: bool,
        rest: Vec<ScVal>,
        signer: &SignerKind,
    ) -> Result<Submitted> {
        let source = signer.public_key().await?;
        let mut args = Vec::with_capacity(rest.len() + 1);
        if as_signer {
            args.push(ScVal::Address(tx::account_address(&source)));
        }
        args.extend(rest);
        self.invoker
            .invoke(&self.address, function, args, signer, &source)
            .await
    }

    /// A simulation of `function(args)`: nothing is signed or sent.
    pub async fn read(&self, function: &str, args: Vec<ScVal>) -> Result<ScVal> {
        let hf = tx::invoke_args(self.address.clone(), function, args)?;
        self.invoker.read(hf).await
    }

    /// `grant_role(role, account)`, signed by the contract's admin.
    pub async fn grant_role(
        &self,
        role: &str,
        account: &str,
        admin: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![
            tx::sym(role)?,
            ScVal::Address(tx::parse_address(account, "account")?),
        ];
        Ok(self.call("grant_role", false, args, admin).await?.unit())
    }
}

fn str_field(v: &Value, key: &str) -> Result<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| SdkError::Malformed(format!("no {key}")))
}

fn pending(t: Transaction) -> Result<Pending> {
    let pending_signers = tx::unsigned_auth_addresses(&t);
    Ok(Pending {
        xdr: tx::to_b64(&tx::wrap(t), "transaction")?,
        pending_signers,
    })
}

/// `InvokeOptions` from JavaScript: each field optional, defaults otherwise.
#[cfg(feature = "clients-js")]
pub(crate) fn options_from_js(v: &wasm_bindgen::JsValue) -> Result<InvokeOptions> {
    use crate::js;
    let d = InvokeOptions::default();
    let get = |k: &'static str| js::opt_u32(&js::get(v, k), k);
    Ok(InvokeOptions {
        base_fee: get("baseFee")?.unwrap_or(d.base_fee),
        tx_timeout_secs: get("txTimeoutSecs")?.unwrap_or(d.tx_timeout_secs),
        poll_timeout_ms: get("pollTimeoutMs")?.unwrap_or(d.poll_timeout_ms),
        poll_interval_ms: get("pollIntervalMs")?.unwrap_or(d.poll_interval_ms),
        auth_validity_ledgers: get("authValidityLedgers")?.unwrap_or(d.auth_validity_ledgers),
    })
}

/// An `InvokeResult` for JavaScript.
#[cfg(feature = "clients-js")]
pub(crate) fn invoked_js<T: Serialize>(
    r: &Invoked<T>,
) -> std::result::Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    Ok(crate::js::to_js(r)?)
}

/// A `PendingTransaction` for JavaScript.
#[cfg(feature = "clients-js")]
pub(crate) fn pending_js(
    p: &Pending,
) -> std::result::Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct PendingJson<'a> {
        xdr: &'a str,
        pending_signers: &'a [String],
    }
    Ok(crate::js::to_js(&PendingJson {
        xdr: &p.xdr,
        pending_signers: &p.pending_signers,
    })?)
}
