//! Fault tests (issue 5), on real parts: a localnet of the test's own running the built
//! contracts (in this process), the server BINARY as a child process indexing it over
//! JSON-RPC, real HTTP, SQLite files and a PostgreSQL cluster of the test's own.
//!
//! * The server SIGKILLed mid-sync and restarted on the same SQLite file ends with exactly
//!   what a server that synced uninterrupted on a fresh file has: every REST list (all
//!   pages), the entities behind them and the store's counts and checkpoint.
//! * Its PostgreSQL stopped: `/health` answers 503 with the database check failing and the
//!   API a 503 JSON error, both within their timeouts; events submitted meanwhile are all
//!   served once PostgreSQL is back. The cluster is the test's own (initdb into a temp
//!   dir), never the shared one on 127.0.0.1:5432.
//!
//! (The RPC going away is `health_is_degraded_while_the_rpc_is_down_and_recovers_when_it_returns`
//! in tests/server.rs.)
//!
//! Build the contracts first: scripts/build-contracts.sh. The PostgreSQL test needs
//! Debian's `postgresql` package (scripts/postgres.sh installs it).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use serde_json::Value;
use stellar_xdr::{ScAddress, ScVal};
use teachlink_indexer::Queries;
use teachlink_indexer_sql::SqlStore;
use teachlink_localnet::LocalnetHandle;
use teachlink_server::demo::{self, DemoState};

use support::chain::{account, account_id, own_localnet, send, sym};
use support::harness::{eventually_blocking, require_wasm, store_events};
use support::proxy::Proxy;

// ---- HTTP ----

/// A blocking façade over reqwest: the tests are linear, the localnet calls blocking.
struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// One answer: status, JSON body, how long it took.
struct Answer {
    code: u16,
    body: Value,
    took: Duration,
}

impl Http {
    fn new() -> Http {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("test runtime");
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .expect("HTTP client");
        Http { rt, client }
    }

    /// GET `base` + `path` as JSON; `Err` when there is no JSON answer.
    fn try_get(&self, base: &str, path: &str) -> Result<Answer, String> {
        let url = format!("{base}{}", path.trim_start_matches('/'));
        let start = Instant::now();
        self.rt.block_on(async {
            let resp = self
                .client
                .get(&url)
                .send()
                .await
                .map_err(|e| format!("GET {path}: {e}"))?;
            let code = resp.status().as_u16();
            let text = resp
                .text()
                .await
                .map_err(|e| format!("GET {path}: body: {e}"))?;
            let body = serde_json::from_str(&text)
                .map_err(|e| format!("GET {path}: {code} not JSON ({e}): {text}"))?;
            Ok(Answer {
                code,
                body,
                took: start.elapsed(),
            })
        })
    }

    fn get(&self, base: &str, path: &str) -> Answer {
        self.try_get(base, path).unwrap_or_else(|e| panic!("{e}"))
    }

    /// GET that must answer 200.
    fn get_ok(&self, base: &str, path: &str) -> Value {
        let a = self.get(base, path);
        assert_eq!(a.code, 200, "GET {path}: {}", a.body);
        a.body
    }

    /// The `/metrics` text.
    fn metrics(&self, base: &str) -> String {
        self.rt.block_on(async {
            self.client
                .get(format!("{base}metrics"))
                .send()
                .await
                .expect("GET /metrics")
                .text()
                .await
                .expect("metrics body")
        })
    }
}

// ---- the server binary as a child process ----

/// A `teachlink-server` child process; killed (and reaped) when dropped. Its stderr (the
/// logs) goes to a file, printed when a test panics.
struct ServerProcess {
    name: String,
    child: Child,
    base: String,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts the binary with `args` and waits for the line announcing its address.
    fn start(name: &str, args: &[String], log: &Path) -> ServerProcess {
        let stderr = std::fs::File::create(log).expect("server log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_teachlink-server"))
            .args(args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the server binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        // Reads stdout to its end (so the child never blocks on a full pipe).
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.split("TeachLink at ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let mut server = ServerProcess {
            name: name.to_string(),
            child,
            base: String::new(),
            log: log.to_path_buf(),
        };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => server.base = url,
            Err(e) => panic!(
                "server {name} did not announce its address ({e}); its log:\n{}",
                server.log_tail()
            ),
        }
        server
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// SIGKILL, and reap it.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL the server");
        let status = self.child.wait().expect("reap the server");
        assert!(!status.success(), "killed, not exited: {status}");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "---- server {} ({}) log tail ----\n{}",
                self.name,
                self.base,
                self.log_tail()
            );
        }
    }
}

