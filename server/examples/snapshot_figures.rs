//! Issue 10's native snapshot figures: exports a snapshot of a database seeded by
//! `seed_synthetic` (which archives every event, so the event chain covers them all),
//! prints its size raw and gzip-compressed and the time each step takes, then imports it
//! into a fresh SQLite database as `--snapshot` does and checks the two states agree.
//! `scripts/snapshot-bench.sh` runs it after seeding 1,000,000 events.
//!
//! ```sh
//! cargo run --release -p teachlink-server --example snapshot_figures -- \
//!     --database-url sqlite:///tmp/teachlink-snapshot/seeded.db \
//!     --deployment /tmp/teachlink-snapshot/deployment.json --out-dir /tmp/teachlink-snapshot
//! ```

use std::path::PathBuf;
use std::time::Instant;

use teachlink_indexer::snapshot::{self, Expected};
use teachlink_indexer::Deployment;
use teachlink_indexer_sql::SqlStore;
use teachlink_server::config::SnapshotSource;

/// Synthetic traffic has no network; the snapshot names this one.
const NETWORK: &str = "Test SDF Network ; September 2015";

struct Args {
    database_url: String,
    deployment: PathBuf,
    out_dir: PathBuf,
}

fn args() -> Result<Args, String> {
    let (mut database_url, mut deployment, mut out_dir) = (None, None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--database-url" => database_url = Some(value()?),
            "--deployment" => deployment = Some(PathBuf::from(value()?)),
            "--out-dir" => out_dir = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        database_url: database_url.ok_or("--database-url is required")?,
        deployment: deployment.ok_or("--deployment is required")?,
        out_dir: out_dir.ok_or("--out-dir is required")?,
    })
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args().map_err(|e| {
        format!("{e}\nusage: snapshot_figures --database-url URL --deployment FILE --out-dir DIR")
    })?;
    let deployment: Deployment = serde_json::from_slice(&std::fs::read(&args.deployment)?)?;
    let seeded = SqlStore::connect(&args.database_url).await?;

    // Export, as GET /api/snapshot does: read, encode, compress.
    let start = Instant::now();
    let (encoded, _) = teachlink_server::snapshot::export(&seeded, NETWORK, &deployment)
        .await?
        .ok_or("the database holds nothing: seed it first")?;
    let export_ms = ms(start);
    let start = Instant::now();
    let gz = teachlink_server::snapshot::gzip(&encoded.bytes)?;
    let gzip_ms = ms(start);
    let file = args.out_dir.join("snapshot.ndjson.gz");
    std::fs::write(&file, &gz)?;
    let header = snapshot::decode(
        &encoded.bytes,
        &Expected {
            network_passphrase: NETWORK,
            contracts: Some(&deployment.contracts),
            sha256: Some(&encoded.sha256),
        },
    )?
    .header;
    println!(
        "snapshot: {} events, {} entities, at ledger {}",
        header.chain.events, header.entities, header.checkpoint.ledger
    );
    println!(
        "size: {} bytes NDJSON, {} bytes gzip ({:.1} bytes/event)",
        encoded.bytes.len(),
        gz.len(),
        gz.len() as f64 / header.chain.events.max(1) as f64
    );
    println!("export (read state + encode): {export_ms:.0} ms; gzip: {gzip_ms:.0} ms");

    // Verify and decode alone (what a browser does before writing).
    let start = Instant::now();
    let raw = teachlink_server::snapshot::gunzip_if_compressed(gz.clone())?;
    let gunzip_ms = ms(start);
    let start = Instant::now();
    let decoded = snapshot::decode(
        &raw,
        &Expected {
            network_passphrase: NETWORK,
            contracts: Some(&deployment.contracts),
            sha256: Some(&encoded.sha256),
        },
    )?;
    let decode_ms = ms(start);
    println!("gunzip: {gunzip_ms:.0} ms; verify + decode: {decode_ms:.0} ms");
    drop((raw, decoded));

    // Import into a fresh SQLite database from the file, as `--snapshot FILE` does.
    let fresh_path = args.out_dir.join("imported.db");
    let _ = std::fs::remove_file(&fresh_path);
    let fresh = SqlStore::connect(&format!("sqlite://{}", fresh_path.display())).await?;
    let source = SnapshotSource {
        location: file.display().to_string(),
        sha256: Some(encoded.sha256.clone()),
        timeout: std::time::Duration::from_secs(600),
    };
    let start = Instant::now();
    teachlink_server::snapshot::bootstrap(&fresh, &source, Some(NETWORK), &deployment)
        .await?
        .ok_or("the fresh database was not empty")?;
    println!(
        "import into SQLite (read file, gunzip, verify, decode, one transaction): {:.0} ms",
        ms(start)
    );

    // The imported store exports the very same snapshot.
    let (again, _) = teachlink_server::snapshot::export(&fresh, NETWORK, &deployment)
        .await?
        .ok_or("nothing imported")?;
    if again.sha256 != encoded.sha256 {
        return Err("the imported store's snapshot differs from the original".into());
    }
    println!(
        "the imported store re-exports the same snapshot (sha256 {})",
        again.sha256
    );
    seeded.close().await;
    fresh.close().await;
    Ok(())
}
