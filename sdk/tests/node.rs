//! The npm package end to end: builds it (`scripts/build-sdk.sh`), packs it with `npm pack`,
//! installs the tarball into a fresh directory, and runs `sdk/tests/js/*.test.mjs` there
//! with `node --test` against an in-process localnet with the TeachLink contracts. Before
//! that, compiles `sdk/tests/ts/consumer.ts` with `tsc --strict` against the installed
//! typings (node and browser conditions); after it, runs `examples/sdk-node/escrow.mjs`.
//! Then decodes the events the JavaScript side fetched with the indexer, natively, and
//! holds the package's `decodeEvents` output equal to it. Then runs `IndexerClient`
//! (`sdk/tests/js/indexer.api.mjs`) against a TeachLink server started in-process (its own
//! embedded localnet and demo data set, indexed into SQLite). Last, runs the browser build
//! in headless Chromium (`sdk/tests/browser/run.mjs`, Debian's chromium and chromedriver):
//! the escrow flows with injected wallets against the localnet, and `examples/sdk-web`
//! against the server.
// Native only: the localnet and the processes it drives.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use teachlink_indexer::decode::{ContractKind, Decoded, Decoder, RawEvent};
use teachlink_indexer::{Address, Event};
use teachlink_localnet::{deploy_teachlink, Config, Localnet};
use teachlink_server::demo::DemoState;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn wasm_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    target.join("wasm32v1-none/contract")
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let v = f();
    eprintln!("[sdk] {what}: {:.1} s", start.elapsed().as_secs_f64());
    v
}

/// `sdk/tests/ts/consumer.ts` (the main API, typed, no `any`) compiled with `tsc --strict
/// --noEmit` against the packed package's typings under the `node` and the `browser`
/// export conditions: TypeScript pinned by `sdk/tests/ts/package-lock.json` (`npm ci`,
/// from npm's cache when it has it), the package installed from the tarball.
fn typescript_consumer(root: &Path, work: &Path, tarball: &Path) {
    let src = root.join("sdk/tests/ts");
    let ts = work.join("ts");
    std::fs::create_dir_all(&ts).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, ts.join(path.file_name().unwrap())).unwrap();
        }
    }
    let npm = |args: &[&str], what: &str| {
        run(
            Command::new("npm")
                .args(args)
                .args([
                    "--no-audit",
                    "--no-fund",
                    "--prefer-offline",
                    "--loglevel=error",
                ])
                .current_dir(&ts),
            what,
        )
    };
    npm(&["ci"], "npm ci (sdk/tests/ts)");
    let tarball = tarball.to_string_lossy();
    npm(
        &["install", "--no-save", &tarball],
        "npm install <tarball> (sdk/tests/ts)",
    );
    for condition in ["node", "browser"] {
        // One run: the diagnostics, and the trace showing which typings were resolved.
        let config = format!("tsconfig.{condition}.json");
        let out = Command::new("node")
            .arg("node_modules/typescript/bin/tsc")
            .args([
                "--strict",
                "--noEmit",
                "--pretty",
                "false",
                "--traceResolution",
            ])
            .args(["-p", &config])
            .current_dir(&ts)
            .output()
            .expect("node starts");
        let trace = String::from_utf8_lossy(&out.stdout);
        // The diagnostics without the resolution trace around them.
        let diagnostics: Vec<&str> = trace
            .lines()
            .filter(|l| l.contains(": error TS") || l.starts_with("  "))
            .collect();
        assert!(
            out.status.success(),
            "tsc --strict --noEmit -p sdk/tests/ts/{config} failed ({}):\n{}\n{}",
            out.status,
            diagnostics.join("\n"),
            String::from_utf8_lossy(&out.stderr)
        );
        // Compiled against the condition's own typings, not a fallback.
        let expected = match condition {
            "node" => "@teachlink/sdk/node/index.d.ts'",
            _ => "@teachlink/sdk/web/teachlink_sdk.d.ts'",
        };
        assert!(
            trace
                .lines()
                .any(|l| l.contains("'@teachlink/sdk' was successfully resolved")
                    && l.contains(expected)),
            "{condition}: @teachlink/sdk did not resolve to {expected}"
        );
    }
}

