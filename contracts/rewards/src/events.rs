//! Events of the reward pool; see `EVENTS.part.md`.
use soroban_sdk::{contractevent, Address, Symbol};

/// `funder` moved `amount` into the pool, which now holds `balance`.
#[contractevent(topics = ["funded"])]
pub struct Funded {
    #[topic]
    pub funder: Address,
    pub amount: i128,
    pub balance: i128,
}

/// `issuer` promised `amount` to `learner`, who now has `unclaimed` waiting.
#[contractevent(topics = ["reward_issued"])]
pub struct RewardIssued {
    #[topic]
    pub learner: Address,
    #[topic]
    pub issuer: Address,
    pub amount: i128,
    pub reason: Symbol,
    pub unclaimed: i128,
}

/// `learner` received all of its unclaimed reward, `amount`.
#[contractevent(topics = ["reward_claimed"])]
pub struct RewardClaimed {
    #[topic]
    pub learner: Address,
    pub amount: i128,
}

/// The admin took `amount` of unpromised surplus out of the pool to `to`.
#[contractevent(topics = ["withdrawn"])]
pub struct Withdrawn {
    #[topic]
    pub to: Address,
    pub amount: i128,
}

/// The admin set how much `issuer` may still promise in total, `amount`.
#[contractevent(topics = ["allowance_set"])]
pub struct AllowanceSet {
    #[topic]
    pub issuer: Address,
    pub amount: i128,
}

/// The admin took back `amount` of `learner`'s unclaimed reward, which
/// returns to the pool's available balance; `unclaimed` is what is left.
#[contractevent(topics = ["reward_revoked"])]
pub struct RewardRevoked {
    #[topic]
    pub learner: Address,
    pub amount: i128,
    pub unclaimed: i128,
}
