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

/// `rater` rated `author`'s contribution; carries the author's scores after
/// the update.
#[contractevent(topics = ["contribution_rated"])]
pub struct ContributionRated {
    #[topic]
    pub contribution_id: u64,
    #[topic]
    pub rater: Address,
    #[topic]
    pub author: Address,
    pub rating: u32,
    pub author_reputation: u32,
    pub author_credit_score: u32,
}
