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
