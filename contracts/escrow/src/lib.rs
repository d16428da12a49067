//! Multi-signature course escrow: a learner (depositor) pays a teacher
//! (beneficiary) through funds held by this contract until weighted signers
//! approve.
//!
//! Life of an escrow: `create` moves the funds in; signers `approve` (each
//! with its own authorization, so approvals can come from separate wallets
//! or as auth entries inside someone else's transaction); `release` pays the
//! beneficiary once the approved weight reaches the threshold and the
//! release time has passed. Otherwise the depositor gets the funds back by
//! `cancel` (before any approval) or `refund` (after the refund time); either
//! side may `dispute`, and the arbitrator then `resolve`s. Each escrow ends in
//! exactly one terminal state, and the contract's balance of a token always
//! equals the sum of its open (including disputed) escrows in that token.
//!
//! Every entry point that moves tokens refuses while the contract is paused;
//! approvals and disputes move nothing and stay available.
#![no_std]

mod error;
mod events;
mod storage;
mod types;

#[cfg(test)]
mod test;

use soroban_sdk::{contract, contractimpl, token, Address, Env, String, Vec};
use teachlink_common::{access, pause, time, timelock, ttl};

pub use error::Error;
pub use types::{
    Escrow, EscrowStatus, EscrowTerms, Resolution, Signer, BPS_DENOMINATOR, MAX_REASON_LEN,
    MAX_SIGNERS,
};

#[contract]
pub struct EscrowContract;

#[contractimpl]
impl EscrowContract {
    // `timelock_delay`: seconds between proposing and running an upgrade
    // (at most `timelock::MAX_DELAY`).
    pub fn __constructor(env: Env, admin: Address, timelock_delay: u64) -> Result<(), Error> {
        timelock::set_delay(&env, timelock_delay)?;
        access::set_initial_admin(&env, &admin);
        ttl::extend_instance(&env);
        Ok(())
    }

    /// Opens an escrow and moves `terms.amount` of `terms.token` from the
    /// depositor into this contract. Returns the new escrow id.
    pub fn create(env: Env, depositor: Address, terms: EscrowTerms) -> Result<u64, Error> {
        depositor.require_auth();
        pause::require_not_paused(&env)?;
        let total_weight = validate_terms(&depositor, &terms)?;
        debug_assert!(total_weight >= terms.threshold);

        let id = storage::next_escrow_id(&env)?;
        token::TokenClient::new(&env, &terms.token).transfer(
            &depositor,
            env.current_contract_address(),
            &terms.amount,
        );
        let escrow = Escrow {
            depositor: depositor.clone(),
            beneficiary: terms.beneficiary.clone(),
            token: terms.token.clone(),
            amount: terms.amount,
            signers: terms.signers.clone(),
            threshold: terms.threshold,
            approvals: 0,
            approved_weight: 0,
            release_after: terms.release_after,
            refund_after: terms.refund_after,
            arbitrator: terms.arbitrator.clone(),
            course_id: terms.course_id,
            status: EscrowStatus::Open,
            created_at: time::now(&env),
        };
        storage::save(&env, id, &escrow);
        ttl::extend_instance(&env);
        events::EscrowCreated {
            escrow_id: id,
            depositor,
            beneficiary: terms.beneficiary,
            token: terms.token,
            amount: terms.amount,
            signers: terms.signers,
            threshold: terms.threshold,
            release_after: terms.release_after,
            refund_after: terms.refund_after,
            arbitrator: terms.arbitrator,
            course_id: terms.course_id,
        }
        .publish(&env);
        Ok(id)
    }

    /// Records `signer`'s approval. Each signer approves once.
    pub fn approve(env: Env, signer: Address, escrow_id: u64) -> Result<(), Error> {
        signer.require_auth();
        let mut escrow = storage::load(&env, escrow_id)?;
        require_open(&escrow)?;
        let index = escrow
            .signers
            .iter()
            .position(|s| s.address == signer)
            .ok_or(Error::NotSigner)? as u32;
        let bit = 1u32 << index;
        if escrow.approvals & bit != 0 {
            return Err(Error::AlreadyApproved);
        }
        let weight = escrow
            .signers
            .get(index)
            .map(|s| s.weight)
            .ok_or(Error::NotSigner)?;
        escrow.approvals |= bit;
        escrow.approved_weight = escrow
            .approved_weight
            .checked_add(weight)
            .ok_or(Error::Overflow)?;
        storage::save(&env, escrow_id, &escrow);
        ttl::extend_instance(&env);
        events::EscrowApproved {
            escrow_id,
            signer,
            weight,
            approved_weight: escrow.approved_weight,
            threshold: escrow.threshold,
        }
        .publish(&env);
        Ok(())
    }

