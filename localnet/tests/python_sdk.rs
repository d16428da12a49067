//! Runs `tests/python` — the Python `stellar-sdk` from PyPI (`SorobanServer`), a second client
//! none of us wrote — against this build's localnet binary: health, network, ledgers,
//! friendbot, a SAC transfer prepared/signed/sent/polled, a TeachLink contract call, events
//! with and without topics, transactions, ledgers, a fee bump, wrongly signed ones refused.
use std::path::Path;
use std::process::Command;

#[test]
fn stellar_sdk_from_pypi_drives_localnet() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/python");
    let python = dir.join(".venv/bin/python");
    assert!(
        python.is_file(),
        "tests/python has no virtual environment: run scripts/setup.sh (it installs \
         tests/python/requirements.txt into tests/python/.venv)"
    );
    let status = Command::new(&python)
        .args(["-m", "unittest", "-v", "test_localnet"])
        .current_dir(&dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env(
            "TEACHLINK_LOCALNET_BIN",
            env!("CARGO_BIN_EXE_teachlink-localnet"),
        )
        .status()
        .expect("the virtual environment's python starts");
    assert!(status.success(), "the Python tests failed: {status}");
}
