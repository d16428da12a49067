//! Address-credential authorization: a second account signs its auth entry (checked by the
//! host, not the node), an expired auth entry fails the transaction, and fees are refunded.

mod common;

use common::*;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::json;
use stellar_xdr::{
    ContractExecutable, ContractIdPreimage, ContractIdPreimageFromAddress, CreateContractArgsV2,
    Hash, HashIdPreimage, HashIdPreimageSorobanAuthorization, HostFunction, OperationBody,
    ScAddress, ScMap, ScMapEntry, ScVal, ScVec, SorobanAuthorizationEntry, SorobanCredentials,
    TransactionMeta, TransactionResult, TransactionResultResult, Uint256, WriteXdr,
};

fn deploy(net: &Net, admin: &SigningKey) -> ScAddress {
    let wasm = contract_wasm("reputation");
    let tx = net.prepare(
        admin,
        HostFunction::UploadContractWasm(wasm.try_into().unwrap()),
    );
    let got = net.send_and_apply(&net.sign(tx, &[admin]));
    let create = HostFunction::CreateContractV2(CreateContractArgsV2 {
        contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
            address: ScAddress::Account(account_id(admin)),
            salt: Uint256([9; 32]),
        }),
        executable: ContractExecutable::Wasm(hash_of(&return_value(&got))),
        constructor_args: vec![
            ScVal::Address(ScAddress::Account(account_id(admin))),
            ScVal::U64(teachlink_localnet::deploy::TIMELOCK_DELAY),
        ]
        .try_into()
        .unwrap(),
    });
    let tx = net.prepare(admin, create);
    match return_value(&net.send_and_apply(&net.sign(tx, &[admin]))) {
        ScVal::Address(a) => a,
        other => panic!("{other:?}"),
    }
}

/// Signs an Address-credential auth entry as a wallet does for a classic account.
fn sign_auth(
    net: &Net,
    entry: &SorobanAuthorizationEntry,
    signer: &SigningKey,
    expiration: u32,
) -> SorobanAuthorizationEntry {
    let SorobanCredentials::Address(mut creds) = entry.credentials.clone() else {
        panic!(
            "expected Address credentials (non-V2): {:?}",
            entry.credentials
        )
    };
    creds.signature_expiration_ledger = expiration;
    let preimage = HashIdPreimage::SorobanAuthorization(HashIdPreimageSorobanAuthorization {
        network_id: Hash(net.network_id),
        nonce: creds.nonce,
        signature_expiration_ledger: expiration,
        invocation: entry.root_invocation.clone(),
    });
    let payload = teachlink_localnet::sha256(&preimage.to_xdr(limits()).unwrap());
    let sig = signer.sign(&payload).to_bytes();
    let bytes = |b: &[u8]| ScVal::Bytes(b.to_vec().try_into().unwrap());
    creds.signature = ScVal::Vec(Some(ScVec(
        vec![ScVal::Map(Some(ScMap(
            vec![
                ScMapEntry {
                    key: sym("public_key"),
                    val: bytes(&signer.verifying_key().to_bytes()),
                },
                ScMapEntry {
                    key: sym("signature"),
                    val: bytes(&sig),
                },
            ]
            .try_into()
            .unwrap(),
        )))]
        .try_into()
        .unwrap(),
    )));
    SorobanAuthorizationEntry {
        credentials: SorobanCredentials::Address(creds),
        root_invocation: entry.root_invocation.clone(),
    }
}

/// A record_contribution by `learner`, paid for by `payer`, with the learner's auth entry
/// signed to expire at `expiration`.
fn contribution_tx(
    net: &Net,
    contract: &ScAddress,
    payer: &SigningKey,
    learner: &SigningKey,
    expiration: u32,
) -> stellar_xdr::TransactionEnvelope {
    let call = invoke(
        contract,
        "record_contribution",
        vec![
            ScVal::Address(ScAddress::Account(account_id(learner))),
            sym("lesson"),
            bytes32([5; 32]),
        ],
    );
    let mut tx = net.prepare(payer, call);
    let mut ops = tx.operations.to_vec();
    if let OperationBody::InvokeHostFunction(op) = &mut ops[0].body {
        assert_eq!(op.auth.len(), 1, "one recorded auth entry for the learner");
        let signed = sign_auth(net, &op.auth[0], learner, expiration);
        op.auth = vec![signed].try_into().unwrap();
    }
    tx.operations = ops.try_into().unwrap();
    net.sign(tx, &[payer])
}

