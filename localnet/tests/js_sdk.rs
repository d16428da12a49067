//! Runs `tests/js` — `@stellar/stellar-sdk` from npm, a client none of us wrote — against
//! this build's localnet binary: fund, upload, deploy, invoke through `contract.Client`,
//! read the events.
use std::path::Path;
use std::process::Command;

#[test]
fn stellar_sdk_from_npm_drives_localnet() {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/js");
    assert!(
        js.join("node_modules/@stellar/stellar-sdk").is_dir(),
        "tests/js has no node_modules: run scripts/setup.sh (it runs npm ci there)"
    );
    let status = Command::new("npm")
        .arg("test")
        .arg("--prefix")
        .arg(&js)
        .env(
            "TEACHLINK_LOCALNET_BIN",
            env!("CARGO_BIN_EXE_teachlink-localnet"),
        )
        .status()
        .expect("npm starts (Node.js >= 20 is installed by scripts/setup.sh)");
    assert!(status.success(), "the JS tests failed: {status}");
}