/// Flags for a server indexing `chain` into `database_url`, paging `getEvents` by
/// `page_limit` events.
fn server_args(chain: &Chain, dir: &Path, database_url: &str, page_limit: u32) -> Vec<String> {
    server_args_via(chain, &chain.net.url(), dir, database_url, page_limit)
}

/// [`server_args`] with the RPC at `rpc_url` (e.g. a [`Proxy`] in front of the chain).
fn server_args_via(
    chain: &Chain,
    rpc_url: &str,
    dir: &Path,
    database_url: &str,
    page_limit: u32,
) -> Vec<String> {
    let path = |p: &Path| p.display().to_string();
    [
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--data-dir",
        &path(dir),
        "--database-url",
        database_url,
        "--web-dir",
        &path(&dir.join("no-web-app")),
        "--rpc-url",
        rpc_url,
        "--deployment-file",
        &path(&chain.deployment_file),
        "--page-limit",
        &page_limit.to_string(),
        "--poll-interval-ms",
        "50",
        "--lock-retry-ms",
        "200",
        "--health-timeout-ms",
        "500",
    ]
    .map(str::to_string)
    .to_vec()
}

// ---- the chain ----

/// A localnet of the test's own (ledgers close on demand) with the contracts deployed and
/// its deployment file written.
struct Chain {
    net: LocalnetHandle,
    deployment: teachlink_localnet::Deployment,
    deployment_file: PathBuf,
}

impl Chain {
    fn start(dir: &Path) -> Chain {
        let (net, deployment) = own_localnet(0, None);
        let deployment_file = dir.join("deployment.json");
        std::fs::write(
            &deployment_file,
            serde_json::to_string_pretty(&deployment).expect("deployment JSON"),
        )
        .expect("write the deployment file");
        Chain {
            net,
            deployment,
            deployment_file,
        }
    }

    fn latest_ledger(&self) -> u64 {
        u64::from(
            self.net
                .with_node(|n| n.latest().header.ledger_seq)
                .expect("node"),
        )
    }

    /// The TeachLink contracts' events of successful transactions from the start ledger
    /// on: what an indexer that caught up must hold.
    fn teachlink_events(&self) -> u64 {
        let ours: BTreeSet<stellar_xdr::ContractId> = self
            .deployment
            .contracts
            .values()
            .filter_map(|id| match id.parse::<ScAddress>() {
                Ok(ScAddress::Contract(c)) => Some(c),
                _ => None,
            })
            .collect();
        let start = self.deployment.start_ledger;
        self.net
            .with_node(|n| {
                let latest = n.latest().header.ledger_seq;
                n.transactions_between(start, latest)
                    .into_iter()
                    .filter(|t| t.applied.success)
                    .flat_map(|t| &t.applied.contract_events)
                    .filter(|e| e.contract_id.as_ref().is_some_and(|c| ours.contains(c)))
                    .count() as u64
            })
            .expect("node")
    }

    /// Lets the admin record completions (the demo does this too).
    fn grant_issuer(&self) {
        let reputation = self.deployment.contracts["reputation"].clone();
        self.net
            .with_node(|n| {
                let root = n.root_key().clone();
                let args = vec![sym("issuer"), account(&root)];
                let h = send(n, &root, &reputation, "grant_role", args);
                n.close_ledger().expect("ledger closed");
                assert!(n.transaction(&h).is_some_and(|t| t.applied.success));
            })
            .expect("node");
    }

