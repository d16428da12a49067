//! End-to-end: a TeachLink contract uploaded, deployed and invoked through localnet's Stellar
//! RPC with real signed transactions, its events read back with getEvents; and each rejection.

mod common;

use common::*;
use serde_json::json;
use stellar_xdr::{
    ContractExecutable, ContractIdPreimage, ContractIdPreimageFromAddress, CreateContractArgsV2,
    HostFunction, OperationBody, PaymentOp, ScAddress, ScVal, TransactionEnvelope,
    TransactionResultResult, Uint256,
};

/// Uploads and deploys the reputation contract (admin = `admin`); returns its address.
fn deploy_reputation(net: &Net, admin: &ed25519_dalek::SigningKey) -> ScAddress {
    let wasm = contract_wasm("reputation");
    let upload = net.prepare(
        admin,
        HostFunction::UploadContractWasm(wasm.clone().try_into().unwrap()),
    );
    let got = net.send_and_apply(&net.sign(upload, &[admin]));
    let wasm_hash = hash_of(&return_value(&got));
    assert_eq!(wasm_hash.0, teachlink_localnet::sha256(&wasm));

    let create = HostFunction::CreateContractV2(CreateContractArgsV2 {
        contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
            address: ScAddress::Account(account_id(admin)),
            salt: Uint256([7; 32]),
        }),
        executable: ContractExecutable::Wasm(wasm_hash),
        constructor_args: vec![
            ScVal::Address(ScAddress::Account(account_id(admin))),
            ScVal::U64(teachlink_localnet::deploy::TIMELOCK_DELAY),
        ]
        .try_into()
        .unwrap(),
    });
    let deploy = net.prepare(admin, create);
    let got = net.send_and_apply(&net.sign(deploy, &[admin]));
    match return_value(&got) {
        ScVal::Address(a @ ScAddress::Contract(_)) => a,
        other => panic!("deploy returned {other:?}"),
    }
}

