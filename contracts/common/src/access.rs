//! Admin and roles. The admin is set once by the constructor; every admin
//! action asks for the admin's authorization exactly once (the replaced
//! contracts asked twice and failed at run time).
use soroban_sdk::{symbol_short, unwrap::UnwrapOptimized, Address, Env, Symbol, Val, Vec};

use crate::{events, events::Emit as _, key::key, ttl, CommonError};

/// May pause and unpause the contract's risky entry points.
pub const EMERGENCY: Symbol = symbol_short!("emergency");

/// The admin's key, `AccessAdmin`, and a role holder's,
/// `AccessRole(role, account)`: prefixed names, because they share the
/// contract's storage with the contract's own keys.
fn admin_key(env: &Env) -> Vec<Val> {
    key(env, Symbol::new(env, "AccessAdmin"), &[])
}

fn role_key(env: &Env, role: &Symbol, account: &Address) -> Vec<Val> {
    key(
        env,
        Symbol::new(env, "AccessRole"),
        &[role.to_val(), account.to_val()],
    )
}

/// Stores the first admin. Called from a contract's `__constructor`, which
/// the network runs exactly once, atomically with deployment.
pub fn set_initial_admin(env: &Env, admin: &Address) {
    env.storage().instance().set(&admin_key(env), admin);
}

/// The current admin.
pub fn admin(env: &Env) -> Address {
    // The constructor always sets it. `unwrap_optimized` traps without
    // pulling string formatting into every contract's Wasm.
    env.storage()
        .instance()
        .get(&admin_key(env))
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
    env.storage().instance().set(&admin_key(env), new_admin);
    events::AdminChanged {
        previous,
        admin: new_admin.clone(),
    }
    .emit(env);
}

/// Whether `account` holds `role`.
pub fn has_role(env: &Env, role: &Symbol, account: &Address) -> bool {
    env.storage()
        .persistent()
        .has(&role_key(env, role, account))
}

/// Grants `role` to `account`; admin only.
pub fn grant_role(env: &Env, role: &Symbol, account: &Address) {
    require_admin(env);
    let key = role_key(env, role, account);
    env.storage().persistent().set(&key, &());
    ttl::extend_persistent(env, &key);
    events::RoleGranted {
        role: role.clone(),
        account: account.clone(),
    }
    .emit(env);
}

/// Revokes `role` from `account`; admin only.
pub fn revoke_role(env: &Env, role: &Symbol, account: &Address) {
    require_admin(env);
    let key = role_key(env, role, account);
    env.storage().persistent().remove(&key);
    events::RoleRevoked {
        role: role.clone(),
        account: account.clone(),
    }
    .emit(env);
}

/// Requires `account`'s authorization and that it holds `role`.
pub fn require_role(env: &Env, role: &Symbol, account: &Address) -> Result<(), CommonError> {
    account.require_auth();
    let key = role_key(env, role, account);
    if !env.storage().persistent().has(&key) {
        return Err(CommonError::Unauthorized);
    }
    ttl::extend_persistent(env, &key);
    Ok(())
}
