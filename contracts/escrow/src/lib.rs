//! Multi-signature course escrow: a learner (depositor) pays a teacher
//! (beneficiary) through funds held by this contract until weighted signers
//! approve.
//!
//! Life of an escrow: `create` moves the funds in; signers `approve` (each
//! with its own authorization, so approvals can come from separate wallets
//! or as auth entries inside someone else's transaction); `release` pays the
//! beneficiary once the approved weight reaches the threshold and the
//! release time has passed. Otherwise the depositor gets the funds back by
//! `cancel` (before any approval) or `refund` (after the refund time, and
//! only while the approvals are below the threshold: approved funds belong
//! to the beneficiary); either side may `dispute`, and the arbitrator then
//! `resolve`s. Each escrow ends in exactly one terminal state, and the
//! contract's balance of a token always equals the sum of its open
//! (including disputed) escrows in that token.
//!
//! Disputes end: the terms name a dispute timeout (1 to 180 days, required
//! with an arbitrator) and `dispute` sets the deadline `now + timeout`. From
//! the deadline the arbitrator can no longer `resolve`, and the depositor or
//! the beneficiary may `settle_dispute`, which applies the default outcome:
//! everything to the beneficiary if the approvals had reached the threshold
//! when the dispute was opened (approvals stop during a dispute), otherwise
//! everything back to the depositor. The escrow ends `Released` or
//! `Refunded` and `escrow_settled` is emitted.
//!
//! Tokens: an escrow records what arrived (the contract's balance before
//! and after the transfer in), not the terms' amount, so a token that takes
//! a fee from a transfer cannot leave later escrows in it unpayable; a
//! transfer that delivers nothing is refused. Rebasing tokens (balances
//! that change without transfers) and tokens that charge the sender on top
//! of the amount remain unsupported.
//!
//! TTL: every write extends the escrow's entry and the instance past the
//! escrow's own deadlines (see `storage`).
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
use teachlink_common::{access, events::Emit as _, pause, time, timelock, ttl};

