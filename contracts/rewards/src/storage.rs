//! Rewards storage: the token and the pool totals in instance storage (small,
//! needed by nearly every call), one persistent record per learner and one
//! persistent allowance per issuer.
use soroban_sdk::{contracttype, Address, Env};
use teachlink_common::ttl;

use crate::types::{LearnerRewards, Totals};

#[contracttype]
#[derive(Clone)]
enum DataKey {
    Token,
    Totals,
    Learner(Address),
    /// issuer → what it may still promise.
    Allowance(Address),
}

pub fn set_token(env: &Env, token: &Address) {
    env.storage().instance().set(&DataKey::Token, token);
}

/// The pool's token.
pub fn token(env: &Env) -> Address {
    // The constructor always sets it, so absence means a corrupted instance.
    env.storage()
        .instance()
        .get(&DataKey::Token)
        .expect("token is set by the constructor")
}

pub fn totals(env: &Env) -> Totals {
    env.storage()
        .instance()
        .get(&DataKey::Totals)
        .unwrap_or_default()
}

pub fn set_totals(env: &Env, totals: &Totals) {
    env.storage().instance().set(&DataKey::Totals, totals);
}

/// A learner's record; all zero for someone never rewarded.
pub fn learner(env: &Env, learner: &Address) -> LearnerRewards {
    env.storage()
        .persistent()
        .get(&DataKey::Learner(learner.clone()))
        .unwrap_or_default()
}

/// Writes the learner's record and keeps it alive for another TTL period.
pub fn set_learner(env: &Env, learner: &Address, rewards: &LearnerRewards) {
    let key = DataKey::Learner(learner.clone());
    env.storage().persistent().set(&key, rewards);
    ttl::extend_persistent(env, &key);
}

/// What `issuer` may still promise; zero until the admin sets it.
pub fn allowance(env: &Env, issuer: &Address) -> i128 {
    env.storage()
        .persistent()
        .get(&DataKey::Allowance(issuer.clone()))
        .unwrap_or_default()
}

pub fn set_allowance(env: &Env, issuer: &Address, amount: i128) {
    let key = DataKey::Allowance(issuer.clone());
    env.storage().persistent().set(&key, &amount);
    ttl::extend_persistent(env, &key);
}
