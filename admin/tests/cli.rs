//! The `teachlink` binary against an in-process localnet, spoken to over JSON-RPC only,
//! exactly as against a real network: deploy (from scratch, again, after an interruption),
//! pause and unpause around a refused escrow call, an upgrade through the timelock, a role
//! granted and used, a transaction built here, signed elsewhere and submitted, and the
//! refusals (another network, an oversized Wasm, a missing or loose key file).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use teachlink_admin::deploy::Deployment;
use teachlink_localnet::{Config, Localnet, LocalnetHandle, DEFAULT_PASSPHRASE};
use teachlink_sdk::escrow::{EscrowContract, EscrowSigner, EscrowTerms};
use teachlink_sdk::invoke::InvokeOptions;
use teachlink_sdk::rpc::{Rpc, RpcOptions};
use teachlink_sdk::signer::SignerKind;
use teachlink_sdk::{tx, SdkError};
use teachlink_validator::chain::HttpTransport;

/// The contracts' Wasm, built by scripts/build-contracts.sh.
fn wasm_dir() -> PathBuf {
    let dir = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => PathBuf::from(t).join("wasm32v1-none/contract"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/wasm32v1-none/contract"),
    };
    assert!(
        dir.join("teachlink_escrow.wasm").is_file(),
        "no contract Wasm in {}: run scripts/build-contracts.sh first",
        dir.display()
    );
    dir
}

fn key(seed: &str) -> SigningKey {
    SigningKey::from_bytes(&tx::sha256(seed.as_bytes()))
}

fn g(k: &SigningKey) -> String {
    tx::account_strkey(&k.verifying_key().to_bytes())
}

/// A localnet closing a ledger every 250 ms, and a directory for the test's files.
struct World {
    net: LocalnetHandle,
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let net = Localnet::start(Config {
            port: 0,
            close_interval: Some(Duration::from_millis(250)),
            ..Config::default()
        })
        .expect("localnet starts");
        World {
            net,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Creates and funds `k`'s account through friendbot (10,000 XLM).
    fn fund(&self, k: &SigningKey) {
        let url = format!("{}?addr={}", self.net.friendbot_url(), g(k));
        let resp = reqwest::blocking::get(url).expect("friendbot answers");
        assert!(resp.status().is_success(), "friendbot: {}", resp.status());
    }

    /// Writes `k`'s secret to a key file of mode `mode`.
    fn key_file(&self, name: &str, k: &SigningKey, mode: u32) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, format!("{}\n", tx::secret_strkey(k))).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    fn deployment_file(&self) -> PathBuf {
        self.path("deployment.json")
    }

    fn deployment(&self) -> Deployment {
        Deployment::read(&self.deployment_file()).expect("deployment file")
    }