#[test]
fn packed_npm_package_drives_localnet() {
    let root = repo();
    // 1. The package, as a user gets it: built, packed, installed into a fresh directory.
    timed("scripts/build-sdk.sh", || {
        let status = Command::new("bash")
            .arg(root.join("scripts/build-sdk.sh"))
            .status()
            .expect("bash starts");
        assert!(status.success(), "scripts/build-sdk.sh failed");
    });
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sdk-node");
    let _ = std::fs::remove_dir_all(&work);
    let consumer = work.join("consumer");
    let out = work.join("out");
    for d in [&consumer, &out] {
        std::fs::create_dir_all(d).unwrap();
    }
    // A TeachLink server in-process (its own localnet, the demo data set made of real
    // signed transactions, indexed into SQLite), starting while the package installs.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let server = rt
        .block_on(teachlink_server::run(
            teachlink_server::Config::for_tests(work.join("server")),
            std::future::pending(),
        ))
        .expect(
            "the TeachLink server starts (build the contracts with scripts/build-contracts.sh)",
        );
    let packed = timed("npm pack", || {
        run(
            Command::new("npm")
                .args(["pack", "--silent", "--pack-destination"])
                .arg(&work)
                .current_dir(root.join("pkg")),
            "npm pack",
        )
    });
    let tarball = work.join(
        packed
            .lines()
            .last()
            .expect("npm pack names the tarball")
            .trim(),
    );
    assert!(tarball.is_file(), "{} is missing", tarball.display());
    std::fs::write(
        consumer.join("package.json"),
        r#"{ "name": "sdk-consumer", "private": true, "type": "module" }"#,
    )
    .unwrap();
    timed("npm install <tarball>", || {
        run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
                .arg(&tarball)
                .current_dir(&consumer),
            "npm install",
        )
    });
    timed("tsc --strict (node, browser)", || {
        typescript_consumer(&root, &work, &tarball)
    });
    let mut tests = Vec::new();
    for entry in std::fs::read_dir(root.join("sdk/tests/js")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".test.mjs") {
            std::fs::copy(&path, consumer.join(&name)).unwrap();
            tests.push(name);
        } else if name == "support.mjs" {
            // The tests' shared helpers.
            std::fs::copy(&path, consumer.join(&name)).unwrap();
        }
    }
    tests.sort();
    assert!(!tests.is_empty());

    // 2. A localnet with the TeachLink contracts, closing a ledger every 200 ms.
    let net = Localnet::start(Config {
        close_interval: Some(Duration::from_millis(200)),
        ..Config::for_tests()
    })
    .expect("localnet starts");
    let deployment = net
        .with_node(|n| deploy_teachlink(n, &wasm_dir()))
        .unwrap()
        .expect("contracts deploy (build them with scripts/build-contracts.sh)");
    let deployment_file = work.join("deployment.json");
    std::fs::write(
        &deployment_file,
        serde_json::to_string_pretty(&deployment).unwrap(),
    )
    .unwrap();
    let root_key = net.with_node(|n| n.root_key().clone()).unwrap();

    // 3. The Node.js tests against it, importing the installed package.
    timed("node --test", || {
        let status = Command::new("node")
            .args(["--test", "--test-reporter=spec"])
            .args(&tests)
            .current_dir(&consumer)
            .env("TEACHLINK_RPC_URL", net.url())
            .env("TEACHLINK_FRIENDBOT_URL", net.friendbot_url())
            .env("TEACHLINK_DEPLOYMENT", &deployment_file)
            .env("TEACHLINK_OUT", &out)
            .env(
                "TEACHLINK_ROOT_SECRET",
                teachlink_sdk::tx::secret_strkey(&root_key),
            )
            .env(
                "TEACHLINK_ROOT_PUBLIC",
                teachlink_sdk::tx::account_strkey(&root_key.verifying_key().to_bytes()),
            )
            .status()
            .expect("node starts (Node.js >= 20)");
        assert!(status.success(), "the Node.js tests failed: {status}");
    });

    // 4. examples/sdk-node/escrow.mjs, as its README runs it, with the installed package.
    timed("examples/sdk-node/escrow.mjs", || {
        std::fs::copy(
            root.join("examples/sdk-node/escrow.mjs"),
            consumer.join("escrow.mjs"),
        )
        .unwrap();
        let stdout = run(
            Command::new("node")
                .arg("escrow.mjs")
                .current_dir(&consumer)
                .env("RPC_URL", net.url())
                .env("DEPLOYMENT", &deployment_file)
                .env("FRIENDBOT_URL", net.friendbot_url()),
            "node examples/sdk-node/escrow.mjs",
        );
        eprint!("{stdout}");
        assert!(stdout.contains("approved by the reviewer"), "{stdout}");
        assert!(stdout.contains("is Released"), "{stdout}");
    });

    // 5. What the package decoded equals what the indexer decodes from the same page.
    let page: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("events.json")).unwrap()).unwrap();
    let raws: Vec<RawEvent> = serde_json::from_value(page["events"].clone()).unwrap();
    let kinds = deployment.contracts.iter().filter_map(|(name, id)| {
        Some((id.parse::<Address>().ok()?, ContractKind::from_name(name)?))
    });
    let mut decoder = Decoder::with_contracts(kinds);
    let indexer: Vec<Event> = raws
        .into_iter()
        .map(|r| match decoder.decode(r) {
            Decoded::Event(e) => e,
            Decoded::Unknown(raw, why) => panic!("the indexer cannot decode {}: {why}", raw.id),
        })
        .collect();
    let sdk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("decoded.json")).unwrap()).unwrap();
    assert!(indexer.len() >= 10, "only {} events", indexer.len());
    assert_eq!(sdk["events"], serde_json::to_value(&indexer).unwrap());
    assert_eq!(sdk["unknown"], serde_json::json!([]));

    // 6. IndexerClient against the server, once its demo is done (the test waits for it
    //    to be indexed).
    let (demo_events, people) = rt.block_on(async {
        let mut demo = server.demo_state();
        let state = tokio::time::timeout(
            Duration::from_secs(180),
            demo.wait_for(|s| !matches!(s, Some(DemoState::Running { .. }) | None)),
        )
        .await
        .expect("the server's demo completes within three minutes")
        .expect("demo state")
        .clone();
        match state {
            Some(DemoState::Done { events, people, .. }) => (events, people),
            other => panic!("the server's demo did not complete: {other:?}"),
        }
    });
    let people_file = work.join("people.json");
    let people: serde_json::Map<String, serde_json::Value> = people
        .into_iter()
        .map(|p| (p.name, p.account.into()))
        .collect();
    std::fs::write(&people_file, serde_json::to_string(&people).unwrap()).unwrap();
    std::fs::copy(
        root.join("sdk/tests/js/indexer.api.mjs"),
        consumer.join("indexer.api.mjs"),
    )
    .unwrap();
    timed("node --test indexer.api.mjs (IndexerClient)", || {
        let status = Command::new("node")
            .args(["--test", "--test-reporter=spec", "indexer.api.mjs"])
            .current_dir(&consumer)
            .env("TEACHLINK_INDEXER_URL", server.url())
            .env("TEACHLINK_PEOPLE", &people_file)
            .env("TEACHLINK_DEMO_EVENTS", demo_events.to_string())
            .status()
            .expect("node starts");
        assert!(status.success(), "the IndexerClient tests failed: {status}");
    });
    // 6b. LightIndexer (`@teachlink/sdk/indexer`) in Node.js: synced from the server's
    //     localnet into memory it answers what the REST API answers; the server's
    //     snapshot imports, verified.
    std::fs::copy(
        root.join("sdk/tests/js/light-indexer.api.mjs"),
        consumer.join("light-indexer.api.mjs"),
    )
    .unwrap();
    timed("node --test light-indexer.api.mjs (LightIndexer)", || {
        let status = Command::new("node")
            .args(["--test", "--test-reporter=spec", "light-indexer.api.mjs"])
            .current_dir(&consumer)
            .env("TEACHLINK_INDEXER_URL", server.url())
            .env("TEACHLINK_SERVER_RPC_URL", server.rpc_url())
            .env("TEACHLINK_PEOPLE", &people_file)
            .env("TEACHLINK_DEMO_EVENTS", demo_events.to_string())
            .status()
            .expect("node starts");
        assert!(status.success(), "the LightIndexer tests failed: {status}");
    });

    // 7. The package's browser build in headless Chromium against the same localnet, and
    //    examples/sdk-web against the server (sdk/tests/browser/run.mjs: the installed
    //    package and the pages on one local origin, driven through ChromeDriver).
    timed("headless Chromium (sdk/tests/browser)", || {
        let stdout = run(
            Command::new("node")
                .arg(root.join("sdk/tests/browser/run.mjs"))
                .args(BROWSER_PAGES)
                .current_dir(&consumer)
                .env("TEACHLINK_RPC_URL", net.url())
                .env("TEACHLINK_DEPLOYMENT", &deployment_file)
                .env("TEACHLINK_SERVER_URL", server.url())
                .env("TEACHLINK_SERVER_RPC_URL", server.rpc_url())
                .env("TEACHLINK_PEOPLE", &people_file),
            "node sdk/tests/browser/run.mjs (headless Chromium)",
        );
        eprint!("{stdout}");
        assert!(stdout.contains(" 0 failed"), "{stdout}");
    });
    rt.block_on(server.shutdown()).expect("the server stops");
}

/// The pages sdk/tests/browser/run.mjs runs in headless Chromium.
const BROWSER_PAGES: &[&str] = &[
    "tests/escrow.html",
    "tests/sdk-web.html",
    "tests/light-indexer.html",
];
