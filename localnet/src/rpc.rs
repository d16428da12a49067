//! Owns the Stellar RPC JSON-RPC 2.0 surface: request parsing, method dispatch, response
//! shapes as stellar-rpc returns them, and JSON-RPC errors for anything malformed.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::Deserialize;
use serde_json::{json, Value};
use soroban_env_host::xdr::{
    ContractEventType, ContractId, Hash, LedgerHeaderHistoryEntry, LedgerHeaderHistoryEntryExt,
    LedgerKey, ScVal, TransactionEnvelope, TransactionExt,
};

use crate::config::PROTOCOL_VERSION;
use crate::error::LocalnetError;
use crate::events::{Cursor, EventFilter, Segment};
use crate::format::{self, XdrFormat};
use crate::node::{Node, Submission, TxRecord};
use crate::simulate::{self, AuthMode, SimulateOptions};
use crate::state::has_ttl;
use crate::xdr_util::{from_b64, to_b64};

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;

/// getEvents: most events one request may return, and the default page size.
pub const MAX_EVENTS_LIMIT: usize = 10_000;
pub const DEFAULT_EVENTS_LIMIT: usize = 100;
/// getEvents scans at most this many ledgers per request, as stellar-rpc does.
pub const LEDGER_SCAN_LIMIT: u32 = 10_000;
/// getLedgerEntries: most keys per request.
pub const MAX_LEDGER_ENTRY_KEYS: usize = 200;

/// A JSON-RPC error object.
#[derive(Debug, Clone)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> Self {
        RpcError {
            code,
            message: message.into(),
        }
    }
    fn params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }
    fn internal(message: impl Into<String>) -> Self {
        Self::new(INTERNAL_ERROR, message)
    }
}

impl From<LocalnetError> for RpcError {
    fn from(e: LocalnetError) -> Self {
        match e {
            LocalnetError::Invalid(m) => RpcError::params(m),
            other => RpcError::internal(other.to_string()),
        }
    }
}

type RpcResult = std::result::Result<Value, RpcError>;

/// What the RPC layer shares between requests.
pub struct Shared {
    pub node: Mutex<Node>,
    /// Manual-close mode: friendbot closes a ledger itself so its account exists on return.
    pub manual_close: bool,
    /// The friendbot URL advertised by getNetwork.
    pub friendbot_url: Mutex<String>,
}

impl Shared {
    /// Locks the node; a poisoned lock (a panic mid-update) is reported, not propagated.
    pub fn lock(&self) -> std::result::Result<MutexGuard<'_, Node>, RpcError> {
        self.node
            .lock()
            .map_err(|_| RpcError::internal("node state lock poisoned"))
    }
}

fn error_response(id: Value, e: &RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": e.code, "message": e.message } })
}

/// Requests in one JSON-RPC batch, at most: each holds the node's lock in turn, so a long
/// batch would hold up every other client (and the ledger close) for its whole length.
pub const MAX_BATCH: usize = 100;

/// Bytes of one answer (a request's or a whole batch's), at most: beyond it the request
/// answers an error rather than a body the node must build in memory.
pub const MAX_RESPONSE_BYTES: usize = 8 << 20;

/// The JSON-RPC error code of an answer over [`MAX_RESPONSE_BYTES`] (implementation-defined
/// server error range).
pub const RESPONSE_TOO_LARGE: i64 = -32001;

/// Handles one HTTP body: a single request or a batch. Returns `None` when nothing must be
/// sent back (only notifications).
pub async fn handle_body(shared: Arc<Shared>, body: &[u8]) -> Option<Value> {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Some(error_response(
                Value::Null,
                &RpcError::new(PARSE_ERROR, format!("parse error: {e}")),
            ))
        }
    };
    match parsed {
        Value::Array(items) if items.is_empty() => Some(error_response(
            Value::Null,
            &RpcError::new(INVALID_REQUEST, "empty batch"),
        )),
        Value::Array(items) if items.len() > MAX_BATCH => Some(error_response(
            Value::Null,
            &RpcError::new(
                INVALID_REQUEST,
                format!("a batch of {} requests; at most {MAX_BATCH}", items.len()),
            ),
        )),
        Value::Array(items) => {
            let mut out = Vec::new();
            let mut bytes = 0;
            for item in items {
                if let Some(r) = handle_one(shared.clone(), item).await {
                    bytes += encoded_len(&r);
                    if bytes > MAX_RESPONSE_BYTES {
                        return Some(too_large(Value::Null));
                    }
                    out.push(r);
                }
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
        single => {
            let id = single.get("id").cloned().unwrap_or(Value::Null);
            let answer = handle_one(shared, single).await?;
            if encoded_len(&answer) > MAX_RESPONSE_BYTES {
                return Some(too_large(id));
            }
            Some(answer)
        }
    }
}

fn encoded_len(v: &Value) -> usize {
    serde_json::to_vec(v).map_or(usize::MAX, |b| b.len())
}

fn too_large(id: Value) -> Value {
    error_response(
        id,
        &RpcError::new(
            RESPONSE_TOO_LARGE,
            format!("the answer would exceed {MAX_RESPONSE_BYTES} bytes: ask for less"),
        ),
    )
}

async fn handle_one(shared: Arc<Shared>, req: Value) -> Option<Value> {
    let Value::Object(obj) = req else {
        return Some(error_response(
            Value::Null,
            &RpcError::new(INVALID_REQUEST, "request must be an object"),
        ));
    };
    let id = obj.get("id").cloned();
    let reply_id = id.clone().unwrap_or(Value::Null);
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some(error_response(
            reply_id,
            &RpcError::new(INVALID_REQUEST, "jsonrpc must be \"2.0\""),
        ));
    }
    let Some(method) = obj.get("method").and_then(Value::as_str).map(str::to_owned) else {
        return Some(error_response(
            reply_id,
            &RpcError::new(INVALID_REQUEST, "method must be a string"),
        ));
    };
    let params = match obj.get("params") {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(Value::Object(o)) => Value::Object(o.clone()),
        Some(_) => {
            return Some(error_response(
                reply_id,
                &RpcError::params("params must be an object"),
            ))
        }
    };
    let outcome = dispatch(shared, &method, params).await;
    // A request without an id is a notification: run it, answer nothing.
    id.as_ref()?;
    Some(match outcome {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": reply_id, "result": result }),
        Err(e) => error_response(reply_id, &e),
    })
}

