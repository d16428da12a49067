//! Scheduled admin operations: the admin actions that widen what one key can
//! do (an upgrade, a validator joining the quorum, a higher limit) are
//! proposed, announced, and run only after the delay fixed at deployment, so
//! a stolen admin key cannot use them before anyone watching the `proposed`
//! events can react. The admin may cancel a proposal meanwhile. Actions that
//! only reduce risk (pause, lowering a limit, removing a validator) stay
//! immediate and do not come here.
//!
//! A proposal is named by the gated entry point (`op`) and its exact
//! arguments; the entry point *is* the execution: it calls [`execute`] first,
//! which consumes the matching proposal.
use soroban_sdk::{symbol_short, Env, Symbol, Val, Vec};

use crate::{access, events, events::Emit as _, time, ttl, CommonError};

/// Longest delay a constructor accepts (30 days, in seconds): longer would
/// outlive a proposal's storage TTL and lock the admin out of its own
/// upgrades for no gain.
pub const MAX_DELAY: u64 = 30 * 86_400;

// Plain `Symbol` and vector keys rather than a `#[contracttype]` enum, which
// costs Wasm bytes. The vector key encodes like a contracttype variant
// `TlOp(op, args)`; no contract key is named `TlOp` or `TlDelay`.
const DELAY: Symbol = symbol_short!("TlDelay");
const OP: Symbol = symbol_short!("TlOp");

fn key(env: &Env, op: &Symbol, args: &Vec<Val>) -> Vec<Val> {
    crate::key::key(env, OP, &[op.to_val(), args.to_val()])
}

/// Stores the delay; called once from a contract's `__constructor`.
pub fn set_delay(env: &Env, delay: u64) -> Result<(), CommonError> {
    if delay > MAX_DELAY {
        return Err(CommonError::InvalidDelay);
    }
    env.storage().instance().set(&DELAY, &delay);
    Ok(())
}

/// Seconds between a proposal and the earliest execution. An instance
/// upgraded from code that predates the timelock has none stored: zero.
pub fn delay(env: &Env) -> u64 {
    env.storage().instance().get(&DELAY).unwrap_or(0)
}

/// When the pending proposal of `op(args)` may run, if there is one.
pub fn proposal(env: &Env, op: &Symbol, args: &Vec<Val>) -> Option<u64> {
    env.storage().persistent().get(&key(env, op, args))
}

/// Schedules `op(args)` at now + delay and returns that time; admin only.
/// Refuses an operation already pending, whose time would otherwise move.
pub fn propose(env: &Env, op: Symbol, args: Vec<Val>) -> Result<u64, CommonError> {
    access::require_admin(env);
    let key = key(env, &op, &args);
    let storage = env.storage().persistent();
    if storage.has(&key) {
        return Err(CommonError::AlreadyProposed);
    }
    // The delay is at most `MAX_DELAY`; saturating keeps the check total.
    let ready_at = time::now(env).saturating_add(delay(env));
    storage.set(&key, &ready_at);
    ttl::extend_persistent(env, &key);
    events::Proposed { op, args, ready_at }.emit(env);
    Ok(ready_at)
}

/// Drops the pending proposal of `op(args)`; admin only.
pub fn cancel(env: &Env, op: Symbol, args: Vec<Val>) -> Result<(), CommonError> {
    access::require_admin(env);
    take(env, &op, &args)?;
    events::Cancelled { op, args }.emit(env);
    Ok(())
}

/// Called first by a gated entry point: requires the admin's authorization
/// (the entry point must not ask again) and a proposal of exactly
/// `op(args)` whose time has come, and consumes it.
pub fn execute(env: &Env, op: Symbol, args: Vec<Val>) -> Result<(), CommonError> {
    access::require_admin(env);
    let ready_at = take(env, &op, &args)?;
    if time::now(env) < ready_at {
        return Err(CommonError::TimelockNotReady);
    }
    events::Executed { op, args }.emit(env);
    Ok(())
}

/// Removes a pending proposal and returns its time. A refusal after this
/// aborts the invocation, which undoes the removal.
fn take(env: &Env, op: &Symbol, args: &Vec<Val>) -> Result<u64, CommonError> {
    let key = key(env, op, args);
    let storage = env.storage().persistent();
    let ready_at = storage.get(&key).ok_or(CommonError::NotProposed)?;
    storage.remove(&key);
    Ok(ready_at)
}
