//! Request and answer shapes as stellar-rpc has them, for clients other than the one we test
//! with: `null` read as absent, `txHash` in every getTransaction answer, getLedgers, and
//! `xdrFormat: "json"` (stellar-xdr's serde JSON) on every method that takes it.

mod common;

use common::*;
use serde::Serialize;
use serde_json::{json, Value};
use stellar_xdr::{
    DiagnosticEvent, LedgerCloseMeta, LedgerEntryData, LedgerEntryExt, LedgerHeaderHistoryEntry,
    LedgerKey, LedgerKeyAccount, OperationBody, PaymentOp, ReadXdr, ScAddress, ScVal,
    SorobanTransactionData, TransactionEnvelope, TransactionEvent, TransactionMeta,
    TransactionResult, Uint256,
};

fn payment(dest: &ed25519_dalek::SigningKey, amount: i64) -> OperationBody {
    OperationBody::Payment(PaymentOp {
        destination: stellar_xdr::MuxedAccount::Ed25519(Uint256(dest.verifying_key().to_bytes())),
        asset: stellar_xdr::Asset::Native,
        amount,
    })
}

/// stellar-xdr's JSON of the base64 XDR `s`, as type `T`.
fn json_of<T: ReadXdr + Serialize>(s: &Value) -> Value {
    serde_json::to_value(unb64::<T>(s.as_str().expect("base64 string"))).unwrap()
}

