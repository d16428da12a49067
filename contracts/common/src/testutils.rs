//! Test support shared by the contract crates.
use soroban_sdk::{testutils::EnvTestConfig, Env};

/// A test `Env` that does not write a ledger snapshot file per test into
/// the source tree (the SDK's default).
pub fn env() -> Env {
    Env::new_with_config(EnvTestConfig {
        capture_snapshot_at_drop: false,
    })
}
