//! Throughput of localnet over its JSON-RPC surface: transactions applied per second (ledger
//! close of a batch of native-asset transfers, each a real contract call with auth and an event)
//! and getEvents pages served per second. Run: `cargo bench -p teachlink-localnet`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::*;
use serde_json::json;
use stellar_xdr::{ScAddress, ScVal};

/// Ledgers of 40 transfers each.
const ROUNDS: u8 = 5;
/// getEvents is paged over the whole range again and again for at least this long.
const PAGING_SECONDS: f64 = 3.0;

fn main() {
    let net = Net::start();
    let admin = key("admin");
    net.friendbot(&admin);
    let sac = ScAddress::Contract(net.handle.with_node(|n| n.native_sac().clone()).unwrap());
    let users: Vec<_> = (0..40).map(|i| key(&format!("user{i}"))).collect();
    for u in &users {
        net.friendbot(u);
    }
    let (mut applied, mut apply_secs) = (0usize, 0f64);
    for round in 0..ROUNDS {
        let envs: Vec<_> = users
            .iter()
            .map(|u| {
                // Native-asset transfers to an existing account: a real contract call with auth
                // and an event, whose simulations stay valid when applied in one ledger (a
                // shared counter or a not-yet-created entry would make later ones stale).
                let call = invoke(
                    &sac,
                    "transfer",
                    vec![
                        ScVal::Address(ScAddress::Account(account_id(u))),
                        ScVal::Address(ScAddress::Account(account_id(&admin))),
                        ScVal::I128(stellar_xdr::Int128Parts {
                            hi: 0,
                            lo: 10_000_000 + u64::from(round),
                        }),
                    ],
                );
                net.sign(net.prepare(u, call), &[u])
            })
            .collect();
        let hashes: Vec<_> = envs
            .iter()
            .map(|e| {
                let sent = net.send(e);
                assert_eq!(sent["status"], "PENDING");
                sent["hash"].clone()
            })
            .collect();
        let t = Instant::now();
        net.close();
        apply_secs += t.elapsed().as_secs_f64();
        for h in hashes {
            let got = net.result("getTransaction", json!({ "hash": h }));
            if got["status"] != "SUCCESS" {
                for d in got["diagnosticEventsXdr"].as_array().unwrap() {
                    let e: stellar_xdr::DiagnosticEvent = unb64(d.as_str().unwrap());
                    eprintln!("{:?}", e.event.body);
                }
                eprintln!(
                    "{:?}",
                    unb64::<stellar_xdr::TransactionResult>(got["resultXdr"].as_str().unwrap())
                );
            }
            assert_eq!(got["status"], "SUCCESS");
        }
        applied += envs.len();
    }
    let start = net.latest() - u32::from(ROUNDS) + 1;
    let t = Instant::now();
    let mut pages = 0u64;
    let mut events = 0u64;
    while t.elapsed().as_secs_f64() < PAGING_SECONDS {
        let mut cursor: Option<String> = None;
        loop {
            let params = match &cursor {
                None => json!({ "startLedger": start, "pagination": { "limit": 10 } }),
                Some(c) => json!({ "pagination": { "cursor": c, "limit": 10 } }),
            };
            let page = net.result("getEvents", params);
            pages += 1;
            let n = page["events"].as_array().expect("events").len();
            events += n as u64;
            cursor = Some(page["cursor"].as_str().expect("cursor").to_string());
            if n < 10 {
                break;
            }
        }
    }
    let page_secs = t.elapsed().as_secs_f64();
    println!(
        "applied {applied} invocations in {apply_secs:.3}s: {:.0} tx/s",
        applied as f64 / apply_secs
    );
    println!(
        "served {pages} getEvents pages of up to 10 ({events} events) in {page_secs:.3}s: \
         {:.0} pages/s",
        pages as f64 / page_secs
    );
}
