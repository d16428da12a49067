//! TTLs and archival: extension, eviction at ledger close, explicit restore, automatic
//! restore inside an invocation, and ledgers closing on a timer.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use stellar_xdr::{
    ContractExecutable, ContractIdPreimage, ContractIdPreimageFromAddress, CreateContractArgsV2,
    ExtendFootprintTtlOp, ExtensionPoint, HostFunction, LedgerFootprint, LedgerKey,
    LedgerKeyContractCode, OperationBody, RestoreFootprintOp, ScAddress, ScVal,
    SorobanTransactionDataExt, TransactionExt, Uint256,
};
use teachlink_localnet::Config;

fn short_ttls() -> Config {
    Config {
        min_persistent_ttl: 20,
        min_temporary_ttl: 10,
        ..Config::for_tests()
    }
}

fn upload(net: &Net, who: &ed25519_dalek::SigningKey, name: &str) -> LedgerKey {
    let wasm = contract_wasm(name);
    let tx = net.prepare(
        who,
        HostFunction::UploadContractWasm(wasm.try_into().unwrap()),
    );
    let got = net.send_and_apply(&net.sign(tx, &[who]));
    LedgerKey::ContractCode(LedgerKeyContractCode {
        hash: hash_of(&return_value(&got)),
    })
}

fn footprint(read_only: Vec<LedgerKey>, read_write: Vec<LedgerKey>) -> LedgerFootprint {
    LedgerFootprint {
        read_only: read_only.try_into().unwrap(),
        read_write: read_write.try_into().unwrap(),
    }
}

#[test]
fn extend_evict_and_restore() {
    let net = Net::start_with(short_ttls());
    let alice = key("alice");
    net.friendbot(&alice);
    let code = upload(&net, &alice, "reputation");
    let uploaded_at = net.latest();
    assert_eq!(net.live_until(&code), Some(u64::from(uploaded_at) + 19));

    // ExtendFootprintTtl to ledger + 30.
    let tx = net.prepare_op(
        &alice,
        OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
            ext: ExtensionPoint::V0,
            extend_to: 30,
        }),
        Some(footprint(vec![code.clone()], vec![])),
    );
    net.send_and_apply(&net.sign(tx, &[&alice]));
    let extended_to = u64::from(net.latest()) + 30;
    assert_eq!(net.live_until(&code), Some(extended_to));

    // Close ledgers past the TTL: the entry is evicted to the archive at the next close,
    // and getLedgerEntries still shows it with its expired TTL.
    while u64::from(net.latest()) <= extended_to {
        net.close();
    }
    assert_eq!(net.live_until(&code), Some(extended_to));
    let archived = |k: &LedgerKey| {
        net.handle
            .with_node(|n| n.state().get_archived(k).is_some())
            .unwrap()
    };
    assert!(archived(&code));

    // Extending an archived entry: simulation says to restore it first (restorePreamble).
    let mut extend = net.tx(
        &alice,
        OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
            ext: ExtensionPoint::V0,
            extend_to: 30,
        }),
        100,
    );
    extend.ext = TransactionExt::V1(stellar_xdr::SorobanTransactionData {
        ext: SorobanTransactionDataExt::V0,
        resources: stellar_xdr::SorobanResources {
            footprint: footprint(vec![code.clone()], vec![]),
            instructions: 0,
            disk_read_bytes: 0,
            write_bytes: 0,
        },
        resource_fee: 0,
    });
    let sim = net.simulate(&extend);
    let preamble = &sim["restorePreamble"];
    assert!(preamble["transactionData"].is_string(), "{sim}");
    assert!(
        preamble["minResourceFee"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()
            > 0
    );

    // RestoreFootprint brings it back with the minimum persistent TTL.
    let tx = net.prepare_op(
        &alice,
        OperationBody::RestoreFootprint(RestoreFootprintOp {
            ext: ExtensionPoint::V0,
        }),
        Some(footprint(vec![], vec![code.clone()])),
    );
    net.send_and_apply(&net.sign(tx, &[&alice]));
    assert_eq!(net.live_until(&code), Some(u64::from(net.latest()) + 19));
    assert!(!archived(&code));
}

