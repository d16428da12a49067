//! Every refusal of bad input, each with its typed error and with nothing
//! changed: no funds moved, no escrow written.
use soroban_sdk::{InvokeError, String};

use super::*;
use crate::{Resolution, MAX_DISPUTE_TIMEOUT, MAX_SIGNERS, MIN_DISPUTE_TIMEOUT};

fn assert_create_refused(s: &Setup, terms: &EscrowTerms, error: Error) {
    let before = s.token.balance(&s.learner);
    assert_eq!(s.client.try_create(&s.learner, terms), Err(Ok(error)));
    assert_eq!(s.token.balance(&s.learner), before);
    assert_eq!(s.contract_balance(), 0);
    assert_eq!(s.client.escrow_count(), 0);
}

#[test]
fn create_refuses_non_positive_amounts() {
    let s = Setup::new();
    for amount in [0, -1, i128::MIN] {
        let mut terms = s.terms();
        terms.amount = amount;
        assert_create_refused(&s, &terms, Error::InvalidAmount);
    }
}

#[test]
fn create_refuses_bad_signer_sets() {
    let s = Setup::new();
    let mut none = s.terms();
    none.signers = Vec::new(&s.env);
    assert_create_refused(&s, &none, Error::InvalidSignerCount);

    let mut too_many = s.terms();
    too_many.signers = Vec::new(&s.env);
    for _ in 0..=MAX_SIGNERS {
        too_many.signers.push_back(Signer {
            address: Address::generate(&s.env),
            weight: 1,
        });
    }
    assert_create_refused(&s, &too_many, Error::InvalidSignerCount);

    let mut duplicate = s.terms();
    duplicate.signers.push_back(Signer {
        address: s.signers[1].clone(),
        weight: 5,
    });
    assert_create_refused(&s, &duplicate, Error::DuplicateSigner);

    let mut zero_weight = s.terms();
    zero_weight.signers.set(
        1,
        Signer {
            address: s.signers[1].clone(),
            weight: 0,
        },
    );
    assert_create_refused(&s, &zero_weight, Error::InvalidWeight);

    let mut overflowing = s.terms();
    overflowing.signers.set(
        0,
        Signer {
            address: s.signers[0].clone(),
            weight: u32::MAX,
        },
    );
    assert_create_refused(&s, &overflowing, Error::Overflow);
}

#[test]
fn create_accepts_exactly_max_signers() {
    let s = Setup::new();
    let mut terms = s.terms();
    terms.signers = Vec::new(&s.env);
    for _ in 0..MAX_SIGNERS {
        terms.signers.push_back(Signer {
            address: Address::generate(&s.env),
            weight: 1,
        });
    }
    terms.threshold = MAX_SIGNERS;
    let id = s.client.create(&s.learner, &terms);
    let last = terms.signers.get(MAX_SIGNERS - 1).unwrap().address;
    s.client.approve(&last, &id);
    assert_eq!(s.client.escrow(&id).approvals, 1 << (MAX_SIGNERS - 1));
}

#[test]
fn create_refuses_thresholds_out_of_range() {
    let s = Setup::new();
    for threshold in [0, 5, u32::MAX] {
        let mut terms = s.terms();
        terms.threshold = threshold;
        assert_create_refused(&s, &terms, Error::InvalidThreshold);
    }
    let mut total = s.terms();
    total.threshold = 4;
    assert_eq!(s.client.create(&s.learner, &total), 1);
}

#[test]
fn create_refuses_refund_before_release() {
    let s = Setup::new();
    for (release, refund) in [(START + 100, START + 100), (START + 100, START + 99)] {
        let mut terms = s.terms();
        terms.release_after = Some(release);
        terms.refund_after = Some(refund);
        assert_create_refused(&s, &terms, Error::InvalidDeadlines);
    }
}

#[test]
fn create_refuses_a_refund_time_not_in_the_future() {
    let s = Setup::new();
    for refund in [START, START - 1] {
        let mut terms = s.terms();
        terms.release_after = None;
        terms.refund_after = Some(refund);
        assert_create_refused(&s, &terms, Error::InvalidDeadlines);
    }
    let mut terms = s.terms();
    terms.release_after = None;
    terms.refund_after = Some(START + 1);
    assert_eq!(s.client.create(&s.learner, &terms), 1);
}

#[test]
fn create_refuses_dispute_timeouts_out_of_bounds() {
    let s = Setup::new();
    for timeout in [
        0,
        MIN_DISPUTE_TIMEOUT - 1,
        MAX_DISPUTE_TIMEOUT + 1,
        u64::MAX,
    ] {
        let mut terms = s.terms();
        terms.dispute_timeout = timeout;
        assert_create_refused(&s, &terms, Error::InvalidDisputeTimeout);
    }
    // Without an arbitrator a timeout means nothing: it must be 0.
    let mut no_arbitrator = s.terms();
    no_arbitrator.arbitrator = None;
    no_arbitrator.dispute_timeout = MIN_DISPUTE_TIMEOUT;
    assert_create_refused(&s, &no_arbitrator, Error::InvalidDisputeTimeout);

    for timeout in [MIN_DISPUTE_TIMEOUT, MAX_DISPUTE_TIMEOUT] {
        let mut terms = s.terms();
        terms.dispute_timeout = timeout;
        s.client.create(&s.learner, &terms);
    }
    no_arbitrator.dispute_timeout = 0;
    assert_eq!(s.client.create(&s.learner, &no_arbitrator), 3);
}

