//! Owns the CLI's view of one network through Stellar RPC: the passphrase check, ledger
//! entry reads (contract code, contract instances, timelock proposals, network settings)
//! and the TeachLink events of a transaction, decoded by the indexer's decoder.

use std::rc::Rc;

use serde_json::{json, Value};
use stellar_xdr::{
    ConfigSettingEntry, ConfigSettingId, ContractDataDurability, ContractExecutable,
    LedgerEntryData, LedgerKey, LedgerKeyConfigSetting, LedgerKeyContractCode,
    LedgerKeyContractData, ScAddress, ScVal,
};
use teachlink_indexer::decode::{ContractKind, Decoder, RawEvent};
use teachlink_indexer::{Address, Decoded, Event};
use teachlink_sdk::invoke::{InvokeOptions, Invoker};
use teachlink_sdk::rpc::{Rpc, RpcOptions};
use teachlink_sdk::{tx, SdkError};
use teachlink_validator::chain::HttpTransport;

use crate::error::{AdminError, Result};

/// One network: its RPC and the passphrase transactions are signed for.
pub struct Net {
    pub rpc_url: String,
    pub rpc: Rc<Rpc<HttpTransport>>,
    pub passphrase: String,
    pub options: InvokeOptions,
}

/// One ledger entry as getLedgerEntries answers it.
pub struct Entry {
    pub data: LedgerEntryData,
    pub last_modified: u32,
}

impl Net {
    /// Connects to `rpc_url` and refuses it unless it serves `passphrase`.
    pub async fn connect(rpc_url: &str, passphrase: &str, options: InvokeOptions) -> Result<Net> {
        if !(rpc_url.starts_with("http://") || rpc_url.starts_with("https://")) {
            return Err(AdminError::invalid("--rpc-url", "expected an http(s) URL"));
        }
        let transport =
            HttpTransport::new().map_err(|e| AdminError::invalid("HTTP client", e.to_string()))?;
        let rpc = Rc::new(Rpc::new(rpc_url, transport, RpcOptions::default()));
        let network = rpc.get_network().await?;
        let served = network
            .get("passphrase")
            .and_then(Value::as_str)
            .ok_or_else(|| SdkError::Malformed("getNetwork without passphrase".into()))?;
        if served != passphrase {
            return Err(AdminError::PassphraseMismatch {
                expected: passphrase.to_string(),
                served: served.to_string(),
                rpc_url: rpc_url.to_string(),
            });
        }
        Ok(Net {
            rpc_url: rpc_url.to_string(),
            rpc,
            passphrase: passphrase.to_string(),
            options,
        })
    }

    /// An invoker naming contract errors with `error_name`.
    pub fn invoker(&self, error_name: fn(u32) -> &'static str) -> Invoker<HttpTransport> {
        Invoker {
            rpc: self.rpc.clone(),
            passphrase: self.passphrase.clone(),
            options: self.options,
            error_name,
        }
    }

