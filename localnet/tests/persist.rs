//! A node with a state file resumes the same chain after a restart.

mod common;

use common::*;
use serde_json::json;
use stellar_xdr::{
    ContractExecutable, ContractIdPreimage, ContractIdPreimageFromAddress, CreateContractArgsV2,
    HostFunction, ScAddress, ScVal, Uint256,
};
use teachlink_localnet::Config;

#[test]
fn restart_resumes_the_chain_from_the_state_file() {
    let dir = std::env::temp_dir().join(format!("teachlink-localnet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("chain.state");
    let _ = std::fs::remove_file(&file);
    let config = Config {
        state_file: Some(file.clone()),
        ..Config::for_tests()
    };
    let alice = key("alice");

    let (contract, latest, header_hash) = {
        let net = Net::start_with(config.clone());
        net.friendbot(&alice);
        let wasm = contract_wasm("reputation");
        let tx = net.prepare(
            &alice,
            HostFunction::UploadContractWasm(wasm.try_into().unwrap()),
        );
        let got = net.send_and_apply(&net.sign(tx, &[&alice]));
        let create = HostFunction::CreateContractV2(CreateContractArgsV2 {
            contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
                address: ScAddress::Account(account_id(&alice)),
                salt: Uint256([3; 32]),
            }),
            executable: ContractExecutable::Wasm(hash_of(&return_value(&got))),
            constructor_args: vec![
                ScVal::Address(ScAddress::Account(account_id(&alice))),
                ScVal::U64(teachlink_localnet::deploy::TIMELOCK_DELAY),
            ]
            .try_into()
            .unwrap(),
        });
        let tx = net.prepare(&alice, create);
        let ScVal::Address(contract) = return_value(&net.send_and_apply(&net.sign(tx, &[&alice])))
        else {
            panic!("no contract address")
        };
        let latest = net.result("getLatestLedger", json!({}));
        (contract, latest["sequence"].clone(), latest["id"].clone())
    };

    let net = Net::start_with(config);
    let resumed = net.result("getLatestLedger", json!({}));
    assert_eq!(resumed["sequence"], latest);
    assert_eq!(resumed["id"], header_hash);
    // The account, its sequence, and the contract (whose code must be compiled again) work.
    let call = invoke(
        &contract,
        "record_contribution",
        vec![
            ScVal::Address(ScAddress::Account(account_id(&alice))),
            sym("lesson"),
            bytes32([4; 32]),
        ],
    );
    let tx = net.prepare(&alice, call);
    let got = net.send_and_apply(&net.sign(tx, &[&alice]));
    assert_eq!(return_value(&got), ScVal::U64(1));
    assert_eq!(
        net.result("getLatestLedger", json!({}))["sequence"],
        latest.as_u64().unwrap() + 1
    );
    drop(net);
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a client polling across a restart asks about one transaction and its ledger.
fn answers(
    net: &Net,
    hash: &serde_json::Value,
    ledger: &serde_json::Value,
) -> Vec<serde_json::Value> {
    let sac = net
        .handle
        .with_node(|n| n.native_sac().to_string())
        .unwrap();
    vec![
        net.result("getTransaction", json!({ "hash": hash })),
        net.result(
            "getTransactions",
            json!({ "startLedger": ledger, "pagination": { "limit": 3 } }),
        )["transactions"]
            .clone(),
        net.result(
            "getEvents",
            json!({ "startLedger": 1, "filters": [{ "contractIds": [sac] }] }),
        )["events"]
            .clone(),
        net.result(
            "getLedgers",
            json!({ "startLedger": 1, "pagination": { "limit": 200 } }),
        )["ledgers"]
            .clone(),
    ]
}

#[test]
fn history_survives_a_restart_within_the_retention_window() {
    let dir = std::env::temp_dir().join(format!("teachlink-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("chain.state");
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(teachlink_localnet::persist::history_path(&file));
    let config = Config {
        state_file: Some(file.clone()),
        retention_ledgers: 8,
        ..Config::for_tests()
    };
    let (alice, bob) = (key("alice"), key("bob"));
    let sac = ScAddress::Contract(
        teachlink_localnet::node::contract_id(
            config.network_id(),
            ContractIdPreimage::Asset(stellar_xdr::Asset::Native),
        )
        .unwrap(),
    );
    let transfer = |net: &Net| {
        let call = invoke(
            &sac,
            "transfer",
            vec![
                ScVal::Address(ScAddress::Account(account_id(&alice))),
                ScVal::Address(ScAddress::Account(account_id(&bob))),
                ScVal::I128(stellar_xdr::Int128Parts { hi: 0, lo: 7 }),
            ],
        );
        net.send_and_apply(&net.sign(net.prepare(&alice, call), &[&alice]))
    };

    let (got, before) = {
        let net = Net::start_with(config.clone());
        net.friendbot(&alice);
        net.friendbot(&bob);
        let got = transfer(&net);
        net.close();
        let before = answers(&net, &got["txHash"], &got["ledger"]);
        (got, before)
    };
    assert_eq!(before[0]["status"], "SUCCESS");
    assert_eq!(before[2].as_array().unwrap().len(), 1, "{}", before[2]);

    let net = Net::start_with(config.clone());
    // The same answers: transaction, page of transactions, events and ledgers (meta and all).
    let after = answers(&net, &got["txHash"], &got["ledger"]);
    assert_eq!(after, before);
    // And the history goes on from there.
    let next = transfer(&net);
    let events = net.result(
        "getEvents",
        json!({ "startLedger": 1, "filters": [{ "contractIds": [sac_id(&sac)] }] }),
    );
    assert_eq!(events["events"].as_array().unwrap().len(), 2, "{events}");
    assert_eq!(events["events"][1]["txHash"], next["txHash"]);

    // Past the retention window the old ledgers go, after a restart as before it; the history
    // file stays within twice the window.
    for _ in 0..40 {
        net.close();
    }
    let latest = net.latest();
    drop(net);
    let net = Net::start_with(config);
    let health = net.result("getHealth", json!({}));
    assert_eq!(health["latestLedger"], latest);
    assert_eq!(health["oldestLedger"], latest - 7);
    let gone = net.result("getTransaction", json!({ "hash": got["txHash"] }));
    assert_eq!(gone["status"], "NOT_FOUND");
    let ledgers = net.result("getLedgers", json!({ "startLedger": latest - 7 }));
    assert_eq!(ledgers["ledgers"].as_array().unwrap().len(), 8);
    let kept = teachlink_localnet::persist::read_history(
        &teachlink_localnet::persist::history_path(&file),
    )
    .unwrap();
    assert!(
        kept.len() <= 2 * 8 + 16,
        "{} ledgers in the history file",
        kept.len()
    );
    drop(net);
    let _ = std::fs::remove_dir_all(&dir);
}

fn sac_id(a: &ScAddress) -> String {
    match a {
        ScAddress::Contract(c) => c.to_string(),
        _ => unreachable!(),
    }
}
