//! What filling in skipped history costs (`SqlStore::merge_history`: the skipped events
//! merged into the archive, then every projection, counter and the event chain rebuilt by
//! replaying the whole archive in one transaction), beside its peer in the same run:
//! writing the same events in the syncer's batches of 1,000.
//!
//! ```sh
//! cargo bench -p teachlink-indexer-sql --bench merge_history        # 100,000 events
//! TEACHLINK_BENCH_EVENTS=300000 cargo bench -p teachlink-indexer-sql --bench merge_history
//! ```
//!
//! SQLite (a temp file), generated traffic (`teachlink_indexer::traffic`). The gap is the
//! middle tenth of the events: they are left out of the batches, then merged.

use std::time::Instant;

use teachlink_indexer::decode::{ContractKind as K, Decoded, RawEvent};
use teachlink_indexer::store::{Checkpoint, Gap, Store};
use teachlink_indexer::{traffic, Decoder, EventId};
use teachlink_indexer_sql::SqlStore;

const BATCH: usize = 1_000;

fn decoder() -> Decoder {
    Decoder::with_contracts([
        (traffic::ESCROW, K::Escrow),
        (traffic::CONTENT, K::Content),
        (traffic::REPUTATION, K::Reputation),
        (traffic::REWARDS, K::Rewards),
        (traffic::BRIDGE, K::Bridge),
    ])
}

fn checkpoint(batch: &[RawEvent], gaps: Vec<Gap>) -> Checkpoint {
    let cursor = batch.last().and_then(|e| e.id.parse::<EventId>().ok());
    Checkpoint {
        cursor,
        ledger: cursor.map_or(0, |c| c.ledger().saturating_sub(1)),
        gaps,
    }
}

fn main() {
    let n: usize = std::env::var("TEACHLINK_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let raw: Vec<RawEvent> = traffic::stream(n)
            .iter()
            .map(|d| match d {
                Decoded::Event(e) => teachlink_indexer::encode::to_raw(e).expect("encodes"),
                Decoded::Unknown(raw, _) => raw.clone(),
            })
            .collect();
        let mut dec = decoder();
        let decoded: Vec<Decoded> = raw.iter().map(|r| dec.decode(r.clone())).collect();
        let batches: Vec<(&[RawEvent], &[Decoded])> =
            raw.chunks(BATCH).zip(decoded.chunks(BATCH)).collect();
        let skipped = batches.len() * 9 / 20..batches.len() * 11 / 20;
        let gap = Gap {
            first_ledger: batches[skipped.start].0[0]
                .id
                .parse::<EventId>()
                .expect("id")
                .ledger(),
            last_ledger: batches[skipped.end - 1].0.last().expect("an event").ledger,
        };

        // The peer: every event written in order, batch by batch.
        let dir = tempfile::tempdir().expect("temp dir");
        let url = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
        let full = SqlStore::connect(&url("full.db")).await.expect("sqlite");
        let t = Instant::now();
        for (r, d) in &batches {
            full.apply_batch_raw(r, d, &checkpoint(r, Vec::new()))
                .await
                .expect("applies");
        }
        let write_all = t.elapsed().as_secs_f64();

        // The store with a gap, then the merge.
        let gapped = SqlStore::connect(&url("gapped.db")).await.expect("sqlite");
        let mut left_out = Vec::new();
        for (i, (r, d)) in batches.iter().enumerate() {
            if skipped.contains(&i) {
                left_out.extend_from_slice(r);
                continue;
            }
            let gaps = if i >= skipped.end {
                vec![gap]
            } else {
                Vec::new()
            };
            gapped
                .apply_batch_raw(r, d, &checkpoint(r, gaps))
                .await
                .expect("applies");
        }
        let mut dec = decoder();
        let t = Instant::now();
        let merged = gapped
            .merge_history(
                &left_out,
                |e| dec.decode(e),
                |mut c: Checkpoint| {
                    c.gaps.clear();
                    c
                },
            )
            .await
            .expect("merges");
        let merge = t.elapsed().as_secs_f64();
        assert_eq!(
            gapped.event_chain().await.expect("chain"),
            full.event_chain().await.expect("chain"),
            "the merged store's chain is the full one's"
        );
        println!(
            "sqlite     {} events: written in batches of {BATCH} in {write_all:.2} s; a gap of \
             {} events merged (the whole archive of {} replayed) in {merge:.2} s",
            raw.len(),
            merged.added,
            merged.replayed
        );
    });
}
