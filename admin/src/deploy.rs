//! Owns `teachlink deploy`: the five contracts onto a network over Stellar RPC, resumable.
//! Code already on chain (by hash) is not uploaded again, and each contract's id comes from
//! the admin's address and a fixed salt, so a re-run finds what exists and completes only
//! what is missing; the deployment file the server reads is written at the end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use stellar_xdr::{ScAddress, ScVal};
use teachlink_sdk::tx;

use crate::error::{AdminError, Result};
use crate::flow::Flow;
use crate::net::{self, code_key, instance_key};

/// The TeachLink contracts, in deployment order; their Wasm is `teachlink_<name>.wasm`.
pub const CONTRACTS: [&str; 5] = ["escrow", "content", "reputation", "rewards", "bridge"];

/// Where the TeachLink contracts live on a network: localnet's deployment file format
/// (`teachlink-localnet --deployment-file`), which the server reads, plus the code hashes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    pub network_passphrase: String,
    /// The account that deployed the contracts and is their admin (G…).
    pub admin: String,
    /// The native asset's Stellar Asset Contract (C…), the rewards pool's token.
    pub native_asset: String,
    /// Contract ids (C…) by contract name.
    pub contracts: BTreeMap<String, String>,
    /// Where an indexer starts: the earliest ledger of the deployment's code.
    pub start_ledger: u32,
    /// The hash (hex) of the code each contract was deployed with.
    #[serde(default)]
    pub wasm_hashes: BTreeMap<String, String>,
}

impl Deployment {
    pub fn read(path: &Path) -> Result<Deployment> {
        let text = std::fs::read_to_string(path).map_err(|e| AdminError::file(path, e))?;
        serde_json::from_str(&text).map_err(|e| AdminError::file(path, e))
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self).map_err(|e| AdminError::file(path, e))?;
        // Written beside and renamed, so a reader never sees half a file.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json + "\n").map_err(|e| AdminError::file(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| AdminError::file(path, e))
    }

    /// The contract id of `name`.
    pub fn contract(&self, name: &str) -> Result<&str> {
        self.contracts
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| AdminError::Deployment(format!("no contract named {name:?}")))
    }

    /// `(name, id)` pairs, for event decoding.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.contracts
            .iter()
            .map(|(n, id)| (n.clone(), id.clone()))
            .collect()
    }
}

/// The bridge's constructor `Config` (contracts/bridge/src/types.rs).
#[derive(Clone, Debug)]
pub struct BridgeSettings {
    pub local_chain: u32,
    pub max_validators: u32,
    pub min_stake: i128,
    pub min_active_validators: u32,
    pub min_active_stake: i128,
    pub transfer_timeout: u64,
    pub unbonding_period: u64,
}

/// What `deploy` needs besides the network and the admin.
pub struct DeployPlan {
    pub wasm_dir: PathBuf,
    pub timelock_delay: u64,
    pub bridge: BridgeSettings,
    pub out: PathBuf,
}

/// The salt of contract `name`: fixed, so its id depends only on the admin and network.
pub fn salt(name: &str) -> [u8; 32] {
    tx::sha256(format!("teachlink/{name}").as_bytes())
}

/// The contract errors of `name`, by code.
pub fn error_name(name: &str) -> fn(u32) -> &'static str {
    use teachlink_sdk::error as e;
    let f: fn(u32) -> &'static str = match name {
        "escrow" => e::escrow_error_name,
        "content" => e::content_error_name,
        "reputation" => e::reputation_error_name,
        "rewards" => e::rewards_error_name,
        "bridge" => bridge_error_name,
        _ => shared_error_name,
    };
    f
}

/// The bridge's errors: the shared ones (the timelock's 103 to 106 too), then its own.
pub fn bridge_error_name(code: u32) -> &'static str {
    teachlink_sdk::error::shared_error_name(code)
        .unwrap_or_else(|| teachlink_validator::chain::error_name(code))
}

/// The errors every TeachLink contract shares (for calls that name no contract).
pub fn shared_error_name(code: u32) -> &'static str {
    teachlink_sdk::error::shared_error_name(code).unwrap_or("unknown")
}

struct Code {
    name: &'static str,
    path: PathBuf,
    wasm: Vec<u8>,
    hash: [u8; 32],
}

