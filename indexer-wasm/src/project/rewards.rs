//! Owns the rewards contract's projection: each learner's [`LearnerRewards`] and the
//! contract's [`Pool`], and how each rewards event changes them.

use serde::{Deserialize, Serialize};

use super::{Changes, Stamp, State};
use crate::decode::TeachLinkEvent as E;
use crate::types::{amount, Address};

/// A reward movement of one learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RewardEntry {
    Issued {
        issuer: Address,
        #[serde(with = "amount")]
        amount: i128,
        reason: String,
        stamp: Stamp,
    },
    Claimed {
        #[serde(with = "amount")]
        amount: i128,
        stamp: Stamp,
    },
    /// The admin took back this much of the learner's unclaimed reward.
    Revoked {
        #[serde(with = "amount")]
        amount: i128,
        stamp: Stamp,
    },
}

/// What one issuer may still promise from a pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowance {
    pub issuer: Address,
    /// The last `allowance_set` amount, less what the issuer issued since.
    #[serde(with = "amount")]
    pub remaining: i128,
}

/// A learner's rewards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerRewards {
    pub learner: Address,
    #[serde(with = "amount")]
    pub unclaimed: i128,
    #[serde(with = "amount")]
    pub claimed: i128,
    #[serde(with = "amount")]
    pub issued: i128,
    pub history: Vec<RewardEntry>,
}

/// The reward pool of one rewards contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub contract: Address,
    /// The token balance: as of the last `funded` event, minus the claims and withdrawals
    /// since. Tokens sent to the contract outside `fund` show up at the next `funded`.
    #[serde(with = "amount")]
    pub balance: i128,
    #[serde(with = "amount")]
    pub funded: i128,
    #[serde(with = "amount")]
    pub issued: i128,
    #[serde(with = "amount")]
    pub claimed: i128,
    #[serde(with = "amount")]
    pub withdrawn: i128,
    /// Issued and not yet claimed, over all learners.
    #[serde(with = "amount")]
    pub unclaimed: i128,
    /// Taken back by the admin before it was claimed.
    #[serde(with = "amount", default)]
    pub revoked: i128,
    /// Issuers' allowances, by issuer.
    #[serde(default)]
    pub allowances: Vec<Allowance>,
    pub updated: Option<Stamp>,
}

/// Applies one event of this contract; the others are left alone (the caller,
/// [`State::apply_event`], sends each event to its contract's module and has recorded
/// its id as applied).
pub(super) fn apply(state: &mut State, body: &E, contract: Address, stamp: Stamp) {
    match body {
        E::Funded {
            amount, balance, ..
        } => {
            let p = state.pool(contract);
            p.funded = p.funded.saturating_add(*amount);
            p.balance = *balance;
            p.updated = Some(stamp);
        }
        E::RewardIssued {
            learner,
            issuer,
            amount,
            reason,
            unclaimed,
        } => {
            let r = state.learner_rewards(*learner);
            r.unclaimed = *unclaimed;
            r.issued = r.issued.saturating_add(*amount);
            r.history.push(RewardEntry::Issued {
                issuer: *issuer,
                amount: *amount,
                reason: reason.clone(),
                stamp,
            });
            let p = state.pool(contract);
            p.issued = p.issued.saturating_add(*amount);
            p.unclaimed = p.unclaimed.saturating_add(*amount);
            if let Some(a) = p.allowances.iter_mut().find(|a| a.issuer == *issuer) {
                a.remaining = a.remaining.saturating_sub(*amount);
            }
            p.updated = Some(stamp);
        }
        E::RewardClaimed { learner, amount } => {
            let r = state.learner_rewards(*learner);
            // A claim pays everything the learner was owed.
            r.unclaimed = 0;
            r.claimed = r.claimed.saturating_add(*amount);
            r.history.push(RewardEntry::Claimed {
                amount: *amount,
                stamp,
            });
            let p = state.pool(contract);
            p.claimed = p.claimed.saturating_add(*amount);
            p.unclaimed = p.unclaimed.saturating_sub(*amount);
            p.balance = p.balance.saturating_sub(*amount);
            p.updated = Some(stamp);
        }
        E::Withdrawn { amount, .. } => {
            let p = state.pool(contract);
            p.withdrawn = p.withdrawn.saturating_add(*amount);
            p.balance = p.balance.saturating_sub(*amount);
            p.updated = Some(stamp);
        }
        E::AllowanceSet { issuer, amount } => {
            let p = state.pool(contract);
            match p.allowances.binary_search_by(|a| a.issuer.cmp(issuer)) {
                Ok(i) => p.allowances[i].remaining = *amount,
                Err(i) => p.allowances.insert(
                    i,
                    Allowance {
                        issuer: *issuer,
                        remaining: *amount,
                    },
                ),
            }
            p.updated = Some(stamp);
        }
        E::RewardRevoked {
            learner,
            amount,
            unclaimed,
        } => {
            let r = state.learner_rewards(*learner);
            r.unclaimed = *unclaimed;
            r.history.push(RewardEntry::Revoked {
                amount: *amount,
                stamp,
            });
            let p = state.pool(contract);
            p.revoked = p.revoked.saturating_add(*amount);
            p.unclaimed = p.unclaimed.saturating_sub(*amount);
            p.updated = Some(stamp);
        }
        _ => {}
    }
}

/// Records the entities an event of this contract writes (kept in step with [`apply`]).
pub(super) fn changes(changes: &mut Changes, contract: Address, body: &E) {
    match body {
        E::RewardIssued { learner, .. }
        | E::RewardClaimed { learner, .. }
        | E::RewardRevoked { learner, .. } => {
            changes.rewards.insert(*learner);
            changes.pools.insert(contract);
        }
        E::Funded { .. } | E::Withdrawn { .. } | E::AllowanceSet { .. } => {
            changes.pools.insert(contract);
        }
        _ => {}
    }
}

impl State {
    fn learner_rewards(&mut self, learner: Address) -> &mut LearnerRewards {
        self.rewards
            .entry(learner)
            .or_insert_with(|| LearnerRewards {
                learner,
                unclaimed: 0,
                claimed: 0,
                issued: 0,
                history: Vec::new(),
            })
    }

    fn pool(&mut self, contract: Address) -> &mut Pool {
        self.pools.entry(contract).or_insert_with(|| Pool {
            contract,
            balance: 0,
            funded: 0,
            issued: 0,
            claimed: 0,
            withdrawn: 0,
            unclaimed: 0,
            revoked: 0,
            allowances: Vec::new(),
            updated: None,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn projects_every_rewards_event() {
        super::super::check_section("rewards");
    }
}