#[test]
fn create_refuses_overlapping_parties() {
    let s = Setup::new();
    let mut self_pay = s.terms();
    self_pay.beneficiary = s.learner.clone();
    assert_create_refused(&s, &self_pay, Error::InvalidParties);

    let mut teacher_judges = s.terms();
    teacher_judges.arbitrator = Some(s.teacher.clone());
    assert_create_refused(&s, &teacher_judges, Error::InvalidParties);

    let mut learner_judges = s.terms();
    learner_judges.arbitrator = Some(s.learner.clone());
    assert_create_refused(&s, &learner_judges, Error::InvalidParties);
}

#[test]
fn create_refuses_more_than_the_depositor_holds() {
    let s = Setup::new();
    let mut terms = s.terms();
    terms.amount = 11 * AMOUNT;
    // The Stellar Asset Contract's own refusal, code 10 (BalanceError),
    // reaches the caller unchanged.
    assert_eq!(
        s.client.try_create(&s.learner, &terms),
        Err(Err(InvokeError::Contract(10)))
    );
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
    assert_eq!(s.client.escrow_count(), 0);
}

#[test]
fn unknown_escrow_is_refused_everywhere() {
    let s = Setup::new();
    let reason = String::from_str(&s.env, "x");
    assert_eq!(s.client.try_escrow(&7), Err(Ok(Error::EscrowNotFound)));
    assert_eq!(
        s.client.try_approve(&s.signers[0], &7),
        Err(Ok(Error::EscrowNotFound))
    );
    assert_eq!(
        s.client.try_release(&s.teacher, &7),
        Err(Ok(Error::EscrowNotFound))
    );
    assert_eq!(
        s.client.try_refund(&s.learner, &7),
        Err(Ok(Error::EscrowNotFound))
    );
    assert_eq!(s.client.try_cancel(&7), Err(Ok(Error::EscrowNotFound)));
    assert_eq!(
        s.client.try_dispute(&s.learner, &7, &reason),
        Err(Ok(Error::EscrowNotFound))
    );
    assert_eq!(
        s.client.try_resolve(&7, &Resolution::ToDepositor),
        Err(Ok(Error::EscrowNotFound))
    );
    assert_eq!(
        s.client.try_pending_signers(&7),
        Err(Ok(Error::EscrowNotFound))
    );
}

#[test]
fn approve_refuses_non_signers_and_second_approvals() {
    let s = Setup::new();
    let id = s.create();
    assert_eq!(
        s.client.try_approve(&s.stranger, &id),
        Err(Ok(Error::NotSigner))
    );
    assert_eq!(
        s.client.try_approve(&s.teacher, &id),
        Err(Ok(Error::NotSigner))
    );
    s.client.approve(&s.signers[0], &id);
    assert_eq!(
        s.client.try_approve(&s.signers[0], &id),
        Err(Ok(Error::AlreadyApproved))
    );
    assert_eq!(s.client.escrow(&id).approved_weight, 1);
}

#[test]
fn dispute_needs_an_arbitrator_and_a_short_reason() {
    let s = Setup::new();
    let mut terms = s.terms();
    terms.arbitrator = None;
    terms.dispute_timeout = 0;
    let no_arbitrator = s.client.create(&s.learner, &terms);
    let reason = String::from_str(&s.env, "late");
    assert_eq!(
        s.client.try_dispute(&s.learner, &no_arbitrator, &reason),
        Err(Ok(Error::NoArbitrator))
    );
    assert_eq!(
        s.client
            .try_resolve(&no_arbitrator, &Resolution::ToDepositor),
        Err(Ok(Error::NoArbitrator))
    );

    let id = s.create();
    let long = std::string::String::from_utf8(std::vec![b'x'; 257]).unwrap();
    assert_eq!(
        s.client
            .try_dispute(&s.learner, &id, &String::from_str(&s.env, &long)),
        Err(Ok(Error::ReasonTooLong))
    );
    assert_eq!(s.client.escrow(&id).status, crate::EscrowStatus::Open);
}

#[test]
fn resolve_refuses_splits_over_a_whole() {
    let s = Setup::new();
    let id = s.create();
    s.client
        .dispute(&s.teacher, &id, &String::from_str(&s.env, "x"));
    assert_eq!(
        s.client.try_resolve(&id, &Resolution::Split(10_001)),
        Err(Ok(Error::InvalidSplit))
    );
    assert_eq!(s.contract_balance(), AMOUNT);
    s.client.resolve(&id, &Resolution::Split(10_000));
    assert_eq!(s.token.balance(&s.teacher), AMOUNT);
}
