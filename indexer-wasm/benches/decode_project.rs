//! Decode + project throughput: 100,000 events shaped like TeachLink's real traffic
//! (`teachlink_indexer::traffic`: escrow purchases with approvals, NFT mints and sales,
//! completions, contributions and ratings, rewards, bridge transfers, a few undecodable), encoded as the contracts emit them and as `getEvents` returns them,
//! decoded and projected into the memory store in pages of 1,000.
//!
//! `cargo bench -p teachlink-indexer --bench decode_project`

use std::time::Instant;

use teachlink_indexer::decode::{ContractKind, Decoded, Decoder, RawEvent};
use teachlink_indexer::encode::to_raw;
use teachlink_indexer::store::{Checkpoint, MemoryStore};
use teachlink_indexer::traffic;
use teachlink_indexer::EventId;

const EVENTS: usize = 100_000;
const PAGE: usize = 1_000;

/// 100,000 events in RPC form (one in 211 deliberately undecodable, as the traffic has).
fn events() -> Vec<RawEvent> {
    traffic::stream(EVENTS)
        .into_iter()
        .map(|d| match d {
            Decoded::Event(e) => to_raw(&e).expect("encodes"),
            Decoded::Unknown(raw, _) => raw,
        })
        .collect()
}

fn decoder() -> Decoder {
    Decoder::with_contracts([
        (traffic::ESCROW, ContractKind::Escrow),
        (traffic::CONTENT, ContractKind::Content),
        (traffic::REPUTATION, ContractKind::Reputation),
        (traffic::REWARDS, ContractKind::Rewards),
        (traffic::BRIDGE, ContractKind::Bridge),
    ])
}

fn rate(label: &str, n: usize, start: Instant) -> f64 {
    let secs = start.elapsed().as_secs_f64();
    let per_sec = n as f64 / secs;
    println!(
        "{label:<44} {n} events in {:>7.1} ms  = {per_sec:>10.0} events/s",
        secs * 1e3
    );
    per_sec
}

fn main() {
    let raw = events();
    let undecodable = traffic::stream(EVENTS)
        .iter()
        .filter(|d| matches!(d, Decoded::Unknown(..)))
        .count();
    let json = serde_json::to_string(&raw).expect("json");
    println!(
        "{} events, {:.1} MB as getEvents JSON, pages of {PAGE}",
        raw.len(),
        json.len() as f64 / 1e6
    );

    let start = Instant::now();
    let parsed: Vec<RawEvent> = serde_json::from_str(&json).expect("parses");
    rate("parse getEvents JSON", parsed.len(), start);

    let mut best_decode = 0f64;
    let mut best_both = 0f64;
    for _ in 0..3 {
        let mut d = decoder();
        let start = Instant::now();
        let mut ok = 0;
        for r in &raw {
            ok += usize::from(d.decode_ref(r).is_ok());
        }
        assert_eq!(ok, EVENTS - undecodable, "every other event decodes");
        best_decode = best_decode.max(rate("decode", EVENTS, start));

        // Decode + project into the memory store, committing each page with its cursor,
        // as the syncer does (the events are moved in, as from a fetched page).
        let pages: Vec<Vec<RawEvent>> = raw.chunks(PAGE).map(<[_]>::to_vec).collect();
        let store = MemoryStore::new();
        let mut d = decoder();
        let start = Instant::now();
        for page in pages {
            let cursor = page.last().and_then(|e| e.id.parse::<EventId>().ok());
            let decoded: Vec<Decoded> = page.into_iter().map(|r| d.decode(r)).collect();
            let cp = Checkpoint {
                cursor,
                ledger: 0,
                gaps: Vec::new(),
            };
            store.apply_batch_sync(&decoded, &cp).expect("applies");
        }
        best_both = best_both.max(rate("decode + project into MemoryStore", EVENTS, start));
        let s = store.snapshot().expect("snapshot");
        assert_eq!(s.state.events as usize + s.state.unknown.len(), EVENTS);
    }
    println!("best of 3: decode {best_decode:.0} events/s; decode + project {best_both:.0} events/s (target >= 200000)");
}
