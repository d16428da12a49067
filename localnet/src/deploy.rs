//! Deploys the TeachLink contracts onto a node, as ordinary transactions from the root
//! account, and describes where they landed so other components can find them.
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use soroban_env_host::xdr::{
    ContractExecutable, ContractIdPreimage, ContractIdPreimageFromAddress, CreateContractArgsV2,
    Hash, HostFunction, Int128Parts, ScAddress, ScMap, ScMapEntry, ScSymbol, ScVal, Uint256,
};

use crate::error::{LocalnetError, Result};
use crate::node::{contract_id, sign_envelope, Node, Submission};
use crate::{genesis, sha256};

/// The TeachLink contracts, by crate name; their Wasm is `teachlink_<name>.wasm`.
pub const TEACHLINK_CONTRACTS: [&str; 5] = ["escrow", "content", "reputation", "rewards", "bridge"];

/// The local bridge's `Config`: this chain's id, as a bridge endpoint, unless
/// `Config::bridge_chain` says otherwise.
pub const BRIDGE_LOCAL_CHAIN: u32 = 1;
/// The local bridge's least validator stake: 1,000 XLM, in stroops of the native asset.
pub const BRIDGE_MIN_STAKE: i128 = 10_000_000_000;
/// The local bridge's unbonding period: seven days, in seconds.
pub const BRIDGE_UNBONDING_PERIOD: u64 = 7 * 86_400;
/// The local bridge's most active validators at once.
pub const BRIDGE_MAX_VALIDATORS: u32 = 8;
/// The local bridge's transfer timeout: one day, in seconds.
pub const BRIDGE_TRANSFER_TIMEOUT: u64 = 86_400;
/// Every contract's admin timelock on localnet: two seconds between `propose` and the
/// gated call (an upgrade, a bridge validator's activation, a bridge limit raise). Nonzero,
/// so local tools exercise the real propose-wait-execute flow, and short, so tests that
/// activate validators wait about two ledgers. A real network sets days.
pub const TIMELOCK_DELAY: u64 = 2;
/// Fewest active validators with which the local bridge accepts a quorum.
pub const BRIDGE_MIN_ACTIVE_VALIDATORS: u32 = 3;
/// Least active stake with which the local bridge accepts a quorum: three minimum stakes.
pub const BRIDGE_MIN_ACTIVE_STAKE: i128 = 3 * BRIDGE_MIN_STAKE;

/// Where the TeachLink contracts live on a network; written as JSON for other components.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    pub network_passphrase: String,
    /// The account that deployed the contracts and is their admin (G…).
    pub admin: String,
    /// The native asset's Stellar Asset Contract (C…), the rewards pool's token.
    pub native_asset: String,
    /// Contract ids (C…) by contract name.
    pub contracts: BTreeMap<String, String>,
    /// Ledger of the first deployment transaction: where an indexer starts.
    pub start_ledger: u32,
}

