//! Two servers on one PostgreSQL database: exactly one indexes (it holds the database's
//! indexing lock), both serve the same reads, and when the indexing one stops the other
//! takes over within a bound. On real parts: a localnet of the test's own with the built
//! contracts and the demo data set, real HTTP, a real PostgreSQL.
//!
//! PostgreSQL: `TEACHLINK_TEST_DATABASE_URL` (default: the URL `scripts/postgres.sh`
//! prints). The test works in a schema of its own and drops it afterwards. It fails, with
//! what to do, when PostgreSQL is unreachable.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor, PgConnection};
use teachlink_server::config::DatabaseUrl;
use teachlink_server::demo::DemoState;
use teachlink_server::{run, Config, ServerHandle};

use support::chain::{one_more_event, own_localnet, rpc_config};
use support::harness::{
    eventually, get_json, indexer_running, require_wasm, rt, status, store_events, wait_for_events,
};

const DEFAULT_PG_URL: &str = "postgres://teachlink:teachlink@127.0.0.1:5432/teachlink_test";

fn pg_base_url() -> String {
    std::env::var("TEACHLINK_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string())
}

/// `url` without its password, for messages.
fn redacted(url: &str) -> String {
    DatabaseUrl::Postgres(url.to_string()).redacted()
}

/// A schema of the test's own in the test database; dropped by [`PgSchema::drop_now`].
struct PgSchema {
    base: String,
    name: String,
    url: String,
}

static SCHEMAS: AtomicUsize = AtomicUsize::new(0);

impl PgSchema {
    async fn new() -> PgSchema {
        let base = pg_base_url();
        let mut admin = tokio::time::timeout(Duration::from_secs(10), PgConnection::connect(&base))
            .await
            .map_err(|_| "no answer within 10 s".to_string())
            .and_then(|r| r.map_err(|e| e.to_string()))
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is unreachable at {} ({e}).\n\
                     Run `bash scripts/postgres.sh` (it installs, starts and prepares a local \
                     PostgreSQL and prints TEACHLINK_TEST_DATABASE_URL), or set \
                     TEACHLINK_TEST_DATABASE_URL to a reachable database.",
                    redacted(&base)
                )
            });
        let name = format!(
            "server_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::Relaxed)
        );
        admin
            .execute(format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}").as_str())
            .await
            .expect("creates the test schema");
        let _ = admin.close().await;
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{name}");
        PgSchema { base, name, url }
    }

    async fn drop_now(self) {
        if let Ok(mut admin) = PgConnection::connect(&self.base).await {
            let _ = admin
                .execute(format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name).as_str())
                .await;
            let _ = admin.close().await;
        }
    }
}

/// A server's config (in `dir`) for indexing the deployment `d` on `net` into the
/// PostgreSQL database at `db`.
fn config(
    dir: &std::path::Path,
    net: &teachlink_localnet::LocalnetHandle,
    d: &teachlink_localnet::Deployment,
    db: &str,
) -> Config {
    let mut config = rpc_config(dir, net.url(), d);
    config.database = DatabaseUrl::Postgres(db.to_string());
    config
}

/// Reads both servers must answer alike.
const SAME_READS: [&str; 6] = [
    "/api/escrows",
    "/api/tokens",
    "/api/completions",
    "/api/contributions/1",
    "/api/pool",
    "/api/escrows?status=Released&limit=1",
];

