//! Reputation storage. Persistent: one `Profile` per learner, one score per
//! (learner, course) completion, one `Contribution` per id, one marker per
//! (rater, contribution) rating and one issuer per bound course. Instance:
//! the contribution id counter.
//!
//! Writers extend the TTL of what they write. Variant names must not clash
//! with the keys of `teachlink-common` (`Admin`, `Role`, `Paused`), which
//! share this contract's storage.
use soroban_sdk::{contracttype, Address, Env};
use teachlink_common::ttl;

use crate::{
    error::Error,
    types::{Contribution, Profile},
};

#[contracttype]
#[derive(Clone)]
pub(crate) enum DataKey {
    NextContributionId,
    Profile(Address),
    /// (learner, course_id) → the recorded `score_pct`.
    Completion(Address, u64),
    Contribution(u64),
    /// (rater, contribution_id) → the stars given.
    Rating(Address, u64),
    /// course_id → the issuer allowed to record its completions.
    CourseIssuer(u64),
}

/// The learner's profile; all zeros for a learner with no activity. The
/// score fields are as last written.
pub fn profile(env: &Env, learner: &Address) -> Profile {
    env.storage()
        .persistent()
        .get(&DataKey::Profile(learner.clone()))
        .unwrap_or_default()
}

pub fn save_profile(env: &Env, learner: &Address, profile: &Profile) {
    let key = DataKey::Profile(learner.clone());
    env.storage().persistent().set(&key, profile);
    ttl::extend_persistent(env, &key);
}

pub fn has_completed(env: &Env, learner: &Address, course_id: u64) -> bool {
    env.storage()
        .persistent()
        .has(&DataKey::Completion(learner.clone(), course_id))
}

/// The recorded `score_pct` of `learner`'s completion of `course_id`.
pub fn completion(env: &Env, learner: &Address, course_id: u64) -> Option<u32> {
    env.storage()
        .persistent()
        .get(&DataKey::Completion(learner.clone(), course_id))
}

pub fn course_issuer(env: &Env, course_id: u64) -> Option<Address> {
    env.storage()
        .persistent()
        .get(&DataKey::CourseIssuer(course_id))
}

/// Keeps a bound course alive while its completions are being recorded.
pub fn extend_course(env: &Env, course_id: u64) {
    ttl::extend_persistent(env, &DataKey::CourseIssuer(course_id));
}

pub fn set_course_issuer(env: &Env, course_id: u64, issuer: &Address) {
    let key = DataKey::CourseIssuer(course_id);
    env.storage().persistent().set(&key, issuer);
    ttl::extend_persistent(env, &key);
}

pub fn save_completion(env: &Env, learner: &Address, course_id: u64, score_pct: u32) {
    let key = DataKey::Completion(learner.clone(), course_id);
    env.storage().persistent().set(&key, &score_pct);
    ttl::extend_persistent(env, &key);
}

/// Takes the next contribution id (ids start at 1).
pub fn next_contribution_id(env: &Env) -> Result<u64, Error> {
    let id: u64 = env
        .storage()
        .instance()
        .get(&DataKey::NextContributionId)
        .unwrap_or(1);
    let next = id.checked_add(1).ok_or(Error::Overflow)?;
    env.storage()
        .instance()
        .set(&DataKey::NextContributionId, &next);
    Ok(id)
}

pub fn contribution(env: &Env, id: u64) -> Result<Contribution, Error> {
    env.storage()
        .persistent()
        .get(&DataKey::Contribution(id))
        .ok_or(Error::ContributionNotFound)
}

pub fn save_contribution(env: &Env, id: u64, contribution: &Contribution) {
    let key = DataKey::Contribution(id);
    env.storage().persistent().set(&key, contribution);
    ttl::extend_persistent(env, &key);
}

pub fn has_rated(env: &Env, rater: &Address, contribution_id: u64) -> bool {
    env.storage()
        .persistent()
        .has(&DataKey::Rating(rater.clone(), contribution_id))
}

pub fn save_rating(env: &Env, rater: &Address, contribution_id: u64, rating: u32) {
    let key = DataKey::Rating(rater.clone(), contribution_id);
    env.storage().persistent().set(&key, &rating);
    ttl::extend_persistent(env, &key);
}
