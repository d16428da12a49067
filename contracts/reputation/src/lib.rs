//! Reputation and credit score of every TeachLink learner, built from
//! issuer-recorded course completions and peer ratings of contributions.
//!
//! - The admin `bind_course`s each course to one issuer; only that issuer,
//!   holding the `issuer` role, may `record_completion` of it with a score
//!   of 0..=100 %. Each (learner, course) counts once, an issuer cannot
//!   certify itself, and only the admin can `correct_completion`'s score.
//! - A learner `record_contribution`s its own work (kind + content hash);
//!   other addresses `rate` it 1..=5 stars, once each, never their own, if
//!   they have a recorded completion or the admin-granted `rater` role. A
//!   rating weighs `min(rater's completions, 5)`, or 5 for the role.
//! - The scores are a pure, bounded function of the learner's counters
//!   ([`score::compute_scores`]):
//!
//!   ```text
//!   C = min(completions, 50) × average completion score        0..=5,000
//!   R = 5,000 × min(W, 100)/100 × (weighted avg rating − 1)/4   0..=5,000
//!   reputation   = C + R                                        0..=10,000
//!   credit_score = (7·C + 3·R) / 50                             0..=1,000
//!   ```
//!
//!   `W` is the total weight of the ratings received. Integer arithmetic,
//!   rounding down. Caps stop any one activity from dominating: past 50
//!   completions or a rating weight of 100 only the averages move.
//!   Self-recorded contributions add nothing by themselves.
//!
//! Recording and rating refuse while the contract is paused; queries always
//! work.
#![no_std]

mod error;
mod events;
pub mod score;
mod storage;
mod types;

#[cfg(test)]
extern crate std;
#[cfg(test)]
mod test;

use soroban_sdk::{contract, contractimpl, symbol_short, Address, BytesN, Env, Symbol};
use teachlink_common::{access, events::Emit as _, pause, time, timelock, ttl};

pub use error::Error;
pub use score::{compute_scores, rater_weight};
pub use types::{Contribution, Profile};

/// Role allowed to record completions of the courses bound to it.
pub const ISSUER: Symbol = symbol_short!("issuer");
/// Role allowed to rate without a completion, at the highest weight.
pub const RATER: Symbol = symbol_short!("rater");

#[contract]
pub struct ReputationContract;

#[contractimpl]
impl ReputationContract {
    // `timelock_delay`: seconds between proposing and running an upgrade
    // (at most `timelock::MAX_DELAY`).
    pub fn __constructor(env: Env, admin: Address, timelock_delay: u64) -> Result<(), Error> {
        timelock::set_delay(&env, timelock_delay)?;
        access::set_initial_admin(&env, &admin);
        ttl::extend_instance(&env);
        Ok(())
    }

    /// Records that `learner` completed `course_id` with `score_pct`
    /// (0..=100). `issuer` must authorize, hold the `issuer` role and be the
    /// course's bound issuer.
    pub fn record_completion(
        env: Env,
        issuer: Address,
        learner: Address,
        course_id: u64,
        score_pct: u32,
    ) -> Result<(), Error> {
        access::require_role(&env, &ISSUER, &issuer)?;
        pause::require_not_paused(&env)?;
        match storage::course_issuer(&env, course_id) {
            None => return Err(Error::CourseNotBound),
            Some(bound) if bound != issuer => return Err(Error::NotCourseIssuer),
            Some(_) => storage::extend_course(&env, course_id),
        }
        if score_pct > score::MAX_SCORE_PCT {
            return Err(Error::InvalidScore);
        }
        if learner == issuer {
            return Err(Error::SelfCompletion);
        }
        if storage::has_completed(&env, &learner, course_id) {
            return Err(Error::AlreadyCompleted);
        }

        let mut profile = storage::profile(&env, &learner);
        profile.completions = profile.completions.checked_add(1).ok_or(Error::Overflow)?;
        profile.completion_score_sum = profile
            .completion_score_sum
            .checked_add(score_pct.into())
            .ok_or(Error::Overflow)?;
        let profile = score::with_scores(profile);
        storage::save_completion(&env, &learner, course_id, score_pct);
        storage::save_profile(&env, &learner, &profile);
        ttl::extend_instance(&env);
        events::CompletionRecorded {
            learner,
            course_id,
            issuer,
            score_pct,
            credit_score: profile.credit_score,
            reputation: profile.reputation,
        }
        .emit(&env);
        Ok(())
    }

    /// Records a contribution by `learner` (who must authorize) and returns
    /// its id; ids are sequential from 1.
    ///
    /// No per-learner cap: nothing is kept in a per-learner list (each
    /// contribution is its own entry, paid for by its author) and recording
    /// one does not raise any score.
    pub fn record_contribution(
        env: Env,
        learner: Address,
        kind: Symbol,
        reference: BytesN<32>,
    ) -> Result<u64, Error> {
        learner.require_auth();
        pause::require_not_paused(&env)?;

        let mut profile = storage::profile(&env, &learner);
        profile.contributions = profile
            .contributions
            .checked_add(1)
            .ok_or(Error::Overflow)?;
        let id = storage::next_contribution_id(&env)?;
        storage::save_contribution(
            &env,
            id,
            &Contribution {
                author: learner.clone(),
                kind: kind.clone(),
                reference: reference.clone(),
                recorded_at: time::now(&env),
                ratings: 0,
                rating_sum: 0,
            },
        );
        storage::save_profile(&env, &learner, &score::with_scores(profile));
        ttl::extend_instance(&env);
        events::ContributionRecorded {
            contribution_id: id,
            learner,
            kind,
            reference,
        }
        .emit(&env);
        Ok(id)
    }