    /// Pays the beneficiary. `caller` must be the depositor, the beneficiary
    /// or a signer; approvals must have reached the threshold and the
    /// release time must have passed.
    pub fn release(env: Env, caller: Address, escrow_id: u64) -> Result<(), Error> {
        caller.require_auth();
        pause::require_not_paused(&env)?;
        let mut escrow = storage::load(&env, escrow_id)?;
        require_party(&escrow, &caller)?;
        require_open(&escrow)?;
        if escrow.approved_weight < escrow.threshold {
            return Err(Error::ThresholdNotMet);
        }
        if let Some(release_after) = escrow.release_after {
            if time::now(&env) < release_after {
                return Err(Error::ReleaseTooEarly);
            }
        }
        escrow.status = EscrowStatus::Released;
        storage::save(&env, escrow_id, &escrow);
        pay(&env, &escrow, &escrow.beneficiary, escrow.amount);
        ttl::extend_instance(&env);
        events::EscrowReleased {
            escrow_id,
            beneficiary: escrow.beneficiary,
            amount: escrow.amount,
            by: caller,
        }
        .publish(&env);
        Ok(())
    }

    /// Returns the funds to the depositor once the refund time has passed
    /// without a release. `caller` must be a party to the escrow.
    pub fn refund(env: Env, caller: Address, escrow_id: u64) -> Result<(), Error> {
        caller.require_auth();
        pause::require_not_paused(&env)?;
        let mut escrow = storage::load(&env, escrow_id)?;
        require_party(&escrow, &caller)?;
        require_open(&escrow)?;
        match escrow.refund_after {
            Some(refund_after) if time::now(&env) >= refund_after => {}
            _ => return Err(Error::RefundTooEarly),
        }
        escrow.status = EscrowStatus::Refunded;
        storage::save(&env, escrow_id, &escrow);
        pay(&env, &escrow, &escrow.depositor, escrow.amount);
        ttl::extend_instance(&env);
        events::EscrowRefunded {
            escrow_id,
            depositor: escrow.depositor,
            amount: escrow.amount,
            by: caller,
        }
        .publish(&env);
        Ok(())
    }

    /// The depositor takes the funds back while nobody has approved.
    pub fn cancel(env: Env, escrow_id: u64) -> Result<(), Error> {
        let mut escrow = storage::load(&env, escrow_id)?;
        escrow.depositor.require_auth();
        pause::require_not_paused(&env)?;
        require_open(&escrow)?;
        if escrow.approvals != 0 {
            return Err(Error::AlreadyHasApprovals);
        }
        escrow.status = EscrowStatus::Cancelled;
        storage::save(&env, escrow_id, &escrow);
        pay(&env, &escrow, &escrow.depositor, escrow.amount);
        ttl::extend_instance(&env);
        events::EscrowCancelled {
            escrow_id,
            depositor: escrow.depositor,
            amount: escrow.amount,
        }
        .publish(&env);
        Ok(())
    }

    /// The depositor or the beneficiary puts an open escrow before its
    /// arbitrator. Release, refund and cancel stop until it is resolved.
    pub fn dispute(env: Env, by: Address, escrow_id: u64, reason: String) -> Result<(), Error> {
        by.require_auth();
        let mut escrow = storage::load(&env, escrow_id)?;
        if by != escrow.depositor && by != escrow.beneficiary {
            return Err(Error::Unauthorized);
        }
        require_open(&escrow)?;
        if escrow.arbitrator.is_none() {
            return Err(Error::NoArbitrator);
        }
        if reason.len() > MAX_REASON_LEN {
            return Err(Error::ReasonTooLong);
        }
        escrow.status = EscrowStatus::Disputed;
        storage::save(&env, escrow_id, &escrow);
        ttl::extend_instance(&env);
        events::EscrowDisputed {
            escrow_id,
            by,
            reason,
        }
        .publish(&env);
        Ok(())
    }

