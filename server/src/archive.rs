//! Owns the archive endpoint: `POST /rpc`, a Stellar RPC JSON-RPC 2.0 endpoint answering
//! `getEvents`, `getHealth`, `getNetwork` and `getLatestLedger` from the events the server
//! archived (table `raw_events`, written with each indexed batch and kept forever), so any
//! TeachLink indexer — the indexer's unchanged `Syncer` included — syncs from the server
//! as from an RPC, also after the upstream RPC's retention window moved on.
//!
//! The archive serves the deployment's contract events of every ledger from the
//! deployment's start ledger (or the ledger after the last retention gap the server itself
//! recorded, or, for a store bootstrapped from a snapshot, the ledger after the snapshot:
//! the archive never claims ledgers whose events it does not hold) through the ledger its
//! indexer committed last: `oldestLedger` and `latestLedger`. Event ids, cursors
//! (TOID-based, as stellar-rpc's) and the page cursor (the last event of a full page, else
//! the end of the last ledger scanned) follow stellar-rpc. Differences: contract ids
//! outside the deployment are refused (`-32602`), `getLatestLedger` has no
//! ledger hash (`id` is empty), the ledger close times of the window are not reported (the
//! archive keeps events, not ledgers), and a cursor past the archive's head (from an
//! endpoint ahead of it) answers an empty page with that cursor instead of an error.
//!
//! Topic filters (what a scoped light indexer follows, `teachlink_indexer::scope`) are
//! matched on the contracts' archived events as stellar-rpc matches them (`*`, a trailing
//! `**`), so a browser backfills its learner's slice beyond the RPC's retention window
//! from here and projects it with the same indexer code.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use teachlink_indexer::decode::RawEvent;
use teachlink_indexer::scope::{any_matches, EventFilter, Segment};
use teachlink_indexer::{Address, EventId};
use teachlink_indexer_sql::{ArchiveWindow, ContractFilter, MAX_ARCHIVE_PAGE};

use crate::app::AppState;

/// JSON-RPC 2.0 error codes, as stellar-rpc uses them.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;

/// Ledgers one `getEvents` request scans at most (stellar-rpc's limit too).
pub const LEDGER_SCAN_LIMIT: u32 = 10_000;
/// Events per page when the request gives no limit (stellar-rpc's default).
pub const DEFAULT_EVENTS_LIMIT: u32 = 100;

/// A JSON-RPC error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcFault {
    pub code: i64,
    pub message: String,
}

impl RpcFault {
    fn new(code: i64, message: impl Into<String>) -> Self {
        RpcFault {
            code,
            message: message.into(),
        }
    }

    fn params(message: impl Into<String>) -> Self {
        RpcFault::new(INVALID_PARAMS, message)
    }
}

/// The last position inside `ledger`: stellar-rpc's "end of the scanned window" cursor.
pub fn end_of(ledger: u32) -> EventId {
    EventId::end_of_ledger(ledger)
}

/// The archive's window: `(oldest, latest)`. Before anything is indexed the window is
/// empty: latest is the ledger before the start.
fn window(archive: &ArchiveWindow, start_ledger: u32) -> (u32, u32) {
    let oldest = archive.oldest_complete(start_ledger);
    let latest = archive
        .latest_ledger
        .unwrap_or(start_ledger.saturating_sub(1));
    (oldest, latest)
}

/// A Stellar RPC JSON-RPC endpoint over the server's archive of raw events: `getEvents`
/// (startLedger or cursor, endLedger, filters by type, contract ids and topics — `*` and
/// a trailing `**` as stellar-rpc — limit up to 10,000), `getHealth`, `getNetwork`, `getLatestLedger`. Answers follow JSON-RPC 2.0:
/// always HTTP 200, errors in `error` (`-32700` unparsable body, `-32600` bad request or a
/// ledger outside the archive, `-32601` unknown method, `-32602` bad params, `-32603`
/// store failure).
#[utoipa::path(post, path = "/rpc", tag = "archive",
    request_body(content = Object, description = "A JSON-RPC 2.0 request: `{\"jsonrpc\": \"2.0\", \"id\": …, \"method\": \"getEvents\", \"params\": {…}}`", content_type = "application/json"),
    responses((status = 200, description = "A JSON-RPC 2.0 response: `result` or `error`", body = Object)))]
