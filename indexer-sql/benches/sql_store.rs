//! SQL store figures: batch write throughput into SQLite and PostgreSQL, and paged-read
//! latency, on generated TeachLink traffic (`teachlink_indexer::traffic`: escrows, NFTs,
//! completions, contributions, rewards, bridge transfers, some undecodable events).
//!
//! ```sh
//! cargo bench -p teachlink-indexer-sql                       # SQLite only
//! export "$(scripts/postgres.sh)"                            # sets TEACHLINK_TEST_DATABASE_URL
//! cargo bench -p teachlink-indexer-sql                       # SQLite and PostgreSQL
//! TEACHLINK_BENCH_EVENTS=1000000 cargo bench -p teachlink-indexer-sql
//! ```
//!
//! Writes: the events in batches of 1,000 (the syncer's page), each one transaction with
//! its checkpoint. Reads: sequential single reads of each REST query shape (p50/p99/max),
//! then a closed loop of concurrent mixed reads on the multi-threaded runtime (requests/s
//! and latency percentiles). PostgreSQL runs in a schema of its own, dropped at the end.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::Connection;
use teachlink_indexer::decode::Decoded;
use teachlink_indexer::project::EscrowStatus;
use teachlink_indexer::store::{Checkpoint, Queries, Store};
use teachlink_indexer::traffic;
use teachlink_indexer::EventId;
use teachlink_indexer_sql::{SqlConfig, SqlStore};

const BATCH: usize = 1_000;
const LEARNERS: u32 = 5_000;

