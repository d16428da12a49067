//! Fee-bump envelopes, as relayers and channel-account services submit them: the inner
//! transaction runs as its source signed it, the fee source pays (and gets the refund), and
//! each way one is wrong is refused with core's result code. Fee events in every answer.

mod common;

use common::*;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use stellar_xdr::{
    ContractEventBody, DecoratedSignature, FeeBumpTransaction, FeeBumpTransactionEnvelope,
    FeeBumpTransactionExt, FeeBumpTransactionInnerTx, InnerTransactionResultResult, Int128Parts,
    LedgerEntryData, LedgerKey, LedgerKeyAccount, MuxedAccount, OperationBody, PaymentOp,
    ScAddress, ScVal, Signature, SignatureHint, TransactionEnvelope, TransactionEvent,
    TransactionEventStage, TransactionExt, TransactionResult, TransactionResultResult, Uint256,
};

const AMOUNT: u64 = 10_000_000;

/// `inner` wrapped in a fee bump from `fee_source` bidding `fee`, signed by `signers`.
fn bump(
    net: &Net,
    inner: &TransactionEnvelope,
    fee_source: &SigningKey,
    fee: i64,
    signers: &[&SigningKey],
) -> TransactionEnvelope {
    let TransactionEnvelope::Tx(inner) = inner else {
        panic!("a v1 envelope")
    };
    let mut env = TransactionEnvelope::TxFeeBump(FeeBumpTransactionEnvelope {
        tx: FeeBumpTransaction {
            fee_source: MuxedAccount::Ed25519(Uint256(fee_source.verifying_key().to_bytes())),
            fee,
            inner_tx: FeeBumpTransactionInnerTx::Tx(inner.clone()),
            ext: FeeBumpTransactionExt::V0,
        },
        signatures: Default::default(),
    });
    let hash = env.hash(net.network_id).unwrap();
    let sigs: Vec<DecoratedSignature> = signers
        .iter()
        .map(|k| {
            let pk = k.verifying_key().to_bytes();
            DecoratedSignature {
                hint: SignatureHint([pk[28], pk[29], pk[30], pk[31]]),
                signature: Signature(k.sign(&hash).to_bytes().to_vec().try_into().unwrap()),
            }
        })
        .collect();
    if let TransactionEnvelope::TxFeeBump(e) = &mut env {
        e.signatures = sigs.try_into().unwrap();
    }
    env
}

fn balance(net: &Net, k: &SigningKey) -> i64 {
    let key = LedgerKey::Account(LedgerKeyAccount {
        account_id: account_id(k),
    });
    let r = net.result("getLedgerEntries", json!({ "keys": [b64(&key)] }));
    match unb64::<LedgerEntryData>(r["entries"][0]["xdr"].as_str().unwrap()) {
        LedgerEntryData::Account(a) => a.balance,
        other => panic!("not an account: {other:?}"),
    }
}

/// alice's signed SAC transfer of AMOUNT to bob.
fn transfer(net: &Net, alice: &SigningKey, bob: &SigningKey) -> TransactionEnvelope {
    let sac = net.handle.with_node(|n| n.native_sac().clone()).unwrap();
    let call = invoke(
        &ScAddress::Contract(sac),
        "transfer",
        vec![
            ScVal::Address(ScAddress::Account(account_id(alice))),
            ScVal::Address(ScAddress::Account(account_id(bob))),
            ScVal::I128(Int128Parts { hi: 0, lo: AMOUNT }),
        ],
    );
    net.sign(net.prepare(alice, call), &[alice])
}

fn resource_fee(env: &TransactionEnvelope) -> i64 {
    match env {
        TransactionEnvelope::Tx(e) => match &e.tx.ext {
            TransactionExt::V1(d) => d.resource_fee,
            TransactionExt::V0 => 0,
        },
        _ => panic!("a v1 envelope"),
    }
}

