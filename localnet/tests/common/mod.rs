//! Test client: a real localnet on an ephemeral port in manual-close mode, driven over
//! HTTP JSON-RPC with transactions built and signed here as a wallet would.

#![allow(dead_code)]

use std::path::PathBuf;

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use stellar_xdr::{
    AccountId, DecoratedSignature, Hash, HostFunction, InvokeContractArgs, InvokeHostFunctionOp,
    LedgerFootprint, Limits, Memo, MuxedAccount, Operation, OperationBody, Preconditions,
    PublicKey, ReadXdr, ScAddress, ScSymbol, ScVal, SequenceNumber, Signature, SignatureHint,
    SorobanAuthorizationEntry, SorobanResources, SorobanTransactionData, SorobanTransactionDataExt,
    Transaction, TransactionEnvelope, TransactionExt, TransactionResult, TransactionV1Envelope,
    Uint256, WriteXdr,
};
use teachlink_localnet::{Config, Localnet, LocalnetHandle};

pub fn limits() -> Limits {
    Limits::none()
}

pub fn b64<T: WriteXdr>(v: &T) -> String {
    v.to_xdr_base64(limits()).expect("encode")
}

pub fn unb64<T: ReadXdr>(s: &str) -> T {
    T::from_xdr_base64(s, limits()).expect("decode")
}

/// A deterministic test key.
pub fn key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&teachlink_localnet::sha256(name.as_bytes()))
}

pub fn account_id(k: &SigningKey) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
        k.verifying_key().to_bytes(),
    )))
}

pub fn address(k: &SigningKey) -> String {
    account_id(k).to_string()
}

pub fn sym(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().expect("symbol")))
}

/// Reads a TeachLink contract's release Wasm, or fails saying how to build it.
pub fn contract_wasm(name: &str) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let path = target.join(format!("wasm32v1-none/contract/teachlink_{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): build the contracts first with scripts/build-contracts.sh",
            path.display()
        )
    })
}

pub struct Net {
    pub handle: LocalnetHandle,
    pub http: reqwest::blocking::Client,
    pub network_id: [u8; 32],
}

impl Net {
    pub fn start() -> Net {
        Net::start_with(Config::for_tests())
    }

    pub fn start_with(config: Config) -> Net {
        let network_id = config.network_id();
        let handle = Localnet::start(config).expect("start localnet");
        Net {
            handle,
            http: reqwest::blocking::Client::new(),
            network_id,
        }
    }

    /// Posts a raw body, returns the parsed JSON response.
    pub fn post_raw(&self, body: &str) -> Value {
        self.http
            .post(self.handle.url())
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .expect("http")
            .json()
            .expect("json response")
    }

