//! Owns simulateTransaction: preflight with soroban-simulation on a snapshot of the state,
//! producing the footprint, resources, fee, recorded auth and results stellar-rpc returns.

use std::rc::Rc;
use std::sync::Arc;

use serde_json::{json, Value};
use soroban_env_host::e2e_invoke::RecordingInvocationAuthMode;
use soroban_env_host::xdr::{
    Memo, OperationBody, SorobanTransactionData, TransactionEnvelope, TransactionExt,
};
use soroban_env_host::LedgerInfo;
use soroban_simulation::simulation::{
    simulate_extend_ttl_op, simulate_invoke_host_function_op, simulate_restore_op,
    SimulationAdjustmentConfig,
};
use soroban_simulation::{AutoRestoringSnapshotSource, NetworkConfig};

use crate::apply::muxed_to_account;
use crate::error::{LocalnetError, Result};
use crate::state::{LedgerState, Snapshot};
use crate::xdr_util::to_b64;

/// How to treat authorization during simulation (stellar-rpc's `authMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// Enforce if the operation carries auth entries, record (root only) otherwise.
    Default,
    Enforce,
    Record,
    RecordAllowNonRoot,
}

impl AuthMode {
    /// Parses the request's `authMode` string.
    pub fn parse(s: Option<&str>) -> Result<Self> {
        match s.unwrap_or("") {
            "" => Ok(AuthMode::Default),
            "enforce" => Ok(AuthMode::Enforce),
            "record" => Ok(AuthMode::Record),
            "record_allow_nonroot" => Ok(AuthMode::RecordAllowNonRoot),
            _ => Err(LocalnetError::Invalid(
                "optional 'authMode' must be one of enforce,record,record_allow_nonroot when included"
                    .into(),
            )),
        }
    }
}

/// Options of one simulation request.
pub struct SimulateOptions {
    pub auth_mode: AuthMode,
    /// Record auth as AddressV2 credentials. Off by default: @stellar/stellar-sdk 15.1.0
    /// cannot parse them.
    pub auth_v2: bool,
    pub instruction_leeway: u32,
}