/// Uploads and instantiates every TeachLink contract from `wasm_dir`
/// (`target/wasm32v1-none/contract/`), closing a ledger after each step. The admin is the
/// node's root account, with a [`TIMELOCK_DELAY`] timelock; the rewards pool's token and the
/// bridge's staking and carried token are the native asset, and the bridge is chain
/// `Config::bridge_chain` with no remote chains configured (the admin proposes them, then
/// adds them with `set_chain_limits` once the timelock passed). Salts are fixed per
/// contract, so the ids are the same on every fresh chain with the same passphrase.
pub fn deploy_teachlink(node: &mut Node, wasm_dir: &Path) -> Result<Deployment> {
    let root = node.root_key().clone();
    let admin = genesis::account_id(&root.verifying_key());
    let admin_address = ScAddress::Account(admin.clone());
    let native_asset = ScAddress::Contract(node.native_sac().clone());
    let start_ledger = node.latest().header.ledger_seq + 1;
    let bridge_chain = node.config().bridge_chain;
    let mut contracts = BTreeMap::new();
    for name in TEACHLINK_CONTRACTS {
        let path = wasm_dir.join(format!("teachlink_{name}.wasm"));
        let wasm = std::fs::read(&path).map_err(|e| {
            LocalnetError::Invalid(format!(
                "cannot read {} ({e}); build the contracts with scripts/build-contracts.sh",
                path.display()
            ))
        })?;
        let wasm_hash = sha256(&wasm);
        apply(
            node,
            HostFunction::UploadContractWasm(wasm.try_into()?),
            name,
        )?;

        let preimage = ContractIdPreimage::Address(ContractIdPreimageFromAddress {
            address: admin_address.clone(),
            salt: Uint256(sha256(format!("teachlink/{name}").as_bytes())),
        });
        let id = contract_id(node.network_id(), preimage.clone())?;
        let mut constructor_args = vec![
            ScVal::Address(admin_address.clone()),
            ScVal::U64(TIMELOCK_DELAY),
        ];
        match name {
            "rewards" => constructor_args.push(ScVal::Address(native_asset.clone())),
            "bridge" => constructor_args.push(bridge_config(&native_asset, bridge_chain)?),
            _ => {}
        }
        apply(
            node,
            HostFunction::CreateContractV2(CreateContractArgsV2 {
                contract_id_preimage: preimage,
                executable: ContractExecutable::Wasm(Hash(wasm_hash)),
                constructor_args: constructor_args.try_into()?,
            }),
            name,
        )?;
        contracts.insert(name.to_string(), id.to_string());
    }
    Ok(Deployment {
        network_passphrase: node.config().network_passphrase.clone(),
        admin: admin.to_string(),
        native_asset: native_asset.to_string(),
        contracts,
        start_ledger,
    })
}

/// The bridge's `Config` as its constructor takes it: a contract type struct is a map from
/// field-name symbols, sorted by name.
fn bridge_config(token: &ScAddress, local_chain: u32) -> Result<ScVal> {
    let fields = [
        ("local_chain", ScVal::U32(local_chain)),
        ("max_validators", ScVal::U32(BRIDGE_MAX_VALIDATORS)),
        ("min_active_stake", i128_val(BRIDGE_MIN_ACTIVE_STAKE)),
        (
            "min_active_validators",
            ScVal::U32(BRIDGE_MIN_ACTIVE_VALIDATORS),
        ),
        ("min_stake", i128_val(BRIDGE_MIN_STAKE)),
        ("token", ScVal::Address(token.clone())),
        ("transfer_timeout", ScVal::U64(BRIDGE_TRANSFER_TIMEOUT)),
        ("unbonding_period", ScVal::U64(BRIDGE_UNBONDING_PERIOD)),
    ];
    let mut entries = Vec::with_capacity(fields.len());
    for (key, val) in fields {
        entries.push(ScMapEntry {
            key: ScVal::Symbol(ScSymbol(key.try_into()?)),
            val,
        });
    }
    Ok(ScVal::Map(Some(ScMap(entries.try_into()?))))
}

fn i128_val(v: i128) -> ScVal {
    ScVal::I128(Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

/// Submits one root-account invocation, closes the ledger, and fails unless it succeeded.
fn apply(node: &mut Node, host_function: HostFunction, contract: &str) -> Result<()> {
    let root = node.root_key().clone();
    let tx = node.prepare_invoke(&root, host_function)?;
    let envelope = sign_envelope(tx, &[&root], node.network_id())?;
    let hash = match node.submit(envelope)? {
        Submission::Pending(hash) => hash,
        Submission::Duplicate(hash) => hash,
        Submission::Error(_, result) => {
            return Err(LocalnetError::Invalid(format!(
                "deploying {contract}: refused: {:?}",
                result.result
            )))
        }
    };
    node.close_ledger()?;
    match node.transaction(&hash) {
        Some(record) if record.applied.success => Ok(()),
        Some(record) => Err(LocalnetError::Invalid(format!(
            "deploying {contract}: failed: {:?}",
            record.applied.result.result
        ))),
        None => Err(LocalnetError::Invalid(format!(
            "deploying {contract}: transaction was not applied"
        ))),
    }
}