/// Deploys whatever of TeachLink is missing, and writes the deployment file.
pub async fn deploy(flow: &Flow<'_>, plan: &DeployPlan) -> Result<Deployment> {
    if flow.build_only.is_some() {
        return Err(AdminError::invalid(
            "--build-only",
            "deploy is several dependent transactions; deploy with a key",
        ));
    }
    let net = flow.net;
    let limit = net.max_contract_size().await?;
    // Every Wasm is read and checked before anything is spent.
    let mut codes = Vec::new();
    for name in CONTRACTS {
        let path = plan.wasm_dir.join(format!("teachlink_{name}.wasm"));
        let wasm = std::fs::read(&path).map_err(|e| AdminError::file(&path, e))?;
        if wasm.len() > limit as usize {
            return Err(AdminError::WasmTooLarge {
                size: wasm.len(),
                path,
                limit,
            });
        }
        let hash = tx::sha256(&wasm);
        codes.push(Code {
            name,
            path,
            wasm,
            hash,
        });
    }
    let admin = tx::account_address(&flow.source);
    let native_asset = tx::native_asset_contract_id(&net.passphrase)?;
    let native: ScAddress = tx::parse_address(&native_asset, "native asset")?;
    if net.entry(instance_key(&native)).await?.is_none() {
        return Err(AdminError::Deployment(format!(
            "the native asset contract {native_asset} is not deployed on this network"
        )));
    }
    println!(
        "deploying TeachLink as {} (network {:?}, contract size limit {limit} bytes)",
        flow.source_strkey(),
        net.passphrase
    );

    let mut contracts = BTreeMap::new();
    let mut wasm_hashes = BTreeMap::new();
    let mut start_ledger = u32::MAX;
    for code in &codes {
        let name = code.name;
        let hex_hash = hex::encode(code.hash);
        match net.entry(code_key(code.hash)).await? {
            Some(e) => {
                println!("{name}: code {hex_hash} already on chain, not uploaded");
                start_ledger = start_ledger.min(e.last_modified);
            }
            None => {
                let what = format!(
                    "{name}: upload {} ({} bytes, code {hex_hash})",
                    code.path.display(),
                    code.wasm.len()
                );
                let hf = tx::upload_wasm(&code.wasm)?;
                let sent = flow.run(&what, hf, error_name(name)).await?.sent();
                if let Some(s) = sent {
                    start_ledger = start_ledger.min(s.ledger);
                }
                println!("uploaded {name}");
            }
        }

        let preimage = tx::contract_preimage(&admin, salt(name));
        let id = tx::contract_address(&net.passphrase, &preimage)?;
        match net.entry(instance_key(&id)).await? {
            Some(e) => {
                let running = net::read_instance(&e.data).map(|i| hex::encode(i.wasm_hash));
                match running {
                    Some(h) if h == hex_hash => println!("{name}: {id} already exists"),
                    Some(h) => println!(
                        "{name}: {id} already exists, running code {h} (not the local build)"
                    ),
                    None => println!("{name}: {id} already exists"),
                }
            }
            None => {
                let args = constructor_args(name, &admin, &native, plan)?;
                let hf = tx::create_contract(preimage, code.hash, args)?;
                flow.run(&format!("{name}: create {id}"), hf, error_name(name))
                    .await?;
                println!("created {name} {id}");
            }
        }
        contracts.insert(name.to_string(), id.to_string());
        wasm_hashes.insert(name.to_string(), hex_hash);
    }

    let previous = Deployment::read(&plan.out)
        .ok()
        .filter(|d| d.network_passphrase == net.passphrase && d.contracts == contracts);
    if let Some(p) = &previous {
        start_ledger = start_ledger.min(p.start_ledger);
    }
    // Events older than the RPC's window cannot be fetched by anyone: start inside it.
    start_ledger = start_ledger.max(net.oldest_ledger().await?);
    let deployment = Deployment {
        network_passphrase: net.passphrase.clone(),
        admin: tx::account_strkey(&flow.source),
        native_asset,
        contracts,
        start_ledger,
        wasm_hashes,
    };
    deployment.write(&plan.out)?;
    for (name, id) in &deployment.contracts {
        println!("{name:<10} {id}");
    }
    println!(
        "deployment written to {} (start ledger {})",
        plan.out.display(),
        deployment.start_ledger
    );
    Ok(deployment)
}

/// The constructor arguments of contract `name`: `(admin, timelock_delay)`, then the
/// rewards pool's token or the bridge's `Config`.
fn constructor_args(
    name: &str,
    admin: &ScAddress,
    native: &ScAddress,
    plan: &DeployPlan,
) -> Result<Vec<ScVal>> {
    let mut args = vec![
        ScVal::Address(admin.clone()),
        ScVal::U64(plan.timelock_delay),
    ];
    match name {
        "rewards" => args.push(ScVal::Address(native.clone())),
        "bridge" => {
            let b = &plan.bridge;
            args.push(tx::struct_val(vec![
                ("local_chain", ScVal::U32(b.local_chain)),
                ("max_validators", ScVal::U32(b.max_validators)),
                ("min_active_stake", tx::i128_val(b.min_active_stake)),
                ("min_active_validators", ScVal::U32(b.min_active_validators)),
                ("min_stake", tx::i128_val(b.min_stake)),
                ("token", ScVal::Address(native.clone())),
                ("transfer_timeout", ScVal::U64(b.transfer_timeout)),
                ("unbonding_period", ScVal::U64(b.unbonding_period)),
            ])?);
        }
        _ => {}
    }
    Ok(args)
}