/// Runs `f` on a blocking thread: host execution and simulation are CPU work and the host's
/// types are not `Send`, so they never touch the async runtime's threads.
async fn blocking<F>(f: F) -> RpcResult
where
    F: FnOnce() -> RpcResult + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(RpcError::internal(format!("request handler failed: {e}"))))
}

/// Reads a method's parameters. A `null` member counts as absent, as in stellar-rpc (Go reads
/// `null` into the zero value) and as clients expect: the Python SDK sends `"topics": null`
/// for a filter without topics, `"cursor": null` for a first page.
fn parse<T: for<'de> Deserialize<'de>>(mut params: Value) -> std::result::Result<T, RpcError> {
    strip_nulls(&mut params);
    serde_json::from_value(params).map_err(|e| RpcError::params(format!("invalid parameters: {e}")))
}

/// Drops the `null` members of every object in `v`.
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

fn check_format(format: &Option<String>) -> std::result::Result<XdrFormat, RpcError> {
    XdrFormat::parse(format.as_deref()).map_err(RpcError::params)
}

async fn dispatch(shared: Arc<Shared>, method: &str, params: Value) -> RpcResult {
    let s = shared.clone();
    match method {
        "getHealth" => blocking(move || get_health(&*s.lock()?)).await,
        "getNetwork" => {
            blocking(move || {
                let url = s
                    .friendbot_url
                    .lock()
                    .map(|u| u.clone())
                    .unwrap_or_default();
                let node = s.lock()?;
                Ok(json!({
                    "friendbotUrl": url,
                    "passphrase": node.config().network_passphrase,
                    "protocolVersion": PROTOCOL_VERSION,
                }))
            })
            .await
        }
        "getVersionInfo" => Ok(json!({
            "version": env!("CARGO_PKG_VERSION"),
            "commitHash": "",
            "buildTimestamp": "",
            "captiveCoreVersion": "teachlink-localnet (soroban-env-host 27.0.1)",
            "protocolVersion": PROTOCOL_VERSION,
        })),
        "getLatestLedger" => blocking(move || get_latest_ledger(&*s.lock()?)).await,
        "getLedgerEntries" => blocking(move || get_ledger_entries(&*s.lock()?, params)).await,
        "getFeeStats" => blocking(move || get_fee_stats(&*s.lock()?)).await,
        "simulateTransaction" => blocking(move || simulate_transaction(&s, params)).await,
        "sendTransaction" => blocking(move || send_transaction(&mut *s.lock()?, params)).await,
        "getTransaction" => blocking(move || get_transaction(&*s.lock()?, params)).await,
        "getTransactions" => blocking(move || get_transactions(&*s.lock()?, params)).await,
        "getEvents" => blocking(move || get_events(&*s.lock()?, params)).await,
        "getLedgers" => blocking(move || get_ledgers(&*s.lock()?, params)).await,
        _ => Err(RpcError::new(
            METHOD_NOT_FOUND,
            format!("method not found: {method}"),
        )),
    }
}

fn ledger_window(node: &Node) -> Value {
    let latest = node.latest();
    let oldest = node.oldest();
    json!({
        "latestLedger": latest.header.ledger_seq,
        "latestLedgerCloseTime": latest.close_time.to_string(),
        "oldestLedger": oldest.header.ledger_seq,
        "oldestLedgerCloseTime": oldest.close_time.to_string(),
    })
}

fn get_health(node: &Node) -> RpcResult {
    Ok(json!({
        "status": "healthy",
        "latestLedger": node.latest().header.ledger_seq,
        "oldestLedger": node.oldest().header.ledger_seq,
        "ledgerRetentionWindow": node.config().retention_ledgers,
    }))
}