    /// `record_completion` by the admin for every learner of `learners` on every course
    /// of `courses`, one course per ledger (so a learner's profile is written once per
    /// ledger), after binding those courses to the admin in a ledger of their own.
    /// Returns the (learner strkey, course) pairs recorded.
    fn record_completions(
        &self,
        learners: &[SigningKey],
        courses: std::ops::Range<u64>,
    ) -> Vec<(String, u64)> {
        let reputation = self.deployment.contracts["reputation"].clone();
        let root = self.net.with_node(|n| n.root_key().clone()).expect("node");
        self.net
            .with_node(|n| {
                let hashes: Vec<[u8; 32]> = courses
                    .clone()
                    .map(|course| {
                        let args = vec![ScVal::U64(course), account(&root)];
                        send(n, &root, &reputation, "bind_course", args)
                    })
                    .collect();
                n.close_ledger().expect("ledger closed");
                for h in &hashes {
                    assert!(n.transaction(h).is_some_and(|t| t.applied.success));
                }
            })
            .expect("node");
        let mut recorded = Vec::new();
        for course in courses {
            let hashes: Vec<[u8; 32]> = learners
                .iter()
                .enumerate()
                .map(|(i, learner)| {
                    let score = 50 + (course * 7 + i as u64) % 50;
                    let args = vec![
                        account(&root),
                        account(learner),
                        ScVal::U64(course),
                        ScVal::U32(u32::try_from(score).expect("score")),
                    ];
                    recorded.push((account_id(learner).to_string(), course));
                    self.net
                        .with_node(|n| send(n, &root, &reputation, "record_completion", args))
                        .expect("node")
                })
                .collect();
            self.net
                .with_node(|n| {
                    n.close_ledger().expect("ledger closed");
                    for h in &hashes {
                        let record = n.transaction(h).expect("applied");
                        assert!(
                            record.applied.success,
                            "record_completion failed: {:?}",
                            record.applied.result.result
                        );
                    }
                })
                .expect("node");
        }
        recorded
    }
}

fn learners(prefix: &str, n: usize) -> Vec<SigningKey> {
    (0..n)
        .map(|i| demo::key(&format!("{prefix}-{i}")))
        .collect()
}

// ---- reading a server ----

fn checkpoint_ledger(status: &Value) -> u64 {
    status["checkpoint"]["ledger"].as_u64().unwrap_or(0)
}

/// Waits until the server at `base` holds `events` events and has checkpointed `ledger`.
fn wait_caught_up(http: &Http, base: &str, events: u64, ledger: u64, deadline: Duration) -> Value {
    eventually_blocking(&format!("{base} caught up"), deadline, || {
        let a = http.try_get(base, "/api/status")?;
        let s = &a.body;
        let n = store_events(s);
        assert!(n <= events, "{n} events stored, only {events} exist: {s}");
        if a.code == 200 && n == events && checkpoint_ledger(s) >= ledger {
            Ok(a.body)
        } else {
            Err(format!("{} {s}", a.code))
        }
    })
}

/// Waits until `/health` of the server at `base` answers 200 and ok.
fn wait_healthy(http: &Http, base: &str, what: &str, deadline: Duration) {
    eventually_blocking(what, deadline, || {
        let a = http.try_get(base, "/health")?;
        if a.code == 200 && a.body["status"] == "ok" {
            Ok(())
        } else {
            Err(format!("{} {}", a.code, a.body))
        }
    });
}

/// Every item of the list at `path` (no query), walking its pages `limit` at a time.
fn walk(http: &Http, base: &str, path: &str, limit: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10_000 {
        let page_path = match &cursor {
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
            None => format!("{path}?limit={limit}"),
        };
        let page = http.get_ok(base, &page_path);
        let got = page["items"].as_array().expect("items").clone();
        assert!(
            got.len() <= limit as usize,
            "GET {page_path}: too many items"
        );
        items.extend(got);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return items,
        }
    }
    panic!("GET {path}: more than 10,000 pages");
}

/// The paged lists of the API.
const LISTS: [&str; 8] = [
    "/api/escrows",
    "/api/tokens",
    "/api/completions",
    "/api/contributions",
    "/api/bridge/outbound",
    "/api/bridge/inbound",
    "/api/bridge/validators",
    "/api/events/unknown",
];

/// Everything the server at `base` serves about the store: every list (all pages), the
/// entities behind them, the singletons, every learner's profile and rewards, and the
/// store's counts and checkpoint from `/api/status`.
fn everything(http: &Http, base: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut learners = BTreeSet::new();
    let mut entities = Vec::new();
    for list in LISTS {
        let items = walk(http, base, list, 7);
        for item in &items {
            let id = match list {
                "/api/escrows" | "/api/tokens" | "/api/contributions" => item["id"].as_u64(),
                "/api/bridge/outbound" => item["nonce"].as_u64(),
                _ => None,
            };
            if let Some(id) = id {
                entities.push(format!("{list}/{id}"));
            }
            if let Some(l) = item["learner"].as_str() {
                learners.insert(l.to_string());
            }
        }
        out.insert(list.to_string(), Value::Array(items));
    }
    for learner in &learners {
        entities.push(format!("/api/profiles/{learner}"));
        entities.push(format!("/api/rewards/{learner}"));
    }
    entities.extend(["/api/bridge/chains", "/api/pool", "/api/bridge"].map(String::from));
    for path in entities {
        let a = http.get(base, &path);
        assert!(
            matches!(a.code, 200 | 404),
            "GET {path}: {} {}",
            a.code,
            a.body
        );
        out.insert(path, serde_json::json!({ "code": a.code, "body": a.body }));
    }
    let status = http.get_ok(base, "/api/status");
    out.insert("status.store".into(), status["store"].clone());
    out.insert("status.checkpoint".into(), status["checkpoint"].clone());
    out
}

