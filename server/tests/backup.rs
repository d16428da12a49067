//! Backup and restore of the server's store (issue 10), with the documented scripts
//! (`scripts/backup.sh`, `scripts/restore.sh`): index, back up online, index more, stop,
//! wipe, restore, resume from localnet; the entities and the archive are identical to a
//! clean run's and nothing is counted twice. Prints the measured RTO figures.
//!
//! Needs the contracts' Wasm (`scripts/build-contracts.sh`), the sqlite3 CLI, and for the
//! PostgreSQL case a reachable database (`scripts/postgres.sh`) with pg_dump/pg_restore.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::{Connection, Executor, PgConnection};
use teachlink_localnet::LocalnetHandle;
use teachlink_server::config::DatabaseUrl;
use teachlink_server::demo::DemoState;
use teachlink_server::Config;

use support::chain::{one_more_event, own_localnet, rpc_config};
use support::harness::{client, get_json, require_wasm, rt, start_server, wait_for_events};

const DEFAULT_PG_URL: &str = "postgres://teachlink:teachlink@127.0.0.1:5432/teachlink_test";

/// Reads the restored server and a clean one must answer alike.
const SAME_READS: [&str; 9] = [
    "/api/escrows",
    "/api/tokens",
    "/api/completions",
    "/api/contributions",
    "/api/contributions/1",
    "/api/pool",
    "/api/bridge/validators",
    "/api/bridge/chains",
    "/api/events/unknown",
];

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts")
        .join(name)
}

/// Runs a script with `args` (and `env`), which must succeed.
fn run_script(name: &str, args: &[&str], env: &[(&str, &str)]) {
    let out = Command::new("bash")
        .arg(script(name))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn demo_chain() -> (LocalnetHandle, teachlink_localnet::Deployment, u64) {
    let (net, deployment) = own_localnet(0, None);
    let done =
        teachlink_server::demo::run(&net, &deployment, &|| false, &|_| {}).expect("the demo runs");
    let DemoState::Done { events, .. } = done else {
        panic!("the demo did not complete: {done:?}")
    };
    (net, deployment, u64::from(events))
}

/// Every archived event of the server at `base`, through its `/rpc`.
async fn archive(base: &str, start_ledger: u32) -> Vec<Value> {
    let v: Value = client()
        .post(format!("{base}rpc"))
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "getEvents",
            "params": {"startLedger": start_ledger, "pagination": {"limit": 10000}}}))
        .send()
        .await
        .expect("POST /rpc")
        .json()
        .await
        .expect("JSON");
    v["result"]["events"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{v}"))
}

/// Where a store lives and how to wipe it.
enum Db {
    Sqlite(PathBuf),
    Postgres { base: String, schema: String },
}

static SCHEMAS: AtomicUsize = AtomicUsize::new(0);

impl Db {
    fn url(&self) -> String {
        match self {
            Db::Sqlite(p) => format!("sqlite://{}", p.display()),
            Db::Postgres { base, schema } => {
                let sep = if base.contains('?') { '&' } else { '?' };
                format!("{base}{sep}options=-c%20search_path%3D{schema}")
            }
        }
    }

    fn env(&self) -> Vec<(&str, &str)> {
        match self {
            Db::Sqlite(_) => Vec::new(),
            Db::Postgres { schema, .. } => vec![("TEACHLINK_PG_SCHEMA", schema.as_str())],
        }
    }

    fn configure(&self, config: &mut Config) {
        config.database = match self {
            Db::Sqlite(p) => DatabaseUrl::Sqlite(p.clone()),
            Db::Postgres { .. } => DatabaseUrl::Postgres(self.url()),
        };
    }

    async fn pg_admin(base: &str, sql: &str) {
        let mut admin = PgConnection::connect(base).await.unwrap_or_else(|e| {
            panic!("PostgreSQL is unreachable ({e}): run scripts/postgres.sh first")
        });
        admin.execute(sql).await.expect(sql);
        let _ = admin.close().await;
    }

    async fn postgres() -> Db {
        let base = std::env::var("TEACHLINK_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_PG_URL.to_string());
        let schema = format!(
            "backup_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::Relaxed)
        );
        Db::pg_admin(
            &base,
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"),
        )
        .await;
        Db::Postgres { base, schema }
    }

    /// Everything gone.
    async fn wipe(&self) {
        match self {
            Db::Sqlite(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut f = p.as_os_str().to_owned();
                    f.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(f));
                }
                assert!(!p.exists());
            }
            Db::Postgres { base, schema } => {
                Db::pg_admin(base, &format!("DROP SCHEMA {schema} CASCADE")).await;
            }
        }
    }

    async fn drop_now(&self) {
        if let Db::Postgres { base, schema } = self {
            Db::pg_admin(base, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
        }
    }
}