    /// The binary, pointed at this localnet and this test's deployment file.
    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_teachlink"));
        for var in [
            "TEACHLINK_SECRET",
            "TEACHLINK_KEY_FILE",
            "TEACHLINK_NETWORK_PASSPHRASE",
        ] {
            c.env_remove(var);
        }
        c.env("TEACHLINK_RPC_URL", self.net.url())
            .env("TEACHLINK_DEPLOYMENT_FILE", self.deployment_file())
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("the binary runs")
    }

    /// Runs and requires success; stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let (stdout, stderr) = texts(&out);
        assert!(
            out.status.success(),
            "teachlink {args:?} failed ({:?}):\n{stdout}\n{stderr}",
            out.status.code()
        );
        stdout
    }

    /// Runs and requires exit `code`; stdout and stderr.
    fn fails(&self, code: i32, args: &[&str]) -> (String, String) {
        let out = self.run(args);
        let (stdout, stderr) = texts(&out);
        assert_eq!(
            out.status.code(),
            Some(code),
            "teachlink {args:?}:\n{stdout}\n{stderr}"
        );
        (stdout, stderr)
    }

    fn deploy_args<'a>(&'a self, key_file: &'a str, wasm: &'a str, delay: &'a str) -> Vec<&'a str> {
        vec![
            "deploy",
            "--network-passphrase",
            DEFAULT_PASSPHRASE,
            "--wasm-dir",
            wasm,
            "--timelock-delay",
            delay,
            "--key-file",
            key_file,
            "--yes",
        ]
    }

    /// A funded admin, TeachLink deployed by it with `delay`, and its key file.
    fn deployed(&self, delay: &str) -> (SigningKey, PathBuf) {
        let admin = key(&format!("admin {:?}", self.dir.path()));
        self.fund(&admin);
        let file = self.key_file("admin.key", &admin, 0o600);
        let wasm = wasm_dir();
        self.ok(&self.deploy_args(file.to_str().unwrap(), wasm.to_str().unwrap(), delay));
        (admin, file)
    }

    /// `create` on the escrow as `learner` (a plain SDK call over the same RPC).
    fn create_escrow(&self, learner: &SigningKey, teacher: &SigningKey) -> Result<u64, SdkError> {
        let d = self.deployment();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let rpc = Rc::new(Rpc::new(
                self.net.url(),
                HttpTransport::new().unwrap(),
                RpcOptions::default(),
            ));
            let escrow = EscrowContract::new(
                d.contract("escrow").unwrap(),
                rpc,
                d.network_passphrase.clone(),
                InvokeOptions::default(),
            )?;
            let terms = EscrowTerms {
                beneficiary: g(teacher),
                token: d.native_asset.clone(),
                amount: 10_000_000,
                signers: vec![EscrowSigner {
                    address: g(teacher),
                    weight: 1,
                }],
                threshold: 1,
                release_after: None,
                refund_after: None,
                arbitrator: None,
                dispute_timeout: 0,
                course_id: 1,
            };
            escrow
                .create(&terms, &SignerKind::Local(Box::new(learner.clone())))
                .await
                .map(|i| i.value)
        })
    }
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The contract ids `deploy` must produce for `admin` on localnet: admin and salt only.
fn expected_ids(admin: &SigningKey) -> Vec<(String, String)> {
    let deployer = tx::account_address(&admin.verifying_key().to_bytes());
    teachlink_admin::deploy::CONTRACTS
        .iter()
        .map(|n| {
            let pre = tx::contract_preimage(&deployer, teachlink_admin::deploy::salt(n));
            let id = tx::contract_address(DEFAULT_PASSPHRASE, &pre).unwrap();
            (n.to_string(), id.to_string())
        })
        .collect()
}

#[test]
fn an_interrupted_deploy_is_completed_by_a_rerun_and_a_third_run_changes_nothing() {
    let w = World::new();
    let admin = key("interrupted deploy admin");
    w.fund(&admin);
    let file = w.key_file("admin.key", &admin, 0o600);
    let wasm = wasm_dir();
    let args = w.deploy_args(file.to_str().unwrap(), wasm.to_str().unwrap(), "2");

    // Killed once the content contract exists: escrow and content done, the rest not.
    let mut child = w
        .cmd()
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let stop = line.starts_with("created content ");
        seen.push(line);
        if stop {
            child.kill().unwrap();
            break;
        }
    }
    child.wait().unwrap();
    assert!(
        seen.iter().any(|l| l.starts_with("created escrow ")),
        "{seen:#?}"
    );
    assert!(!w.deployment_file().exists(), "no file from a killed run");

    let out = w.ok(&args);
    assert!(out.contains("escrow: code"), "{out}");
    assert!(out.contains("already on chain, not uploaded"), "{out}");
    for name in ["escrow", "content"] {
        assert!(out.contains(&format!("{name}: C")), "{out}");
        assert!(
            !out.contains(&format!("created {name} ")),
            "{name} made twice:\n{out}"
        );
    }
    assert!(out.contains("created reputation "), "{out}");
    for name in ["rewards", "bridge"] {
        assert!(out.contains(&format!("uploaded {name}")), "{out}");
        assert!(out.contains(&format!("created {name} ")), "{out}");
    }
    let first = w.deployment();
    assert_eq!(first.network_passphrase, DEFAULT_PASSPHRASE);
    assert_eq!(first.admin, g(&admin));
    assert_eq!(first.contracts.clone().into_iter().collect::<Vec<_>>(), {
        let mut e = expected_ids(&admin);
        e.sort();
        e
    });
    assert!(first.start_ledger > 0);

    // Again: nothing uploaded, nothing created, nothing sent, the same file.
    let again = w.ok(&args);
    assert!(!again.contains("uploaded "), "{again}");
    assert!(!again.contains("created "), "{again}");
    assert!(!again.contains("transaction "), "{again}");
    assert_eq!(again.matches("already on chain, not uploaded").count(), 5);
    assert_eq!(again.matches("already exists").count(), 5);
    assert_eq!(w.deployment(), first);

    // The deployed contracts work: the admin is the deployer, nothing paused.
    let status = w.ok(&["status"]);
    assert_eq!(
        status.matches(&format!("admin    {}", g(&admin))).count(),
        5,
        "{status}"
    );
    assert_eq!(status.matches("paused   false").count(), 5, "{status}");
    assert_eq!(status.matches("timelock 2 s").count(), 5, "{status}");
}