#[test]
fn second_account_signs_its_auth_entry_and_fees_are_refunded() {
    let net = Net::start();
    let (alice, bob) = (key("alice"), key("bob"));
    net.friendbot(&alice);
    net.friendbot(&bob);
    let contract = deploy(&net, &alice);
    let balance_before = balance(&net, &alice);
    let env = contribution_tx(&net, &contract, &alice, &bob, net.latest() + 10);
    let declared_fee = match &env {
        stellar_xdr::TransactionEnvelope::Tx(e) => i64::from(e.tx.fee),
        _ => unreachable!(),
    };
    let got = net.send_and_apply(&env);
    assert_eq!(return_value(&got), ScVal::U64(1));

    // Fee accounting: charged = inclusion + non-refundable + refundable actually used, the
    // rest of the declared fee refunded to the source.
    let result: TransactionResult = unb64(got["resultXdr"].as_str().unwrap());
    let TransactionMeta::V4(meta) =
        unb64::<TransactionMeta>(got["resultMetaXdr"].as_str().unwrap())
    else {
        panic!("meta v4")
    };
    let Some(stellar_xdr::SorobanTransactionMetaV2 {
        ext: stellar_xdr::SorobanTransactionMetaExt::V1(fees),
        ..
    }) = meta.soroban_meta
    else {
        panic!("soroban meta with fees")
    };
    assert_eq!(
        result.fee_charged,
        100 + fees.total_non_refundable_resource_fee_charged
            + fees.total_refundable_resource_fee_charged
    );
    assert!(result.fee_charged < declared_fee, "something was refunded");
    assert!(fees.rent_fee_charged > 0, "new entries pay rent");
    assert_eq!(balance(&net, &alice), balance_before - result.fee_charged);

    // Replaying the same signed auth entry in a new transaction fails: its nonce is consumed.
    let stellar_xdr::TransactionEnvelope::Tx(e) = env else {
        unreachable!()
    };
    let mut replay = e.tx;
    replay.seq_num.0 += 1;
    let got = net.send_and_close(&net.sign(replay, &[&alice]));
    assert_eq!(got["status"], "FAILED", "replayed auth must fail: {got}");
}

#[test]
fn expired_auth_entry_fails_the_transaction() {
    let net = Net::start();
    let (alice, bob) = (key("alice"), key("bob"));
    net.friendbot(&alice);
    net.friendbot(&bob);
    let contract = deploy(&net, &alice);
    // Expires at the latest closed ledger: the ledger that applies it is one later.
    let env = contribution_tx(&net, &contract, &alice, &bob, net.latest());
    let sent = net.send(&env);
    assert_eq!(
        sent["status"], "PENDING",
        "auth entries are the host's to check: {sent}"
    );
    net.close();
    let got = net.result("getTransaction", json!({ "hash": sent["hash"] }));
    assert_eq!(got["status"], "FAILED", "{got}");
    let result: TransactionResult = unb64(got["resultXdr"].as_str().unwrap());
    let TransactionResultResult::TxFailed(ops) = result.result else {
        panic!("{result:?}")
    };
    assert_eq!(
        ops[0],
        stellar_xdr::OperationResult::OpInner(stellar_xdr::OperationResultTr::InvokeHostFunction(
            stellar_xdr::InvokeHostFunctionResult::Trapped
        ))
    );
    assert!(got["diagnosticEventsXdr"]
        .as_array()
        .is_some_and(|d| !d.is_empty()));
    // A failed transaction still pays its fee and bumps the sequence.
    assert!(result.fee_charged > 0);
}

#[test]
fn wrong_signer_on_auth_entry_fails() {
    let net = Net::start();
    let (alice, bob, mallory) = (key("alice"), key("bob"), key("mallory"));
    net.friendbot(&alice);
    net.friendbot(&bob);
    let contract = deploy(&net, &alice);
    let mut env = contribution_tx(&net, &contract, &alice, &bob, net.latest() + 10);
    // Re-sign bob's entry with mallory's key, then re-sign the envelope.
    if let stellar_xdr::TransactionEnvelope::Tx(e) = &mut env {
        let mut ops = e.tx.operations.to_vec();
        if let OperationBody::InvokeHostFunction(op) = &mut ops[0].body {
            let forged = sign_auth(&net, &op.auth[0], &mallory, net.latest() + 10);
            op.auth = vec![forged].try_into().unwrap();
        }
        e.tx.operations = ops.try_into().unwrap();
    }
    let stellar_xdr::TransactionEnvelope::Tx(e) = env else {
        unreachable!()
    };
    let got = net.send_and_close(&net.sign(e.tx, &[&alice]));
    assert_eq!(got["status"], "FAILED", "{got}");
}

fn balance(net: &Net, k: &SigningKey) -> i64 {
    let key = stellar_xdr::LedgerKey::Account(stellar_xdr::LedgerKeyAccount {
        account_id: account_id(k),
    });
    let r = net.result("getLedgerEntries", json!({ "keys": [b64(&key)] }));
    match unb64::<stellar_xdr::LedgerEntryData>(r["entries"][0]["xdr"].as_str().unwrap()) {
        stellar_xdr::LedgerEntryData::Account(a) => a.balance,
        other => panic!("{other:?}"),
    }
}

#[test]
fn expired_temporary_entries_are_deleted_not_archived() {
    let net = Net::start_with(teachlink_localnet::Config {
        min_temporary_ttl: 10,
        ..teachlink_localnet::Config::for_tests()
    });
    let (alice, bob) = (key("alice"), key("bob"));
    net.friendbot(&alice);
    net.friendbot(&bob);
    let contract = deploy(&net, &alice);
    let expiration = net.latest() + 3;
    net.send_and_apply(&contribution_tx(&net, &contract, &alice, &bob, expiration));
    // Bob's auth nonce is a temporary entry that lives until the signature expires.
    let temporaries = || {
        net.handle
            .with_node(|n| {
                n.state()
                    .iter()
                    .filter(|(k, _)| teachlink_localnet::state::is_temporary(k))
                    .count()
            })
            .unwrap()
    };
    assert_eq!(temporaries(), 1);
    let archived_before = net.handle.with_node(|n| n.state().archived_len()).unwrap();
    for _ in 0..15 {
        net.close();
    }
    assert_eq!(temporaries(), 0);
    assert_eq!(
        net.handle.with_node(|n| n.state().archived_len()).unwrap(),
        archived_before
    );
}