#[test]
fn null_members_read_as_absent() {
    let net = Net::start();
    let sac = net
        .handle
        .with_node(|n| n.native_sac().to_string())
        .unwrap();
    // As the Python SDK sends a filter without topics and a first page.
    let got = net.result(
        "getEvents",
        json!({
            "startLedger": 1,
            "endLedger": null,
            "filters": [{ "type": null, "contractIds": [sac], "topics": null }],
            "pagination": { "cursor": null, "limit": null },
            "xdrFormat": null,
        }),
    );
    assert!(got["events"].is_array(), "{got}");
    let got = net.result(
        "getTransactions",
        json!({ "startLedger": 1, "pagination": { "cursor": null, "limit": null } }),
    );
    assert_eq!(got["transactions"].as_array().unwrap().len(), 1, "{got}");
    // A required member that is null is still missing.
    let r = net.call("getTransaction", json!({ "hash": null }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
}

#[test]
fn get_transaction_names_the_hash_in_every_answer() {
    let net = Net::start();
    let hash = "ab".repeat(32);
    let got = net.result("getTransaction", json!({ "hash": hash }));
    assert_eq!(got["status"], "NOT_FOUND");
    assert_eq!(got["txHash"], hash);
    assert!(got["latestLedger"].is_u64());
    let alice = key("alice");
    net.friendbot(&alice);
    net.friendbot(&key("bob"));
    let env = net.sign(net.tx(&alice, payment(&key("bob"), 1_000), 100), &[&alice]);
    let sent = net.send(&env);
    let hash = sent["hash"].as_str().unwrap();
    let pending = net.result("getTransaction", json!({ "hash": hash }));
    assert_eq!(pending["status"], "NOT_FOUND");
    assert_eq!(pending["txHash"], hash);
    net.close();
    let done = net.result("getTransaction", json!({ "hash": hash }));
    assert_eq!(done["status"], "SUCCESS");
    assert_eq!(done["txHash"], hash);
    assert_eq!(done["feeBump"], false);
}

#[test]
fn get_ledgers_pages_through_the_retained_ledgers() {
    let net = Net::start();
    for _ in 0..4 {
        net.close();
    }
    // Ledgers 1..=6: genesis, the native asset contract, four empty closes.
    let page = net.result(
        "getLedgers",
        json!({ "startLedger": 1, "pagination": { "limit": 2 } }),
    );
    let ledgers = page["ledgers"].as_array().unwrap();
    assert_eq!(ledgers.len(), 2, "{page}");
    assert_eq!(page["cursor"], "2");
    assert_eq!(page["latestLedger"], 6);
    assert_eq!(page["oldestLedger"], 1);
    assert!(page["latestLedgerCloseTime"].is_u64());
    for (i, l) in ledgers.iter().enumerate() {
        let seq = i as u32 + 1;
        assert_eq!(l["sequence"], seq);
        let entry: LedgerHeaderHistoryEntry = unb64(l["headerXdr"].as_str().unwrap());
        assert_eq!(entry.header.ledger_seq, seq);
        assert_eq!(hex::encode(entry.hash.0), l["hash"].as_str().unwrap());
        assert_eq!(
            l["ledgerCloseTime"],
            entry.header.scp_value.close_time.0.to_string()
        );
        let LedgerCloseMeta::V2(meta) = unb64(l["metadataXdr"].as_str().unwrap()) else {
            panic!("meta v2")
        };
        assert_eq!(meta.ledger_header, entry);
        // Ledger 2's meta carries the native asset contract's deployment.
        assert_eq!(meta.tx_processing.len(), usize::from(seq == 2));
    }
    // The latest ledger's meta is getLatestLedger's.
    let latest = net.result("getLatestLedger", json!({}));
    let tail = net.result("getLedgers", json!({ "startLedger": 6 }));
    assert_eq!(tail["ledgers"][0]["metadataXdr"], latest["metadataXdr"]);
    assert_eq!(tail["ledgers"][0]["hash"], latest["id"]);

    let next = net.result("getLedgers", json!({ "pagination": { "cursor": "2" } }));
    let seqs: Vec<_> = next["ledgers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [3, 4, 5, 6]);
    assert_eq!(next["cursor"], "6");

    // Refused: out of range, both start and cursor, too large a page, a bad cursor.
    for (params, code) in [
        (json!({ "startLedger": 7 }), -32600),
        (json!({ "startLedger": 0 }), -32600),
        (
            json!({ "startLedger": 2, "pagination": { "cursor": "2" } }),
            -32600,
        ),
        (
            json!({ "startLedger": 2, "pagination": { "limit": 201 } }),
            -32600,
        ),
        (json!({ "pagination": { "cursor": "six" } }), -32602),
        (json!({ "pagination": { "cursor": "6" } }), -32602),
        (json!({ "startLedger": 2, "xdrFormat": "yaml" }), -32602),
    ] {
        let r = net.call("getLedgers", params.clone());
        assert_eq!(r["error"]["code"], code, "{params}: {r}");
    }
}

#[test]
fn xdr_format_json_on_every_method_that_takes_it() {
    let net = Net::start();
    let alice = key("alice");
    net.friendbot(&alice);
    net.friendbot(&key("bob"));
    let sac = net.handle.with_node(|n| n.native_sac().clone()).unwrap();
    let call = invoke(
        &ScAddress::Contract(sac.clone()),
        "transfer",
        vec![
            ScVal::Address(ScAddress::Account(account_id(&alice))),
            ScVal::Address(ScAddress::Account(account_id(&key("bob")))),
            ScVal::I128(stellar_xdr::Int128Parts { hi: 0, lo: 5 }),
        ],
    );
    let prepared = net.prepare(&alice, call);
    let unsigned = TransactionEnvelope::Tx(stellar_xdr::TransactionV1Envelope {
        tx: prepared.clone(),
        signatures: Default::default(),
    });

    // simulateTransaction.
    let params = json!({ "transaction": b64(&unsigned) });
    let sim = net.result("simulateTransaction", params.clone());
    let mut with_json = params;
    with_json["xdrFormat"] = json!("json");
    let sim_json = net.result("simulateTransaction", with_json);
    assert_eq!(
        sim_json["transactionDataJson"],
        json_of::<SorobanTransactionData>(&sim["transactionData"])
    );
    assert!(sim_json.get("transactionData").is_none());
    assert_eq!(
        sim_json["results"][0]["returnValueJson"],
        json_of::<ScVal>(&sim["results"][0]["xdr"])
    );
    assert_eq!(
        sim_json["results"][0]["authJson"][0],
        json_of::<stellar_xdr::SorobanAuthorizationEntry>(&sim["results"][0]["auth"][0])
    );
    assert_eq!(
        sim_json["eventsJson"][0],
        json_of::<DiagnosticEvent>(&sim["events"][0])
    );
    assert_eq!(
        sim_json["stateChanges"][0]["afterJson"],
        json_of::<stellar_xdr::LedgerEntry>(&sim["stateChanges"][0]["after"])
    );
    assert_eq!(
        sim_json["stateChanges"][0]["keyJson"],
        json_of::<LedgerKey>(&sim["stateChanges"][0]["key"])
    );
    assert_eq!(sim_json["minResourceFee"], sim["minResourceFee"]);

    // sendTransaction's error result.
    let forged = net.sign(prepared.clone(), &[&key("mallory")]);
    let refused = net.result(
        "sendTransaction",
        json!({ "transaction": b64(&forged), "xdrFormat": "json" }),
    );
    assert_eq!(refused["status"], "ERROR");
    assert_eq!(refused["errorResultJson"]["result"], json!("tx_bad_auth"));

    // getTransaction / getTransactions.
    let got = net.send_and_apply(&net.sign(prepared, &[&alice]));
    let hash = got["txHash"].clone();
    let tx_json = net.result(
        "getTransaction",
        json!({ "hash": hash, "xdrFormat": "json" }),
    );
    for (xdr, js) in [
        ("envelopeXdr", "envelopeJson"),
        ("resultXdr", "resultJson"),
        ("resultMetaXdr", "resultMetaJson"),
    ] {
        assert!(tx_json.get(xdr).is_none(), "{xdr} in a JSON answer");
        let expected = match xdr {
            "envelopeXdr" => json_of::<TransactionEnvelope>(&got[xdr]),
            "resultXdr" => json_of::<TransactionResult>(&got[xdr]),
            _ => json_of::<TransactionMeta>(&got[xdr]),
        };
        assert_eq!(tx_json[js], expected, "{js}");
    }
    assert_eq!(
        tx_json["events"]["transactionEventsJson"][0],
        json_of::<TransactionEvent>(&got["events"]["transactionEventsXdr"][0])
    );
    assert_eq!(
        tx_json["events"]["contractEventsJson"][0][0],
        json_of::<stellar_xdr::ContractEvent>(&got["events"]["contractEventsXdr"][0][0])
    );
    let ledger = got["ledger"].as_u64().unwrap();
    let txs = net.result(
        "getTransactions",
        json!({ "startLedger": ledger, "xdrFormat": "json" }),
    );
    assert_eq!(
        txs["transactions"][0]["envelopeJson"],
        tx_json["envelopeJson"]
    );

    // getEvents.
    let filter = json!([{ "contractIds": [sac.to_string()] }]);
    let ev = net.result(
        "getEvents",
        json!({ "startLedger": ledger, "filters": filter }),
    );
    let ev_json = net.result(
        "getEvents",
        json!({ "startLedger": ledger, "filters": filter, "xdrFormat": "json" }),
    );
    let (e, ej) = (&ev["events"][0], &ev_json["events"][0]);
    assert_eq!(ej["topicJson"][0], json_of::<ScVal>(&e["topic"][0]));
    assert_eq!(ej["topicJson"][0], json!({ "symbol": "transfer" }));
    assert_eq!(ej["valueJson"], json_of::<ScVal>(&e["value"]));
    assert!(ej.get("topic").is_none() && ej.get("value").is_none());
    assert_eq!(ej["id"], e["id"]);

    // getLedgerEntries.
    let account = LedgerKey::Account(LedgerKeyAccount {
        account_id: account_id(&alice),
    });
    let entries = net.result("getLedgerEntries", json!({ "keys": [b64(&account)] }));
    let e = &entries["entries"][0];
    let _: LedgerEntryData = unb64(e["xdr"].as_str().unwrap());
    let _: LedgerEntryExt = unb64(e["extXdr"].as_str().unwrap());
    let entries_json = net.result(
        "getLedgerEntries",
        json!({ "keys": [b64(&account)], "xdrFormat": "json" }),
    );
    let ej = &entries_json["entries"][0];
    assert_eq!(ej["keyJson"], serde_json::to_value(&account).unwrap());
    assert_eq!(ej["dataJson"], json_of::<LedgerEntryData>(&e["xdr"]));
    assert_eq!(ej["extJson"], json_of::<LedgerEntryExt>(&e["extXdr"]));
    assert_eq!(ej["lastModifiedLedgerSeq"], e["lastModifiedLedgerSeq"]);

    // getLedgers.
    let l = net.result("getLedgers", json!({ "startLedger": ledger }));
    let lj = net.result(
        "getLedgers",
        json!({ "startLedger": ledger, "xdrFormat": "json" }),
    );
    assert_eq!(
        lj["ledgers"][0]["headerJson"],
        json_of::<LedgerHeaderHistoryEntry>(&l["ledgers"][0]["headerXdr"])
    );
    assert_eq!(
        lj["ledgers"][0]["metadataJson"],
        json_of::<LedgerCloseMeta>(&l["ledgers"][0]["metadataXdr"])
    );

    // An unknown format is refused everywhere.
    for method in [
        "getTransaction",
        "getEvents",
        "getLedgerEntries",
        "getLedgers",
    ] {
        let params = json!({ "hash": hash, "keys": [], "startLedger": ledger, "xdrFormat": "xml" });
        let r = net.call(method, params);
        assert_eq!(r["error"]["code"], -32602, "{method}: {r}");
    }
}

#[test]
fn v0_envelopes_are_accepted_and_hashed_as_v1() {
    use ed25519_dalek::Signer;
    let net = Net::start();
    let (alice, bob) = (key("alice"), key("bob"));
    net.friendbot(&alice);
    net.friendbot(&bob);
    let tx = net.tx(&alice, payment(&bob, 1_000), 100);
    let v0 = stellar_xdr::TransactionV0 {
        source_account_ed25519: Uint256(alice.verifying_key().to_bytes()),
        fee: tx.fee,
        seq_num: tx.seq_num.clone(),
        time_bounds: None,
        memo: tx.memo.clone(),
        operations: tx.operations.clone(),
        ext: stellar_xdr::TransactionV0Ext::V0,
    };
    let v1 = net.sign(tx, &[&alice]);
    let hash = v1.hash(net.network_id).unwrap();
    let TransactionEnvelope::Tx(signed) = &v1 else {
        unreachable!()
    };
    let env = TransactionEnvelope::TxV0(stellar_xdr::TransactionV0Envelope {
        tx: v0,
        signatures: signed.signatures.clone(),
    });
    assert_eq!(env.hash(net.network_id).unwrap(), hash);
    let got = net.send_and_apply(&env);
    assert_eq!(got["txHash"], hex::encode(hash));
    // A v0 envelope signed by someone else is refused like a v1 one.
    let mut forged = env.clone();
    if let TransactionEnvelope::TxV0(e) = &mut forged {
        e.tx.seq_num.0 += 1;
        let h = stellar_xdr::TransactionEnvelope::TxV0(e.clone())
            .hash(net.network_id)
            .unwrap();
        let pk = bob.verifying_key().to_bytes();
        e.signatures = vec![stellar_xdr::DecoratedSignature {
            hint: stellar_xdr::SignatureHint([pk[28], pk[29], pk[30], pk[31]]),
            signature: stellar_xdr::Signature(bob.sign(&h).to_bytes().to_vec().try_into().unwrap()),
        }]
        .try_into()
        .unwrap();
    }
    assert_eq!(
        net.rejected(&forged).result,
        stellar_xdr::TransactionResultResult::TxBadAuth
    );
}