#[test]
fn invocation_restores_archived_code_automatically() {
    let net = Net::start_with(short_ttls());
    let alice = key("alice");
    net.friendbot(&alice);
    let code = upload(&net, &alice, "reputation");
    let LedgerKey::ContractCode(LedgerKeyContractCode { hash }) = &code else {
        unreachable!()
    };
    let expires = net.live_until(&code).unwrap();
    while u64::from(net.latest()) <= expires {
        net.close();
    }

    // Deploying from archived code: simulation marks the code entry for restore, and the
    // transaction restores it and creates the contract in one go.
    let create = HostFunction::CreateContractV2(CreateContractArgsV2 {
        contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
            address: ScAddress::Account(account_id(&alice)),
            salt: Uint256([1; 32]),
        }),
        executable: ContractExecutable::Wasm(hash.clone()),
        constructor_args: vec![
            ScVal::Address(ScAddress::Account(account_id(&alice))),
            ScVal::U64(teachlink_localnet::deploy::TIMELOCK_DELAY),
        ]
        .try_into()
        .unwrap(),
    });
    let tx = net.prepare(&alice, create);
    let TransactionExt::V1(data) = &tx.ext else {
        panic!("no Soroban data")
    };
    assert!(
        matches!(&data.ext, SorobanTransactionDataExt::V1(e) if e.archived_soroban_entries.len() == 1),
        "simulation should mark the archived code for restore: {:?}",
        data.ext
    );
    let got = net.send_and_apply(&net.sign(tx, &[&alice]));
    assert!(matches!(
        return_value(&got),
        ScVal::Address(ScAddress::Contract(_))
    ));
    // The constructor extended the instance, which extends the code too.
    assert!(net.live_until(&code).unwrap() > u64::from(net.latest()) + 1_000);
}

#[test]
fn invoking_archived_code_without_restore_fails() {
    let net = Net::start_with(short_ttls());
    let alice = key("alice");
    net.friendbot(&alice);
    let code = upload(&net, &alice, "reputation");
    let LedgerKey::ContractCode(LedgerKeyContractCode { hash }) = &code else {
        unreachable!()
    };
    let create = HostFunction::CreateContractV2(CreateContractArgsV2 {
        contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
            address: ScAddress::Account(account_id(&alice)),
            salt: Uint256([2; 32]),
        }),
        executable: ContractExecutable::Wasm(hash.clone()),
        constructor_args: vec![
            ScVal::Address(ScAddress::Account(account_id(&alice))),
            ScVal::U64(teachlink_localnet::deploy::TIMELOCK_DELAY),
        ]
        .try_into()
        .unwrap(),
    });
    // Simulated while live, applied after the code expired: the host is never reached.
    let tx = net.prepare(&alice, create);
    let expires = net.live_until(&code).unwrap();
    while u64::from(net.latest()) <= expires {
        net.close();
    }
    let got = net.send_and_close(&net.sign(tx, &[&alice]));
    assert_eq!(got["status"], "FAILED", "{got}");
    let result: stellar_xdr::TransactionResult = unb64(got["resultXdr"].as_str().unwrap());
    let stellar_xdr::TransactionResultResult::TxFailed(ops) = result.result else {
        panic!("expected txFAILED: {result:?}")
    };
    assert_eq!(
        ops[0],
        stellar_xdr::OperationResult::OpInner(stellar_xdr::OperationResultTr::InvokeHostFunction(
            stellar_xdr::InvokeHostFunctionResult::EntryArchived
        ))
    );
}

#[test]
fn ledgers_close_on_a_timer() {
    let net = Net::start_with(Config {
        close_interval: Some(Duration::from_millis(100)),
        ..Config::for_tests()
    });
    // Nobody closes a ledger here: the timer must close three. Counted, not timed (how
    // regular the cadence is belongs to `cargo bench -p teachlink-localnet`); the deadline
    // only bounds a broken timer.
    let first = net.latest();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut later = first;
    while later < first + 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the timer closed no 3 ledgers: {first} -> {later}"
        );
        std::thread::sleep(Duration::from_millis(20));
        later = net.latest();
    }
    // Friendbot waits for the ledger that includes its transaction.
    let alice = key("alice");
    net.friendbot(&alice);
    assert!(net.seq(&alice) > 0);
    let health = net.result("getHealth", json!({}));
    assert_eq!(health["status"], "healthy");
}