pub use error::Error;
pub use types::{
    Escrow, EscrowStatus, EscrowTerms, Resolution, Signer, BPS_DENOMINATOR, MAX_DISPUTE_TIMEOUT,
    MAX_REASON_LEN, MAX_SIGNERS, MIN_DISPUTE_TIMEOUT,
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
    // The escrow holds what arrived, which a fee-charging token makes less.
    pub fn create(env: Env, depositor: Address, terms: EscrowTerms) -> Result<u64, Error> {
        depositor.require_auth();
        pause::require_not_paused(&env)?;
        let total_weight = validate_terms(&env, &depositor, &terms)?;
        debug_assert!(total_weight >= terms.threshold);

        let id = storage::next_escrow_id(&env)?;
        let this = env.current_contract_address();
        let token = token::TokenClient::new(&env, &terms.token);
        let before = token.balance(&this);
        token.transfer(&depositor, &this, &terms.amount);
        let amount = token
            .balance(&this)
            .checked_sub(before)
            .ok_or(Error::Overflow)?;
        if amount <= 0 {
            return Err(Error::NothingReceived);
        }
        let escrow = Escrow {
            depositor: depositor.clone(),
            beneficiary: terms.beneficiary.clone(),
            token: terms.token.clone(),
            amount,
            signers: terms.signers.clone(),
            threshold: terms.threshold,
            approvals: 0,
            approved_weight: 0,
            release_after: terms.release_after,
            refund_after: terms.refund_after,
            arbitrator: terms.arbitrator.clone(),
            dispute_timeout: terms.dispute_timeout,
            dispute_deadline: None,
            course_id: terms.course_id,
            status: EscrowStatus::Open,
            created_at: time::now(&env),
        };
        storage::save(&env, id, &escrow);
        events::EscrowCreated {
            escrow_id: id,
            depositor,
            beneficiary: terms.beneficiary,
            token: terms.token,
            amount,
            signers: terms.signers,
            threshold: terms.threshold,
            release_after: terms.release_after,
            refund_after: terms.refund_after,
            arbitrator: terms.arbitrator,
            dispute_timeout: terms.dispute_timeout,
            course_id: terms.course_id,
        }
        .emit(&env);
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
        events::EscrowApproved {
            escrow_id,
            signer,
            weight,
            approved_weight: escrow.approved_weight,
            threshold: escrow.threshold,
        }
        .emit(&env);
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
        events::EscrowReleased {
            escrow_id,
            beneficiary: escrow.beneficiary,
            amount: escrow.amount,
            by: caller,
        }
        .emit(&env);
        Ok(())
    }

    /// Returns the funds to the depositor once the refund time has passed
    /// without a release. `caller` must be a party to the escrow.
    // Refused once the approvals reach the threshold: those funds are the
    // beneficiary's, and a refund would front-run `release`.
    pub fn refund(env: Env, caller: Address, escrow_id: u64) -> Result<(), Error> {
        caller.require_auth();
        pause::require_not_paused(&env)?;
        let mut escrow = storage::load(&env, escrow_id)?;
        require_party(&escrow, &caller)?;
        require_open(&escrow)?;
        if escrow.approved_weight >= escrow.threshold {
            return Err(Error::ThresholdReached);
        }
        match escrow.refund_after {
            Some(refund_after) if time::now(&env) >= refund_after => {}
            _ => return Err(Error::RefundTooEarly),
        }
        escrow.status = EscrowStatus::Refunded;
        storage::save(&env, escrow_id, &escrow);
        pay(&env, &escrow, &escrow.depositor, escrow.amount);
        events::EscrowRefunded {
            escrow_id,
            depositor: escrow.depositor,
            amount: escrow.amount,
            by: caller,
        }
        .emit(&env);
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
        events::EscrowCancelled {
            escrow_id,
            depositor: escrow.depositor,
            amount: escrow.amount,
        }
        .emit(&env);
        Ok(())
    }

    /// The depositor or the beneficiary puts an open escrow before its
    /// arbitrator. Release, refund and cancel stop until it is resolved.
    // Or settled: from `now + dispute_timeout` either party may settle.
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
        let deadline = time::now(&env)
            .checked_add(escrow.dispute_timeout)
            .ok_or(Error::Overflow)?;
        escrow.status = EscrowStatus::Disputed;
        escrow.dispute_deadline = Some(deadline);
        storage::save(&env, escrow_id, &escrow);
        events::EscrowDisputed {
            escrow_id,
            by,
            reason,
            deadline,
        }
        .emit(&env);
        Ok(())
    }

    /// The arbitrator ends a dispute: all to the beneficiary, all back to the
    /// depositor, or a split in basis points.
    // Only before the dispute deadline.
    pub fn resolve(env: Env, escrow_id: u64, resolution: Resolution) -> Result<(), Error> {
        let mut escrow = storage::load(&env, escrow_id)?;
        // A disputed escrow always has an arbitrator: dispute refuses otherwise.
        let arbitrator = escrow.arbitrator.clone().ok_or(Error::NoArbitrator)?;
        arbitrator.require_auth();
        pause::require_not_paused(&env)?;
        let deadline = require_disputed(&escrow)?;
        if time::now(&env) >= deadline {
            return Err(Error::DisputeExpired);
        }
        let beneficiary_bps = match resolution {
            Resolution::ToBeneficiary => BPS_DENOMINATOR,
            Resolution::ToDepositor => 0,
            Resolution::Split(bps) if bps <= BPS_DENOMINATOR => bps,
            Resolution::Split(_) => return Err(Error::InvalidSplit),
        };
        // floor(amount * bps / D) without the product: amount = q * D + r,
        // and neither q * bps <= amount nor r * bps < D * D can overflow.
        let (d, bps) = (BPS_DENOMINATOR as i128, beneficiary_bps as i128);
        let to_beneficiary = escrow.amount / d * bps + escrow.amount % d * bps / d;
        let to_depositor = escrow.amount - to_beneficiary;
        escrow.status = EscrowStatus::Resolved;
        storage::save(&env, escrow_id, &escrow);
        pay(&env, &escrow, &escrow.beneficiary, to_beneficiary);
        pay(&env, &escrow, &escrow.depositor, to_depositor);
        events::EscrowResolved {
            escrow_id,
            arbitrator,
            resolution,
            to_beneficiary,
            to_depositor,
        }
        .emit(&env);
        Ok(())
    }

    // After an unresolved dispute's deadline, the depositor or the
    // beneficiary applies the default outcome: all to the beneficiary if
    // the approvals reached the threshold, otherwise all to the depositor.
    // (Plain comments on new entry points: doc comments land in the spec.)
    pub fn settle_dispute(env: Env, caller: Address, escrow_id: u64) -> Result<(), Error> {
        caller.require_auth();
        pause::require_not_paused(&env)?;
        let mut escrow = storage::load(&env, escrow_id)?;
        if caller != escrow.depositor && caller != escrow.beneficiary {
            return Err(Error::Unauthorized);
        }
        let deadline = require_disputed(&escrow)?;
        if time::now(&env) < deadline {
            return Err(Error::DisputeNotExpired);
        }
        let (to, status, to_beneficiary, to_depositor) =
            if escrow.approved_weight >= escrow.threshold {
                let to = escrow.beneficiary.clone();
                (to, EscrowStatus::Released, escrow.amount, 0)
            } else {
                let to = escrow.depositor.clone();
                (to, EscrowStatus::Refunded, 0, escrow.amount)
            };
        escrow.status = status;
        storage::save(&env, escrow_id, &escrow);
        pay(&env, &escrow, &to, escrow.amount);
        events::EscrowSettled {
            escrow_id,
            by: caller,
            to_beneficiary,
            to_depositor,
        }
        .emit(&env);
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
fn validate_terms(env: &Env, depositor: &Address, terms: &EscrowTerms) -> Result<u32, Error> {
    if terms.amount <= 0 {
        return Err(Error::InvalidAmount);
    }
    if *depositor == terms.beneficiary {
        return Err(Error::InvalidParties);
    }
    let timeout_ok = match &terms.arbitrator {
        Some(arbitrator) => {
            if arbitrator == depositor || *arbitrator == terms.beneficiary {
                return Err(Error::InvalidParties);
            }
            (MIN_DISPUTE_TIMEOUT..=MAX_DISPUTE_TIMEOUT).contains(&terms.dispute_timeout)
        }
        None => terms.dispute_timeout == 0,
    };
    if !timeout_ok {
        return Err(Error::InvalidDisputeTimeout);
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
    if let Some(refund) = terms.refund_after {
        if refund <= time::now(env) || Some(refund) <= terms.release_after {
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

/// The dispute deadline of a disputed escrow.
fn require_disputed(escrow: &Escrow) -> Result<u64, Error> {
    match (escrow.status, escrow.dispute_deadline) {
        (EscrowStatus::Disputed, Some(deadline)) => Ok(deadline),
        _ => Err(Error::NotDisputed),
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