/// The fee events of a getTransaction answer: (payer, amount, stage).
fn fee_events(got: &Value) -> Vec<(ScVal, i128, TransactionEventStage)> {
    got["events"]["transactionEventsXdr"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let e: TransactionEvent = unb64(e.as_str().unwrap());
            let ContractEventBody::V0(body) = e.event.body;
            assert_eq!(body.topics[0], sym("fee"));
            let ScVal::I128(amount) = body.data else {
                panic!("fee amount: {:?}", body.data)
            };
            (
                body.topics[1].clone(),
                i128::from(amount.hi) << 64 | i128::from(amount.lo),
                e.stage,
            )
        })
        .collect()
}

#[test]
fn the_fee_source_pays_for_a_fee_bumped_soroban_transaction() {
    let net = Net::start();
    let (alice, bob, carol) = (key("alice"), key("bob"), key("carol"));
    for k in [&alice, &bob, &carol] {
        net.friendbot(k);
    }
    let inner = transfer(&net, &alice, &bob);
    let inner_hash = inner.hash(net.network_id).unwrap();
    let (a0, b0, c0, seq0) = (
        balance(&net, &alice),
        balance(&net, &bob),
        balance(&net, &carol),
        net.seq(&alice),
    );
    let env = bump(&net, &inner, &carol, 200 + resource_fee(&inner), &[&carol]);
    let got = net.send_and_apply(&env);
    assert_eq!(got["feeBump"], true);
    assert_eq!(
        got["txHash"],
        hex::encode(env.hash(net.network_id).unwrap())
    );
    let result: TransactionResult = unb64(got["resultXdr"].as_str().unwrap());
    let TransactionResultResult::TxFeeBumpInnerSuccess(pair) = &result.result else {
        panic!("{result:?}")
    };
    assert_eq!(pair.transaction_hash.0, inner_hash);
    assert!(matches!(
        pair.result.result,
        InnerTransactionResultResult::TxSuccess(_)
    ));
    // Alice's sequence moved and she paid only the amount; carol paid the fee.
    assert_eq!(net.seq(&alice), seq0 + 1);
    assert_eq!(balance(&net, &alice), a0 - AMOUNT as i64);
    assert_eq!(balance(&net, &bob), b0 + AMOUNT as i64);
    assert_eq!(balance(&net, &carol), c0 - result.fee_charged);
    // The fee events name carol: the bid charged first, the refund after all transactions.
    let fees = fee_events(&got);
    let carol_addr = ScVal::Address(ScAddress::Account(account_id(&carol)));
    assert!(
        fees.iter().all(|(who, _, _)| *who == carol_addr),
        "{fees:?}"
    );
    assert_eq!(fees[0].2, TransactionEventStage::BeforeAllTxs);
    assert_eq!(fees[0].1, i128::from(200 + resource_fee(&inner)));
    assert_eq!(
        fees.iter().map(|f| f.1).sum::<i128>(),
        i128::from(result.fee_charged)
    );
    assert!(fees[1..]
        .iter()
        .all(|f| f.1 < 0 && f.2 == TransactionEventStage::AfterAllTxs));
    // The transfer's event is the fee bump's.
    let sac = net
        .handle
        .with_node(|n| n.native_sac().to_string())
        .unwrap();
    let events = net.result(
        "getEvents",
        json!({ "startLedger": got["ledger"], "filters": [{ "contractIds": [sac] }] }),
    );
    assert_eq!(events["events"][0]["txHash"], got["txHash"]);
    // getTransactions says so too.
    let txs = net.result("getTransactions", json!({ "startLedger": got["ledger"] }));
    assert_eq!(txs["transactions"][0]["feeBump"], true);
}

#[test]
fn a_fee_bumped_payment_that_fails_still_charges_the_fee_source() {
    let net = Net::start();
    let (alice, carol) = (key("alice"), key("carol"));
    net.friendbot(&alice);
    net.friendbot(&carol);
    let c0 = balance(&net, &carol);
    // More than alice has.
    let pay = OperationBody::Payment(PaymentOp {
        destination: MuxedAccount::Ed25519(Uint256(carol.verifying_key().to_bytes())),
        asset: stellar_xdr::Asset::Native,
        amount: i64::MAX / 2,
    });
    let inner = net.sign(net.tx(&alice, pay, 100), &[&alice]);
    let got = net.send_and_close(&bump(&net, &inner, &carol, 200, &[&carol]));
    assert_eq!(got["status"], "FAILED");
    let result: TransactionResult = unb64(got["resultXdr"].as_str().unwrap());
    let TransactionResultResult::TxFeeBumpInnerFailed(pair) = &result.result else {
        panic!("{result:?}")
    };
    assert!(matches!(
        pair.result.result,
        InnerTransactionResultResult::TxFailed(_)
    ));
    assert_eq!(result.fee_charged, 200);
    assert_eq!(balance(&net, &carol), c0 - 200);
}

