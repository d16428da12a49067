//! Owns a reward pool in one token: funders fill it, issuers promise rewards
//! from it to learners, learners claim them, and the admin may take back only
//! what nobody has been promised.
//!
//! The pool never promises more than it holds: `issue` reads the contract's
//! real token balance and refuses when the outstanding promises
//! (`total_unclaimed`) would exceed it, and `withdraw` can only take the
//! surplus. Hence `token.balance(pool) >= total_unclaimed` after every call,
//! so every learner's claim can always be paid; only the token itself could
//! break this by taking funds back (a Stellar asset issuer's clawback).
//!
//! No issuer can promise more than the admin allows it: `set_allowance`
//! gives an issuer a budget that each `issue` consumes, and `revoke` lets
//! the admin take back a learner's unclaimed promise, which returns to the
//! pool's available balance.
#![no_std]

mod error;
mod events;
mod storage;
mod types;

#[cfg(test)]
extern crate std;
#[cfg(test)]
mod test;

use soroban_sdk::{contract, contractimpl, symbol_short, token::TokenClient, Address, Env, Symbol};
use teachlink_common::{access, events::Emit as _, pause, timelock, ttl};

pub use error::Error;
pub use events::{AllowanceSet, Funded, RewardClaimed, RewardIssued, RewardRevoked, Withdrawn};
pub use types::PoolInfo;

/// May issue rewards to learners.
pub const ISSUER: Symbol = symbol_short!("issuer");

#[contract]
pub struct RewardsContract;

#[contractimpl]
impl RewardsContract {
    /// Sets the admin, the timelock delay (seconds between proposing and
    /// running an upgrade, at most 30 days) and the pool's token; runs once,
    /// at deployment.
    pub fn __constructor(
        env: Env,
        admin: Address,
        timelock_delay: u64,
        token: Address,
    ) -> Result<(), Error> {
        timelock::set_delay(&env, timelock_delay)?;
        access::set_initial_admin(&env, &admin);
        storage::set_token(&env, &token);
        Ok(())
    }

    /// Moves `amount` of the token from `funder` into the pool. Not pausable:
    /// adding money cannot hurt anyone.
    pub fn fund(env: Env, funder: Address, amount: i128) -> Result<(), Error> {
        funder.require_auth();
        require_positive(amount)?;
        let token = token_client(&env);
        // Checked here so the refusal is this contract's typed error rather
        // than the token's balance error from inside the transfer.
        if token.balance(&funder) < amount {
            return Err(Error::InsufficientFunds);
        }
        let pool = env.current_contract_address();
        token.transfer(&funder, &pool, &amount);
        let balance = token.balance(&pool);
        ttl::extend_instance(&env);
        Funded {
            funder,
            amount,
            balance,
        }
        .emit(&env);
        Ok(())
    }

    /// Promises `amount` to `learner`, to be claimed later. `issuer` must hold
    /// the issuer role and an allowance covering `amount`, which this
    /// consumes; the pool must hold enough to cover every promise.
    pub fn issue(
        env: Env,
        issuer: Address,
        learner: Address,
        amount: i128,
        reason: Symbol,
    ) -> Result<(), Error> {
        pause::require_not_paused(&env)?;
        access::require_role(&env, &ISSUER, &issuer)?;
        // A reward to the pool itself could never be claimed: it cannot sign.
        if learner == issuer || learner == env.current_contract_address() {
            return Err(Error::InvalidLearner);
        }
        require_positive(amount)?;
        let allowance = storage::allowance(&env, &issuer);
        if amount > allowance {
            return Err(Error::AllowanceExceeded);
        }

        let mut totals = storage::totals(&env);
        let unclaimed_after = totals
            .unclaimed
            .checked_add(amount)
            .ok_or(Error::Overflow)?;
        let balance = token_client(&env).balance(&env.current_contract_address());
        if unclaimed_after > balance {
            return Err(Error::InsufficientPool);
        }
        let mut rewards = storage::learner(&env, &learner);
        rewards.unclaimed = rewards
            .unclaimed
            .checked_add(amount)
            .ok_or(Error::Overflow)?;
        totals.unclaimed = unclaimed_after;
        totals.issued = totals.issued.checked_add(amount).ok_or(Error::Overflow)?;

        // amount ≤ allowance, so this cannot underflow.
        storage::set_allowance(&env, &issuer, allowance - amount);
        storage::set_learner(&env, &learner, &rewards);
        storage::set_totals(&env, &totals);
        ttl::extend_instance(&env);
        RewardIssued {
            learner,
            issuer,
            amount,
            reason,
            unclaimed: rewards.unclaimed,
        }
        .emit(&env);
        Ok(())
    }