#[test]
fn two_servers_on_one_postgres_database_index_once_and_fail_over() {
    require_wasm();
    rt().block_on(async {
        let schema = PgSchema::new().await;
        // A localnet of our own (ledgers close on demand) with the contracts and the demo.
        let (net, deployment, demo_events) = tokio::task::spawn_blocking(|| {
            let (net, deployment) = own_localnet(0, None);
            let done = teachlink_server::demo::run(&net, &deployment, &|| false, &|_| {})
                .expect("the demo runs");
            let DemoState::Done { events, .. } = done else {
                panic!("the demo did not complete: {done:?}")
            };
            (net, deployment, u64::from(events))
        })
        .await
        .expect("setup");

        let dirs = [
            tempfile::tempdir().expect("dir"),
            tempfile::tempdir().expect("dir"),
        ];
        let (a, b) = tokio::join!(
            run(
                config(dirs[0].path(), &net, &deployment, &schema.url),
                std::future::pending()
            ),
            run(
                config(dirs[1].path(), &net, &deployment, &schema.url),
                std::future::pending()
            ),
        );
        let servers: Vec<ServerHandle> =
            vec![a.expect("server a starts"), b.expect("server b starts")];
        let bases: Vec<String> = servers.iter().map(ServerHandle::url).collect();

        // Exactly one indexes; both serve everything it indexed.
        let running = eventually("one indexer", Duration::from_secs(20), || async {
            let r = [
                indexer_running(&bases[0]).await,
                indexer_running(&bases[1]).await,
            ];
            match r {
                [Some(1), Some(0)] | [Some(0), Some(1)] => Ok(r),
                other => Err(format!("{other:?}")),
            }
        })
        .await;
        let indexer = if running[0] == Some(1) { 0 } else { 1 };
        let standby = 1 - indexer;
        for base in &bases {
            wait_for_events(base, "the demo indexed", Duration::from_secs(30), |n| {
                n >= demo_events
            })
            .await;
        }
        // Held for a while: the standby keeps retrying and keeps failing to take the lock.
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(indexer_running(&bases[indexer]).await, Some(1));
        assert_eq!(indexer_running(&bases[standby]).await, Some(0));
        let (_, st) = get_json(&bases[standby], "/api/status").await;
        assert_eq!(st["indexer"]["role"], "standby", "{st}");
        let (_, st) = get_json(&bases[indexer], "/api/status").await;
        assert_eq!(st["indexer"]["role"], "indexing", "{st}");
        let (code, health) = get_json(&bases[standby], "/health").await;
        assert_eq!(
            code, 200,
            "a standby serving fresh data is healthy: {health}"
        );
        assert_eq!(health["checks"]["indexer_lag"]["status"], "ok", "{health}");
        for path in SAME_READS {
            let (ca, va) = get_json(&bases[0], path).await;
            let (cb, vb) = get_json(&bases[1], path).await;
            assert_eq!(
                (ca, &va),
                (cb, &vb),
                "GET {path} differs between the replicas"
            );
            assert_eq!(ca, 200, "GET {path}: {va}");
        }
        // A cursor from one replica pages on the other.
        let (_, page) = get_json(&bases[indexer], "/api/escrows?limit=1").await;
        let cursor = page["next_cursor"].as_str().expect("a next page");
        let (code, next) = get_json(
            &bases[standby],
            &format!("/api/escrows?limit=1&cursor={cursor}"),
        )
        .await;
        assert_eq!(code, 200, "{next}");
        assert_eq!(next["items"][0]["id"], 2);

        // The indexing one stops: the other takes over within the bound.
        let mut servers = servers.into_iter().map(Some).collect::<Vec<_>>();
        let stopping = servers[indexer].take().expect("the indexer");
        tokio::time::timeout(Duration::from_secs(10), stopping.shutdown())
            .await
            .expect("shutdown within 10 s")
            .expect("clean shutdown");
        let stopped_at = Instant::now();
        let survivor = &bases[standby];
        eventually("the standby takes over", Duration::from_secs(5), || async {
            match indexer_running(survivor).await {
                Some(1) => Ok(()),
                other => Err(format!("{other:?}")),
            }
        })
        .await;
        let took = stopped_at.elapsed();
        eprintln!("failover took {took:?}");
        let (_, st) = get_json(survivor, "/api/status").await;
        assert_eq!(st["indexer"]["role"], "indexing", "{st}");

        // …and indexes what happens next.
        let before = store_events(&status(survivor).await);
        let rewards = deployment.contracts["rewards"].clone();
        let net = one_more_event(net, rewards, "after-failover").await;
        wait_for_events(
            survivor,
            "the new indexer indexes",
            Duration::from_secs(10),
            |n| n > before,
        )
        .await;

        for s in servers.into_iter().flatten() {
            s.shutdown().await.expect("clean shutdown");
        }
        tokio::task::spawn_blocking(move || net.shutdown())
            .await
            .expect("localnet stopped");
        schema.drop_now().await;
    });
}