pub async fn rpc(State(state): State<AppState>, body: Bytes) -> Response {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return reply(
                Value::Null,
                Err(RpcFault::new(PARSE_ERROR, format!("parse error: {e}"))),
            )
        }
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let method = match (
        request.get("jsonrpc").and_then(Value::as_str),
        request.get("method").and_then(Value::as_str),
    ) {
        (Some("2.0"), Some(m)) => m.to_string(),
        _ => {
            return reply(
                id,
                Err(RpcFault::new(
                    INVALID_REQUEST,
                    "invalid request: expected a JSON-RPC 2.0 object with a method",
                )),
            )
        }
    };
    let params = request.get("params").cloned().unwrap_or(Value::Null);
    reply(id, dispatch(&state, &method, params).await)
}

fn reply(id: Value, result: Result<Value, RpcFault>) -> Response {
    let body = match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(f) => json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": f.code, "message": f.message },
        }),
    };
    Json(body).into_response()
}

async fn dispatch(state: &AppState, method: &str, params: Value) -> Result<Value, RpcFault> {
    match method {
        "getHealth" => {
            let (oldest, latest) = current_window(state).await?;
            Ok(json!({
                "status": "healthy",
                "latestLedger": latest,
                "oldestLedger": oldest,
                "ledgerRetentionWindow": (latest + 1).saturating_sub(oldest),
            }))
        }
        "getNetwork" => {
            let (passphrase, protocol) = match &state.network.network_passphrase {
                Some(p) => (p.clone(), state.network.protocol_version),
                // Not configured and the RPC did not answer at start: ask it now.
                None => state.health.network().await.map_err(|e| {
                    RpcFault::new(
                        INTERNAL_ERROR,
                        format!("the network passphrase is not known yet: {e}"),
                    )
                })?,
            };
            let mut out = json!({ "passphrase": passphrase });
            if let Some(v) = protocol {
                out["protocolVersion"] = json!(v);
            }
            Ok(out)
        }
        "getLatestLedger" => {
            let (_, latest) = current_window(state).await?;
            let mut out = json!({ "id": "", "sequence": latest });
            if let Some(v) = state.network.protocol_version {
                out["protocolVersion"] = json!(v);
            }
            Ok(out)
        }
        "getEvents" => get_events(state, params).await,
        _ => Err(RpcFault::new(
            METHOD_NOT_FOUND,
            format!("method not found: {method}"),
        )),
    }
}

async fn current_window(state: &AppState) -> Result<(u32, u32), RpcFault> {
    let archive = state.store.archive_window().await.map_err(store_fault)?;
    Ok(window(&archive, state.deployment.start_ledger))
}

