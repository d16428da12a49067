//! Writes the input of the SDK decode benchmark (`scripts/sdk-bench.sh`): `N` events of
//! `teachlink_indexer::traffic` (the indexer benchmark's realistic mix of every TeachLink
//! event, 1 in 211 deliberately undecodable), encoded as the contracts emit them, as a
//! Stellar RPC `getEvents` result (`events.json`), and the deployment naming the traffic's
//! contracts (`deployment.json`).
//!
//! ```sh
//! cargo run --release -p teachlink-sdk --example bench_events -- OUT_DIR [N]
//! ```

use std::path::PathBuf;

use teachlink_indexer::decode::{Decoded, RawEvent};
use teachlink_indexer::encode::to_raw;
use teachlink_indexer::traffic;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: bench_events OUT_DIR [N]");
        std::process::exit(2);
    };
    let count: usize = args
        .next()
        .map(|n| n.parse().expect("N is a number"))
        .unwrap_or(100_000);
    let stream = traffic::stream(count);
    let undecodable = stream
        .iter()
        .filter(|d| matches!(d, Decoded::Unknown(..)))
        .count();
    let events: Vec<RawEvent> = stream
        .into_iter()
        .map(|d| match d {
            Decoded::Event(e) => to_raw(&e).expect("the traffic encodes"),
            Decoded::Unknown(raw, _) => raw,
        })
        .collect();
    let last = events.last().expect("at least one event");
    let page = serde_json::json!({
        "events": events,
        "latestLedger": last.ledger,
        "cursor": last.id,
    });
    std::fs::create_dir_all(&out).expect("the output directory");
    let text = serde_json::to_string(&page).expect("JSON");
    std::fs::write(out.join("events.json"), &text).expect("events.json");
    let deployment = serde_json::json!({
        "contracts": {
            "escrow": traffic::ESCROW.to_string(),
            "content": traffic::CONTENT.to_string(),
            "reputation": traffic::REPUTATION.to_string(),
            "rewards": traffic::REWARDS.to_string(),
            "bridge": traffic::BRIDGE.to_string(),
        },
        "start_ledger": events.first().map_or(1, |e| e.ledger),
    });
    std::fs::write(
        out.join("deployment.json"),
        serde_json::to_string_pretty(&deployment).expect("JSON"),
    )
    .expect("deployment.json");
    println!(
        "{} events ({undecodable} undecodable), {:.1} MB of getEvents JSON in {}",
        events.len(),
        text.len() as f64 / 1e6,
        out.display()
    );
}