#[test]
fn pause_refuses_the_escrow_until_unpause_and_a_granted_role_is_used() {
    let w = World::new();
    let (_admin, admin_key) = w.deployed("2");
    let admin_key = admin_key.to_str().unwrap();
    let learner = key("pause learner");
    let teacher = key("pause teacher");
    w.fund(&learner);
    w.fund(&teacher);

    // Declined at the prompt: nothing sent.
    let mut child = w
        .cmd()
        .args(["pause", "escrow", "--key-file", admin_key])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("confirmation declined"), "{stderr}");
    assert!(
        stdout.contains("fee "),
        "the fee is shown before asking: {stdout}"
    );
    assert!(stdout.contains("footprint: "), "{stdout}");
    assert!(w.ok(&["status"]).contains("paused   false"));

    let out = w.ok(&["pause", "escrow", "--key-file", admin_key, "--yes"]);
    assert!(out.contains("transaction "), "{out}");
    assert!(out.contains(r#"event {"event":"paused""#), "{out}");
    let refused = w.create_escrow(&learner, &teacher).unwrap_err();
    assert!(
        matches!(refused, SdkError::Contract { name: "Paused", .. }),
        "{refused:?}"
    );

    let out = w.ok(&["unpause", "escrow", "--key-file", admin_key, "--yes"]);
    assert!(out.contains(r#""event":"unpaused""#), "{out}");
    w.create_escrow(&learner, &teacher)
        .expect("the escrow takes payments again");

    // A role granted and used: the emergency role pauses, and cannot resume.
    let responder = key("pause responder");
    w.fund(&responder);
    let responder_key = w.key_file("responder.key", &responder, 0o600);
    let responder_key = responder_key.to_str().unwrap();
    let (_, stderr) = w.fails(
        2,
        &["pause", "escrow", "--key-file", responder_key, "--yes"],
    );
    assert!(
        stderr.contains("Unauthorized"),
        "before the grant: {stderr}"
    );
    let out = w.ok(&[
        "grant-role",
        "escrow",
        "emergency",
        &g(&responder),
        "--key-file",
        admin_key,
        "--yes",
    ]);
    assert!(out.contains(r#""event":"role_granted""#), "{out}");
    w.ok(&["pause", "escrow", "--key-file", responder_key, "--yes"]);
    assert!(matches!(
        w.create_escrow(&learner, &teacher),
        Err(SdkError::Contract { name: "Paused", .. })
    ));
    let (_, stderr) = w.fails(
        2,
        &["unpause", "escrow", "--key-file", responder_key, "--yes"],
    );
    assert!(stderr.contains("Unauthorized"), "{stderr}");
    w.ok(&["unpause", "all", "--key-file", admin_key, "--yes"]);
    w.create_escrow(&learner, &teacher).expect("resumed");
}

/// `wasm` with one more custom section: the same code under another hash, a new version.
fn variant(wasm: &[u8], tag: &str) -> Vec<u8> {
    let name = b"teachlink-admin-test";
    let mut section = vec![name.len() as u8];
    section.extend_from_slice(name);
    section.extend_from_slice(tag.as_bytes());
    assert!(section.len() < 128, "one-byte LEB128 length");
    let mut out = wasm.to_vec();
    out.push(0);
    out.push(section.len() as u8);
    out.extend_from_slice(&section);
    out
}

#[test]
fn an_upgrade_is_refused_before_the_timelock_and_runs_after_it() {
    let w = World::new();
    let delay = 6u64;
    let (_admin, admin_key) = w.deployed(&delay.to_string());
    let admin_key = admin_key.to_str().unwrap();
    let v2 = w.path("escrow-v2.wasm");
    let code = std::fs::read(wasm_dir().join("teachlink_escrow.wasm")).unwrap();
    std::fs::write(&v2, variant(&code, "v2")).unwrap();
    let v2_hash = hex::encode(tx::sha256(&std::fs::read(&v2).unwrap()));

    let out = w.ok(&[
        "upgrade",
        "propose",
        "escrow",
        "--wasm",
        v2.to_str().unwrap(),
        "--key-file",
        admin_key,
        "--yes",
    ]);
    let proposed_at = Instant::now();
    assert!(out.contains(&format!("upload {}", v2.display())), "{out}");
    assert!(
        out.contains("proposed upgrade on escrow: ready at"),
        "{out}"
    );
    assert!(out.contains(r#""event":"proposed""#), "{out}");
    let pending = w.ok(&["upgrade", "pending"]);
    assert!(
        pending.contains(&format!("pending escrow upgrade({v2_hash})")),
        "{pending}"
    );

    let execute = [
        "upgrade",
        "execute",
        "escrow",
        "--hash",
        &v2_hash,
        "--key-file",
        admin_key,
        "--yes",
    ];
    let (_, stderr) = w.fails(2, &execute);
    assert!(
        proposed_at.elapsed() < Duration::from_secs(delay),
        "the refusal must come inside the delay to mean anything"
    );
    assert!(stderr.contains("TimelockNotReady"), "{stderr}");
    assert!(w
        .ok(&["status"])
        .contains(&format!("code     {}", hex::encode(tx::sha256(&code)))));

    std::thread::sleep(Duration::from_secs(delay + 1).saturating_sub(proposed_at.elapsed()));
    let out = w.ok(&execute);
    assert!(out.contains(r#""event":"executed""#), "{out}");
    assert!(out.contains(r#""event":"upgraded""#), "{out}");
    let status = w.ok(&["status"]);
    assert!(status.contains(&format!("code     {v2_hash}")), "{status}");
    assert!(status.contains("no pending proposals"), "{status}");

    // Proposed, then cancelled: nothing pending, and executing it is refused.
    let v3 = hex::encode(tx::sha256(&variant(&code, "v3")));
    let run = |verb: &str| {
        let args = [
            "upgrade",
            verb,
            "escrow",
            "--hash",
            &v3,
            "--key-file",
            admin_key,
            "--yes",
        ];
        w.run(&args)
    };
    assert!(run("propose").status.success());
    assert!(w.ok(&["upgrade", "pending"]).contains(&v3));
    let out = run("cancel");
    assert!(out.status.success(), "{:?}", texts(&out));
    assert!(texts(&out).0.contains(r#""event":"cancelled""#));
    assert!(w
        .ok(&["upgrade", "pending"])
        .contains("no pending proposals"));
    let out = run("execute");
    assert_eq!(out.status.code(), Some(2));
    assert!(texts(&out).1.contains("NotProposed"), "{:?}", texts(&out));
}

#[test]
fn a_transaction_built_here_is_signed_elsewhere_and_submitted() {
    let w = World::new();
    let (admin, _) = w.deployed("2");
    let built = w.path("pause.xdr");
    // No key at all: only the admin's address.
    let out = w.ok(&[
        "pause",
        "escrow",
        "--build-only",
        built.to_str().unwrap(),
        "--source",
        &g(&admin),
    ]);
    assert!(out.contains("unsigned transaction written to"), "{out}");
    assert!(
        w.ok(&["status"]).contains("paused   false"),
        "nothing was sent"
    );

    let text = std::fs::read_to_string(&built).unwrap();
    let mut env = tx::unwrap(tx::from_b64(&text, "built").unwrap()).unwrap();
    assert!(env.signatures.is_empty());
    assert!(
        !tx::invoke_op(&env.tx).unwrap().auth.is_empty(),
        "the auth entries are in the built transaction"
    );
    // Signed elsewhere (as a wallet would), with a key the CLI never saw.
    tx::sign_envelope_locally(&mut env, &admin, tx::network_id(DEFAULT_PASSPHRASE)).unwrap();
    let signed = w.path("pause.signed.xdr");
    std::fs::write(
        &signed,
        tx::to_b64(&stellar_xdr::TransactionEnvelope::Tx(env), "signed").unwrap(),
    )
    .unwrap();

    let out = w.ok(&["submit", signed.to_str().unwrap()]);
    assert!(out.contains("transaction "), "{out}");
    assert!(out.contains(r#""event":"paused""#), "{out}");
    let status = w.ok(&["status"]);
    assert_eq!(status.matches("paused   true").count(), 1, "{status}");

    // Signed by someone else than the source: the network refuses it.
    let built2 = w.path("unpause.xdr");
    w.ok(&[
        "unpause",
        "escrow",
        "--build-only",
        built2.to_str().unwrap(),
        "--source",
        &g(&admin),
    ]);
    let mut env =
        tx::unwrap(tx::from_b64(&std::fs::read_to_string(&built2).unwrap(), "built").unwrap())
            .unwrap();
    tx::sign_envelope_locally(
        &mut env,
        &key("stranger"),
        tx::network_id(DEFAULT_PASSPHRASE),
    )
    .unwrap();
    std::fs::write(
        &built2,
        tx::to_b64(&stellar_xdr::TransactionEnvelope::Tx(env), "signed").unwrap(),
    )
    .unwrap();
    let out = w.run(&["submit", built2.to_str().unwrap()]);
    assert!(!out.status.success(), "{:?}", texts(&out));
    assert!(w.ok(&["status"]).contains("paused   true"));
}

#[test]
fn another_network_an_oversized_wasm_and_loose_or_missing_keys_are_refused() {
    let w = World::new();
    let admin = key("refusals admin");
    w.fund(&admin);
    let good = w.key_file("admin.key", &admin, 0o600);
    let wasm = wasm_dir();
    let wasm_s = wasm.to_str().unwrap().to_string();
    let good_s = good.to_str().unwrap().to_string();

    // Another passphrase than the RPC serves.
    let mut args = w.deploy_args(&good_s, &wasm_s, "2");
    args[2] = "Test SDF Network ; September 2015";
    let (_, stderr) = w.fails(3, &args);
    assert!(stderr.contains("network passphrase mismatch"), "{stderr}");
    assert!(stderr.contains(DEFAULT_PASSPHRASE), "{stderr}");

    // A missing key file, and one others can read (its secret never printed).
    let missing = w.path("absent.key");
    let (_, stderr) = w.fails(3, &w.deploy_args(missing.to_str().unwrap(), &wasm_s, "2"));
    assert!(stderr.contains("no signing key"), "{stderr}");
    let loose = w.key_file("loose.key", &admin, 0o644);
    let (stdout, stderr) = w.fails(3, &w.deploy_args(loose.to_str().unwrap(), &wasm_s, "2"));
    assert!(stderr.contains("chmod 600"), "{stderr}");
    let secret = tx::secret_strkey(&admin);
    assert!(!stdout.contains(&secret) && !stderr.contains(&secret));
    let group = w.key_file("group.key", &admin, 0o640);
    w.fails(3, &w.deploy_args(group.to_str().unwrap(), &wasm_s, "2"));

    // One Wasm over the network's size limit (128 KiB on localnet): nothing is uploaded.
    let big_dir = w.path("big");
    std::fs::create_dir(&big_dir).unwrap();
    for name in teachlink_admin::deploy::CONTRACTS {
        let file = format!("teachlink_{name}.wasm");
        let mut code = std::fs::read(wasm.join(&file)).unwrap();
        if name == "bridge" {
            code = variant(&code, "x");
            let pad = vec![b'x'; 140_000];
            // Custom sections of ≤127 bytes each until it is over the limit.
            for chunk in pad.chunks(100) {
                code.push(0);
                code.push(chunk.len() as u8 + 1);
                code.push(0);
                code.extend_from_slice(chunk);
            }
        }
        std::fs::write(big_dir.join(file), code).unwrap();
    }
    let (stdout, stderr) = w.fails(3, &w.deploy_args(&good_s, big_dir.to_str().unwrap(), "2"));
    assert!(
        stderr.contains("over the network's contract size limit of 131072 bytes"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("upload"),
        "checked before spending: {stdout}"
    );
    assert!(!w.deployment_file().exists());

    // The secret from an environment variable works, and is not echoed.
    let out = w
        .cmd()
        .args([
            "deploy",
            "--network-passphrase",
            DEFAULT_PASSPHRASE,
            "--wasm-dir",
            &wasm_s,
            "--timelock-delay",
            "2",
            "--yes",
        ])
        .env("TEACHLINK_SECRET", &secret)
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(!stdout.contains(&secret) && !stderr.contains(&secret));
    assert_eq!(w.deployment().admin, g(&admin));
}

#[test]
fn the_server_indexes_a_network_deployed_by_the_cli() {
    let w = World::new();
    let (admin, admin_key) = w.deployed("2");
    let admin_key = admin_key.to_str().unwrap();
    let out = w.ok(&["fund", "500000000", "--key-file", admin_key, "--yes"]);
    assert!(out.contains(r#""event":"funded""#), "{out}");
    w.ok(&["pause", "bridge", "--key-file", admin_key, "--yes"]);

    let data = w.path("server");
    let args = <teachlink_server::config::Args as clap::Parser>::try_parse_from([
        "teachlink-server",
        "--rpc-url",
        &w.net.url(),
        "--deployment-file",
        w.deployment_file().to_str().unwrap(),
        "--database-url",
        "sqlite::memory:",
        "--port",
        "0",
        "--data-dir",
        data.to_str().unwrap(),
    ])
    .expect("server arguments");
    let config = teachlink_server::Config::from_args(args).expect("the server accepts the file");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(teachlink_server::run(config, std::future::pending()))
        .expect("the server starts");
    let base = server.url();
    let client = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let pool = loop {
        let pool: serde_json::Value = client
            .get(format!("{base}api/pool"))
            .send()
            .and_then(|r| r.json())
            .unwrap_or_default();
        let status: serde_json::Value = client
            .get(format!("{base}api/status"))
            .send()
            .and_then(|r| r.json())
            .unwrap_or_default();
        let events = status["store"]["events"].as_u64().unwrap_or(0);
        if events >= 2 && pool.to_string().contains("500000000") {
            break pool;
        }
        assert!(Instant::now() < deadline, "not indexed: {status} {pool}");
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(pool.to_string().contains("500000000"), "{pool}");
    let _ = admin;
    rt.block_on(server.shutdown()).unwrap();
}

#[test]
fn the_admin_handover_bridge_limits_and_a_validator_go_through_the_cli() {
    let w = World::new();
    let (admin, admin_key) = w.deployed("2");
    let admin_key = admin_key.to_str().unwrap();
    let next = key("handover next admin");
    let validator = key("handover validator");
    w.fund(&next);
    w.fund(&validator);
    let next_key = w.key_file("next.key", &next, 0o600);
    let next_key = next_key.to_str().unwrap();

    // transfer_admin in steps: built by the admin, signed by the new admin, sent.
    let step = w.path("handover.xdr");
    let step_s = step.to_str().unwrap();
    let out = w.ok(&[
        "transfer-admin",
        "content",
        &g(&next),
        "--out",
        step_s,
        "--key-file",
        admin_key,
        "--yes",
    ]);
    assert!(out.contains("step 1 of 2"), "{out}");
    let (_, stderr) = w.fails(1, &["submit", step_s, "--key-file", admin_key, "--yes"]);
    assert!(stderr.contains("authorization still missing"), "{stderr}");
    w.ok(&["sign-auth", step_s, "--key-file", next_key]);
    let out = w.ok(&["submit", step_s, "--key-file", admin_key, "--yes"]);
    assert!(out.contains(r#""event":"admin_changed""#), "{out}");
    let status = w.ok(&["status"]);
    assert!(
        status.contains(&format!("admin    {}", g(&next))),
        "{status}"
    );
    let (_, stderr) = w.fails(2, &["pause", "content", "--key-file", admin_key, "--yes"]);
    assert!(
        stderr.contains("Unauthorized"),
        "the old admin is out: {stderr}"
    );
    w.ok(&["pause", "content", "--key-file", next_key, "--yes"]);
    let _ = admin;

    // Enabling a chain must be proposed, then waits for the timelock.
    let limits = |extra: &[&str]| {
        let mut a = vec![
            "bridge",
            "set-limits",
            "2",
            "--bridge-id",
            "abababababababababababababababababababababababababababababababab",
            "--per-transfer",
            "100",
            "--per-day",
            "1000",
            "--key-file",
            admin_key,
            "--yes",
        ];
        a.extend_from_slice(extra);
        w.run(&a)
    };
    let out = limits(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(texts(&out).1.contains("NotProposed"), "{:?}", texts(&out));
    // Proposed, cancelled with the line `upgrade pending` prints, proposed again.
    assert!(limits(&["--propose"]).status.success());
    let pending = w.ok(&["upgrade", "pending"]);
    let cancel_line = pending
        .lines()
        .find_map(|l| l.trim().strip_prefix("cancel with: teachlink "))
        .unwrap_or_else(|| panic!("{pending}"))
        .to_string();
    let mut cancel: Vec<&str> = cancel_line.split(' ').collect();
    assert_eq!(
        &cancel[..3],
        ["cancel-proposal", "bridge", "set_chain_limits"]
    );
    cancel.extend(["--key-file", admin_key, "--yes"]);
    let out = w.ok(&cancel);
    assert!(out.contains(r#""event":"cancelled""#), "{out}");
    assert!(w
        .ok(&["upgrade", "pending"])
        .contains("no pending proposals"));
    assert!(limits(&["--propose"]).status.success());
    std::thread::sleep(Duration::from_secs(3));
    let out = limits(&[]);
    assert!(
        texts(&out).0.contains(r#""event":"chain_limits_set""#),
        "{:?}",
        texts(&out)
    );
    let out = w.ok(&[
        "bridge",
        "pause-chain",
        "2",
        "--key-file",
        admin_key,
        "--yes",
    ]);
    assert!(out.contains(r#""event":"chain_paused""#), "{out}");

    // A validator registers (its key's proof signed here), unbonds, cannot withdraw yet.
    let attest = w.key_file("attest.key", &key("attestation key"), 0o600);
    let val_key = w.key_file("validator.key", &validator, 0o600);
    let val_key = val_key.to_str().unwrap();
    let out = w.ok(&[
        "validator",
        "register",
        "--signing-key-file",
        attest.to_str().unwrap(),
        "--stake",
        "10000000000",
        "--key-file",
        val_key,
        "--yes",
    ]);
    assert!(out.contains(r#""event":"validator_registered""#), "{out}");
    let activate = |extra: &[&str]| {
        let v = g(&validator);
        let mut a = vec![
            "bridge",
            "activate-validator",
            v.as_str(),
            "--key-file",
            admin_key,
            "--yes",
        ];
        a.extend_from_slice(extra);
        w.run(&a)
    };
    assert!(texts(&activate(&[])).1.contains("NotProposed"));
    assert!(activate(&["--propose"]).status.success());
    std::thread::sleep(Duration::from_secs(3));
    let out = activate(&[]);
    assert!(
        texts(&out).0.contains(r#""event":"validator_activated""#),
        "{:?}",
        texts(&out)
    );
    let out = w.ok(&[
        "bridge",
        "deactivate-validator",
        &g(&validator),
        "--key-file",
        admin_key,
        "--yes",
    ]);
    assert!(out.contains(r#""event":"validator_deactivated""#), "{out}");
    let out = w.ok(&["validator", "unbond", "--key-file", val_key, "--yes"]);
    assert!(out.contains(r#""event":"unbonding_started""#), "{out}");
    let (_, stderr) = w.fails(
        2,
        &["validator", "withdraw", "--key-file", val_key, "--yes"],
    );
    assert!(stderr.contains("UnbondingNotOver"), "{stderr}");
}
