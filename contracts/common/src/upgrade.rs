//! Code upgrades: the admin swaps the contract's Wasm in place, keeping its
//! address and storage, through the timelock.
use soroban_sdk::{symbol_short, vec, BytesN, Env, IntoVal};

use crate::{events, events::Emit as _, timelock, CommonError};

/// Replaces the running contract's code with the uploaded `wasm_hash`, once
/// `upgrade(wasm_hash)` was proposed and its delay passed; admin only. The
/// new code takes effect after the current invocation.
pub fn upgrade(env: &Env, wasm_hash: &BytesN<32>) -> Result<(), CommonError> {
    timelock::execute(
        env,
        symbol_short!("upgrade"),
        vec![env, wasm_hash.into_val(env)],
    )?;
    env.deployer()
        .update_current_contract_wasm(wasm_hash.clone());
    events::Upgraded {
        wasm_hash: wasm_hash.clone(),
    }
    .emit(env);
    Ok(())
}
