//! The built web app (`scripts/build-web.sh` → web-app/dist) in headless Chromium, served
//! by a real server whose embedded localnet runs the contracts and the demo data set. The
//! app syncs the chain into the browser's IndexedDB and every check reads the page:
//! a teacher's escrows and content, an escrow's history, the data surviving a reload, and
//! going offline — the banner shows, and pages still open from IndexedDB.
// Native only: it drives the browser from outside.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use teachlink_server::{run, Config};

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
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
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

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        )
        .await;
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

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learners_and_teachers_read_the_chain_from_indexeddb_and_offline() {
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
        if status["demo"]["state"] == "done" {
            break status["demo"]["people"].clone();
        }
        assert!(Instant::now() < deadline, "demo not done: {body}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
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
    browser.go(&format!("{base}/")).await;
    browser.shows(&["Up to date", "Connect wallet"]).await;
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
    assert!(!recs.contains("Computing"), "{recs}");
    assert!(
        !recs
            .lines()
            .any(|l| l.trim() == "Soroban smart contracts 101"),
        "{recs}"
    );
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

    drop(browser);
    server.shutdown().await.expect("clean shutdown");
}