    /// Pays `learner` everything it has been promised and not yet claimed;
    /// returns the amount paid.
    pub fn claim(env: Env, learner: Address) -> Result<i128, Error> {
        pause::require_not_paused(&env)?;
        learner.require_auth();
        let mut rewards = storage::learner(&env, &learner);
        let amount = rewards.unclaimed;
        if amount <= 0 {
            return Err(Error::NothingToClaim);
        }
        rewards.unclaimed = 0;
        rewards.claimed = rewards.claimed.checked_add(amount).ok_or(Error::Overflow)?;
        let mut totals = storage::totals(&env);
        totals.unclaimed = totals
            .unclaimed
            .checked_sub(amount)
            .ok_or(Error::Overflow)?;
        totals.claimed = totals.claimed.checked_add(amount).ok_or(Error::Overflow)?;

        // Records before the outgoing call (checks-effects-interactions).
        storage::set_learner(&env, &learner, &rewards);
        storage::set_totals(&env, &totals);
        token_client(&env).transfer(&env.current_contract_address(), &learner, &amount);
        ttl::extend_instance(&env);
        RewardClaimed { learner, amount }.emit(&env);
        Ok(amount)
    }

    /// Sends `amount` of the unpromised surplus to `to`; admin only.
    pub fn withdraw(env: Env, to: Address, amount: i128) -> Result<(), Error> {
        pause::require_not_paused(&env)?;
        access::require_admin(&env);
        require_positive(amount)?;
        let token = token_client(&env);
        let pool = env.current_contract_address();
        let available = token
            .balance(&pool)
            .checked_sub(storage::totals(&env).unclaimed)
            .ok_or(Error::Overflow)?;
        if amount > available {
            return Err(Error::InsufficientPool);
        }
        token.transfer(&pool, &to, &amount);
        ttl::extend_instance(&env);
        Withdrawn { to, amount }.emit(&env);
        Ok(())
    }

    /// Sets what `issuer` may still promise in total (replacing what was
    /// left); admin only. Zero stops the issuer without revoking its role.
    pub fn set_allowance(env: Env, issuer: Address, amount: i128) -> Result<(), Error> {
        access::require_admin(&env);
        if amount < 0 {
            return Err(Error::InvalidAmount);
        }
        storage::set_allowance(&env, &issuer, amount);
        ttl::extend_instance(&env);
        AllowanceSet { issuer, amount }.emit(&env);
        Ok(())
    }

    /// Takes back `amount` of `learner`'s unclaimed reward; admin only. The
    /// tokens stay in the pool and become available again; the issuer's
    /// allowance is not restored.
    pub fn revoke(env: Env, learner: Address, amount: i128) -> Result<(), Error> {
        access::require_admin(&env);
        require_positive(amount)?;
        let mut rewards = storage::learner(&env, &learner);
        if amount > rewards.unclaimed {
            return Err(Error::RevokeExceedsUnclaimed);
        }
        // amount ≤ rewards.unclaimed, so this cannot underflow.
        rewards.unclaimed -= amount;
        let mut totals = storage::totals(&env);
        totals.unclaimed = totals
            .unclaimed
            .checked_sub(amount)
            .ok_or(Error::Overflow)?;
        totals.revoked = totals.revoked.checked_add(amount).ok_or(Error::Overflow)?;
        storage::set_learner(&env, &learner, &rewards);
        storage::set_totals(&env, &totals);
        ttl::extend_instance(&env);
        RewardRevoked {
            learner,
            amount,
            unclaimed: rewards.unclaimed,
        }
        .emit(&env);
        Ok(())
    }

    // ---- queries ----

    /// What `issuer` may still promise.
    pub fn allowance(env: Env, issuer: Address) -> i128 {
        storage::allowance(&env, &issuer)
    }

    /// The pool's token.
    pub fn token(env: Env) -> Address {
        storage::token(&env)
    }

    /// What `learner` may claim now.
    pub fn unclaimed(env: Env, learner: Address) -> i128 {
        storage::learner(&env, &learner).unclaimed
    }

    /// What `learner` has claimed so far, in total.
    pub fn claimed_total(env: Env, learner: Address) -> i128 {
        storage::learner(&env, &learner).claimed
    }

    /// The pool's balance, promises and lifetime totals.
    pub fn pool(env: Env) -> PoolInfo {
        let balance = token_client(&env).balance(&env.current_contract_address());
        let totals = storage::totals(&env);
        PoolInfo {
            balance,
            total_unclaimed: totals.unclaimed,
            // Both are non-negative, so the difference cannot overflow. It is
            // negative only if the token took funds back (e.g. a clawback).
            available: balance - totals.unclaimed,
            total_issued: totals.issued,
            total_claimed: totals.claimed,
            total_revoked: totals.revoked,
        }
    }

    // ---- admin, roles, pause, upgrade (shared with every TeachLink contract) ----
}

teachlink_common::admin_entry_points!(RewardsContract, Error);

fn token_client(env: &Env) -> TokenClient<'_> {
    TokenClient::new(env, &storage::token(env))
}

fn require_positive(amount: i128) -> Result<(), Error> {
    if amount > 0 {
        Ok(())
    } else {
        Err(Error::InvalidAmount)
    }
}