    /// The arbitrator ends a dispute: all to the beneficiary, all back to the
    /// depositor, or a split in basis points.
    pub fn resolve(env: Env, escrow_id: u64, resolution: Resolution) -> Result<(), Error> {
        let mut escrow = storage::load(&env, escrow_id)?;
        // A disputed escrow always has an arbitrator: dispute refuses otherwise.
        let arbitrator = escrow.arbitrator.clone().ok_or(Error::NoArbitrator)?;
        arbitrator.require_auth();
        pause::require_not_paused(&env)?;
        if escrow.status != EscrowStatus::Disputed {
            return Err(Error::NotDisputed);
        }
        let beneficiary_bps = match resolution {
            Resolution::ToBeneficiary => BPS_DENOMINATOR,
            Resolution::ToDepositor => 0,
            Resolution::Split(bps) if bps <= BPS_DENOMINATOR => bps,
            Resolution::Split(_) => return Err(Error::InvalidSplit),
        };
        let to_beneficiary = escrow
            .amount
            .checked_mul(beneficiary_bps as i128)
            .ok_or(Error::Overflow)?
            / BPS_DENOMINATOR as i128;
        let to_depositor = escrow.amount - to_beneficiary;
        escrow.status = EscrowStatus::Resolved;
        storage::save(&env, escrow_id, &escrow);
        pay(&env, &escrow, &escrow.beneficiary, to_beneficiary);
        pay(&env, &escrow, &escrow.depositor, to_depositor);
        ttl::extend_instance(&env);
        events::EscrowResolved {
            escrow_id,
            arbitrator,
            resolution,
            to_beneficiary,
            to_depositor,
        }
        .publish(&env);
        Ok(())
    }

    /// The escrow with this id.
    pub fn escrow(env: Env, escrow_id: u64) -> Result<Escrow, Error> {
        storage::load(&env, escrow_id)
    }

    /// How many escrows were ever created; ids run from 1 to this number.
    pub fn escrow_count(env: Env) -> u64 {
        storage::escrow_count(&env)
    }

    /// The signers who have not approved yet: who still has to authorize.
    pub fn pending_signers(env: Env, escrow_id: u64) -> Result<Vec<Address>, Error> {
        let escrow = storage::load(&env, escrow_id)?;
        let mut pending = Vec::new(&env);
        for (i, signer) in escrow.signers.iter().enumerate() {
            if escrow.approvals & (1u32 << i) == 0 {
                pending.push_back(signer.address);
            }
        }
        Ok(pending)
    }

    // --- administration (shared rules in teachlink-common) ---
}

teachlink_common::admin_entry_points!(EscrowContract, Error);

/// Checks the terms and returns the total signer weight.
fn validate_terms(depositor: &Address, terms: &EscrowTerms) -> Result<u32, Error> {
    if terms.amount <= 0 {
        return Err(Error::InvalidAmount);
    }
    if *depositor == terms.beneficiary {
        return Err(Error::InvalidParties);
    }
    if let Some(arbitrator) = &terms.arbitrator {
        if arbitrator == depositor || *arbitrator == terms.beneficiary {
            return Err(Error::InvalidParties);
        }
    }
    let count = terms.signers.len();
    if count == 0 || count > MAX_SIGNERS {
        return Err(Error::InvalidSignerCount);
    }
    let mut total_weight: u32 = 0;
    for (i, signer) in terms.signers.iter().enumerate() {
        if signer.weight == 0 {
            return Err(Error::InvalidWeight);
        }
        // At most 20 signers: the quadratic duplicate check stays bounded.
        for earlier in terms.signers.iter().take(i) {
            if earlier.address == signer.address {
                return Err(Error::DuplicateSigner);
            }
        }
        total_weight = total_weight
            .checked_add(signer.weight)
            .ok_or(Error::Overflow)?;
    }
    if terms.threshold == 0 || terms.threshold > total_weight {
        return Err(Error::InvalidThreshold);
    }
    if let (Some(release), Some(refund)) = (terms.release_after, terms.refund_after) {
        if refund <= release {
            return Err(Error::InvalidDeadlines);
        }
    }
    Ok(total_weight)
}

fn require_open(escrow: &Escrow) -> Result<(), Error> {
    if escrow.status == EscrowStatus::Open {
        Ok(())
    } else {
        Err(Error::NotOpen)
    }
}

/// Release and refund may be triggered by anyone with a stake in the escrow.
fn require_party(escrow: &Escrow, caller: &Address) -> Result<(), Error> {
    let is_party = *caller == escrow.depositor
        || *caller == escrow.beneficiary
        || escrow.signers.iter().any(|s| s.address == *caller);
    if is_party {
        Ok(())
    } else {
        Err(Error::Unauthorized)
    }
}

fn pay(env: &Env, escrow: &Escrow, to: &Address, amount: i128) {
    if amount > 0 {
        token::TokenClient::new(env, &escrow.token).transfer(
            &env.current_contract_address(),
            to,
            &amount,
        );
    }
}