#[test]
fn a_server_killed_mid_sync_and_restarted_ends_identical_to_an_uninterrupted_one() {
    require_wasm();
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let http = Http::new();

    // The chain: the demo's variety (escrows, tokens, contributions, rewards, the pool)
    // plus a few hundred completions.
    let chain = Chain::start(dir.path());
    let done = demo::run(&chain.net, &chain.deployment, &|| false, &|_| {}).expect("the demo runs");
    assert!(
        matches!(done, DemoState::Done { .. }),
        "the demo did not complete: {done:?}"
    );
    let completions = chain.record_completions(&learners("fault-learner", 25), 100..112);
    let total = chain.teachlink_events();
    let latest = chain.latest_ledger();
    assert!(total >= 300, "{total} events on chain");
    eprintln!(
        "chain ready: {total} TeachLink events, latest ledger {latest}, {} completions, after {:?}",
        completions.len(),
        started.elapsed()
    );

    // Server A: one event per getEvents page, so the backfill is hundreds of batches. It
    // syncs through a gate that lets a third of the pages through and holds the next one:
    // it is killed there, mid-sync by construction.
    let a_dir = dir.path().join("a");
    let b_dir = dir.path().join("b");
    for d in [&a_dir, &b_dir] {
        std::fs::create_dir_all(d).expect("server dir");
    }
    let a_db = a_dir.join("teachlink.db");
    let a_url = format!("sqlite://{}", a_db.display());
    let allowed = total / 3;
    let gate = http
        .rt
        .block_on(Proxy::start(chain.net.url(), Some(allowed)));
    let a = ServerProcess::start(
        "A",
        &server_args_via(&chain, &gate.url, &a_dir, &a_url, 1),
        &a_dir.join("server-1.log"),
    );
    eventually_blocking("A held at the gate", Duration::from_secs(60), || {
        if gate.held() > 0 {
            Ok(())
        } else {
            Err(format!("{} getEvents calls so far", gate.events_calls()))
        }
    });
    let seen = store_events(&http.get_ok(&a.base, "/api/status"));
    a.kill();
    gate.open();
    eprintln!("A killed at the gate after {seen} of {total} events were served");
    let a_args = server_args(&chain, &a_dir, &a_url, 1);

    // What A committed before it died: part of the chain, never more than it.
    let committed = http.rt.block_on(async {
        let store = SqlStore::connect(&a_url).await.expect("A's database opens");
        let stats = store.stats().await.expect("A's store counts");
        let checkpoint = cursor_ledger(&store).await;
        store.close().await;
        (stats, checkpoint)
    });
    eprintln!("A's database after the kill: {committed:?}");
    // One event per page, and the pages let through are all that A could commit (one
    // `getEvents` call may have checked the chain's first event instead).
    assert!(
        committed.0.events >= seen
            && committed.0.events <= allowed
            && committed.0.events + 3 >= allowed,
        "killed at the gate after {allowed} getEvents calls: {} committed of {total}",
        committed.0.events
    );

    // A restarts on the same database; B syncs a fresh one, uninterrupted.
    let a = ServerProcess::start("A (restarted)", &a_args, &a_dir.join("server-2.log"));
    let b_url = format!("sqlite://{}", b_dir.join("teachlink.db").display());
    let b = ServerProcess::start(
        "B",
        &server_args(&chain, &b_dir, &b_url, 1),
        &b_dir.join("server.log"),
    );
    let a_status = wait_caught_up(&http, &a.base, total, latest, Duration::from_secs(40));
    let b_status = wait_caught_up(&http, &b.base, total, latest, Duration::from_secs(40));
    assert_eq!(a_status["store"]["unknown"], 0, "{a_status}");
    assert_eq!(b_status["indexer"]["role"], "indexing", "{b_status}");
    // The restarted A resumed from its checkpoint: it applied only what it lacked (its
    // database was neither reset nor replayed into).
    assert_eq!(
        a_status["indexer"]["status"]["events_indexed"],
        total - committed.0.events,
        "{a_status}"
    );
    assert_eq!(
        b_status["indexer"]["status"]["events_indexed"], total,
        "{b_status}"
    );

    let on_a = everything(&http, &a.base);
    let on_b = everything(&http, &b.base);
    assert_eq!(
        on_a.keys().collect::<Vec<_>>(),
        on_b.keys().collect::<Vec<_>>(),
        "the two servers serve other entities"
    );
    for (path, va) in &on_a {
        assert_eq!(Some(va), on_b.get(path), "{path} differs between A and B");
    }
    let served = on_a["/api/completions"].as_array().map_or(0, Vec::len);
    assert!(
        served >= completions.len(),
        "{served} completions served, {} recorded",
        completions.len()
    );
    assert_eq!(on_a["status.store"]["events"], total);
    eprintln!(
        "A and B identical over {} reads; the test took {:?}",
        on_a.len(),
        started.elapsed()
    );
    drop((a, b));
    chain.net.shutdown();
}