    /// A full JSON-RPC response (with `result` or `error`).
    pub fn call(&self, method: &str, params: Value) -> Value {
        self.post_raw(
            &json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params }).to_string(),
        )
    }

    /// The `result` of a call that must succeed.
    pub fn result(&self, method: &str, params: Value) -> Value {
        let r = self.call(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        assert_eq!(r["id"], 7);
        r["result"].clone()
    }

    pub fn close(&self) -> u32 {
        self.handle.close_ledger().expect("close ledger")
    }

    pub fn friendbot(&self, k: &SigningKey) {
        let r: Value = self
            .http
            .get(self.handle.friendbot_url())
            .query(&[("addr", address(k))])
            .send()
            .expect("friendbot")
            .json()
            .expect("friendbot json");
        assert_eq!(r["successful"], true, "friendbot: {r}");
    }

    /// The account's current sequence number, read through getLedgerEntries.
    pub fn seq(&self, k: &SigningKey) -> i64 {
        let key = stellar_xdr::LedgerKey::Account(stellar_xdr::LedgerKeyAccount {
            account_id: account_id(k),
        });
        let r = self.result("getLedgerEntries", json!({ "keys": [b64(&key)] }));
        let data: stellar_xdr::LedgerEntryData =
            unb64(r["entries"][0]["xdr"].as_str().expect("account entry"));
        match data {
            stellar_xdr::LedgerEntryData::Account(a) => a.seq_num.0,
            other => panic!("not an account: {other:?}"),
        }
    }

    pub fn sign(&self, tx: Transaction, keys: &[&SigningKey]) -> TransactionEnvelope {
        let mut env = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx,
            signatures: Default::default(),
        });
        let hash = env.hash(self.network_id).expect("hash");
        let sigs: Vec<DecoratedSignature> = keys
            .iter()
            .map(|k| {
                let pk = k.verifying_key().to_bytes();
                DecoratedSignature {
                    hint: SignatureHint([pk[28], pk[29], pk[30], pk[31]]),
                    signature: Signature(k.sign(&hash).to_bytes().to_vec().try_into().unwrap()),
                }
            })
            .collect();
        if let TransactionEnvelope::Tx(e) = &mut env {
            e.signatures = sigs.try_into().unwrap();
        }
        env
    }

    /// An unsigned single-operation transaction from `source` with the next sequence number.
    pub fn tx(&self, source: &SigningKey, body: OperationBody, fee: u32) -> Transaction {
        Transaction {
            source_account: MuxedAccount::Ed25519(Uint256(source.verifying_key().to_bytes())),
            fee,
            seq_num: SequenceNumber(self.seq(source) + 1),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body,
            }]
            .try_into()
            .unwrap(),
            ext: TransactionExt::V0,
        }
    }

    /// simulate → assemble (footprint, resources, fee, recorded auth), unsigned.
    pub fn prepare(&self, source: &SigningKey, host_function: HostFunction) -> Transaction {
        let op = OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function,
            auth: Default::default(),
        });
        self.prepare_op(source, op, None)
    }

    /// Simulates `body` (with `footprint` for TTL operations) and assembles the result.
    pub fn prepare_op(
        &self,
        source: &SigningKey,
        body: OperationBody,
        footprint: Option<LedgerFootprint>,
    ) -> Transaction {
        let mut tx = self.tx(source, body, 100);
        if let Some(footprint) = footprint {
            tx.ext = TransactionExt::V1(SorobanTransactionData {
                ext: SorobanTransactionDataExt::V0,
                resources: SorobanResources {
                    footprint,
                    instructions: 0,
                    disk_read_bytes: 0,
                    write_bytes: 0,
                },
                resource_fee: 0,
            });
        }
        let sim = self.simulate(&tx);
        assert!(sim.get("error").is_none(), "simulation failed: {sim}");
        self.assemble(tx, &sim)
    }

    /// simulateTransaction's result for an unsigned transaction.
    pub fn simulate(&self, tx: &Transaction) -> Value {
        let unsigned = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx: tx.clone(),
            signatures: Default::default(),
        });
        self.result(
            "simulateTransaction",
            json!({ "transaction": b64(&unsigned) }),
        )
    }

    /// Applies a simulation's transaction data, fee and recorded auth to `tx`.
    pub fn assemble(&self, mut tx: Transaction, sim: &Value) -> Transaction {
        let data: SorobanTransactionData = unb64(sim["transactionData"].as_str().unwrap());
        let min_fee: i64 = sim["minResourceFee"].as_str().unwrap().parse().unwrap();
        assert_eq!(data.resource_fee, min_fee);
        if let Some(results) = sim["results"].as_array() {
            let auth: Vec<SorobanAuthorizationEntry> = results[0]["auth"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| unb64(a.as_str().unwrap()))
                .collect();
            let mut ops = tx.operations.to_vec();
            if let OperationBody::InvokeHostFunction(op) = &mut ops[0].body {
                op.auth = auth.try_into().unwrap();
            }
            tx.operations = ops.try_into().unwrap();
        }
        tx.fee = u32::try_from(100 + data.resource_fee).unwrap();
        tx.ext = TransactionExt::V1(data);
        tx
    }

    /// sendTransaction; returns the response result.
    pub fn send(&self, env: &TransactionEnvelope) -> Value {
        self.result("sendTransaction", json!({ "transaction": b64(env) }))
    }

    /// Sends, closes a ledger, and returns getTransaction's result (which must be SUCCESS).
    pub fn send_and_apply(&self, env: &TransactionEnvelope) -> Value {
        let got = self.send_and_close(env);
        assert_eq!(got["status"], "SUCCESS", "transaction failed: {got}");
        got
    }

    /// Sends, closes a ledger, and returns getTransaction's result (SUCCESS or FAILED).
    pub fn send_and_close(&self, env: &TransactionEnvelope) -> Value {
        let sent = self.send(env);
        assert_eq!(sent["status"], "PENDING", "send: {sent}");
        let hash = sent["hash"].as_str().unwrap().to_string();
        let pending = self.result("getTransaction", json!({ "hash": hash }));
        assert_eq!(pending["status"], "NOT_FOUND");
        self.close();
        self.result("getTransaction", json!({ "hash": hash }))
    }

    /// A ledger entry's liveUntilLedgerSeq as getLedgerEntries reports it.
    pub fn live_until(&self, key: &stellar_xdr::LedgerKey) -> Option<u64> {
        let r = self.result("getLedgerEntries", json!({ "keys": [b64(key)] }));
        r["entries"][0]["liveUntilLedgerSeq"].as_u64()
    }

    pub fn latest(&self) -> u32 {
        self.result("getLatestLedger", json!({}))["sequence"]
            .as_u64()
            .unwrap() as u32
    }

    /// The error result code of a rejected submission.
    pub fn rejected(&self, env: &TransactionEnvelope) -> TransactionResult {
        let sent = self.send(env);
        assert_eq!(sent["status"], "ERROR", "expected rejection: {sent}");
        unb64(sent["errorResultXdr"].as_str().unwrap())
    }
}

/// The return value carried in a getTransaction result's meta.
pub fn return_value(got: &Value) -> ScVal {
    let meta: stellar_xdr::TransactionMeta = unb64(got["resultMetaXdr"].as_str().unwrap());
    match meta {
        stellar_xdr::TransactionMeta::V4(m) => m
            .soroban_meta
            .and_then(|s| s.return_value)
            .expect("return value"),
        other => panic!("unexpected meta version: {other:?}"),
    }
}

pub fn invoke(contract: &ScAddress, function: &str, args: Vec<ScVal>) -> HostFunction {
    HostFunction::InvokeContract(InvokeContractArgs {
        contract_address: contract.clone(),
        function_name: ScSymbol(function.try_into().unwrap()),
        args: args.try_into().unwrap(),
    })
}

pub fn bytes32(b: [u8; 32]) -> ScVal {
    ScVal::Bytes(b.to_vec().try_into().unwrap())
}

pub fn hash_of(v: &ScVal) -> Hash {
    match v {
        ScVal::Bytes(b) => Hash(b.as_slice().try_into().expect("32 bytes")),
        other => panic!("not bytes: {other:?}"),
    }
}
