//! The ledger clock, read without the SDK's `ledger().timestamp()`, whose
//! `unwrap()` on the conversion pulls ~4 KB of panic formatting into every
//! contract's Wasm.
use soroban_sdk::{unwrap::UnwrapOptimized, Env, TryFromVal};

/// The close time of the current ledger, in seconds since the Unix epoch.
pub fn now(env: &Env) -> u64 {
    use soroban_env_common::Env as _;
    let raw = env.get_ledger_timestamp().unwrap_optimized();
    u64::try_from_val(env, &raw).unwrap_optimized()
}