    /// `rater` (who must authorize) gives `contribution_id` 1..=5 stars.
    /// Once per rater and contribution; authors cannot rate their own. The
    /// rater needs a recorded completion or the `rater` role; the rating
    /// weighs `score::rater_weight`.
    pub fn rate(env: Env, rater: Address, contribution_id: u64, rating: u32) -> Result<(), Error> {
        rater.require_auth();
        pause::require_not_paused(&env)?;
        if !(score::MIN_RATING..=score::MAX_RATING).contains(&rating) {
            return Err(Error::InvalidRating);
        }
        let mut contribution = storage::contribution(&env, contribution_id)?;
        if contribution.author == rater {
            return Err(Error::SelfRating);
        }
        if storage::has_rated(&env, &rater, contribution_id) {
            return Err(Error::AlreadyRated);
        }
        let weight = score::rater_weight(
            storage::profile(&env, &rater).completions,
            access::has_role(&env, &RATER, &rater),
        );
        if weight == 0 {
            return Err(Error::RaterNotEligible);
        }

        contribution.ratings = contribution.ratings.checked_add(1).ok_or(Error::Overflow)?;
        contribution.rating_sum = contribution
            .rating_sum
            .checked_add(rating.into())
            .ok_or(Error::Overflow)?;
        let mut profile = storage::profile(&env, &contribution.author);
        profile.ratings_received = profile
            .ratings_received
            .checked_add(1)
            .ok_or(Error::Overflow)?;
        profile.rating_sum = profile
            .rating_sum
            .checked_add(rating.into())
            .ok_or(Error::Overflow)?;
        profile.rating_weight = profile
            .rating_weight
            .checked_add(weight.into())
            .ok_or(Error::Overflow)?;
        // weight ≤ 5 and rating ≤ 5, so the product fits.
        profile.weighted_rating_sum = profile
            .weighted_rating_sum
            .checked_add(u64::from(weight * rating))
            .ok_or(Error::Overflow)?;
        let profile = score::with_scores(profile);

        storage::save_rating(&env, &rater, contribution_id, rating);
        storage::save_contribution(&env, contribution_id, &contribution);
        storage::save_profile(&env, &contribution.author, &profile);
        ttl::extend_instance(&env);
        events::ContributionRated {
            contribution_id,
            rater,
            author: contribution.author,
            rating,
            weight,
            author_reputation: profile.reputation,
            author_credit_score: profile.credit_score,
        }
        .emit(&env);
        Ok(())
    }

    /// The learner's counters and scores (all zeros if never active).
    /// Scores are recomputed here, so they follow the running code's formula.
    pub fn profile(env: Env, learner: Address) -> Profile {
        score::with_scores(storage::profile(&env, &learner))
    }

    /// 0..=1,000.
    pub fn credit_score(env: Env, learner: Address) -> u32 {
        compute_scores(&storage::profile(&env, &learner)).1
    }

    /// 0..=10,000.
    pub fn reputation(env: Env, learner: Address) -> u32 {
        compute_scores(&storage::profile(&env, &learner)).0
    }

    pub fn has_completed(env: Env, learner: Address, course_id: u64) -> bool {
        storage::has_completed(&env, &learner, course_id)
    }

    pub fn contribution(env: Env, contribution_id: u64) -> Result<Contribution, Error> {
        storage::contribution(&env, contribution_id)
    }

    /// The issuer bound to `course_id`, if any.
    pub fn course_issuer(env: Env, course_id: u64) -> Option<Address> {
        storage::course_issuer(&env, course_id)
    }

    /// Binds `course_id` to `issuer`, replacing any earlier binding; admin
    /// only. Completions already recorded stay.
    pub fn bind_course(env: Env, course_id: u64, issuer: Address) {
        access::require_admin(&env);
        storage::set_course_issuer(&env, course_id, &issuer);
        ttl::extend_instance(&env);
        events::CourseBound { course_id, issuer }.emit(&env);
    }

    /// Replaces the score of `learner`'s recorded completion of `course_id`
    /// with `score_pct` (0..=100); admin only. The completion still counts
    /// once; the learner's score sum and scores follow.
    pub fn correct_completion(
        env: Env,
        learner: Address,
        course_id: u64,
        score_pct: u32,
    ) -> Result<(), Error> {
        access::require_admin(&env);
        if score_pct > score::MAX_SCORE_PCT {
            return Err(Error::InvalidScore);
        }
        let previous_pct =
            storage::completion(&env, &learner, course_id).ok_or(Error::CompletionNotFound)?;
        let mut profile = storage::profile(&env, &learner);
        profile.completion_score_sum = profile
            .completion_score_sum
            .checked_sub(previous_pct.into())
            .and_then(|sum| sum.checked_add(score_pct.into()))
            .ok_or(Error::Overflow)?;
        let profile = score::with_scores(profile);
        storage::save_completion(&env, &learner, course_id, score_pct);
        storage::save_profile(&env, &learner, &profile);
        ttl::extend_instance(&env);
        events::CompletionCorrected {
            learner,
            course_id,
            previous_pct,
            score_pct,
            credit_score: profile.credit_score,
            reputation: profile.reputation,
        }
        .emit(&env);
        Ok(())
    }

    // ---- Administration, delegated to teachlink-common ----
}

teachlink_common::admin_entry_points!(ReputationContract, Error);