fn store_fault(e: teachlink_indexer_sql::SqlError) -> RpcFault {
    tracing::warn!(error = %e, "the archive cannot read the store");
    RpcFault::new(INTERNAL_ERROR, format!("the archive's store failed: {e}"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventsParams {
    start_ledger: Option<u32>,
    end_ledger: Option<u32>,
    #[serde(default)]
    filters: Vec<FilterParams>,
    pagination: Option<Pagination>,
    xdr_format: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    contract_ids: Vec<String>,
    #[serde(default)]
    topics: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct Pagination {
    cursor: Option<String>,
    limit: Option<u32>,
}

/// The contracts the filters select (they are OR-ed): all, some, or none. Only contract
/// events are archived, so a filter of `system` events alone selects nothing.
fn contract_filter(filters: &[FilterParams]) -> Result<ContractFilter, RpcFault> {
    if filters.len() > 5 {
        return Err(RpcFault::params("maximum 5 filters per request"));
    }
    if filters.is_empty() {
        return Ok(ContractFilter::All);
    }
    let mut ids = Vec::new();
    for (i, f) in filters.iter().enumerate() {
        let bad = |m: &str| RpcFault::params(format!("filter {} invalid: {m}", i + 1));
        let mut contract = false;
        for kind in f
            .kind
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|k| !k.is_empty())
        {
            match kind {
                "contract" => contract = true,
                "system" => {}
                _ => {
                    return Err(bad(
                        "filter type invalid: if set, type must be either 'system' or 'contract'",
                    ))
                }
            }
        }
        // No type: every type.
        let contract = contract || f.kind.as_deref().is_none_or(str::is_empty);
        if f.contract_ids.len() > 5 {
            return Err(bad("maximum 5 contract IDs per filter"));
        }
        if f.topics.len() > 5 {
            return Err(bad("maximum 5 topics per filter"));
        }
        for (j, id) in f.contract_ids.iter().enumerate() {
            if !matches!(id.parse::<Address>(), Ok(Address::Contract(_))) {
                return Err(bad(&format!("contract ID {} invalid", j + 1)));
            }
        }
        if !contract {
            continue;
        }
        if f.contract_ids.is_empty() {
            return Ok(ContractFilter::All);
        }
        ids.extend(f.contract_ids.iter().cloned());
    }
    ids.sort();
    ids.dedup();
    Ok(ContractFilter::Only(ids))
}

/// The filters as the indexer's scope matcher takes them, when any of them filters by
/// topics (`None`: contract filters alone, which the store's query applies). A topic value
/// is compared in its canonical base64 XDR (decoded and encoded again); a pattern has at
/// most 4 segments besides a trailing `**` (stellar-rpc's rules).
fn topic_matchers(filters: &[FilterParams]) -> Result<Option<Vec<EventFilter>>, RpcFault> {
    use base64::Engine;
    if filters.iter().all(|f| f.topics.is_empty()) {
        return Ok(None);
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = Vec::new();
    for (i, f) in filters.iter().enumerate() {
        let bad = |m: String| RpcFault::params(format!("filter {} invalid: {m}", i + 1));
        // A filter of `system` events alone selects nothing here (only contract events
        // are archived).
        let kinds = f.kind.as_deref().unwrap_or("");
        if !kinds.is_empty() && !kinds.split(',').any(|k| k == "contract") {
            continue;
        }
        let mut topics = Vec::new();
        for (j, pattern) in f.topics.iter().enumerate() {
            if pattern.is_empty() {
                return Err(bad(format!("topic {} must have at least 1 segment", j + 1)));
            }
            let mut segments = Vec::new();
            for (k, seg) in pattern.iter().enumerate() {
                let last = k + 1 == pattern.len();
                segments.push(match seg.as_str() {
                    "*" => Segment::Any,
                    "**" if last => Segment::Rest,
                    "**" => {
                        return Err(bad(format!(
                            "topic {}: wildcard '**' is only allowed as the last segment",
                            j + 1
                        )))
                    }
                    v => {
                        let bytes = b64.decode(v).map_err(|e| {
                            bad(format!("topic {} segment {} invalid: {e}", j + 1, k + 1))
                        })?;
                        Segment::Value(b64.encode(bytes))
                    }
                });
            }
            if segments.iter().filter(|s| **s != Segment::Rest).count() > 4 {
                return Err(bad(format!(
                    "topic {} cannot have more than 4 segments",
                    j + 1
                )));
            }
            topics.push(segments);
        }
        // Contract ids were checked by `contract_filter`.
        out.push(EventFilter {
            contract_ids: f.contract_ids.clone(),
            topics,
        });
    }
    Ok(Some(out))
}

/// One event as stellar-rpc's `getEvents` shows it.
fn event_json(e: &RawEvent) -> Value {
    let position = e.id.parse::<EventId>().unwrap_or_default();
    let mut out = json!({
        "type": e.kind.as_deref().unwrap_or("contract"),
        "ledger": e.ledger,
        "ledgerClosedAt": e.ledger_closed_at,
        "contractId": e.contract_id,
        "id": e.id,
        "operationIndex": position.operation_index(),
        "transactionIndex": position.transaction_index(),
        "txHash": e.tx_hash,
        "topic": e.topic,
        "value": e.value,
    });
    if let Some(ok) = e.in_successful_contract_call {
        out["inSuccessfulContractCall"] = json!(ok);
    }
    out
}

async fn get_events(state: &AppState, params: Value) -> Result<Value, RpcFault> {
    let p: EventsParams = serde_json::from_value(params)
        .map_err(|e| RpcFault::params(format!("invalid parameters: {e}")))?;
    match p.xdr_format.as_deref() {
        None | Some("") | Some("base64") => {}
        Some(other) => {
            return Err(RpcFault::params(format!(
                "expected 'base64' for 'xdrFormat' (the archive keeps base64 XDR), got '{other}'"
            )))
        }
    }
    let cursor = p.pagination.as_ref().and_then(|pg| pg.cursor.clone());
    let limit = p
        .pagination
        .as_ref()
        .and_then(|pg| pg.limit)
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_EVENTS_LIMIT);
    if limit > MAX_ARCHIVE_PAGE {
        return Err(RpcFault::params(format!(
            "limit must not exceed {MAX_ARCHIVE_PAGE}"
        )));
    }
    let start_ledger = p.start_ledger.unwrap_or(0);
    let end_param = p.end_ledger.unwrap_or(0);
    let (from_ledger, after) = match &cursor {
        Some(c) => {
            if start_ledger != 0 || end_param != 0 {
                return Err(RpcFault::params(
                    "ledger ranges and cursor cannot both be set",
                ));
            }
            let c: EventId = c
                .parse()
                .map_err(|_| RpcFault::params(format!("invalid cursor {c:?}")))?;
            (c.ledger(), Some(c))
        }
        None if start_ledger == 0 => {
            return Err(RpcFault::params("startLedger must be positive"));
        }
        None => (start_ledger, None),
    };
    let filter = contract_filter(&p.filters)?;
    // A contract this archive does not hold would answer empty pages that look complete.
    if let ContractFilter::Only(ids) = &filter {
        if let Some(id) = ids
            .iter()
            .find(|id| !state.deployment.contracts.values().any(|c| c == *id))
        {
            return Err(RpcFault::params(format!(
                "contract {id} is not archived here (only the deployment's contracts are)"
            )));
        }
    }
    let (oldest, latest) = current_window(state).await?;
    if let Some(c) = after.filter(|c| c.ledger() > latest) {
        // A cursor from an endpoint ahead of this archive (after a failover): nothing
        // newer here yet, rather than an error that would stop the client's sync.
        return Ok(json!({
            "events": [],
            "cursor": c.to_string(),
            "latestLedger": latest,
            "oldestLedger": oldest,
        }));
    }
    if from_ledger < oldest || from_ledger > latest {
        return Err(RpcFault::new(
            INVALID_REQUEST,
            format!("startLedger must be within the ledger range: {oldest} - {latest}"),
        ));
    }
    // Exclusive end, as stellar-rpc's.
    let mut end = from_ledger
        .saturating_add(LEDGER_SCAN_LIMIT)
        .min(latest.saturating_add(1));
    if end_param != 0 {
        end = end.min(end_param);
    }
    let through = end.saturating_sub(1);
    let found = match topic_matchers(&p.filters)? {
        None => state
            .store
            .archived_events(from_ledger, after, through, &filter, limit)
            .await
            .map_err(store_fault)?,
        Some(matchers) => {
            matching_events(
                state,
                from_ledger,
                after,
                through,
                &filter,
                &matchers,
                limit,
            )
            .await?
        }
    };
    let next = match found.last() {
        Some(last) if found.len() == limit as usize => last.id.clone(),
        _ => end_of(through.max(from_ledger.saturating_sub(1))).to_string(),
    };
    Ok(json!({
        "events": found.iter().map(event_json).collect::<Vec<_>>(),
        "cursor": next,
        "latestLedger": latest,
        "oldestLedger": oldest,
    }))
}

/// Topic values one of which every event `matchers` select contains (for each pattern the
/// value after its name when it has one, else its name), for the store's coarse filter;
/// empty when some filter or pattern selects without a value (a whole contract).
fn hints(matchers: &[EventFilter]) -> Vec<String> {
    let mut out = Vec::new();
    for f in matchers {
        if f.topics.is_empty() {
            return Vec::new();
        }
        for pattern in &f.topics {
            let values: Vec<&String> = pattern
                .iter()
                .filter_map(|s| match s {
                    Segment::Value(v) => Some(v),
                    _ => None,
                })
                .collect();
            let Some(v) = values.last() else {
                return Vec::new();
            };
            out.push((*v).clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The archived events of the window that match `matchers`, at most `limit`: the
/// contracts' events are read in store pages and matched here, until `limit` matched or the
/// window is scanned.
async fn matching_events(
    state: &AppState,
    from_ledger: u32,
    after: Option<EventId>,
    through: u32,
    filter: &ContractFilter,
    matchers: &[EventFilter],
    limit: u32,
) -> Result<Vec<RawEvent>, RpcFault> {
    let mut found = Vec::new();
    let mut after = after;
    let hints = hints(matchers);
    loop {
        let batch = state
            .store
            .archived_events_containing(
                from_ledger,
                after,
                through,
                filter,
                &hints,
                MAX_ARCHIVE_PAGE,
            )
            .await
            .map_err(store_fault)?;
        let scanned_all = batch.len() < MAX_ARCHIVE_PAGE as usize;
        after = match batch.last() {
            Some(e) => Some(e.id.parse::<EventId>().map_err(|_| {
                RpcFault::new(INTERNAL_ERROR, format!("archived event id {:?}", e.id))
            })?),
            None => after,
        };
        for e in batch {
            if any_matches(matchers, &e) {
                found.push(e);
                if found.len() >= limit as usize {
                    return Ok(found);
                }
            }
        }
        if scanned_all {
            return Ok(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_ledger_cursors_are_stellar_rpcs() {
        let c = end_of(7);
        assert!(c.is_end_of_ledger());
        assert_eq!(c.covered_through(), 7);
        assert_eq!(c.ledger(), 7);
        assert_eq!(c.to_string(), "0000000034359738367-4294967295");
    }

    fn filter(kind: Option<&str>, ids: &[&str], topics: usize) -> FilterParams {
        FilterParams {
            kind: kind.map(str::to_string),
            contract_ids: ids.iter().map(|s| s.to_string()).collect(),
            topics: vec![vec!["*".to_string()]; topics],
        }
    }

    #[test]
    fn filters_select_contracts() {
        let a = Address::Contract([7; 32]).to_string();
        let a = a.as_str();
        assert_eq!(contract_filter(&[]), Ok(ContractFilter::All));
        assert_eq!(
            contract_filter(&[filter(Some("contract"), &[a], 0)]),
            Ok(ContractFilter::Only(vec![a.to_string()]))
        );
        assert_eq!(
            contract_filter(&[filter(Some("system"), &[a], 0)]),
            Ok(ContractFilter::Only(Vec::new()))
        );
        assert_eq!(
            contract_filter(&[filter(None, &[], 0)]),
            Ok(ContractFilter::All)
        );
        let refused = |f: FilterParams| contract_filter(&[f]).map_err(|e| e.code);
        assert_eq!(
            contract_filter(&[filter(Some("contract"), &[a], 1)]),
            Ok(ContractFilter::Only(vec![a.to_string()]))
        );
        assert_eq!(
            refused(filter(Some("contract"), &[a], 6)),
            Err(INVALID_PARAMS)
        );
        assert_eq!(
            refused(filter(Some("diagnostic"), &[a], 0)),
            Err(INVALID_PARAMS)
        );
        assert_eq!(
            refused(filter(Some("contract"), &["GXX"], 0)),
            Err(INVALID_PARAMS)
        );
    }
}
