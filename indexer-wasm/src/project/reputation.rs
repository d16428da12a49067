//! Owns the reputation contract's projection: learner [`Profile`]s, [`Completion`]s and
//! [`Contribution`]s with their ratings, and how each reputation event changes them.

use serde::{Deserialize, Serialize};

use super::{Changes, Stamp, State};
use crate::decode::TeachLinkEvent as E;
use crate::types::{Address, Hash32};

/// A learner's reputation as the events report it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub learner: Address,
    pub completions: u32,
    pub completion_score_sum: u64,
    pub contributions: u32,
    pub ratings_received: u32,
    pub rating_sum: u64,
    /// Sum of the received ratings' weights, and of weight × stars: the contract's score
    /// uses their ratio as the average rating (`contracts/reputation/src/score.rs`).
    #[serde(default)]
    pub rating_weight: u64,
    #[serde(default)]
    pub weighted_rating_sum: u64,
    pub ratings_given: u32,
    /// The latest scores an event carried (completion, correction or rating), with that
    /// event.
    pub reputation: u32,
    pub credit_score: u32,
    pub scores_stamp: Option<Stamp>,
}

impl Profile {
    fn new(learner: Address) -> Self {
        Profile {
            learner,
            completions: 0,
            completion_score_sum: 0,
            contributions: 0,
            ratings_received: 0,
            rating_sum: 0,
            rating_weight: 0,
            weighted_rating_sum: 0,
            ratings_given: 0,
            reputation: 0,
            credit_score: 0,
            scores_stamp: None,
        }
    }
}

/// An issuer recorded that a learner completed a course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub learner: Address,
    pub course_id: u64,
    pub issuer: Address,
    pub score_pct: u32,
    pub stamp: Stamp,
}

/// One rating of a contribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub rater: Address,
    pub rating: u32,
    /// The rater's weight when rating (1..=5).
    #[serde(default)]
    pub weight: u32,
    pub stamp: Stamp,
}

/// A learner's contribution and its ratings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    pub id: u64,
    pub author: Address,
    /// `None` when the recording event was missed.
    pub kind: Option<String>,
    pub reference: Option<Hash32>,
    pub recorded: Option<Stamp>,
    pub ratings: Vec<Rating>,
    pub rating_sum: u64,
}

/// Applies one event of this contract; the others are left alone (the caller,
/// [`State::apply_event`], sends each event to its contract's module and has recorded
/// its id as applied).
pub(super) fn apply(state: &mut State, body: &E, contract: Address, stamp: Stamp) {
    match body {
        E::CompletionRecorded {
            learner,
            course_id,
            issuer,
            score_pct,
            credit_score,
            reputation,
        } => {
            let p = state.profile(*learner);
            p.completions = p.completions.saturating_add(1);
            p.completion_score_sum = p.completion_score_sum.saturating_add(u64::from(*score_pct));
            p.credit_score = *credit_score;
            p.reputation = *reputation;
            p.scores_stamp = Some(stamp);
            state.completions.insert(
                (*course_id, *learner),
                Completion {
                    learner: *learner,
                    course_id: *course_id,
                    issuer: *issuer,
                    score_pct: *score_pct,
                    stamp,
                },
            );
        }
        E::ContributionRecorded {
            contribution_id,
            learner,
            kind,
            reference,
        } => {
            let p = state.profile(*learner);
            p.contributions = p.contributions.saturating_add(1);
            let c = state
                .contributions
                .entry(*contribution_id)
                .or_insert_with(|| new_contribution(*contribution_id, *learner));
            c.author = *learner;
            c.kind = Some(kind.clone());
            c.reference = Some(*reference);
            c.recorded = Some(stamp);
        }
        E::ContributionRated {
            contribution_id,
            rater,
            author,
            rating,
            weight,
            author_reputation,
            author_credit_score,
        } => {
            if !state.contributions.contains_key(contribution_id) {
                state.orphans = state.orphans.saturating_add(1);
            }
            let c = state
                .contributions
                .entry(*contribution_id)
                .or_insert_with(|| new_contribution(*contribution_id, *author));
            c.ratings.push(Rating {
                rater: *rater,
                rating: *rating,
                weight: *weight,
                stamp,
            });
            c.rating_sum = c.rating_sum.saturating_add(u64::from(*rating));
            let p = state.profile(*author);
            p.ratings_received = p.ratings_received.saturating_add(1);
            p.rating_sum = p.rating_sum.saturating_add(u64::from(*rating));
            p.rating_weight = p.rating_weight.saturating_add(u64::from(*weight));
            p.weighted_rating_sum = p
                .weighted_rating_sum
                .saturating_add(u64::from(*weight) * u64::from(*rating));
            p.reputation = *author_reputation;
            p.credit_score = *author_credit_score;
            p.scores_stamp = Some(stamp);
            let r = state.profile(*rater);
            r.ratings_given = r.ratings_given.saturating_add(1);
        }
        E::CourseBound { course_id, issuer } => {
            state.contract(contract).courses.insert(*course_id, *issuer);
        }
        E::CompletionCorrected {
            learner,
            course_id,
            previous_pct,
            score_pct,
            credit_score,
            reputation,
        } => {
            if let Some(c) = state.completions.get_mut(&(*course_id, *learner)) {
                c.score_pct = *score_pct;
            }
            let p = state.profile(*learner);
            p.completion_score_sum = p
                .completion_score_sum
                .saturating_sub(u64::from(*previous_pct))
                .saturating_add(u64::from(*score_pct));
            p.credit_score = *credit_score;
            p.reputation = *reputation;
            p.scores_stamp = Some(stamp);
        }
        _ => {}
    }
}

/// Records the entities an event of this contract writes (kept in step with [`apply`]).
pub(super) fn changes(changes: &mut Changes, contract: Address, body: &E) {
    match body {
        E::CompletionRecorded {
            learner, course_id, ..
        } => {
            changes.completions.insert((*course_id, *learner));
            changes.profiles.insert(*learner);
        }
        E::ContributionRecorded {
            contribution_id,
            learner,
            ..
        } => {
            changes.contributions.insert(*contribution_id);
            changes.profiles.insert(*learner);
        }
        E::ContributionRated {
            contribution_id,
            rater,
            author,
            ..
        } => {
            changes.contributions.insert(*contribution_id);
            changes.profiles.insert(*rater);
            changes.profiles.insert(*author);
        }
        // The binding is admin state of the contract, kept with its roles.
        E::CourseBound { .. } => {
            changes.contracts.insert(contract);
        }
        E::CompletionCorrected {
            learner, course_id, ..
        } => {
            changes.completions.insert((*course_id, *learner));
            changes.profiles.insert(*learner);
        }
        _ => {}
    }
}

impl State {
    fn profile(&mut self, learner: Address) -> &mut Profile {
        self.profiles
            .entry(learner)
            .or_insert_with(|| Profile::new(learner))
    }
}

fn new_contribution(id: u64, author: Address) -> Contribution {
    Contribution {
        id,
        author,
        kind: None,
        reference: None,
        recorded: None,
        ratings: Vec::new(),
        rating_sum: 0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn projects_every_reputation_event() {
        super::super::check_section("reputation");
    }
}