async fn backup_wipe_restore_resume(db: Db, name: &str) {
    let (net, deployment, demo_events) = tokio::task::spawn_blocking(demo_chain)
        .await
        .expect("setup");
    let rewards = deployment.contracts["rewards"].clone();
    let dir = tempfile::tempdir().expect("dir");
    let net_url = net.url();
    let config = || {
        let mut c = rpc_config(dir.path(), net_url.clone(), &deployment);
        db.configure(&mut c);
        c
    };

    // Index, then back up while the server runs.
    let server = start_server(config()).await;
    wait_for_events(
        &server.url(),
        "the demo indexed",
        Duration::from_secs(60),
        |n| n >= demo_events,
    )
    .await;
    let backup = dir.path().join("store.backup");
    let backup_arg = backup.display().to_string();
    let url = db.url();
    let t = Instant::now();
    run_script("backup.sh", &[&url, &backup_arg], &db.env());
    let backup_s = t.elapsed().as_secs_f64();
    let backup_bytes = std::fs::metadata(&backup).expect("the backup").len();

    // An event after the backup: the restored store must fetch it again.
    let net = one_more_event(net, rewards.clone(), "after-backup").await;
    wait_for_events(
        &server.url(),
        "the new event indexed",
        Duration::from_secs(30),
        |n| n == demo_events + 1,
    )
    .await;
    server.shutdown().await.expect("stops");

    // Wipe, restore, resume.
    db.wipe().await;
    let t = Instant::now();
    run_script("restore.sh", &[&backup_arg, &url], &db.env());
    let restore_s = t.elapsed().as_secs_f64();
    let restored = start_server(config()).await;
    let status = wait_for_events(
        &restored.url(),
        "the restored server caught up",
        Duration::from_secs(60),
        |n| n > demo_events,
    )
    .await;
    let rto_s = t.elapsed().as_secs_f64();
    assert_eq!(
        status["store"]["events"],
        demo_events + 1,
        "no duplicates: {status}"
    );
    let net = one_more_event(net, rewards, "after-restore").await;
    wait_for_events(
        &restored.url(),
        "indexing goes on",
        Duration::from_secs(30),
        |n| n == demo_events + 2,
    )
    .await;

    // A clean run over the same chain: the same entities and the same archive.
    let clean_dir = tempfile::tempdir().expect("dir");
    let clean = start_server(rpc_config(clean_dir.path(), net.url(), &deployment)).await;
    wait_for_events(
        &clean.url(),
        "the clean run",
        Duration::from_secs(60),
        |n| n >= demo_events + 2,
    )
    .await;
    for path in SAME_READS {
        let (a_code, a) = get_json(&restored.url(), path).await;
        let (b_code, b) = get_json(&clean.url(), path).await;
        assert_eq!((a_code, &a), (b_code, &b), "{path}");
    }
    let (_, a) = get_json(&restored.url(), "/api/status").await;
    let (_, b) = get_json(&clean.url(), "/api/status").await;
    assert_eq!(a["store"]["events"], b["store"]["events"]);
    assert_eq!(a["store"]["unknown"], b["store"]["unknown"]);
    let a = archive(&restored.url(), deployment.start_ledger).await;
    let b = archive(&clean.url(), deployment.start_ledger).await;
    assert_eq!(a.len() as u64, demo_events + 2);
    assert_eq!(a, b, "the archives");

    eprintln!(
        "[{name}] {demo_events} events + 2: backup {backup_bytes} bytes in {backup_s:.3} s; \
         restore script {restore_s:.3} s; restore to caught up (RTO, excluding detection) {rto_s:.3} s"
    );
    restored.shutdown().await.expect("stops");
    clean.shutdown().await.expect("stops");
    db.drop_now().await;
    tokio::task::spawn_blocking(move || net.shutdown())
        .await
        .expect("localnet stopped");
}

#[test]
fn sqlite_backup_wipe_restore_resumes_with_identical_entities() {
    require_wasm();
    let dir = tempfile::tempdir().expect("dir");
    let db = Db::Sqlite(dir.path().join("store").join("teachlink.db"));
    std::fs::create_dir_all(dir.path().join("store")).expect("dir");
    rt().block_on(backup_wipe_restore_resume(db, "sqlite"));
}

#[test]
fn postgres_backup_wipe_restore_resumes_with_identical_entities() {
    require_wasm();
    rt().block_on(async {
        let db = Db::postgres().await;
        backup_wipe_restore_resume(db, "postgres").await;
    });
}