fn get_latest_ledger(node: &Node) -> RpcResult {
    let latest = node.latest();
    Ok(json!({
        "id": hex::encode(latest.hash),
        "protocolVersion": PROTOCOL_VERSION,
        "sequence": latest.header.ledger_seq,
        "closeTime": latest.close_time.to_string(),
        "headerXdr": to_b64(&latest.header)?,
        "metadataXdr": to_b64(&node.latest_meta()?)?,
    }))
}

#[derive(Deserialize)]
struct LedgerEntriesParams {
    keys: Vec<String>,
    #[serde(rename = "xdrFormat")]
    format: Option<String>,
}

fn get_ledger_entries(node: &Node, params: Value) -> RpcResult {
    let p: LedgerEntriesParams = parse(params)?;
    let fmt = check_format(&p.format)?;
    if p.keys.len() > MAX_LEDGER_ENTRY_KEYS {
        return Err(RpcError::params(format!(
            "key count ({}) exceeds maximum supported ({MAX_LEDGER_ENTRY_KEYS})",
            p.keys.len()
        )));
    }
    let state = node.state();
    let mut entries = Vec::new();
    for (i, k) in p.keys.iter().enumerate() {
        let key: LedgerKey = from_b64(k).map_err(|_| {
            RpcError::params(format!("cannot unmarshal key value {k} at index {i}"))
        })?;
        if matches!(key, LedgerKey::Ttl(_)) {
            return Err(RpcError::params(
                "ledger ttl entries cannot be queried directly",
            ));
        }
        // Archived entries are served too, with their expired TTL, as stellar-rpc serves
        // them, so clients can see that a restore is needed.
        let Some(stored) = state.get(&key).or_else(|| state.get_archived(&key)) else {
            continue;
        };
        let mut item = serde_json::Map::new();
        fmt.put(&mut item, "key", "keyJson", &key)?;
        fmt.put(&mut item, "xdr", "dataJson", &stored.entry.data)?;
        item.insert(
            "lastModifiedLedgerSeq".into(),
            json!(stored.entry.last_modified_ledger_seq),
        );
        if let (true, Some(l)) = (has_ttl(&key), stored.live_until) {
            item.insert("liveUntilLedgerSeq".into(), json!(l));
        }
        fmt.put(&mut item, "extXdr", "extJson", &stored.entry.ext)?;
        entries.push(Value::Object(item));
    }
    Ok(json!({ "entries": entries, "latestLedger": node.latest().header.ledger_seq }))
}

fn fee_distribution(mut fees: Vec<i64>, ledgers: u32, base_fee: i64) -> Value {
    let count = fees.len();
    // With no transactions in the window every statistic is the base fee, as on an idle
    // network, and the transaction count says so.
    if fees.is_empty() {
        fees.push(base_fee);
    }
    fees.sort_unstable();
    let n = fees.len();
    let pct = |p: usize| fees[(n * p).div_ceil(100).saturating_sub(1).min(n - 1)];
    let mut mode = fees[0];
    let mut best = 0;
    let mut i = 0;
    while i < n {
        let run = fees[i..].iter().take_while(|f| **f == fees[i]).count();
        if run > best {
            best = run;
            mode = fees[i];
        }
        i += run;
    }
    json!({
        "max": fees[n - 1].to_string(), "min": fees[0].to_string(), "mode": mode.to_string(),
        "p10": pct(10).to_string(), "p20": pct(20).to_string(), "p30": pct(30).to_string(),
        "p40": pct(40).to_string(), "p50": pct(50).to_string(), "p60": pct(60).to_string(),
        "p70": pct(70).to_string(), "p80": pct(80).to_string(), "p90": pct(90).to_string(),
        "p95": pct(95).to_string(), "p99": pct(99).to_string(),
        "transactionCount": count.to_string(),
        "ledgerCount": ledgers.to_string(),
    })
}

fn get_fee_stats(node: &Node) -> RpcResult {
    // Inclusion fee bids per operation over the last 50 ledgers, split like stellar-rpc.
    let latest = node.latest().header.ledger_seq;
    let first = latest
        .saturating_sub(49)
        .max(node.oldest().header.ledger_seq);
    let mut soroban = Vec::new();
    let mut classic = Vec::new();
    for rec in node.transactions_between(first, latest) {
        // A fee bump bids its outer fee for one more operation than its inner transaction.
        let (fee, ext, ops) = match &rec.applied.envelope {
            TransactionEnvelope::Tx(e) => (i64::from(e.tx.fee), &e.tx.ext, e.tx.operations.len()),
            TransactionEnvelope::TxFeeBump(f) => {
                let soroban_env_host::xdr::FeeBumpTransactionInnerTx::Tx(inner) = &f.tx.inner_tx;
                (f.tx.fee, &inner.tx.ext, inner.tx.operations.len() + 1)
            }
            TransactionEnvelope::TxV0(e) => (
                i64::from(e.tx.fee),
                &TransactionExt::V0,
                e.tx.operations.len(),
            ),
        };
        let ops = ops.max(1) as i64;
        match ext {
            TransactionExt::V1(d) => soroban.push((fee - d.resource_fee) / ops),
            TransactionExt::V0 => classic.push(fee / ops),
        }
    }
    let base = i64::from(node.config().base_fee);
    let ledgers = latest - first + 1;
    Ok(json!({
        "sorobanInclusionFee": fee_distribution(soroban, ledgers, base),
        "inclusionFee": fee_distribution(classic, ledgers, base),
        "latestLedger": latest,
    }))
}

