//! Code upgrades: the admin swaps the contract's Wasm in place, keeping its
//! address and storage.
use soroban_sdk::{BytesN, Env};

use crate::{access, events};

/// Replaces the running contract's code with the uploaded `wasm_hash`;
/// admin only. The new code takes effect after the current invocation.
pub fn upgrade(env: &Env, wasm_hash: &BytesN<32>) {
    access::require_admin(env);
    env.deployer()
        .update_current_contract_wasm(wasm_hash.clone());
    events::Upgraded {
        wasm_hash: wasm_hash.clone(),
    }
    .publish(env);
}
