//! The emergency pause: the incident runbook's "pause risky flows". Holders
//! of the emergency role, or the admin, pause; only the admin resumes, so a
//! leaked emergency key can stop the contract but never restart it during
//! an incident. Each contract decides which entry points are risky and
//! calls [`require_not_paused`] there.
use soroban_sdk::{contracttype, Address, Env};

use crate::{access, events, CommonError};

/// Prefixed like `access::AccessKey`, so it cannot clash with contract keys.
#[contracttype]
#[derive(Clone)]
enum PauseKey {
    PauseFlag,
}

/// Whether the contract is paused.
pub fn is_paused(env: &Env) -> bool {
    env.storage()
        .instance()
        .get(&PauseKey::PauseFlag)
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
        env.storage().instance().set(&PauseKey::PauseFlag, &true);
        events::Paused { by: by.clone() }.publish(env);
    } else {
        env.storage().instance().remove(&PauseKey::PauseFlag);
        events::Unpaused { by: by.clone() }.publish(env);
    }
    Ok(())
}