#[test]
fn upload_deploy_invoke_and_read_events() {
    let net = Net::start();
    let alice = key("alice");
    net.friendbot(&alice);

    let contract = deploy_reputation(&net, &alice);
    let contract_id = match &contract {
        ScAddress::Contract(c) => c.to_string(),
        _ => unreachable!(),
    };

    // The constructor ran: admin() returns alice (read-only call, simulation only).
    let admin_call = net.tx(
        &alice,
        OperationBody::InvokeHostFunction(stellar_xdr::InvokeHostFunctionOp {
            host_function: invoke(&contract, "admin", vec![]),
            auth: Default::default(),
        }),
        100,
    );
    let sim = net.result(
        "simulateTransaction",
        json!({ "transaction": b64(&TransactionEnvelope::Tx(stellar_xdr::TransactionV1Envelope {
            tx: admin_call, signatures: Default::default() })) }),
    );
    let admin: ScVal = unb64(sim["results"][0]["xdr"].as_str().unwrap());
    assert_eq!(
        admin,
        ScVal::Address(ScAddress::Account(account_id(&alice)))
    );

    // Two contributions by alice (source-account auth), each in its own ledger.
    let mut ledgers = Vec::new();
    for (i, reference) in [[1u8; 32], [2u8; 32]].into_iter().enumerate() {
        let call = invoke(
            &contract,
            "record_contribution",
            vec![
                ScVal::Address(ScAddress::Account(account_id(&alice))),
                sym("lesson"),
                bytes32(reference),
            ],
        );
        let tx = net.prepare(&alice, call);
        let got = net.send_and_apply(&net.sign(tx, &[&alice]));
        assert_eq!(return_value(&got), ScVal::U64(i as u64 + 1));
        assert_eq!(got["applicationOrder"], 1);
        assert_eq!(got["feeBump"], false);
        let events = got["events"]["contractEventsXdr"][0].as_array().unwrap();
        assert_eq!(events.len(), 1, "one contract event: {got}");
        ledgers.push(got["ledger"].as_u64().unwrap() as u32);
    }

    // getEvents: by contract id and topic (name + wildcard + trailing **).
    let topic = b64(&sym("contribution_recorded"));
    let page = net.result(
        "getEvents",
        json!({
            "startLedger": ledgers[0],
            "filters": [{ "type": "contract", "contractIds": [contract_id], "topics": [[topic, "*", "**"]] }],
            "pagination": { "limit": 1 },
        }),
    );
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{page}");
    let e = &events[0];
    assert_eq!(e["type"], "contract");
    assert_eq!(e["ledger"], ledgers[0]);
    assert_eq!(e["contractId"], contract_id);
    assert_eq!(e["transactionIndex"], 1);
    assert_eq!(e["operationIndex"], 0);
    let topics: Vec<ScVal> = e["topic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| unb64(t.as_str().unwrap()))
        .collect();
    assert_eq!(topics[0], sym("contribution_recorded"));
    assert_eq!(topics[1], ScVal::U64(1));
    assert_eq!(
        topics[2],
        ScVal::Address(ScAddress::Account(account_id(&alice)))
    );
    let id = e["id"].as_str().unwrap();
    let toid = (u64::from(ledgers[0]) << 32) | (1 << 12);
    assert_eq!(id, format!("{toid:019}-{:010}", 0));
    // The page was full, so the cursor is the last event's id; the next page has the second.
    assert_eq!(page["cursor"], id);
    let next = net.result(
        "getEvents",
        json!({
            "filters": [{ "contractIds": [contract_id] }],
            "pagination": { "cursor": id, "limit": 10 },
        }),
    );
    let events = next["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{next}");
    assert_eq!(events[0]["ledger"], ledgers[1]);
    let topics: Vec<ScVal> = events[0]["topic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| unb64(t.as_str().unwrap()))
        .collect();
    assert_eq!(topics[1], ScVal::U64(2));

    // A filter that matches nothing: wrong topic count without `**`.
    let none = net.result(
        "getEvents",
        json!({ "startLedger": ledgers[0], "filters": [{ "topics": [[b64(&sym("contribution_recorded"))]] }] }),
    );
    assert_eq!(none["events"].as_array().unwrap().len(), 0);

    // The contract's state is readable with getLedgerEntries (instance, with a TTL).
    let instance = stellar_xdr::LedgerKey::ContractData(stellar_xdr::LedgerKeyContractData {
        contract: contract.clone(),
        key: ScVal::LedgerKeyContractInstance,
        durability: stellar_xdr::ContractDataDurability::Persistent,
    });
    let entries = net.result("getLedgerEntries", json!({ "keys": [b64(&instance)] }));
    let entry = &entries["entries"][0];
    assert!(entry["liveUntilLedgerSeq"].as_u64().unwrap() > u64::from(ledgers[1]));
}

#[test]
fn network_and_ledger_methods() {
    let net = Net::start();
    let health = net.result("getHealth", json!({}));
    assert_eq!(health["status"], "healthy");
    let network = net.result("getNetwork", json!({}));
    assert_eq!(
        network["passphrase"],
        teachlink_localnet::DEFAULT_PASSPHRASE
    );
    assert_eq!(network["protocolVersion"], 27);
    let version = net.result("getVersionInfo", json!({}));
    assert_eq!(version["protocolVersion"], 27);
    let before = net.result("getLatestLedger", json!({}));
    // Genesis is ledger 1; ledger 2 deployed the native-asset contract.
    assert_eq!(before["sequence"], 2);
    let header: stellar_xdr::LedgerHeader = unb64(before["headerXdr"].as_str().unwrap());
    assert_eq!(header.ledger_seq, 2);
    assert_eq!(header.ledger_version, 27);
    let meta: stellar_xdr::LedgerCloseMeta = unb64(before["metadataXdr"].as_str().unwrap());
    assert!(matches!(meta, stellar_xdr::LedgerCloseMeta::V2(_)));
    net.close();
    let after = net.result("getLatestLedger", json!({}));
    assert_eq!(after["sequence"], 3);
    let fees = net.result("getFeeStats", json!({}));
    assert_eq!(fees["sorobanInclusionFee"]["p50"], "100");
    assert_eq!(fees["latestLedger"], 3);

    // The native asset contract answers through simulation: the root account's balance.
    let alice = key("alice");
    net.friendbot(&alice);
    let sac = net.handle.with_node(|n| n.native_sac().clone()).unwrap();
    let tx = net.tx(
        &alice,
        OperationBody::InvokeHostFunction(stellar_xdr::InvokeHostFunctionOp {
            host_function: invoke(
                &ScAddress::Contract(sac),
                "balance",
                vec![ScVal::Address(ScAddress::Account(account_id(&alice)))],
            ),
            auth: Default::default(),
        }),
        100,
    );
    let sim = net.result(
        "simulateTransaction",
        json!({ "transaction": b64(&TransactionEnvelope::Tx(stellar_xdr::TransactionV1Envelope {
            tx, signatures: Default::default() })) }),
    );
    let balance: ScVal = unb64(sim["results"][0]["xdr"].as_str().unwrap());
    assert_eq!(
        balance,
        ScVal::I128(stellar_xdr::Int128Parts {
            hi: 0,
            lo: 10_000 * 10_000_000
        })
    );
}

#[test]
fn rejects_bad_signature() {
    let net = Net::start();
    let alice = key("alice");
    let mallory = key("mallory");
    net.friendbot(&alice);
    let tx = net.tx(&alice, payment_to(&mallory), 100);
    let result = net.rejected(&net.sign(tx, &[&mallory]));
    assert_eq!(result.result, TransactionResultResult::TxBadAuth);
}

#[test]
fn rejects_wrong_sequence() {
    let net = Net::start();
    let alice = key("alice");
    net.friendbot(&alice);
    let mut tx = net.tx(&alice, payment_to(&key("bob")), 100);
    tx.seq_num.0 += 5;
    let result = net.rejected(&net.sign(tx, &[&alice]));
    assert_eq!(result.result, TransactionResultResult::TxBadSeq);
}

#[test]
fn rejects_too_low_fee() {
    let net = Net::start();
    let alice = key("alice");
    net.friendbot(&alice);
    // A Soroban transaction whose fee covers the resource fee but not the inclusion fee.
    let mut tx = net.prepare(
        &alice,
        HostFunction::UploadContractWasm(contract_wasm("reputation").try_into().unwrap()),
    );
    tx.fee -= 60;
    let result = net.rejected(&net.sign(tx, &[&alice]));
    assert_eq!(result.result, TransactionResultResult::TxInsufficientFee);
    // A classic payment below the base fee.
    let tx = net.tx(&alice, payment_to(&key("bob")), 10);
    let result = net.rejected(&net.sign(tx, &[&alice]));
    assert_eq!(result.result, TransactionResultResult::TxInsufficientFee);
}

#[test]
fn rejects_malformed_xdr_and_requests() {
    let net = Net::start();
    for tx in ["not base64!", "AAAA", ""] {
        let r = net.call("sendTransaction", json!({ "transaction": tx }));
        assert_eq!(r["error"]["code"], -32602, "{r}");
        assert_eq!(r["error"]["message"], "invalid_xdr");
        // As stellar-rpc: simulation reports it in the result, not as a JSON-RPC error.
        let r = net.result("simulateTransaction", json!({ "transaction": tx }));
        assert_eq!(r["error"], "Could not unmarshal transaction", "{r}");
    }
    let r = net.call("sendTransaction", json!({}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = net.post_raw("{not json");
    assert_eq!(r["error"]["code"], -32700, "{r}");
    let r = net.post_raw(r#"{"jsonrpc":"1.0","id":1,"method":"getHealth"}"#);
    assert_eq!(r["error"]["code"], -32600, "{r}");
    let r = net.call("getTransaction", json!({ "hash": "abc" }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // getEvents: outside the retained range, with stellar-rpc's message.
    let r = net.call("getEvents", json!({ "startLedger": 99 }));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    assert_eq!(
        r["error"]["message"],
        "startLedger must be within the ledger range: 1 - 2"
    );
    let r = net.call(
        "getEvents",
        json!({ "startLedger": 1, "pagination": { "limit": 10_001 } }),
    );
    assert_eq!(r["error"]["message"], "limit must not exceed 10000");
    let r = net.call(
        "getEvents",
        json!({ "startLedger": 1, "filters": [{ "topics": [["**", "*"]] }] }),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // The server is still healthy after all of that.
    assert_eq!(net.result("getHealth", json!({}))["status"], "healthy");
}

#[test]
fn rejects_unknown_method() {
    let net = Net::start();
    let r = net.call("getEverything", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    assert_eq!(r["id"], 7);
}

#[test]
fn friendbot_answers_like_the_public_one() {
    let net = Net::start();
    let carol = key("carol");
    // POST, as @stellar/stellar-sdk's requestAirdrop sends it.
    let r: serde_json::Value = net
        .http
        .post(format!(
            "{}?addr={}",
            net.handle.friendbot_url(),
            address(&carol)
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let meta: stellar_xdr::TransactionMeta = unb64(r["result_meta_xdr"].as_str().unwrap());
    let stellar_xdr::TransactionMeta::V4(m) = meta else {
        panic!("meta v4")
    };
    let created = m.operations[0].changes.iter().any(|c| {
        matches!(c, stellar_xdr::LedgerEntryChange::Created(e)
            if matches!(&e.data, stellar_xdr::LedgerEntryData::Account(a) if a.account_id == account_id(&carol)))
    });
    assert!(created, "{r}");
    // Again: already exists.
    let again = net
        .http
        .get(net.handle.friendbot_url())
        .query(&[("addr", address(&carol))])
        .send()
        .unwrap();
    assert_eq!(again.status().as_u16(), 400);
    let body: serde_json::Value = again.json().unwrap();
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("createAccountAlreadyExist"));
    let bad = net
        .http
        .get(net.handle.friendbot_url())
        .query(&[("addr", "GNOPE")])
        .send()
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

#[test]
fn duplicate_submission_is_reported() {
    let net = Net::start();
    let alice = key("alice");
    net.friendbot(&alice);
    let env = net.sign(net.tx(&alice, payment_to(&key("bob")), 100), &[&alice]);
    assert_eq!(net.send(&env)["status"], "PENDING");
    assert_eq!(net.send(&env)["status"], "DUPLICATE");
}

fn payment_to(dest: &ed25519_dalek::SigningKey) -> OperationBody {
    OperationBody::Payment(PaymentOp {
        destination: stellar_xdr::MuxedAccount::Ed25519(Uint256(dest.verifying_key().to_bytes())),
        asset: stellar_xdr::Asset::Native,
        amount: 1_000,
    })
}

#[test]
fn get_transactions_pages_by_toid() {
    let net = Net::start();
    let alice = key("alice");
    net.friendbot(&alice); // ledger 3
    let all = net.result("getTransactions", json!({ "startLedger": 1 }));
    let txs = all["transactions"].as_array().unwrap();
    // Ledger 2: the native asset contract deployment; ledger 3: friendbot.
    assert_eq!(txs.len(), 2, "{all}");
    assert_eq!(txs[0]["ledger"], 2);
    assert_eq!(txs[0]["status"], "SUCCESS");
    assert!(txs[0]["createdAt"].is_u64());
    let page = net.result(
        "getTransactions",
        json!({ "startLedger": 1, "pagination": { "limit": 1 } }),
    );
    assert_eq!(page["transactions"].as_array().unwrap().len(), 1);
    let cursor = page["cursor"].as_str().unwrap().to_string();
    assert_eq!(cursor, ((2u64 << 32) | (1 << 12) | 1).to_string());
    let next = net.result(
        "getTransactions",
        json!({ "pagination": { "cursor": cursor } }),
    );
    let txs = next["transactions"].as_array().unwrap();
    assert_eq!(txs.len(), 1, "{next}");
    assert_eq!(txs[0]["ledger"], 3);
    let r = net.call("getTransactions", json!({ "startLedger": 50 }));
    assert_eq!(r["error"]["code"], -32600, "{r}");
}

#[test]
fn history_outside_the_retention_window_is_dropped() {
    let net = Net::start_with(teachlink_localnet::Config {
        retention_ledgers: 5,
        ..teachlink_localnet::Config::for_tests()
    });
    let alice = key("alice");
    // Friendbot closes ledger 3; a payment to herself (valid) lands in ledger 4.
    net.friendbot(&alice);
    let sent = net.send(&net.sign(net.tx(&alice, payment_to(&alice), 100), &[&alice]));
    net.close(); // ledger 4
    let hash = sent["hash"].clone();
    assert_eq!(
        net.result("getTransaction", json!({ "hash": hash }))["status"],
        "SUCCESS"
    );
    for _ in 0..5 {
        net.close();
    }
    // Latest is 9; ledgers 5..=9 are kept.
    let health = net.result("getHealth", json!({}));
    assert_eq!(
        (
            health["oldestLedger"].clone(),
            health["latestLedger"].clone()
        ),
        (json!(5), json!(9))
    );
    let got = net.result("getTransaction", json!({ "hash": hash }));
    assert_eq!(got["status"], "NOT_FOUND");
    assert_eq!(got["oldestLedger"], 5);
    let r = net.call("getEvents", json!({ "startLedger": 4 }));
    assert_eq!(
        r["error"]["message"],
        "startLedger must be within the ledger range: 5 - 9"
    );
    let ok = net.result("getEvents", json!({ "startLedger": 5 }));
    assert_eq!(ok["events"].as_array().unwrap().len(), 0);
    // With no events the cursor marks the end of the scanned range.
    assert_eq!(
        ok["cursor"],
        format!(
            "{:019}-{:010}",
            (9u64 << 32) | 0xFFFFF << 12 | 0xFFF,
            u32::MAX
        )
    );
}

#[test]
fn browsers_on_localhost_origins_may_call_it() {
    let net = Net::start();
    // The preflight a browser sends before a JSON POST from another origin.
    let preflight = net
        .http
        .request(reqwest::Method::OPTIONS, net.handle.url())
        .header("Origin", "http://127.0.0.1:8080")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let allowed = |r: &reqwest::blocking::Response, h: &str| {
        r.headers()
            .get(h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(
        allowed(&preflight, "access-control-allow-origin").as_deref(),
        Some("http://127.0.0.1:8080")
    );
    // And the call itself carries the header the browser checks.
    let call = net
        .http
        .post(net.handle.url())
        .header("Origin", "http://127.0.0.1:8080")
        .json(&serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": "getHealth" }))
        .send()
        .unwrap();
    assert_eq!(
        allowed(&call, "access-control-allow-origin").as_deref(),
        Some("http://127.0.0.1:8080")
    );
}
