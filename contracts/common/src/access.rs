//! Admin and roles. The admin is set once by the constructor; every admin
//! action asks for the admin's authorization exactly once (the replaced
//! contracts asked twice and failed at run time).
use soroban_sdk::{contracttype, symbol_short, unwrap::UnwrapOptimized, Address, Env, Symbol};

use crate::{events, ttl, CommonError};

/// May pause and unpause the contract's risky entry points.
pub const EMERGENCY: Symbol = symbol_short!("emergency");

/// Storage keys. Variant names are prefixed because a `#[contracttype]` key
/// is encoded by variant name alone and shares the contract's storage with
/// the contract's own keys.
#[contracttype]
#[derive(Clone)]
enum AccessKey {
    AccessAdmin,
    AccessRole(Symbol, Address),
}

/// Stores the first admin. Called from a contract's `__constructor`, which
/// the network runs exactly once, atomically with deployment.
pub fn set_initial_admin(env: &Env, admin: &Address) {
    env.storage().instance().set(&AccessKey::AccessAdmin, admin);
}

/// The current admin.
pub fn admin(env: &Env) -> Address {
    // The constructor always sets it. `unwrap_optimized` traps without
    // pulling string formatting into every contract's Wasm.
    env.storage()
        .instance()
        .get(&AccessKey::AccessAdmin)
        .unwrap_optimized()
}

/// Requires the admin's authorization (once) and returns the admin.
pub fn require_admin(env: &Env) -> Address {
    let admin = admin(env);
    admin.require_auth();
    admin
}

/// Hands the contract to `new_admin`. Both sign, so a typo in the new
/// address cannot lock the contract.
pub fn transfer_admin(env: &Env, new_admin: &Address) {
    let previous = require_admin(env);
    new_admin.require_auth();
    env.storage()
        .instance()
        .set(&AccessKey::AccessAdmin, new_admin);
    events::AdminChanged {
        previous,
        admin: new_admin.clone(),
    }
    .publish(env);
}

/// Whether `account` holds `role`.
pub fn has_role(env: &Env, role: &Symbol, account: &Address) -> bool {
    env.storage()
        .persistent()
        .has(&AccessKey::AccessRole(role.clone(), account.clone()))
}

/// Grants `role` to `account`; admin only.
pub fn grant_role(env: &Env, role: &Symbol, account: &Address) {
    require_admin(env);
    let key = AccessKey::AccessRole(role.clone(), account.clone());
    env.storage().persistent().set(&key, &());
    ttl::extend_persistent(env, &key);
    events::RoleGranted {
        role: role.clone(),
        account: account.clone(),
    }
    .publish(env);
}

/// Revokes `role` from `account`; admin only.
pub fn revoke_role(env: &Env, role: &Symbol, account: &Address) {
    require_admin(env);
    let key = AccessKey::AccessRole(role.clone(), account.clone());
    env.storage().persistent().remove(&key);
    events::RoleRevoked {
        role: role.clone(),
        account: account.clone(),
    }
    .publish(env);
}

/// Requires `account`'s authorization and that it holds `role`.
pub fn require_role(env: &Env, role: &Symbol, account: &Address) -> Result<(), CommonError> {
    account.require_auth();
    let key = AccessKey::AccessRole(role.clone(), account.clone());
    if !env.storage().persistent().has(&key) {
        return Err(CommonError::Unauthorized);
    }
    ttl::extend_persistent(env, &key);
    Ok(())
}
