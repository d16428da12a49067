//! Two servers on one PostgreSQL database: exactly one indexes (it holds the database's
//! indexing lock), both serve the same reads, and when the indexing one stops the other
//! takes over within a bound. On real parts: a localnet of the test's own with the built
//! contracts and the demo data set, real HTTP, a real PostgreSQL.
//!
//! PostgreSQL: `TEACHLINK_TEST_DATABASE_URL` (default: the URL `scripts/postgres.sh`
//! prints). The test works in a schema of its own and drops it afterwards. It fails, with
//! what to do, when PostgreSQL is unreachable.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use stellar_xdr::{
    AccountId, HostFunction, InvokeContractArgs, PublicKey, ScAddress, ScSymbol, ScVal, Uint256,
};
use teachlink_indexer::Deployment;
use teachlink_localnet::node::{sign_envelope, Submission};
use teachlink_localnet::{deploy_teachlink, Localnet, LocalnetHandle};
use teachlink_server::config::{default_wasm_dir, DatabaseUrl, Network, RpcNetwork};
use teachlink_server::demo::DemoState;
use teachlink_server::{run, Config, ServerHandle};

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

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("HTTP client")
}

async fn get_json(base: &str, path: &str) -> (u16, Value) {
    let resp = client()
        .get(format!("{base}{}", path.trim_start_matches('/')))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = resp.status().as_u16();
    let body = resp.text().await.expect("body");
    let v = serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"));
    (status, v)
}

/// `teachlink_indexer_running` of the server at `base` (None: not exported).
async fn indexer_running(base: &str) -> Option<i64> {
    let text = client()
        .get(format!("{base}metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("teachlink_indexer_running "))
        .and_then(|v| v.trim().parse().ok())
}

async fn eventually<T, F, Fut>(what: &str, deadline: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match check().await {
            Ok(v) => return v,
            Err(last) if start.elapsed() > deadline => {
                panic!("{what}: not within {deadline:?}; last: {last}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

async fn events_in_store(base: &str) -> u64 {
    let (_, v) = get_json(base, "/api/status").await;
    v["store"]["events"].as_u64().unwrap_or(0)
}

fn config(
    dir: &std::path::Path,
    net: &LocalnetHandle,
    d: &teachlink_localnet::Deployment,
    db: &str,
) -> Config {
    let mut config = Config::for_tests(dir);
    config.database = DatabaseUrl::Postgres(db.to_string());
    config.network = Network::Rpc(RpcNetwork {
        rpc_url: net.url(),
        network_passphrase: Some(d.network_passphrase.clone()),
        deployment: Deployment {
            contracts: d.contracts.clone(),
            start_ledger: d.start_ledger,
        },
    });
    config
}

fn account(k: &ed25519_dalek::SigningKey) -> ScVal {
    ScVal::Address(ScAddress::Account(AccountId(
        PublicKey::PublicKeyTypeEd25519(Uint256(k.verifying_key().to_bytes())),
    )))
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
    let wasm = default_wasm_dir();
    assert!(
        wasm.join("teachlink_escrow.wasm").is_file(),
        "no contract Wasm in {}: run scripts/build-contracts.sh first",
        wasm.display()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let schema = PgSchema::new().await;
        // A localnet of our own (ledgers close on demand) with the contracts and the demo.
        let (net, deployment, demo_events) = tokio::task::spawn_blocking(|| {
            let net = Localnet::start(teachlink_localnet::Config {
                port: 0,
                close_interval: None,
                state_file: None,
                ..teachlink_localnet::Config::default()
            })
            .expect("localnet starts");
            let deployment = net
                .with_node(|n| deploy_teachlink(n, &default_wasm_dir()))
                .expect("node")
                .expect("contracts deploy");
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
            eventually("the demo indexed", Duration::from_secs(30), || async {
                let n = events_in_store(base).await;
                if n >= demo_events {
                    Ok(())
                } else {
                    Err(format!("{n} of {demo_events} events"))
                }
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
        let before = events_in_store(survivor).await;
        let rewards = deployment.contracts["rewards"].clone();
        let net = tokio::task::spawn_blocking(move || {
            let root = net.with_node(|n| n.root_key().clone()).expect("root");
            let newcomer = teachlink_server::demo::key("after-failover");
            let hf = HostFunction::InvokeContract(InvokeContractArgs {
                contract_address: rewards.parse().expect("contract id"),
                function_name: ScSymbol("grant_role".try_into().expect("symbol")),
                args: vec![
                    ScVal::Symbol(ScSymbol("issuer".try_into().expect("symbol"))),
                    account(&newcomer),
                ]
                .try_into()
                .expect("args"),
            });
            net.with_node(|n| {
                let tx = n.prepare_invoke(&root, hf).expect("simulated");
                let env = sign_envelope(tx, &[&root], n.network_id()).expect("signed");
                assert!(matches!(
                    n.submit(env).expect("submitted"),
                    Submission::Pending(_)
                ));
                n.close_ledger().expect("closed");
            })
            .expect("node");
            net
        })
        .await
        .expect("call");
        eventually(
            "the new indexer indexes",
            Duration::from_secs(10),
            || async {
                let n = events_in_store(survivor).await;
                if n > before {
                    Ok(())
                } else {
                    Err(format!("{n} events"))
                }
            },
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