#[derive(Deserialize)]
struct SimulateParams {
    transaction: String,
    #[serde(rename = "resourceConfig")]
    resource_config: Option<ResourceConfig>,
    #[serde(rename = "authMode")]
    auth_mode: Option<String>,
    /// `useUpgradedAuth` is what @stellar/stellar-sdk 17 sends (default true there); older
    /// clients send nothing and get Address credentials, which they can parse.
    #[serde(rename = "useUpgradedAuth", alias = "authV2", default)]
    auth_v2: bool,
    #[serde(rename = "xdrFormat")]
    format: Option<String>,
}

#[derive(Deserialize)]
struct ResourceConfig {
    #[serde(rename = "instructionLeeway", default)]
    instruction_leeway: u64,
}

fn simulate_transaction(shared: &Shared, params: Value) -> RpcResult {
    let p: SimulateParams = parse(params)?;
    let fmt = check_format(&p.format)?;
    let latest = shared.lock()?.latest().header.ledger_seq;
    // stellar-rpc reports these in the result's `error` field, not as JSON-RPC errors.
    let Ok(envelope) = from_b64::<TransactionEnvelope>(&p.transaction) else {
        return Ok(json!({ "error": "Could not unmarshal transaction", "latestLedger": latest }));
    };
    let auth_mode = match AuthMode::parse(p.auth_mode.as_deref()) {
        Ok(m) => m,
        Err(e) => {
            let msg = match e {
                LocalnetError::Invalid(m) => m,
                other => other.to_string(),
            };
            return Ok(json!({ "error": msg, "latestLedger": latest }));
        }
    };
    let opts = SimulateOptions {
        auth_mode,
        auth_v2: p.auth_v2,
        instruction_leeway: p.resource_config.map_or(0, |r| {
            u32::try_from(r.instruction_leeway).unwrap_or(u32::MAX)
        }),
    };
    // Take a snapshot and release the lock: simulation must not stall ledger close.
    let (state, info) = {
        let node = shared.lock()?;
        (node.state(), node.next_ledger_info())
    };
    let mut answer = simulate::simulate(state, &info, &envelope, &opts)?;
    if fmt == XdrFormat::Json {
        simulation_to_json(&mut answer)?;
    }
    Ok(answer)
}