#[test]
fn wrong_fee_bumps_are_refused_with_cores_codes() {
    let net = Net::start();
    let (alice, bob, carol) = (key("alice"), key("bob"), key("carol"));
    for k in [&alice, &bob, &carol] {
        net.friendbot(k);
    }
    let inner = transfer(&net, &alice, &bob);
    let fee = 200 + resource_fee(&inner);
    let (c0, seq0) = (balance(&net, &carol), net.seq(&alice));
    let outer = |r: TransactionResult| r.result;
    // Signed by someone other than the fee source.
    assert_eq!(
        outer(net.rejected(&bump(&net, &inner, &carol, fee, &[&bob]))),
        TransactionResultResult::TxBadAuth
    );
    // An extra signature nobody needs.
    assert_eq!(
        outer(net.rejected(&bump(&net, &inner, &carol, fee, &[&carol, &bob]))),
        TransactionResultResult::TxBadAuthExtra
    );
    // A bid that does not cover the extra operation's inclusion fee.
    assert_eq!(
        outer(net.rejected(&bump(&net, &inner, &carol, fee - 1, &[&carol]))),
        TransactionResultResult::TxInsufficientFee
    );
    // A fee source that does not exist.
    let nobody = key("nobody");
    assert_eq!(
        outer(net.rejected(&bump(&net, &inner, &nobody, fee, &[&nobody]))),
        TransactionResultResult::TxNoAccount
    );
    // The inner transaction signed by the wrong key, or with a stale sequence number.
    let TransactionEnvelope::Tx(v1) = &inner else {
        unreachable!()
    };
    let forged = net.sign(v1.tx.clone(), &[&bob]);
    let mut stale_tx = v1.tx.clone();
    stale_tx.seq_num.0 -= 1;
    let stale = net.sign(stale_tx, &[&alice]);
    for (inner, code) in [
        (forged, InnerTransactionResultResult::TxBadAuth),
        (stale, InnerTransactionResultResult::TxBadSeq),
    ] {
        let r = net.rejected(&bump(&net, &inner, &carol, fee, &[&carol]));
        let TransactionResultResult::TxFeeBumpInnerFailed(pair) = &r.result else {
            panic!("{r:?}")
        };
        assert_eq!(pair.transaction_hash.0, inner.hash(net.network_id).unwrap());
        assert_eq!(pair.result.result, code);
    }
    // Nothing was charged or moved; the right one goes through (positive control).
    net.close();
    assert_eq!(balance(&net, &carol), c0);
    assert_eq!(net.seq(&alice), seq0);
    let got = net.send_and_apply(&bump(&net, &inner, &carol, fee, &[&carol]));
    assert_eq!(got["feeBump"], true);
}

#[test]
fn plain_transactions_carry_their_fee_events() {
    let net = Net::start();
    let (alice, bob) = (key("alice"), key("bob"));
    net.friendbot(&alice);
    net.friendbot(&bob);
    let got = net.send_and_apply(&transfer(&net, &alice, &bob));
    let result: TransactionResult = unb64(got["resultXdr"].as_str().unwrap());
    let fees = fee_events(&got);
    let alice_addr = ScVal::Address(ScAddress::Account(account_id(&alice)));
    assert_eq!(fees[0].0, alice_addr);
    assert_eq!(
        fees.iter().map(|f| f.1).sum::<i128>(),
        i128::from(result.fee_charged)
    );
    // The meta carries the same events.
    let meta: stellar_xdr::TransactionMeta = unb64(got["resultMetaXdr"].as_str().unwrap());
    let stellar_xdr::TransactionMeta::V4(m) = meta else {
        panic!("meta v4")
    };
    assert_eq!(m.events.len(), fees.len());
}