    /// The entries that exist among `keys`, in the order asked (None where absent).
    pub async fn entries(&self, keys: &[LedgerKey]) -> Result<Vec<Option<Entry>>> {
        let encoded = keys
            .iter()
            .map(|k| tx::to_b64(k, "ledger key"))
            .collect::<Result<Vec<_>, _>>()?;
        let v = self
            .rpc
            .call("getLedgerEntries", json!({ "keys": encoded }))
            .await?;
        let mut out: Vec<Option<Entry>> = keys.iter().map(|_| None).collect();
        for item in v
            .get("entries")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(key), Some(xdr)) = (
                item.get("key").and_then(Value::as_str),
                item.get("xdr").and_then(Value::as_str),
            ) else {
                return Err(SdkError::Malformed("ledger entry without key or xdr".into()).into());
            };
            let Some(i) = encoded.iter().position(|k| k == key) else {
                continue;
            };
            out[i] = Some(Entry {
                data: tx::from_b64(xdr, "ledger entry")?,
                last_modified: item
                    .get("lastModifiedLedgerSeq")
                    .and_then(Value::as_u64)
                    .and_then(|l| u32::try_from(l).ok())
                    .unwrap_or(0),
            });
        }
        Ok(out)
    }

    pub async fn entry(&self, key: LedgerKey) -> Result<Option<Entry>> {
        Ok(self.entries(&[key]).await?.pop().flatten())
    }

    /// The network's largest contract code, in bytes (`ContractMaxSizeBytes`).
    pub async fn max_contract_size(&self) -> Result<u32> {
        let key = LedgerKey::ConfigSetting(LedgerKeyConfigSetting {
            config_setting_id: ConfigSettingId::ContractMaxSizeBytes,
        });
        match self.entry(key).await?.map(|e| e.data) {
            Some(LedgerEntryData::ConfigSetting(ConfigSettingEntry::ContractMaxSizeBytes(n))) => {
                Ok(n)
            }
            _ => Err(SdkError::Malformed("no ContractMaxSizeBytes setting".into()).into()),
        }
    }

    /// The ledger of the most recent close.
    pub async fn latest_ledger(&self) -> Result<u32> {
        Ok(self.rpc.latest_ledger_sequence().await?)
    }

    /// The oldest ledger whose events the RPC still serves (its retention window).
    pub async fn oldest_ledger(&self) -> Result<u32> {
        let v = self.rpc.call("getHealth", json!({})).await?;
        Ok(v.get("oldestLedger")
            .and_then(Value::as_u64)
            .and_then(|l| u32::try_from(l).ok())
            .unwrap_or(1))
    }

    /// The TeachLink events emitted by `contracts` from `start_ledger` on (within the RPC's
    /// retention) up to `stop_after_ledger`, decoded by the indexer's decoder.
    pub async fn events(
        &self,
        contracts: &[(String, String)],
        start_ledger: u32,
        stop_after_ledger: Option<u32>,
    ) -> Result<Vec<Event>> {
        let kinds = contracts
            .iter()
            .filter_map(|(name, id)| {
                let address: Address = id.parse().ok()?;
                Some((address, ContractKind::from_name(name)?))
            })
            .collect::<Vec<_>>();
        let mut decoder = Decoder::with_contracts(kinds);
        let ids: Vec<&str> = contracts.iter().map(|(_, id)| id.as_str()).collect();
        let filter = json!({ "type": "contract", "contractIds": ids });
        let start = start_ledger.max(self.oldest_ledger().await?);
        let mut params = json!({
            "startLedger": start,
            "filters": [filter],
            "pagination": { "limit": 1000 },
        });
        let mut out = Vec::new();
        loop {
            let v = self.rpc.get_events(params.clone()).await?;
            let raws: Vec<RawEvent> =
                serde_json::from_value(v.get("events").cloned().unwrap_or_else(|| json!([])))
                    .map_err(|e| SdkError::Malformed(format!("getEvents: {e}")))?;
            let done = raws.len() < 1000
                || stop_after_ledger.is_some_and(|s| raws.last().is_some_and(|r| r.ledger > s));
            for raw in raws {
                if stop_after_ledger.is_some_and(|s| raw.ledger > s) {
                    break;
                }
                if let Decoded::Event(e) = decoder.decode(raw) {
                    out.push(e);
                }
            }
            let cursor = v.get("cursor").and_then(Value::as_str).map(str::to_string);
            match cursor {
                Some(c) if !done => {
                    params = json!({
                        "filters": params["filters"].clone(),
                        "pagination": { "limit": 1000, "cursor": c },
                    });
                }
                _ => break,
            }
        }
        Ok(out)
    }
}

/// The ledger key of code with this hash.
pub fn code_key(hash: [u8; 32]) -> LedgerKey {
    LedgerKey::ContractCode(LedgerKeyContractCode {
        hash: stellar_xdr::Hash(hash),
    })
}

/// The ledger key of a contract's instance.
pub fn instance_key(contract: &ScAddress) -> LedgerKey {
    LedgerKey::ContractData(LedgerKeyContractData {
        contract: contract.clone(),
        key: ScVal::LedgerKeyContractInstance,
        durability: ContractDataDurability::Persistent,
    })
}

/// What a contract instance says about itself: its code's hash and its timelock delay.
pub struct Instance {
    pub wasm_hash: [u8; 32],
    /// Seconds; None for code that predates the timelock.
    pub timelock_delay: Option<u64>,
}

pub fn read_instance(data: &LedgerEntryData) -> Option<Instance> {
    let LedgerEntryData::ContractData(d) = data else {
        return None;
    };
    let ScVal::ContractInstance(i) = &d.val else {
        return None;
    };
    let ContractExecutable::Wasm(hash) = &i.executable else {
        return None;
    };
    let delay_key = tx::sym("TlDelay").ok()?;
    let timelock_delay = i.storage.as_ref().and_then(|m| {
        m.iter()
            .find(|e| e.key == delay_key)
            .and_then(|e| match e.val {
                ScVal::U64(d) => Some(d),
                _ => None,
            })
    });
    Some(Instance {
        wasm_hash: hash.0,
        timelock_delay,
    })
}

/// The ledger key of the pending timelock proposal `op(args)`: the contracts store it under
/// the tuple `(TlOp, op, args)` (contracts/common/src/timelock.rs), persistent.
pub fn proposal_key(contract: &ScAddress, op: &str, args: Vec<ScVal>) -> Result<LedgerKey> {
    Ok(LedgerKey::ContractData(LedgerKeyContractData {
        contract: contract.clone(),
        key: tx::vec_val(vec![tx::sym("TlOp")?, tx::sym(op)?, tx::vec_val(args)?])?,
        durability: ContractDataDurability::Persistent,
    }))
}