/// Rewrites a base64 simulation answer's XDR fields as stellar-rpc names them in JSON.
fn simulation_to_json(answer: &mut Value) -> crate::Result<()> {
    use soroban_env_host::xdr::{
        DiagnosticEvent, LedgerEntry, SorobanAuthorizationEntry, SorobanTransactionData,
    };
    let Value::Object(obj) = answer else {
        return Ok(());
    };
    format::rewrite::<SorobanTransactionData>(obj, "transactionData", "transactionDataJson")?;
    format::rewrite::<DiagnosticEvent>(obj, "events", "eventsJson")?;
    for r in obj
        .get_mut("results")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Value::Object(r) = r {
            format::rewrite::<SorobanAuthorizationEntry>(r, "auth", "authJson")?;
            format::rewrite::<ScVal>(r, "xdr", "returnValueJson")?;
        }
    }
    if let Some(Value::Object(pre)) = obj.get_mut("restorePreamble") {
        format::rewrite::<SorobanTransactionData>(pre, "transactionData", "transactionDataJson")?;
    }
    for c in obj
        .get_mut("stateChanges")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Value::Object(c) = c {
            format::rewrite::<LedgerKey>(c, "key", "keyJson")?;
            format::rewrite::<LedgerEntry>(c, "before", "beforeJson")?;
            format::rewrite::<LedgerEntry>(c, "after", "afterJson")?;
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct SendParams {
    transaction: String,
    #[serde(rename = "xdrFormat")]
    format: Option<String>,
}

fn send_transaction(node: &mut Node, params: Value) -> RpcResult {
    let p: SendParams = parse(params)?;
    let fmt = check_format(&p.format)?;
    let envelope: TransactionEnvelope =
        from_b64(&p.transaction).map_err(|_| RpcError::params("invalid_xdr"))?;
    let outcome = node.submit(envelope)?;
    let latest = node.latest();
    let mut out = json!({
        "latestLedger": latest.header.ledger_seq,
        "latestLedgerCloseTime": latest.close_time.to_string(),
    });
    match outcome {
        Submission::Pending(h) => {
            out["status"] = json!("PENDING");
            out["hash"] = json!(hex::encode(h));
        }
        Submission::Duplicate(h) => {
            out["status"] = json!("DUPLICATE");
            out["hash"] = json!(hex::encode(h));
        }
        Submission::Error(h, result) => {
            out["status"] = json!("ERROR");
            out["hash"] = json!(hex::encode(h));
            if let Value::Object(o) = &mut out {
                fmt.put(o, "errorResultXdr", "errorResultJson", &result)?;
            }
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct GetTxParams {
    hash: String,
    #[serde(rename = "xdrFormat")]
    format: Option<String>,
}

fn get_transaction(node: &Node, params: Value) -> RpcResult {
    let p: GetTxParams = parse(params)?;
    let fmt = check_format(&p.format)?;
    if p.hash.len() != 64 {
        return Err(RpcError::params(format!(
            "unexpected hash length ({})",
            p.hash.len()
        )));
    }
    let bytes =
        hex::decode(&p.hash).map_err(|e| RpcError::params(format!("incorrect hash: {e}")))?;
    let hash: [u8; 32] = bytes
        .try_into()
        .map_err(|_| RpcError::params("incorrect hash: wrong length"))?;
    let mut out = ledger_window(node);
    // stellar-rpc echoes the hash asked for in every answer, NOT_FOUND included: clients
    // (the Python SDK) require `txHash` in each one.
    out["txHash"] = json!(p.hash);
    let Some(rec) = node.transaction(&hash) else {
        out["status"] = json!("NOT_FOUND");
        return Ok(out);
    };
    for (k, v) in tx_details(rec, fmt)? {
        out[k.as_str()] = v;
    }
    out["createdAt"] = json!(rec.close_time.to_string());
    Ok(out)
}

/// The fields getTransaction and getTransactions share (stellar-rpc's TransactionDetails).
fn tx_details(
    rec: &TxRecord,
    fmt: XdrFormat,
) -> std::result::Result<serde_json::Map<String, Value>, RpcError> {
    let a = &rec.applied;
    let mut out = serde_json::Map::new();
    out.insert(
        "status".into(),
        json!(if a.success { "SUCCESS" } else { "FAILED" }),
    );
    out.insert("txHash".into(), json!(hex::encode(a.hash)));
    out.insert("applicationOrder".into(), json!(rec.application_order));
    out.insert(
        "feeBump".into(),
        json!(matches!(a.envelope, TransactionEnvelope::TxFeeBump(_))),
    );
    fmt.put(&mut out, "envelopeXdr", "envelopeJson", &a.envelope)?;
    fmt.put(&mut out, "resultXdr", "resultJson", &a.result)?;
    fmt.put(&mut out, "resultMetaXdr", "resultMetaJson", &a.meta)?;
    out.insert("ledger".into(), json!(rec.ledger));
    if !a.diagnostic_events.is_empty() {
        fmt.put_all(
            &mut out,
            "diagnosticEventsXdr",
            "diagnosticEventsJson",
            &a.diagnostic_events,
        )?;
    }
    let mut events = serde_json::Map::new();
    // Transaction-level events (the fee charged, the refund) as the meta records them.
    let tx_events = match &a.meta {
        soroban_env_host::xdr::TransactionMeta::V4(m) => m.events.to_vec(),
        _ => Vec::new(),
    };
    fmt.put_all(
        &mut events,
        "transactionEventsXdr",
        "transactionEventsJson",
        &tx_events,
    )?;
    // One list per operation: Soroban transactions have exactly one.
    let contract_events = if a.success {
        vec![a
            .contract_events
            .iter()
            .map(|e| fmt.encode(e))
            .collect::<crate::Result<Vec<_>>>()?]
    } else {
        Vec::new()
    };
    events.insert(
        fmt.key("contractEventsXdr", "contractEventsJson").into(),
        json!(contract_events),
    );
    out.insert("events".into(), Value::Object(events));
    Ok(out)
}

#[derive(Deserialize)]
struct TransactionsParams {
    #[serde(rename = "startLedger")]
    start_ledger: Option<u32>,
    pagination: Option<TxPagination>,
    #[serde(rename = "xdrFormat")]
    format: Option<String>,
}

#[derive(Deserialize)]
struct TxPagination {
    cursor: Option<String>,
    limit: Option<usize>,
}

/// getTransactions: most transactions per page, and the default page size.
pub const MAX_TRANSACTIONS_LIMIT: usize = 200;
pub const DEFAULT_TRANSACTIONS_LIMIT: usize = 50;

fn get_transactions(node: &Node, params: Value) -> RpcResult {
    let p: TransactionsParams = parse(params)?;
    let fmt = check_format(&p.format)?;
    let latest = node.latest().header.ledger_seq;
    let oldest = node.oldest().header.ledger_seq;
    let cursor = p
        .pagination
        .as_ref()
        .and_then(|pg| pg.cursor.clone())
        .filter(|c| !c.is_empty());
    let limit = p
        .pagination
        .as_ref()
        .and_then(|pg| pg.limit)
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_TRANSACTIONS_LIMIT);
    let invalid = |m: String| RpcError::new(INVALID_REQUEST, m);
    let start_ledger = p.start_ledger.unwrap_or(0);
    if cursor.is_some() && start_ledger != 0 {
        return Err(invalid("startLedger and cursor cannot both be set".into()));
    }
    if cursor.is_none() && (start_ledger < oldest || start_ledger > latest) {
        return Err(invalid(format!(
            "start ledger must be between the oldest ledger: {oldest} and the latest ledger: {latest} for this rpc instance."
        )));
    }
    if limit > MAX_TRANSACTIONS_LIMIT {
        return Err(invalid(format!(
            "limit must not exceed {MAX_TRANSACTIONS_LIMIT}"
        )));
    }
    // Transactions are addressed by TOID (ledger, application order, operation 1).
    let (start_ledger, start_order) = match &cursor {
        Some(c) => {
            let toid: i64 = c
                .parse()
                .map_err(|e| RpcError::params(format!("invalid cursor: {e}")))?;
            let ledger =
                u32::try_from(toid >> 32).map_err(|_| RpcError::params("invalid cursor"))?;
            (ledger, ((toid >> 12) as u32 & crate::events::TX_MASK) + 1)
        }
        None => (start_ledger, 1),
    };
    let mut txs = Vec::new();
    let mut last = Cursor::default();
    for rec in node.transactions_between(start_ledger.max(oldest), latest) {
        if rec.ledger == start_ledger && rec.application_order < start_order {
            continue;
        }
        let mut item = tx_details(rec, fmt)?;
        item.insert("createdAt".into(), json!(rec.close_time));
        txs.push(Value::Object(item));
        last = Cursor {
            ledger: rec.ledger,
            tx: rec.application_order,
            op: 1,
            event: 0,
        };
        if txs.len() >= limit {
            break;
        }
    }
    if txs.len() < limit {
        // The whole range was scanned: point past the latest ledger's last transaction.
        last = Cursor {
            ledger: latest,
            tx: u32::try_from(node.transactions_between(latest, latest).len()).unwrap_or(0),
            op: 1,
            event: 0,
        };
    }
    let latest_rec = node.latest();
    let oldest_rec = node.oldest();
    Ok(json!({
        "transactions": txs,
        "latestLedger": latest,
        "latestLedgerCloseTimestamp": latest_rec.close_time,
        "oldestLedger": oldest,
        "oldestLedgerCloseTimestamp": oldest_rec.close_time,
        "cursor": last.toid().to_string(),
    }))
}

#[derive(Deserialize)]
struct LedgersParams {
    #[serde(rename = "startLedger")]
    start_ledger: Option<u32>,
    pagination: Option<TxPagination>,
    #[serde(rename = "xdrFormat")]
    format: Option<String>,
}

/// getLedgers: most ledgers per page, and the default page size (stellar-rpc's defaults).
pub const MAX_LEDGERS_LIMIT: usize = 200;
pub const DEFAULT_LEDGERS_LIMIT: usize = 50;

/// getLedgers: retained ledgers from `startLedger` (or after the `cursor`, a ledger
/// sequence), each with its hash, close time, LedgerHeaderHistoryEntry and LedgerCloseMeta.
fn get_ledgers(node: &Node, params: Value) -> RpcResult {
    let p: LedgersParams = parse(params)?;
    let fmt = check_format(&p.format)?;
    let (latest, oldest) = (node.latest(), node.oldest());
    let (hi, lo) = (latest.header.ledger_seq, oldest.header.ledger_seq);
    let invalid = |m: String| RpcError::new(INVALID_REQUEST, m);
    let cursor = p
        .pagination
        .as_ref()
        .and_then(|pg| pg.cursor.clone())
        .filter(|c| !c.is_empty());
    let start_ledger = p.start_ledger.unwrap_or(0);
    match &cursor {
        Some(c) if start_ledger != 0 => {
            return Err(invalid(format!(
                "startLedger ({start_ledger}) and cursor ({c}) cannot both be set"
            )))
        }
        None if !(lo..=hi).contains(&start_ledger) => {
            return Err(invalid(format!(
                "start ledger ({start_ledger}) must be between the oldest ledger: {lo} and the latest ledger: {hi} for this rpc instance"
            )))
        }
        _ => {}
    }
    let limit = p.pagination.as_ref().and_then(|pg| pg.limit).unwrap_or(0);
    if limit > MAX_LEDGERS_LIMIT {
        return Err(invalid(format!(
            "limit must not exceed {MAX_LEDGERS_LIMIT}"
        )));
    }
    let limit = if limit == 0 {
        DEFAULT_LEDGERS_LIMIT
    } else {
        limit
    };
    let start = match &cursor {
        Some(c) => {
            let start = c
                .parse::<u32>()
                .ok()
                .and_then(|n| n.checked_add(1))
                .ok_or_else(|| RpcError::params(format!("invalid cursor ('{c}')")))?;
            if !(lo..=hi).contains(&start) {
                return Err(RpcError::params(format!(
                    "cursor ('{c}') must be between the oldest ledger: {lo} and the latest ledger: {hi} for this rpc instance"
                )));
            }
            start
        }
        None => start_ledger,
    };
    let mut ledgers = Vec::new();
    for rec in node.ledgers_from(start).take(limit) {
        let mut item = serde_json::Map::new();
        item.insert("hash".into(), json!(hex::encode(rec.hash)));
        item.insert("sequence".into(), json!(rec.header.ledger_seq));
        item.insert("ledgerCloseTime".into(), json!(rec.close_time.to_string()));
        let header = LedgerHeaderHistoryEntry {
            hash: Hash(rec.hash),
            header: rec.header.clone(),
            ext: LedgerHeaderHistoryEntryExt::V0,
        };
        fmt.put(&mut item, "headerXdr", "headerJson", &header)?;
        fmt.put(
            &mut item,
            "metadataXdr",
            "metadataJson",
            &node.ledger_meta(rec)?,
        )?;
        ledgers.push(Value::Object(item));
    }
    let next = match (ledgers.last(), &cursor) {
        (Some(last), _) => last["sequence"].to_string(),
        (None, Some(c)) => c.clone(),
        (None, None) => (start - 1).to_string(),
    };
    Ok(json!({
        "ledgers": ledgers,
        "latestLedger": hi,
        "latestLedgerCloseTime": latest.close_time,
        "oldestLedger": lo,
        "oldestLedgerCloseTime": oldest.close_time,
        "cursor": next,
    }))
}

#[derive(Deserialize)]
struct EventsParams {
    #[serde(rename = "startLedger")]
    start_ledger: Option<u32>,
    #[serde(rename = "endLedger")]
    end_ledger: Option<u32>,
    #[serde(default)]
    filters: Vec<FilterParams>,
    pagination: Option<Pagination>,
    #[serde(rename = "xdrFormat")]
    format: Option<String>,
}

#[derive(Deserialize)]
struct FilterParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "contractIds", default)]
    contract_ids: Vec<String>,
    #[serde(default)]
    topics: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct Pagination {
    cursor: Option<String>,
    limit: Option<usize>,
}

fn parse_filter(f: &FilterParams) -> std::result::Result<EventFilter, String> {
    let mut out = EventFilter::default();
    for kind in f
        .kind
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|k| !k.is_empty())
    {
        out.types.push(match kind {
            "contract" => ContractEventType::Contract,
            "system" => ContractEventType::System,
            _ => {
                return Err(
                    "filter type invalid: if set, type must be either 'system' or 'contract'"
                        .into(),
                )
            }
        });
    }
    if f.contract_ids.len() > 5 {
        return Err("maximum 5 contract IDs per filter".into());
    }
    if f.topics.len() > 5 {
        return Err("maximum 5 topics per filter".into());
    }
    for (i, id) in f.contract_ids.iter().enumerate() {
        let id: ContractId = id
            .parse()
            .map_err(|_| format!("contract ID {} invalid", i + 1))?;
        out.contract_ids.push(id);
    }
    for (i, topic) in f.topics.iter().enumerate() {
        let err = |m: String| format!("topic {} invalid: {m}", i + 1);
        if topic.is_empty() {
            return Err(err("topic must have at least 1 segment".into()));
        }
        let mut segs = Vec::new();
        for (j, s) in topic.iter().enumerate() {
            let last = j + 1 == topic.len();
            segs.push(match s.as_str() {
                "*" => Segment::Any,
                "**" if last => Segment::Rest,
                "**" => {
                    return Err(err(format!(
                        "segment {} invalid: wildcard '**' is only allowed as the last segment",
                        j + 1
                    )))
                }
                v => Segment::Value(
                    from_b64::<ScVal>(v)
                        .map_err(|e| err(format!("segment {} invalid: {e}", j + 1)))?,
                ),
            });
        }
        let fixed = segs.iter().filter(|s| **s != Segment::Rest).count();
        if fixed > 4 {
            return Err(err("topic cannot have more than 4 segments".into()));
        }
        out.topics.push(segs);
    }
    Ok(out)
}

