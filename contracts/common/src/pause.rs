//! The emergency pause: the incident runbook's "pause risky flows". Holders
//! of the emergency role, or the admin, switch it; each contract decides
//! which entry points are risky and calls [`require_not_paused`] there.
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

/// Pauses (`paused = true`) or resumes; `by` must authorize and be the
/// admin or hold the emergency role.
pub fn set_paused(env: &Env, by: &Address, paused: bool) -> Result<(), CommonError> {
    if *by == access::admin(env) {
        by.require_auth();
    } else {
        access::require_role(env, &access::EMERGENCY, by)?;
    }
    if paused {
        env.storage().instance().set(&PauseKey::PauseFlag, &true);
        events::Paused { by: by.clone() }.publish(env);
    } else {
        env.storage().instance().remove(&PauseKey::PauseFlag);
        events::Unpaused { by: by.clone() }.publish(env);
    }
    Ok(())
}