fn events_wanted() -> usize {
    std::env::var("TEACHLINK_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn checkpoint(batch: &[Decoded]) -> Checkpoint {
    let cursor = batch
        .last()
        .and_then(|d| d.id_string().parse::<EventId>().ok());
    Checkpoint {
        cursor,
        ledger: cursor.map_or(0, |c| c.ledger().saturating_sub(1)),
        gaps: Vec::new(),
    }
}

async fn write(label: &str, store: &SqlStore, events: &[Decoded]) {
    let start = Instant::now();
    let mut slowest = Duration::ZERO;
    for batch in events.chunks(BATCH) {
        let t = Instant::now();
        store
            .apply_batch(batch, &checkpoint(batch))
            .await
            .expect("batch applies");
        slowest = slowest.max(t.elapsed());
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{label:<10} write {} events in batches of {BATCH}: {:>7.2} s = {:>8.0} events/s (slowest batch {:.1} ms)",
        events.len(),
        secs,
        events.len() as f64 / secs,
        slowest.as_secs_f64() * 1e3
    );
}

fn percentiles(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let at = |q: f64| {
        let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
        v[i].as_secs_f64() * 1e3
    };
    (at(0.50), at(0.99), at(1.0))
}

/// One REST-shaped read, chosen by `i`: pages of every kind with and without filters,
/// deep `after` cursors, and single gets.
async fn one_read(store: &SqlStore, i: u64, escrows: u64) -> usize {
    let learners = u64::from(LEARNERS);
    let who = traffic::account((i * 7_919 % learners) as u32);
    // Learners of cycles that bought an NFT (n % 8 == 4) and that sent a transfer (n % 6 == 0).
    let owner = traffic::account(((i * 8 + 4) % learners) as u32);
    let sender = traffic::account((i * 6 % learners) as u32);
    let teacher = traffic::account(10_000 + (i % 300) as u32);
    let deep = traffic::FIRST_ID + (i * 104_729) % escrows.max(1);
    let r = match i % 10 {
        0 => store
            .escrows_page(Some(&who), None, None, 50)
            .await
            .map(|v| v.len()),
        1 => store
            .escrows_page(None, Some(EscrowStatus::Disputed), Some(deep), 50)
            .await
            .map(|v| v.len()),
        2 => store
            .escrows_page(
                Some(&traffic::account(30_000)),
                Some(EscrowStatus::Open),
                Some(deep),
                50,
            )
            .await
            .map(|v| v.len()),
        3 => store
            .tokens_page(Some(&owner), None, None, 50)
            .await
            .map(|v| v.len()),
        4 => store
            .tokens_page(None, Some(&teacher), Some(deep / 4), 50)
            .await
            .map(|v| v.len()),
        5 => store
            .completions_page(Some(i % 800), None, None, 50)
            .await
            .map(|v| v.len()),
        6 => store
            .completions_page(None, Some(&who), None, 50)
            .await
            .map(|v| v.len()),
        7 => store.escrow(deep).await.map(|v| usize::from(v.is_some())),
        8 => store.profile(&who).await.map(|v| usize::from(v.is_some())),
        _ => store
            .outbound_page(Some(&sender), None, 50)
            .await
            .map(|v| v.len()),
    };
    r.expect("reads")
}

async fn sequential_reads(label: &str, store: &SqlStore, escrows: u64) {
    let names = [
        "escrows by party",
        "escrows by status, deep after",
        "escrows by party+status, deep",
        "tokens by owner",
        "tokens by creator, after",
        "completions by course",
        "completions by learner",
        "escrow by id",
        "profile",
        "outbound by sender",
    ];
    for (kind, name) in names.iter().enumerate() {
        let mut times = Vec::new();
        let mut rows = 0;
        for j in 0..300u64 {
            let i = j * 10 + kind as u64;
            let t = Instant::now();
            rows += one_read(store, i, escrows).await;
            times.push(t.elapsed());
        }
        let (p50, p99, max) = percentiles(times);
        println!(
            "{label:<10} read  {name:<32} p50 {p50:>6.3} ms  p99 {p99:>6.3} ms  max {max:>6.3} ms  ({:.1} rows avg)",
            rows as f64 / 300.0
        );
    }
}

/// `tasks` concurrent readers in a closed loop for `secs`.
async fn concurrent_reads(label: &str, store: Arc<SqlStore>, escrows: u64, tasks: u64, secs: u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    let start = Instant::now();
    for t in 0..tasks {
        let store = store.clone();
        let stop = stop.clone();
        handles.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut i = t * 1_000_003;
            while !stop.load(Ordering::Relaxed) {
                let s = Instant::now();
                one_read(&store, i, escrows).await;
                times.push(s.elapsed());
                i += 1;
            }
            times
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.expect("reader"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let n = all.len();
    let (p50, p99, max) = percentiles(all);
    println!(
        "{label:<10} mixed reads, {tasks} concurrent, {secs} s: {:>6.0} req/s  p50 {p50:.3} ms  p99 {p99:.3} ms  max {max:.1} ms",
        n as f64 / elapsed
    );
}

async fn run(label: &str, store: SqlStore, events: &[Decoded]) {
    write(label, &store, events).await;
    let stats = store.stats().await.expect("stats");
    let escrows = store
        .escrows_page(None, None, None, 1)
        .await
        .expect("reads")
        .len();
    assert_eq!(escrows, 1);
    println!(
        "{label:<10} indexed: {} events, {} unknown, {} orphans",
        stats.events, stats.unknown, stats.orphans
    );
    let escrow_count = (events.len() / 11) as u64;
    sequential_reads(label, &store, escrow_count).await;
    let store = Arc::new(store);
    concurrent_reads(label, store.clone(), escrow_count, 8, 3).await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let n = events_wanted();
        let t = Instant::now();
        let events = traffic::stream_with(n, LEARNERS);
        println!(
            "{} generated events ({} learners) in {:.1} s; {} cores",
            events.len(),
            LEARNERS,
            t.elapsed().as_secs_f64(),
            std::thread::available_parallelism().map_or(0, usize::from)
        );
        let config = SqlConfig {
            max_connections: 8,
            ..SqlConfig::default()
        };

        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let store = SqlStore::connect_with(&url, &config).await.expect("sqlite");
        run("sqlite", store, &events).await;

        match std::env::var("TEACHLINK_TEST_DATABASE_URL") {
            Err(_) => println!(
                "postgres   skipped: set TEACHLINK_TEST_DATABASE_URL (export \"$(scripts/postgres.sh)\")"
            ),
            Ok(base) => {
                let schema = format!("bench_{}", std::process::id());
                let mut admin = sqlx::PgConnection::connect(&base)
                    .await
                    .expect("PostgreSQL reachable at TEACHLINK_TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut admin)
                    .await
                    .expect("creates the bench schema");
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                let store = SqlStore::connect_with(&url, &config).await.expect("postgres");
                run("postgres", store, &events).await;
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&mut admin)
                    .await
                    .expect("drops the bench schema");
            }
        }
    });
}