fn get_events(node: &Node, params: Value) -> RpcResult {
    let p: EventsParams = parse(params)?;
    let fmt = check_format(&p.format)?;
    let cursor = p.pagination.as_ref().and_then(|pg| pg.cursor.clone());
    let limit = p
        .pagination
        .as_ref()
        .and_then(|pg| pg.limit)
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_EVENTS_LIMIT);
    let start_ledger = p.start_ledger.unwrap_or(0);
    let end_param = p.end_ledger.unwrap_or(0);
    if cursor.is_some() {
        if start_ledger != 0 || end_param != 0 {
            return Err(RpcError::params(
                "ledger ranges and cursor cannot both be set",
            ));
        }
    } else if start_ledger == 0 {
        return Err(RpcError::params("startLedger must be positive"));
    }
    if limit > MAX_EVENTS_LIMIT {
        return Err(RpcError::params(format!(
            "limit must not exceed {MAX_EVENTS_LIMIT}"
        )));
    }
    if p.filters.len() > 5 {
        return Err(RpcError::params("maximum 5 filters per request"));
    }
    let filters = p
        .filters
        .iter()
        .enumerate()
        .map(|(i, f)| {
            parse_filter(f).map_err(|m| RpcError::params(format!("filter {} invalid: {m}", i + 1)))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;

    let start = match &cursor {
        Some(c) => {
            let mut c = Cursor::parse(c)?;
            // Paging resumes after the cursor's event.
            c.event = c.event.saturating_add(1);
            c
        }
        None => Cursor {
            ledger: start_ledger,
            ..Default::default()
        },
    };
    let latest = node.latest().header.ledger_seq;
    let oldest = node.oldest().header.ledger_seq;
    let mut end_ledger = start
        .ledger
        .saturating_add(LEDGER_SCAN_LIMIT)
        .min(latest + 1);
    if end_param != 0 {
        end_ledger = end_ledger.min(end_param);
    }
    if start.ledger < oldest || start.ledger > latest {
        return Err(RpcError::new(
            INVALID_REQUEST,
            format!("startLedger must be within the ledger range: {oldest} - {latest}"),
        ));
    }
    let found = node.events().query(start, end_ledger, &filters, limit);
    let mut events = Vec::with_capacity(found.len());
    for e in &found {
        let soroban_env_host::xdr::ContractEventBody::V0(body) = &e.event.body;
        let kind = match e.event.type_ {
            ContractEventType::Contract => "contract",
            ContractEventType::System => "system",
            ContractEventType::Diagnostic => "diagnostic",
        };
        let mut item = json!({
            "type": kind,
            "ledger": e.cursor.ledger,
            "ledgerClosedAt": rfc3339(e.close_time),
            "contractId": e.event.contract_id.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            "id": e.cursor.to_string(),
            "operationIndex": e.cursor.op,
            "transactionIndex": e.cursor.tx,
            "txHash": hex::encode(e.tx_hash),
        });
        if let Value::Object(o) = &mut item {
            fmt.put_all(o, "topic", "topicJson", body.topics.iter())?;
            fmt.put(o, "value", "valueJson", &body.data)?;
        }
        events.push(item);
    }
    let next = if found.len() == limit {
        found
            .last()
            .map(|e| e.cursor.to_string())
            .unwrap_or_default()
    } else {
        Cursor::end_of(end_ledger.saturating_sub(1)).to_string()
    };
    let mut out = ledger_window(node);
    out["events"] = Value::Array(events);
    out["cursor"] = json!(next);
    Ok(out)
}

/// Formats a UNIX time as RFC 3339 UTC (`2006-01-02T15:04:05Z`), as stellar-rpc does.
pub fn rfc3339(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        // Ledger close times are seconds since 1970 well inside the year 9999.
        .unwrap_or_default()
}

/// Friendbot: creates `addr` funded from the root account, answering as the public friendbot
/// does (the transaction's hash and XDR, `result_meta_xdr` included, which
/// @stellar/stellar-sdk reads the new account's sequence from; 400 with
/// `createAccountAlreadyExist` for an existing account). In manual-close mode it closes a
/// ledger so the account exists on return; on a timer it waits for the next close.
pub async fn friendbot(
    shared: Arc<Shared>,
    addr: String,
) -> std::result::Result<Value, (u16, String)> {
    let dest: soroban_env_host::xdr::AccountId = addr
        .parse()
        .map_err(|_| (400u16, format!("invalid address {addr:?}")))?;
    let s = shared.clone();
    let submitted =
        tokio::task::spawn_blocking(move || -> std::result::Result<_, (u16, String)> {
            let mut node = s.lock().map_err(|e| (500u16, e.message))?;
            let exists = node
                .state()
                .get(&LedgerKey::Account(
                    soroban_env_host::xdr::LedgerKeyAccount {
                        account_id: dest.clone(),
                    },
                ))
                .is_some();
            if exists {
                return Err((
                    400,
                    "createAccountAlreadyExist: the account is already funded".into(),
                ));
            }
            let amount = node.config().friendbot_amount;
            let outcome = node
                .fund(&dest, amount)
                .map_err(|e| (500u16, e.to_string()))?;
            let hash = match outcome {
                Submission::Pending(h) | Submission::Duplicate(h) => h,
                Submission::Error(_, r) => {
                    return Err((
                        400u16,
                        format!("friendbot transaction rejected: {:?}", r.result),
                    ))
                }
            };
            if s.manual_close {
                node.close_ledger().map_err(|e| (500u16, e.to_string()))?;
            }
            Ok(hash)
        })
        .await
        .map_err(|e| (500u16, e.to_string()))??;
    // On a timer, wait (bounded: 30 s) for the ledger that includes it.
    for _ in 0..600 {
        {
            let node = shared.lock().map_err(|e| (500u16, e.message))?;
            if let Some(rec) = node.transaction(&submitted) {
                let a = &rec.applied;
                if !a.success {
                    return Err((
                        400,
                        format!("friendbot transaction failed: {:?}", a.result.result),
                    ));
                }
                let enc = |r: crate::Result<String>| r.map_err(|e| (500u16, e.to_string()));
                return Ok(json!({
                    "hash": hex::encode(submitted),
                    "ledger": rec.ledger,
                    "successful": true,
                    "envelope_xdr": enc(to_b64(&a.envelope))?,
                    "result_xdr": enc(to_b64(&a.result))?,
                    "result_meta_xdr": enc(to_b64(&a.meta))?,
                }));
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err((
        504,
        "timed out waiting for the friendbot transaction".into(),
    ))
}