/// The ledger of a store's checkpoint (None: no batch committed yet).
async fn cursor_ledger(store: &SqlStore) -> Option<u32> {
    teachlink_indexer::Store::cursor(store)
        .await
        .expect("the store's checkpoint")
        .map(|c| c.ledger)
}

// ---- a PostgreSQL cluster of the test's own ----

/// A throwaway PostgreSQL cluster in a temp dir, on a free port, listening on 127.0.0.1
/// and a socket in its dir; stopped (immediately) when dropped, even on panic.
struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    /// Run its commands as the `postgres` user (the server refuses to run as root).
    as_postgres: bool,
}

impl Postgres {
    fn bin_dir() -> PathBuf {
        let versions = std::fs::read_dir("/usr/lib/postgresql")
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let version = versions.into_iter().max().unwrap_or_else(|| {
            panic!(
                "no PostgreSQL in /usr/lib/postgresql: install Debian's postgresql \
                 (bash scripts/postgres.sh does)"
            )
        });
        PathBuf::from(format!("/usr/lib/postgresql/{version}/bin"))
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, what: &str, mut command: Command) {
        let out = command
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what}: {}\n{}\n{}\nlog:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
        );
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// initdb, start, and a role and database for the server.
    fn new() -> Postgres {
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        // In /tmp, which the postgres user can traverse (a root TMPDIR may not be).
        let dir = tempfile::Builder::new()
            .prefix("teachlink-pg")
            .tempdir_in(if as_postgres {
                PathBuf::from("/tmp")
            } else {
                std::env::temp_dir()
            })
            .expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let pg = Postgres {
            bin: Self::bin_dir(),
            dir,
            port,
            as_postgres,
        };
        if as_postgres {
            let mut chown = Command::new("chown");
            chown.arg("postgres:postgres").arg(pg.dir.path());
            pg.run("chown the cluster's dir to postgres", chown);
        }
        let mut initdb = pg.command("initdb");
        initdb
            .arg("-D")
            .arg(pg.data())
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"])
            .arg("--no-sync");
        pg.run("initdb", initdb);
        pg.start();
        for sql in [
            "CREATE ROLE teachlink LOGIN PASSWORD 'teachlink'",
            "CREATE DATABASE teachlink OWNER teachlink",
        ] {
            let mut psql = pg.command("psql");
            psql.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d"])
                .arg("postgres")
                .arg("-h")
                .arg(pg.dir.path())
                .args(["-p", &pg.port.to_string(), "-c", sql]);
            pg.run(sql, psql);
        }
        pg
    }

    fn url(&self) -> String {
        format!(
            "postgres://teachlink:teachlink@127.0.0.1:{}/teachlink",
            self.port
        )
    }

    /// Starts the cluster and waits until it accepts connections.
    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let mut pg_ctl = self.command("pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("postgres.log"))
            .args(["-o", &options, "-w", "-t", "30", "start"]);
        self.run("pg_ctl start", pg_ctl);
    }

    /// Stops the cluster (`-m fast`: sessions are terminated) and waits until it is down.
    fn stop(&self) {
        let mut pg_ctl = self.command("pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "-t", "30", "stop"]);
        self.run("pg_ctl stop", pg_ctl);
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let mut pg_ctl = self.command("pg_ctl");
        let _ = pg_ctl
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "-t", "30", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The (learner, course) pairs `/api/completions` serves.
fn completions_served(http: &Http, base: &str) -> BTreeSet<(String, u64)> {
    walk(http, base, "/api/completions", 200)
        .iter()
        .map(|c| {
            (
                c["learner"].as_str().expect("learner").to_string(),
                c["course_id"].as_u64().expect("course_id"),
            )
        })
        .collect()
}

#[test]
fn with_its_database_stopped_the_server_answers_503_and_loses_nothing_once_it_is_back() {
    require_wasm();
    let started = Instant::now();
    let pg = Postgres::new();
    eprintln!(
        "PostgreSQL of the test's own on port {} after {:?}",
        pg.port,
        started.elapsed()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let http = Http::new();
    let chain = Chain::start(dir.path());
    chain.grant_issuer();
    let before_outage = chain.record_completions(&learners("pg-learner", 5), 1..2);
    let server = ServerProcess::start(
        "PG",
        &server_args(&chain, dir.path(), &pg.url(), 1_000),
        &dir.path().join("server.log"),
    );
    let base = server.base.clone();
    let total = chain.teachlink_events();
    wait_caught_up(
        &http,
        &base,
        total,
        chain.latest_ledger(),
        Duration::from_secs(30),
    );
    wait_healthy(&http, &base, "/health ok", Duration::from_secs(20));
    let served = completions_served(&http, &base);
    assert!(
        before_outage.iter().all(|c| served.contains(c)),
        "{served:?}"
    );

    // The database goes away: /health is 503 with the database check failing, within the
    // health timeout (500 ms) plus slack…
    pg.stop();
    let stopped_at = Instant::now();
    let health = eventually_blocking("/health 503", Duration::from_secs(10), || {
        let a = http.try_get(&base, "/health")?;
        assert!(
            a.took < Duration::from_secs(3),
            "/health took {:?} with the database down",
            a.took
        );
        if a.code == 503 && a.body["checks"]["database"]["status"] == "error" {
            Ok(a.body)
        } else {
            Err(format!("{} {}", a.code, a.body))
        }
    });
    eprintln!(
        "/health 503 {:?} after the stop: {health}",
        stopped_at.elapsed()
    );
    assert_eq!(health["status"], "error", "{health}");
    assert!(
        health["checks"]["database"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("database unreachable")),
        "{health}"
    );
    // …and the API answers a 503 JSON error, bounded by the pool's acquire timeout (5 s).
    for path in ["/api/escrows", "/api/completions", "/api/status"] {
        let a = http.get(&base, path);
        eprintln!(
            "GET {path} with the database down: {} in {:?}",
            a.code, a.took
        );
        assert_eq!(a.code, 503, "GET {path}: {}", a.body);
        assert_eq!(a.body["error"]["code"], "store_unavailable", "{}", a.body);
        // A fixed message: what the driver said (SQL, tables, hosts) stays in the log.
        assert_eq!(
            a.body["error"]["message"], "the store is unavailable: retry later",
            "{}",
            a.body
        );
        assert!(
            a.took < Duration::from_secs(8),
            "GET {path} took {:?} with the database down",
            a.took
        );
    }
    let metrics = http.metrics(&base);
    assert!(
        metrics.contains(r#"teachlink_dependency_up{dependency="database"} 0"#),
        "{metrics}"
    );

    // Contract calls while it is down.
    let during_outage = chain.record_completions(&learners("pg-learner", 8), 2..4);
    let total = chain.teachlink_events();
    let latest = chain.latest_ledger();

    // It comes back: /health recovers, and every event of the outage is served.
    pg.start();
    let restarted_at = Instant::now();
    wait_healthy(&http, &base, "/health ok again", Duration::from_secs(30));
    let status = wait_caught_up(&http, &base, total, latest, Duration::from_secs(30));
    eprintln!(
        "recovered {:?} after PostgreSQL restarted: {}",
        restarted_at.elapsed(),
        status["store"]
    );
    assert_eq!(status["indexer"]["role"], "indexing", "{status}");
    let served = completions_served(&http, &base);
    for c in before_outage.iter().chain(&during_outage) {
        assert!(
            served.contains(c),
            "completion {c:?} is not served: {served:?}"
        );
    }
    assert_eq!(served.len(), before_outage.len() + during_outage.len());
    eprintln!("the test took {:?}", started.elapsed());
    drop(server);
    chain.net.shutdown();
    drop(pg);
}
