//! The built web app (`scripts/build-web.sh` → web-app/dist) in headless Chromium, served
//! by a real server whose embedded localnet runs the contracts and the demo data set. The
//! app syncs the chain into the browser's IndexedDB and every check reads the page:
//! a teacher's escrows and content, an escrow's history, the data surviving a reload,
//! going offline — the banner shows, and pages still open from IndexedDB — a reload
//! without the server's `/api/status`, and one with the server gone, the app opened by its
//! service worker. Then the writes,
//! signed by a test wallet that holds real keys and signs with `@stellar/stellar-sdk`
//! (npm, loaded into the page), not with our SDK: a learner pays for a course, the teacher
//! approves and releases, a refusing wallet sends nothing, and the teacher mints a course —
//! every new state read back from the page, which reads IndexedDB.
// Native only: it drives the browser from outside.
#![cfg(not(target_arch = "wasm32"))]

use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use teachlink_server::{run, Config, ServerHandle};

fn dist() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist")
}

/// A ChromeDriver process and one headless Chromium session.
struct Browser {
    driver: Child,
    base: String,
    http: reqwest::Client,
}

impl Browser {
    async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        // A process group of its own, which the Chromium it starts joins: dropping the
        // browser (also when a test panics) ends them all.
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("{chromedriver}: {e} (scripts/setup.sh installs it)"));
        let http = reqwest::Client::new();
        let root = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{root}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "ChromeDriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1280,900"]
            }
        }}});
        let session: Value = http
            .post(format!("{root}/session"))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("session JSON");
        let id = session["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {session}"));
        Browser {
            driver,
            base: format!("{root}/session/{id}"),
            http,
        }
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let req = self.http.request(method, format!("{}{path}", self.base));
        let req = if body.is_null() { req } else { req.json(&body) };
        let v: Value = req
            .send()
            .await
            .expect("WebDriver")
            .json()
            .await
            .expect("JSON");
        assert!(v["value"]["error"].is_null(), "WebDriver {path}: {v}");
        v["value"].clone()
    }

    async fn go(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", json!({ "url": url }))
            .await;
    }

    async fn run_js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    async fn text(&self) -> String {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            json!({ "script": "return document.body.innerText", "args": [] }),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Waits until the page shows every one of `needles`.
    async fn shows(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let text = self.text().await;
            if needles.iter().all(|n| text.contains(n)) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "the page never showed {needles:?}; it shows:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    async fn element(&self, css: &str) -> String {
        let el = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        el.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("element id")
            .to_string()
    }

    async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            json!({}),
        )
        .await;
    }

    async fn clear(&self, css: &str) {
        let id = self.element(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            json!({}),
        )
        .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// Waits until an element matches `css`.
    async fn present(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while self
            .run_js(
                "return document.querySelector(arguments[0]) !== null",
                json!([css]),
            )
            .await
            != Value::Bool(true)
        {
            assert!(
                Instant::now() < deadline,
                "no {css} on the page:\n{}",
                self.text().await
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Whether this document has fetched a file whose URL contains `name` (the Resource
    /// Timing entries of the page as it is now).
    async fn fetched(&self, name: &str) -> bool {
        self.run_js(
            "return performance.getEntriesByType('resource').some((r) => r.name.includes(arguments[0]))",
            json!([name]),
        )
        .await
            == Value::Bool(true)
    }

    /// Chromium's network emulation: offline makes every request fail, like a lost link.
    async fn offline(&self, offline: bool) {
        self.cmd(
            reqwest::Method::POST,
            "/chromium/network_conditions",
            json!({ "network_conditions": {
                "offline": offline, "latency": 0,
                "download_throughput": -1, "upload_throughput": -1
            }}),
        )
        .await;
    }
}

impl Browser {
    /// Makes requests to URLs matching `patterns` (`*` wildcards) fail, through the
    /// DevTools protocol: one server route away while the rest answers.
    async fn block(&self, patterns: &[&str]) {
        for (cmd, params) in [
            ("Network.enable", json!({})),
            ("Network.setBlockedURLs", json!({ "urls": patterns })),
        ] {
            self.cmd(
                reqwest::Method::POST,
                "/goog/cdp/execute",
                json!({ "cmd": cmd, "params": params }),
            )
            .await;
        }
    }

    /// Ends the session, which closes Chromium (killing ChromeDriver alone leaves it running).
    async fn quit(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: killing ChromeDriver alone leaves Chromium running.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
    }
}

/// The server with the built web app, its embedded localnet and the demo data set, once
/// the demo is done: the server, its base URL, the demo's people and the data directory.
async fn demo_server() -> (ServerHandle, String, Value, tempfile::TempDir) {
    assert!(
        dist().join("teachlink_web_app_bg.wasm").is_file(),
        "no built web app in {}: run scripts/build-web.sh first",
        dist().display()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path());
    config.web_dir = dist();
    let server = run(config, std::future::pending()).await.expect("server");
    let base = format!("http://{}", server.addr());
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    let people = loop {
        let body = http
            .get(format!("{base}/api/status"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // Before the store is open the server answers 503 with a plain reason.
        let status: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        // The demo done and indexed: a new browser then starts from the server's snapshot.
        if status["demo"]["state"] == "done"
            && status["store"]["events"].as_u64() >= status["demo"]["events"].as_u64()
        {
            break status["demo"]["people"].clone();
        }
        assert!(Instant::now() < deadline, "demo not done: {body}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    (server, base, people, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learners_and_teachers_read_the_chain_from_indexeddb_and_offline() {
    let (server, base, people, _dir) = demo_server().await;
    // The app's files are always revalidated, so only the service worker answers for them
    // once the server is gone (and a deploy never mixes old and new files).
    for file in [
        "/",
        "/users/x",
        "/teachlink_web_app.js",
        "/teachlink_web_app_bg.wasm",
    ] {
        let response = reqwest::get(format!("{base}{file}"))
            .await
            .expect("the app");
        assert_eq!(response.status(), 200, "{file}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{file}");
    }
    // Browsers that accept gzip get build-web.sh's gzip -9 copy: the same bytes, smaller.
    let raw = reqwest::get(format!("{base}/teachlink_web_app_bg.wasm"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let gzipped = reqwest::Client::new()
        .get(format!("{base}/teachlink_web_app_bg.wasm"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let gzipped = gzipped.bytes().await.unwrap();
    assert!(
        gzipped.len() * 2 < raw.len(),
        "{} of {}",
        gzipped.len(),
        raw.len()
    );
    assert_eq!(
        std::fs::read(dist().join("teachlink_web_app_bg.wasm.gz")).unwrap(),
        gzipped.to_vec()
    );
    let account = |name: &str| {
        people
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["account"].as_str())
            .unwrap()
            .to_string()
    };
    let ada = account("ada");

    let browser = Browser::start().await;

    // Connecting a wallet: none installed, one on another network, one that refuses, and
    // one on this network, which leads to its account's page.
    // A new browser: its IndexedDB starts from the server's verified snapshot.
    browser.go(&format!("{base}/")).await;
    browser
        .shows(&[
            "Up to date",
            "Connect wallet",
            "Started from the server's verified snapshot at ledger",
        ])
        .await;
    browser.click(".wallet button").await;
    browser.shows(&["No Stellar wallet found"]).await;
    let inject = "const [address, passphrase, refuse] = arguments;
        window.freighterApi = {
            getNetwork: async () => ({ network: 'TEST', networkPassphrase: passphrase }),
            getAddress: async () => refuse ? { error: { message: 'User declined' } } : { address },
        };";
    browser
        .run_js(
            inject,
            json!([ada, "Public Global Stellar Network ; September 2015", false]),
        )
        .await;
    browser.click(".wallet button").await;
    browser
        .shows(&["Your wallet is on", "Switch the wallet's network"])
        .await;
    let passphrase = "Standalone Network ; February 2017";
    browser.run_js(inject, json!([ada, passphrase, true])).await;
    browser.click(".wallet button").await;
    browser
        .shows(&["The wallet refused (getAddress): User declined"])
        .await;
    browser
        .run_js(inject, json!([ada, passphrase, false]))
        .await;
    browser.click(".wallet button").await;
    let short = format!("Connected: {}…{}", &ada[..5], &ada[ada.len() - 5..]);
    browser.shows(&[short.as_str(), "Account", "Escrows"]).await;

    browser.go(&format!("{base}/users/{ada}")).await;
    let page = browser
        .shows(&[
            "Up to date",
            "Escrows",
            "#1",
            "released",
            "Soroban smart contracts 101",
        ])
        .await;
    assert!(page.contains(&ada), "{page}");
    // A teacher is not recommended her own courses.
    let ada_recs = browser
        .shows(&["Recommended next", "Rust for the web"])
        .await
        .split("Recommended next")
        .nth(1)
        .and_then(|rest| rest.split("Escrows").next().map(str::to_string))
        .unwrap_or_default();
    for own in ["Soroban smart contracts 101", "Stellar assets and payments"] {
        assert!(!ada_recs.lines().any(|l| l.trim() == own), "{ada_recs}");
    }

    // A learner's recommendations, computed in the page from IndexedDB.
    let alan = account("alan");
    browser.go(&format!("{base}/users/{alan}")).await;
    let learner = browser
        .shows(&["Recommended next", "Escrows", "popular"])
        .await;
    // Alan paid for ada's first course; a course he has not taken comes first, with its
    // reason, and the one he took is not offered again.
    let recs = learner
        .split("Recommended next")
        .nth(1)
        .and_then(|rest| rest.split("Escrows").next())
        .unwrap_or_default();
    assert!(recs.contains("same tags as"), "{recs}");
    // The model is a module of its own, fetched for this list.
    assert!(browser.fetched("teachlink_web_app_reco").await);
    assert!(!recs.contains("Computing"), "{recs}");
    assert!(
        !recs
            .lines()
            .any(|l| l.trim() == "Soroban smart contracts 101"),
        "{recs}"
    );
    // The list is kept for the store's current events, and a reload shows it unchanged
    // rather than training again.
    let kept = browser
        .run_js(
            "return localStorage.getItem('teachlink-kept-results')",
            json!([]),
        )
        .await;
    let kept: Value = serde_json::from_str(kept.as_str().expect("kept results")).expect("JSON");
    let key = format!("recommended/{alan}");
    assert!(
        kept.as_array()
            .expect("a list")
            .iter()
            .any(|k| k["key"] == key.as_str() && k["events"].as_u64() > Some(0)),
        "{kept}"
    );
    browser.go(&format!("{base}/users/{alan}")).await;
    let again = browser
        .shows(&["Recommended next", "Escrows", "popular"])
        .await;
    assert_eq!(
        again
            .split("Recommended next")
            .nth(1)
            .and_then(|rest| rest.split("Escrows").next()),
        Some(recs)
    );
    // A kept list needs no model: the recommender module is not fetched.
    assert!(!browser.fetched("teachlink_web_app_reco").await);
    browser.go(&format!("{base}/users/{ada}")).await;
    browser.shows(&["Escrows", "#1", "released"]).await;

    // An escrow, by client-side navigation.
    browser.click("a[href='/escrows/1']").await;
    browser
        .shows(&["Escrow #1 · released", "History", "Signers"])
        .await;

    // A reload reads the same data back from IndexedDB.
    browser.go(&format!("{base}/escrows/1")).await;
    browser.shows(&["Escrow #1 · released", "History"]).await;

    // The catalogue: every course with its creator and licence, each linking to its page.
    browser.click("a[href='/content']").await;
    let catalogue = browser
        .shows(&[
            "Courses and material",
            "Soroban smart contracts 101",
            "Rust for the web",
            "soroban, rust",
        ])
        .await;
    assert!(!catalogue.contains("No content"), "{catalogue}");
    browser.click("table.catalogue a[href='/tokens/1']").await;
    browser
        .shows(&["Soroban smart contracts 101", "Provenance"])
        .await;
    // A visit that only reads (a wallet connected, pages, a course's pay form shown) never
    // downloads the transaction module.
    assert!(!browser.fetched("teachlink_web_app_tx").await);

    // Offline: the banner, and pages still open from what is indexed.
    browser.offline(true).await;
    browser.shows(&["cannot be reached"]).await;
    browser.click("a[href='/']").await;
    browser.shows(&["events indexed in this browser"]).await;
    browser.type_into("#find", &ada).await;
    browser.click("form.find button").await;
    browser.shows(&["Escrows", "#1", "released"]).await;
    browser.offline(false).await;
    browser.go(&format!("{base}/")).await;
    let home = browser.shows(&["Up to date", "events indexed"]).await;
    assert!(!home.contains("cannot be reached"), "{home}");
    // The count is the store's, kept across reloads, not this visit's.
    assert!(!home.contains(" 0 events indexed"), "{home}");

    // Without the server's /api/status a reload opens the store the last visit used and
    // syncs from the RPC with the settings it remembered.
    browser.block(&["*/api/status"]).await;
    browser.go(&format!("{base}/users/{ada}")).await;
    let page = browser.shows(&["Escrows", "#1", "released"]).await;
    assert!(!page.contains("Cannot sync"), "{page}");
    browser.shows(&["Up to date", "events indexed"]).await;
    browser.block(&[]).await;

    // The server gone altogether (and its localnet with it): the service worker opens the
    // app from the last visit's files, and the page reads IndexedDB under the banner.
    let mut controlled = false;
    for _ in 0..80 {
        let script = "return !!navigator.serviceWorker.controller";
        controlled = browser.run_js(script, json!([])).await == json!(true);
        if controlled {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(controlled, "the service worker never took the page");
    server.shutdown().await.expect("clean shutdown");
    browser.go(&format!("{base}/escrows/1")).await;
    let page = browser
        .shows(&["Escrow #1 · released", "History", "cannot be reached"])
        .await;
    assert!(!page.contains("could not start"), "{page}");

    browser.quit().await;
}

/// The browser build of `@stellar/stellar-sdk` (npm, installed by scripts/setup.sh): the test
/// wallet signs with it, independently of the TeachLink SDK the app uses.
fn stellar_sdk_bundle() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/js/node_modules/@stellar/stellar-sdk/dist/stellar-sdk.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (scripts/setup.sh installs it with npm)",
            path.display()
        )
    })
}

/// A demo participant's secret seed (S…): the demo's keys are sha256 of their names.
fn demo_secret(name: &str) -> String {
    stellar_strkey::ed25519::PrivateKey(teachlink_server::demo::key(name).to_bytes()).to_string()
}

/// A SEP-43 (Freighter-shaped) wallet at `window.freighterApi` holding `secret`, signing
/// with `@stellar/stellar-sdk`: transactions by `TransactionBuilder.fromXDR` + `sign`, auth
/// entries by signing the sha256 of the preimage. `refuse` makes signTransaction reject as
/// a user who says no; `delay_ms` keeps the wallet "open" that long before it answers.
async fn inject_wallet(
    browser: &Browser,
    bundle: &str,
    secret: &str,
    passphrase: &str,
    refuse: bool,
    delay_ms: u64,
) {
    let loaded = browser
        .run_js(
            "if (!window.StellarSdk) {
                 const s = document.createElement('script');
                 s.textContent = arguments[0];
                 document.head.appendChild(s);
             }
             return typeof window.StellarSdk.Keypair;",
            json!([bundle]),
        )
        .await;
    assert_eq!(loaded, "function", "@stellar/stellar-sdk did not load");
    browser
        .run_js(
            "const [secret, passphrase, refuse, delayMs] = arguments;
            const S = window.StellarSdk;
            const kp = S.Keypair.fromSecret(secret);
            const wait = () => new Promise((r) => setTimeout(r, delayMs));
            window.freighterApi = {
                isConnected: async () => ({ isConnected: true }),
                getAddress: async () => ({ address: kp.publicKey() }),
                getNetwork: async () => ({ network: 'STANDALONE', networkPassphrase: passphrase }),
                signTransaction: async (xdr, opts) => {
                    await wait();
                    if (refuse) throw { message: 'User declined', code: -4 };
                    if (opts.networkPassphrase !== passphrase) throw { message: 'wrong network' };
                    const tx = S.TransactionBuilder.fromXDR(xdr, opts.networkPassphrase);
                    tx.sign(kp);
                    return { signedTxXdr: tx.toXDR(), signerAddress: kp.publicKey() };
                },
                signAuthEntry: async (preimageXdr, opts) => {
                    await wait();
                    if (refuse) throw { message: 'User declined', code: -4 };
                    const preimage = S.xdr.HashIdPreimage.fromXDR(preimageXdr, 'base64');
                    const signature = kp.sign(S.hash(preimage.toXDR()));
                    // 17.x signs into a Uint8Array (15.x a Buffer): base64 by hand for both.
                    const signedAuthEntry = btoa(String.fromCharCode(...signature));
                    return { signedAuthEntry, signerAddress: kp.publicKey() };
                },
            };",
            json!([secret, passphrase, refuse, delay_ms]),
        )
        .await;
}

/// Opens `query`'s page (an escrow number, `t7`, an account) from the home page's search
/// box: client-side navigation, so the connected wallet stays connected.
async fn open(browser: &Browser, query: &str) {
    browser.click("header a.brand").await;
    browser.shows(&["events indexed in this browser"]).await;
    browser.clear("#find").await;
    browser.type_into("#find", query).await;
    browser.click("form.find button").await;
}

/// From the home page, connects the wallet of demo person `name` (see [`inject_wallet`]) and
/// waits until the header shows it connected.
#[allow(clippy::too_many_arguments)]
async fn connect_as(
    browser: &Browser,
    base: &str,
    bundle: &str,
    name: &str,
    address: &str,
    passphrase: &str,
    refuse: bool,
    delay_ms: u64,
) {
    browser.go(&format!("{base}/")).await;
    browser.shows(&["Up to date", "Connect wallet"]).await;
    inject_wallet(
        browser,
        bundle,
        &demo_secret(name),
        passphrase,
        refuse,
        delay_ms,
    )
    .await;
    browser.click(".wallet button").await;
    let connected = format!(
        "Connected: {}…{}",
        &address[..5],
        &address[address.len() - 5..]
    );
    browser.shows(&[connected.as_str()]).await;
}

/// The escrow as the server's own indexer has it (not the page): what the chain holds.
async fn api_escrow(base: &str, id: u64) -> Value {
    reqwest::get(format!("{base}/api/escrows/{id}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_learner_pays_the_teacher_approves_and_releases_and_mints_signed_by_a_wallet() {
    let started = Instant::now();
    let bundle = stellar_sdk_bundle();
    let (server, base, people, _dir) = demo_server().await;
    let account = |name: &str| {
        people
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["account"].as_str())
            .unwrap()
            .to_string()
    };
    let passphrase = "Standalone Network ; February 2017";
    // Grace teaches "Rust for the web" (token 2); Edsger, a learner, pays for it.
    let (grace, edsger) = (account("grace"), account("edsger"));
    let browser = Browser::start().await;

    // The learner connects and pays; the wallet takes a moment, which the page shows.
    connect_as(
        &browser, &base, &bundle, "edsger", &edsger, passphrase, false, 1500,
    )
    .await;
    browser.shows(&["Account"]).await;
    open(&browser, "t2").await;
    browser
        .shows(&[
            "Rust for the web",
            "Pay for this course",
            "Approvals needed",
        ])
        .await;
    let signers = browser
        .run_js(
            "return document.querySelector('#pay-signers').value",
            json!([]),
        )
        .await;
    assert_eq!(
        signers,
        format!("{grace} 1"),
        "the teacher signs by default"
    );
    browser.clear("#pay-amount").await;
    browser.type_into("#pay-amount", "12.5").await;
    // Not fetched until a wallet action starts; fetched when one does.
    assert!(!browser.fetched("teachlink_web_app_tx").await);
    browser.click("#pay").await;
    browser.shows(&["Waiting for your wallet to sign"]).await;
    assert!(browser.fetched("teachlink_web_app_tx_bg.wasm").await);
    browser
        .shows(&["Confirmed in ledger", "Open escrow #4"])
        .await;
    browser.click("a[href='/escrows/4']").await;
    let page = browser
        .shows(&[
            "Escrow #4 · open",
            "0 of 1",
            "12.5",
            "not yet",
            "Your actions",
        ])
        .await;
    assert!(page.contains("Nothing for your account to do"), "{page}");
    let no_approve = browser
        .run_js(
            "return document.querySelector('#approve') === null",
            json!([]),
        )
        .await;
    assert_eq!(no_approve, true, "the learner is not a signer");

    // The teacher, whose wallet refuses to sign: a clear error, and nothing is sent.
    connect_as(
        &browser, &base, &bundle, "grace", &grace, passphrase, true, 0,
    )
    .await;
    open(&browser, "4").await;
    browser.shows(&["Escrow #4 · open", "0 of 1"]).await;
    browser.present("#approve").await;
    browser.click("#approve").await;
    browser
        .shows(&[
            "Your wallet did not sign, so nothing was sent",
            "User declined",
        ])
        .await;
    // A few ledgers later the escrow is as it was, on the page and on the chain.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let page = browser.shows(&["Escrow #4 · open", "0 of 1"]).await;
    assert!(!page.contains("Confirmed in ledger"), "{page}");
    let chain = api_escrow(&base, 4).await;
    assert_eq!(chain["approved_weight"], 0, "{chain}");
    assert_eq!(
        chain["approvals"].as_array().map(Vec::len),
        Some(0),
        "{chain}"
    );

    // The same teacher with a wallet that signs: approve, then release.
    inject_wallet(
        &browser,
        &bundle,
        &demo_secret("grace"),
        passphrase,
        false,
        0,
    )
    .await;
    browser.click("#approve").await;
    browser.shows(&["Confirmed in ledger"]).await;
    // On the chain (as the server's own indexer sees it) first, then on the page.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let chain = api_escrow(&base, 4).await;
        if chain["approved_weight"] == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the approval is not on chain: {chain}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    browser.shows(&["1 of 1", " · approved"]).await;
    browser.present("#release").await;
    browser.click("#release").await;
    browser.shows(&["Escrow #4 · released"]).await;
    let chain = api_escrow(&base, 4).await;
    assert_eq!(chain["status"], "Released", "{chain}");

    // The teacher mints a course; its page shows it from IndexedDB.
    browser.click("a[href='/mint']").await;
    browser.shows(&["Mint a course", "Title"]).await;
    browser
        .type_into("#mint-title", "Zero-knowledge proofs for teachers")
        .await;
    browser
        .type_into("#mint-uri", "ipfs://teachlink-test/zk-teachers")
        .await;
    browser.type_into("#mint-tags", "zk, crypto").await;
    browser.click("#mint").await;
    browser
        .shows(&["Confirmed in ledger", "Open token #4"])
        .await;
    browser.click("a[href='/tokens/4']").await;
    let page = browser
        .shows(&[
            "Zero-knowledge proofs for teachers",
            "zk, crypto",
            "5.00 %",
            "This is your own course",
        ])
        .await;
    assert!(page.contains("cc_by"), "{page}");

    // The learner pays for that new course with an arbitrator, then disputes it; the
    // arbitrator splits the money.
    let ken = account("ken");
    connect_as(
        &browser, &base, &bundle, "edsger", &edsger, passphrase, false, 0,
    )
    .await;
    open(&browser, "t4").await;
    browser
        .shows(&["Zero-knowledge proofs for teachers", "Pay for this course"])
        .await;
    browser.present("#pay-arbitrator").await;
    browser.type_into("#pay-arbitrator", &ken).await;
    browser.click("#pay").await;
    browser
        .shows(&["Confirmed in ledger", "Open escrow #5"])
        .await;
    browser.click("a[href='/escrows/5']").await;
    browser.shows(&["Escrow #5 · open", "0 of 1"]).await;
    browser.present("#dispute-reason").await;
    browser
        .type_into("#dispute-reason", "The course link is broken")
        .await;
    browser.click("#dispute").await;
    browser
        .shows(&[
            "Escrow #5 · disputed",
            "Dispute reason",
            "The course link is broken",
            "Dispute deadline",
        ])
        .await;
    connect_as(&browser, &base, &bundle, "ken", &ken, passphrase, false, 0).await;
    open(&browser, "5").await;
    browser.shows(&["Escrow #5 · disputed"]).await;
    browser.present("#resolution").await;
    browser
        .run_js(
            "const s = document.querySelector('#resolution');
             s.value = 'Split';
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            json!([]),
        )
        .await;
    browser.present("#split").await;
    browser.clear("#split").await;
    browser.type_into("#split", "40").await;
    browser.click("#resolve").await;
    browser
        .shows(&["Escrow #5 · resolved", "Resolution", "Split(4000)"])
        .await;
    let chain = api_escrow(&base, 5).await;
    assert_eq!(chain["status"], "Resolved", "{chain}");

    // Barbara, a learner with 5 XLM of rewards unclaimed, claims them from her own page;
    // the page shows the claim from IndexedDB.
    let barbara = account("barbara");
    connect_as(
        &browser, &base, &bundle, "barbara", &barbara, passphrase, false, 0,
    )
    .await;
    open(&browser, &barbara).await;
    browser.shows(&["Rewards", "Unclaimed", "Claim 5"]).await;
    browser.click("#claim").await;
    browser.shows(&["Confirmed in ledger"]).await;
    // Once the sync has the claim: nothing left to claim, 5 claimed.
    let facts = "return [...document.querySelectorAll('#rew + dl dd')].map((d) => d.textContent)";
    let deadline = Instant::now() + Duration::from_secs(30);
    while browser.run_js(facts, json!([])).await != json!(["0", "5"]) {
        assert!(Instant::now() < deadline, "{}", browser.text().await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!browser.text().await.contains("Claim 5"));
    let rewards = reqwest::get(format!("{base}/api/rewards/{barbara}"))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(rewards["unclaimed"], "0", "{rewards}");

    browser.quit().await;
    server.shutdown().await.expect("clean shutdown");
    println!("wallet flows passed in {:?}", started.elapsed());
}