/// Simulates the single operation of `envelope` against `state` for the ledger described by
/// `ledger_info`; returns the JSON result object of simulateTransaction.
pub fn simulate(
    state: Arc<LedgerState>,
    ledger_info: &LedgerInfo,
    envelope: &TransactionEnvelope,
    opts: &SimulateOptions,
) -> Result<Value> {
    let latest = ledger_info.sequence_number.saturating_sub(1);
    let err = |msg: String| json!({ "error": msg, "latestLedger": latest });
    let TransactionEnvelope::Tx(env) = envelope else {
        return Ok(err("only v1 transaction envelopes can be simulated".into()));
    };
    let tx = &env.tx;
    if tx.operations.len() != 1 {
        return Ok(err("Transaction contains more than one operation".into()));
    }
    if tx.memo != Memo::None {
        return Ok(err(
            "Transaction contains a memo. Soroban transactions do not support memos.".into(),
        ));
    }
    let op = &tx.operations[0];
    // authMode applies to invocations only, and recording cannot start from given auth.
    match (&op.body, opts.auth_mode) {
        (
            OperationBody::InvokeHostFunction(ihf),
            AuthMode::Record | AuthMode::RecordAllowNonRoot,
        ) if !ihf.auth.is_empty() => {
            let mode = if opts.auth_mode == AuthMode::Record {
                "record"
            } else {
                "record_allow_nonroot"
            };
            return Ok(err(format!(
                "cannot set authMode to '{mode}' with an auth footprint"
            )));
        }
        (OperationBody::InvokeHostFunction(_), _) | (_, AuthMode::Default) => {}
        _ => {
            return Ok(err(
                "cannot set authMode with non-InvokeHostFunction operations".into(),
            ))
        }
    }
    let source = op
        .source_account
        .as_ref()
        .map_or_else(|| muxed_to_account(&tx.source_account), muxed_to_account);
    let snapshot = Snapshot { state };
    let network = NetworkConfig::load_from_snapshot(&snapshot)
        .map_err(|e| LocalnetError::Simulation(e.to_string()))?;
    let mut adjust = SimulationAdjustmentConfig::default_adjustment();
    // As stellar-rpc: the leeway raises the additive instruction margin, never lowers it.
    adjust.instructions.additive_factor = adjust
        .instructions
        .additive_factor
        .max(opts.instruction_leeway);
    let footprint_of = |ext: &TransactionExt| match ext {
        TransactionExt::V1(d) => Some(d.resources.footprint.clone()),
        TransactionExt::V0 => None,
    };

    match &op.body {
        OperationBody::InvokeHostFunction(ihf) => {
            let auth_mode = match (opts.auth_mode, ihf.auth.is_empty()) {
                (AuthMode::Enforce, _) | (AuthMode::Default, false) => {
                    RecordingInvocationAuthMode::Enforcing(ihf.auth.to_vec())
                }
                (AuthMode::RecordAllowNonRoot, _) => {
                    RecordingInvocationAuthMode::recording(false, opts.auth_v2)
                }
                (AuthMode::Record, _) | (AuthMode::Default, true) => {
                    RecordingInvocationAuthMode::recording(true, opts.auth_v2)
                }
            };
            let seed = crate::sha256(&crate::xdr_util::to_xdr(envelope)?);
            let sim = simulate_invoke_host_function_op(
                Rc::new(snapshot),
                &network,
                &adjust,
                ledger_info,
                ihf.host_function.clone(),
                auth_mode,
                &source,
                seed,
                true,
            )
            .map_err(|e| LocalnetError::Simulation(e.to_string()))?;
            let events: Vec<String> = sim
                .diagnostic_events
                .iter()
                .map(to_b64)
                .collect::<Result<_>>()?;
            let ret = match &sim.invoke_result {
                Ok(v) => v,
                Err(e) => {
                    return Ok(json!({
                        "error": format!("HostError: {e:?}"),
                        "events": events,
                        "latestLedger": latest,
                    }))
                }
            };
            let Some(data) = sim.transaction_data.clone() else {
                return Ok(err("simulation produced no transaction data".into()));
            };
            let auth: Vec<String> = sim.auth.iter().map(to_b64).collect::<Result<_>>()?;
            let changes: Vec<Value> = sim
                .modified_entries
                .iter()
                .map(|d| {
                    let (kind, key) = match (&d.state_before, &d.state_after) {
                        (None, Some(a)) => ("created", a.to_key()),
                        (Some(b), Some(_)) => ("updated", b.to_key()),
                        (Some(b), None) => ("deleted", b.to_key()),
                        (None, None) => return Ok(Value::Null),
                    };
                    Ok(json!({
                        "type": kind,
                        "key": to_b64(&key)?,
                        "before": d.state_before.as_ref().map(to_b64).transpose()?,
                        "after": d.state_after.as_ref().map(to_b64).transpose()?,
                    }))
                })
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .filter(|v| !v.is_null())
                .collect();
            let mut out = json!({
                "transactionData": to_b64(&data)?,
                "minResourceFee": data.resource_fee.to_string(),
                "events": events,
                "results": [{ "auth": auth, "xdr": to_b64(ret)? }],
                "latestLedger": latest,
            });
            if !changes.is_empty() {
                out["stateChanges"] = Value::Array(changes);
            }
            Ok(out)
        }
        OperationBody::ExtendFootprintTtl(ext) => {
            let Some(fp) = footprint_of(&tx.ext) else {
                return Ok(err(NEEDS_DATA.into()));
            };
            // Archived keys are planned for restore, and that restore is returned as the
            // preamble the client must send first.
            let auto_restore = AutoRestoringSnapshotSource::new(Rc::new(snapshot), ledger_info)
                .map_err(|e| LocalnetError::Simulation(e.to_string()))?;
            let r = match simulate_extend_ttl_op(
                &auto_restore,
                &network,
                &adjust,
                ledger_info,
                &fp.read_only,
                ext.extend_to,
            ) {
                Ok(r) => r,
                Err(e) => return Ok(err(e.to_string())),
            };
            let mut out = data_only(&r.transaction_data, latest)?;
            match auto_restore.simulate_restore_keys_op(&network, &adjust, ledger_info) {
                Ok(Some(restore)) => {
                    out["restorePreamble"] = json!({
                        "transactionData": to_b64(&restore.transaction_data)?,
                        "minResourceFee": restore.transaction_data.resource_fee.to_string(),
                    });
                }
                Ok(None) => {}
                Err(e) => return Ok(err(e.to_string())),
            }
            Ok(out)
        }
        OperationBody::RestoreFootprint(_) => {
            let Some(fp) = footprint_of(&tx.ext) else {
                return Ok(err(NEEDS_DATA.into()));
            };
            match simulate_restore_op(&snapshot, &network, &adjust, ledger_info, &fp.read_write) {
                Ok(r) => Ok(data_only(&r.transaction_data, latest)?),
                Err(e) => Ok(err(e.to_string())),
            }
        }
        other => Ok(err(format!(
            "Transaction contains unsupported operation type: {}",
            other.name()
        ))),
    }
}

const NEEDS_DATA: &str = "To perform a SimulateTransaction for ExtendFootprintTtl or RestoreFootprint operations, SorobanTransactionData must be provided";

fn data_only(data: &SorobanTransactionData, latest: u32) -> Result<Value> {
    Ok(json!({
        "transactionData": to_b64(data)?,
        "minResourceFee": data.resource_fee.to_string(),
        "events": [],
        "latestLedger": latest,
    }))
}
