//! Fills a database with synthetic TeachLink traffic for the REST load benchmark
//! (`scripts/load-bench.sh`): `--events N` events of `teachlink_indexer::traffic` applied
//! through `SqlStore` in pages of 1,000, each with its checkpoint, exactly as the indexer
//! writes them. Also writes the deployment file naming the traffic's contracts (so a
//! read-only server can be pointed at the database) and a list of request paths over the
//! indexed entities for `wrk` to replay.
//!
//! ```sh
//! cargo run --release -p teachlink-server --example seed_synthetic -- \
//!     --database-url sqlite:///tmp/teachlink-load/teachlink.db --events 1000000 \
//!     --out-dir /tmp/teachlink-load
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use teachlink_indexer::decode::{Decoded, RawEvent, TeachLinkEvent};
use teachlink_indexer::store::{Checkpoint, Store};
use teachlink_indexer::traffic;
use teachlink_indexer::{Deployment, EventId};
use teachlink_indexer_sql::SqlStore;

const PAGE: usize = 1_000;
/// Requests in the path list: enough that `wrk` rarely repeats one in a run.
const PATHS: u32 = 20_000;

struct Args {
    database_url: String,
    events: usize,
    out_dir: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut database_url = None;
    let mut events = 1_000_000;
    let mut out_dir = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--database-url" => database_url = Some(value()?),
            "--events" => events = value()?.parse().map_err(|e| format!("--events: {e}"))?,
            "--out-dir" => out_dir = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        database_url: database_url.ok_or("--database-url is required")?,
        events,
        out_dir: out_dir.ok_or("--out-dir is required")?,
    })
}

/// Paths over entities the traffic creates: single entities and filtered pages, in the
/// proportions a learner-facing app asks for them.
fn request_paths(events: &[Decoded]) -> String {
    // Only ids the stream really creates (an undecodable event may stand where a creation
    // would have been): a 404 would be a cheaper answer than the benchmark means to time.
    let ids = |created: fn(&TeachLinkEvent) -> Option<u64>| -> Vec<u64> {
        events
            .iter()
            .filter_map(|d| match d {
                Decoded::Event(e) => created(&e.body),
                Decoded::Unknown(..) => None,
            })
            .collect()
    };
    let escrows = ids(|b| match b {
        TeachLinkEvent::EscrowCreated { escrow_id, .. } => Some(*escrow_id),
        _ => None,
    });
    let tokens = ids(|b| match b {
        TeachLinkEvent::Minted { token_id, .. } => Some(*token_id),
        _ => None,
    });
    let cycles = escrows.len().max(1) as u64;
    let mut out = String::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..PATHS {
        // xorshift: reproducible, spread over the ids.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // Learners and teachers cycle through 5,000 and 300 numbers, one per traffic cycle.
        let learner = traffic::account((x % cycles.min(5_000)) as u32);
        let teacher = traffic::account(10_000 + (x % cycles.min(300)) as u32);
        let escrow = escrows.get((x % cycles) as usize).copied().unwrap_or(0);
        let token = tokens
            .get((x % tokens.len().max(1) as u64) as usize)
            .copied()
            .unwrap_or(0);
        let path = match i % 8 {
            0 => format!("/api/escrows/{escrow}"),
            1 => format!("/api/escrows?party={learner}&limit=20"),
            2 => format!("/api/escrows?party={teacher}&status=Released&limit=50"),
            3 => format!("/api/tokens/{token}"),
            4 => format!("/api/tokens?owner={learner}&limit=20"),
            5 => format!("/api/profiles/{learner}"),
            6 => format!("/api/completions?course={}&limit=20", x % cycles.min(800)),
            _ => format!("/api/rewards/{learner}"),
        };
        let _ = writeln!(out, "{path}");
    }
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args().map_err(|e| {
        format!("{e}\nusage: seed_synthetic --database-url URL --events N --out-dir DIR")
    })?;
    std::fs::create_dir_all(&args.out_dir)?;
    let deployment = Deployment {
        contracts: BTreeMap::from([
            ("escrow".to_string(), traffic::ESCROW.to_string()),
            ("content".to_string(), traffic::CONTENT.to_string()),
            ("reputation".to_string(), traffic::REPUTATION.to_string()),
            ("rewards".to_string(), traffic::REWARDS.to_string()),
            ("bridge".to_string(), traffic::BRIDGE.to_string()),
        ]),
        start_ledger: 1_000,
    };
    std::fs::write(
        args.out_dir.join("deployment.json"),
        serde_json::to_string_pretty(&deployment)?,
    )?;

    let store = SqlStore::connect(&args.database_url).await?;
    let events = traffic::stream(args.events);
    std::fs::write(args.out_dir.join("paths.txt"), request_paths(&events))?;
    let start = Instant::now();
    for page in events.chunks(PAGE) {
        let Some(last) = page
            .last()
            .and_then(|d| d.id_string().parse::<EventId>().ok())
        else {
            continue;
        };
        let checkpoint = Checkpoint {
            cursor: Some(last),
            ledger: last.covered_through(),
            gaps: Vec::new(),
        };
        // As the server's sync writes it: the events as an RPC sends them are archived
        // with the batch.
        let raw = page
            .iter()
            .map(|d| match d {
                Decoded::Event(e) => teachlink_indexer::encode::to_raw(e),
                Decoded::Unknown(raw, _) => Ok(raw.clone()),
            })
            .collect::<Result<Vec<RawEvent>, _>>()?;
        store.apply_batch_raw(&raw, page, &checkpoint).await?;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "seeded {} events into {} in {secs:.1} s ({:.0} events/s)",
        events.len(),
        args.database_url,
        events.len() as f64 / secs
    );
    Ok(())
}
