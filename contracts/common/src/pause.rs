//! The emergency pause: the incident runbook's "pause risky flows". Holders
//! of the emergency role, or the admin, pause; only the admin resumes, so a
//! leaked emergency key can stop the contract but never restart it during
//! an incident. Each contract decides which entry points are risky and
//! calls [`require_not_paused`] there.
use soroban_sdk::{Address, Env, Symbol, Val, Vec};

use crate::{access, events, events::Emit as _, key::key, CommonError};

/// `PauseFlag`: prefixed like `access`'s keys, so it cannot clash with
/// contract keys.
fn flag_key(env: &Env) -> Vec<Val> {
    key(env, Symbol::new(env, "PauseFlag"), &[])
}

/// Whether the contract is paused.
pub fn is_paused(env: &Env) -> bool {
    env.storage()
        .instance()
        .get(&flag_key(env))
        .unwrap_or(false)
}

/// Fails with [`CommonError::Paused`] while the contract is paused.
pub fn require_not_paused(env: &Env) -> Result<(), CommonError> {
    if is_paused(env) {
        Err(CommonError::Paused)
    } else {
        Ok(())
    }
}

/// Requires `by`'s authorization and that it is the admin or, when
/// `emergency` is true, holds the emergency role. The bridge's per-chain
/// pause applies the same rule.
pub fn require_pauser(env: &Env, by: &Address, emergency: bool) -> Result<(), CommonError> {
    if *by == access::admin(env) {
        by.require_auth();
        Ok(())
    } else if emergency {
        access::require_role(env, &access::EMERGENCY, by)
    } else {
        Err(CommonError::Unauthorized)
    }
}

/// Pauses (`paused = true`: the admin or the emergency role) or resumes
/// (the admin only).
pub fn set_paused(env: &Env, by: &Address, paused: bool) -> Result<(), CommonError> {
    require_pauser(env, by, paused)?;
    if paused {
        env.storage().instance().set(&flag_key(env), &true);
        events::Paused { by: by.clone() }.emit(env);
    } else {
        env.storage().instance().remove(&flag_key(env));
        events::Unpaused { by: by.clone() }.emit(env);
    }
    Ok(())
}
