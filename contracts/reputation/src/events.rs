//! Events of the reputation contract; see `EVENTS.part.md`. The event name
//! is the first topic, then the ids and addresses clients filter by.
use soroban_sdk::{contractevent, Address, BytesN, Symbol};

/// An issuer recorded that `learner` completed `course_id`; carries the
/// learner's scores after the update.
#[contractevent(topics = ["completion_recorded"])]
pub struct CompletionRecorded {
    #[topic]
    pub learner: Address,
    #[topic]
    pub course_id: u64,
    #[topic]
    pub issuer: Address,
    pub score_pct: u32,
    pub credit_score: u32,
    pub reputation: u32,
}

/// `learner` recorded a contribution, identified off chain by `reference`.
#[contractevent(topics = ["contribution_recorded"])]
pub struct ContributionRecorded {
    #[topic]
    pub contribution_id: u64,
    #[topic]
    pub learner: Address,
    pub kind: Symbol,
    pub reference: BytesN<32>,
}

/// `rater` rated `author`'s contribution with `weight` (1..=5, the rater's
/// standing when rating, see `score::rater_weight`); carries the author's
/// scores after the update.
#[contractevent(topics = ["contribution_rated"])]
pub struct ContributionRated {
    #[topic]
    pub contribution_id: u64,
    #[topic]
    pub rater: Address,
    #[topic]
    pub author: Address,
    pub rating: u32,
    pub weight: u32,
    pub author_reputation: u32,
    pub author_credit_score: u32,
}

/// The admin bound `course_id` to `issuer`, the only address that may
/// record its completions from now on.
#[contractevent(topics = ["course_bound"])]
pub struct CourseBound {
    #[topic]
    pub course_id: u64,
    #[topic]
    pub issuer: Address,
}

/// The admin replaced the score of `learner`'s recorded completion of
/// `course_id`, `previous_pct`, with `score_pct`; carries the learner's
/// scores after the update.
#[contractevent(topics = ["completion_corrected"])]
pub struct CompletionCorrected {
    #[topic]
    pub learner: Address,
    #[topic]
    pub course_id: u64,
    pub previous_pct: u32,
    pub score_pct: u32,
    pub credit_score: u32,
    pub reputation: u32,
}
