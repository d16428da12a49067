//! Deploying the TeachLink contracts at start: every contract answers at its recorded id,
//! with the root account as admin, and the ids are the same on every fresh chain.
mod common;

use std::path::PathBuf;

use common::*;
use serde_json::json;
use stellar_xdr::{OperationBody, ScAddress, ScSymbol, ScVal};
use teachlink_localnet::deploy::{
    BRIDGE_LOCAL_CHAIN, BRIDGE_MAX_VALIDATORS, BRIDGE_MIN_ACTIVE_STAKE,
    BRIDGE_MIN_ACTIVE_VALIDATORS, BRIDGE_MIN_STAKE, BRIDGE_TRANSFER_TIMEOUT,
    BRIDGE_UNBONDING_PERIOD,
};
use teachlink_localnet::{deploy_teachlink, Deployment, TEACHLINK_CONTRACTS};

fn wasm_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("wasm32v1-none/contract")
}

fn deploy(net: &Net) -> Deployment {
    net.handle
        .with_node(|n| deploy_teachlink(n, &wasm_dir()))
        .expect("node lock")
        .expect("deploys")
}

/// Simulates a read-only call from `reader` (a funded account) and returns its result.
fn read(net: &Net, reader: &ed25519_dalek::SigningKey, contract: &str, function: &str) -> ScVal {
    let id: ScAddress = contract.parse().expect("contract strkey");
    let call = invoke(&id, function, vec![]);
    let tx = net.tx(
        reader,
        OperationBody::InvokeHostFunction(stellar_xdr::InvokeHostFunctionOp {
            host_function: call,
            auth: Default::default(),
        }),
        100,
    );
    let sim = net.simulate(&tx);
    assert!(sim.get("error").is_none(), "simulation failed: {sim}");
    unb64(sim["results"][0]["xdr"].as_str().expect("result xdr"))
}

/// The bridge's `DataKey::Config` entry of its instance storage, read with getLedgerEntries.
fn bridge_config(net: &Net, contract: &str) -> ScVal {
    let key = stellar_xdr::LedgerKey::ContractData(stellar_xdr::LedgerKeyContractData {
        contract: contract.parse().expect("contract strkey"),
        key: ScVal::LedgerKeyContractInstance,
        durability: stellar_xdr::ContractDataDurability::Persistent,
    });
    let r = net.result("getLedgerEntries", json!({ "keys": [b64(&key)] }));
    let data: stellar_xdr::LedgerEntryData =
        unb64(r["entries"][0]["xdr"].as_str().expect("instance entry"));
    let stellar_xdr::LedgerEntryData::ContractData(data) = data else {
        panic!("the instance entry is not contract data");
    };
    let ScVal::ContractInstance(instance) = data.val else {
        panic!("not a contract instance");
    };
    let config_key = ScVal::Vec(Some(vec![sym("Config")].try_into().unwrap()));
    instance
        .storage
        .expect("instance storage")
        .iter()
        .find(|e| e.key == config_key)
        .expect("Config in instance storage")
        .val
        .clone()
}

#[test]
fn contracts_answer_at_their_ids_with_the_root_as_admin() {
    let net = Net::start();
    let deployment = deploy(&net);
    assert_eq!(deployment.contracts.len(), TEACHLINK_CONTRACTS.len());
    let root = net.handle.with_node(|n| n.root_key().clone()).unwrap();
    let root_address = ScVal::Address(ScAddress::Account(account_id(&root)));
    let reader = key("reader");
    net.friendbot(&reader);
    assert_eq!(deployment.admin, address(&root));
    for name in TEACHLINK_CONTRACTS {
        let id = &deployment.contracts[name];
        assert_eq!(
            read(&net, &reader, id, "admin"),
            root_address,
            "{name} admin"
        );
        assert_eq!(
            read(&net, &reader, id, "is_paused"),
            ScVal::Bool(false),
            "{name}"
        );
    }
    let token = read(&net, &reader, &deployment.contracts["rewards"], "token");
    let native: ScAddress = deployment.native_asset.parse().unwrap();
    assert_eq!(token, ScVal::Address(native.clone()));
    // The bridge carries and stakes the native asset, with the local Config (in its
    // instance storage: the bridge has no config view).
    let ScVal::Map(Some(config)) = bridge_config(&net, &deployment.contracts["bridge"]) else {
        panic!("bridge config is not a map");
    };
    let field = |name: &str| {
        let key = ScVal::Symbol(ScSymbol(name.try_into().unwrap()));
        config
            .iter()
            .find(|e| e.key == key)
            .unwrap_or_else(|| panic!("bridge config has no {name}"))
            .val
            .clone()
    };
    assert_eq!(field("token"), ScVal::Address(native));
    assert_eq!(field("local_chain"), ScVal::U32(BRIDGE_LOCAL_CHAIN));
    assert_eq!(field("max_validators"), ScVal::U32(BRIDGE_MAX_VALIDATORS));
    let i128_val = |v: i128| {
        ScVal::I128(stellar_xdr::Int128Parts {
            hi: 0,
            lo: v as u64,
        })
    };
    assert_eq!(field("min_stake"), i128_val(BRIDGE_MIN_STAKE));
    assert_eq!(field("min_active_stake"), i128_val(BRIDGE_MIN_ACTIVE_STAKE));
    assert_eq!(
        field("min_active_validators"),
        ScVal::U32(BRIDGE_MIN_ACTIVE_VALIDATORS)
    );
    assert_eq!(
        field("unbonding_period"),
        ScVal::U64(BRIDGE_UNBONDING_PERIOD)
    );
    assert_eq!(
        field("transfer_timeout"),
        ScVal::U64(BRIDGE_TRANSFER_TIMEOUT)
    );
    // The deployment transactions are on-chain from start_ledger on.
    let txs = net.result(
        "getTransactions",
        json!({ "startLedger": deployment.start_ledger, "pagination": { "limit": 100 } }),
    );
    let applied = txs["transactions"].as_array().expect("transactions");
    // An upload and a create per contract, then the reader's friendbot funding.
    assert_eq!(applied.len(), 2 * TEACHLINK_CONTRACTS.len() + 1);
    assert!(applied.iter().all(|t| t["status"] == "SUCCESS"));
}

#[test]
fn the_bridge_is_deployed_alongside_the_others() {
    let deployment = deploy(&Net::start());
    let mut names: Vec<&str> = deployment.contracts.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["bridge", "content", "escrow", "reputation", "rewards"]
    );
    // Every contract has its own id.
    let mut ids: Vec<&String> = deployment.contracts.values().collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), TEACHLINK_CONTRACTS.len());
}

#[test]
fn ids_are_the_same_on_every_fresh_chain() {
    let first = deploy(&Net::start());
    let second = deploy(&Net::start());
    assert_eq!(first, second);
}

#[test]
fn a_missing_wasm_is_a_clear_error() {
    let net = Net::start();
    let err = net
        .handle
        .with_node(|n| deploy_teachlink(n, std::path::Path::new("/nonexistent")))
        .unwrap()
        .expect_err("no wasm there");
    assert!(
        err.to_string().contains("scripts/build-contracts.sh"),
        "{err}"
    );
}
