//! Happy paths: every way an escrow can end, with balances, events and the
//! authorizations each step needed.
use soroban_sdk::{vec, Event, String};

use super::*;
use crate::{events, EscrowStatus, Resolution};

fn assert_emitted(s: &Setup, event: &impl Event) {
    teachlink_common::testutils::assert_emitted(&s.env, &s.client.address, event);
}

#[test]
fn create_moves_funds_in_and_records_terms() {
    let s = Setup::new();
    let terms = s.terms();
    let id = s.client.create(&s.learner, &terms);
    assert_eq!(id, 1);
    s.assert_authorized_by(&s.learner, "create");
    assert_emitted(
        &s,
        &events::EscrowCreated {
            escrow_id: 1,
            depositor: s.learner.clone(),
            beneficiary: s.teacher.clone(),
            token: s.token.address.clone(),
            amount: AMOUNT,
            signers: terms.signers.clone(),
            threshold: 2,
            release_after: terms.release_after,
            refund_after: terms.refund_after,
            arbitrator: terms.arbitrator.clone(),
            dispute_timeout: DISPUTE_TIMEOUT,
            course_id: 42,
        },
    );
    assert_eq!(s.contract_balance(), AMOUNT);
    assert_eq!(s.token.balance(&s.learner), 9 * AMOUNT);
    let escrow = s.client.escrow(&id);
    assert_eq!(escrow.status, EscrowStatus::Open);
    assert_eq!(escrow.amount, AMOUNT);
    assert_eq!(escrow.approvals, 0);
    assert_eq!(escrow.created_at, START);
    assert_eq!(s.client.escrow_count(), 1);
    assert_eq!(s.client.create(&s.learner, &terms), 2);
    assert_eq!(s.contract_balance(), 2 * AMOUNT);
}

#[test]
fn approvals_accumulate_weight_and_release_pays_teacher() {
    let s = Setup::new();
    let id = s.create();
    assert_eq!(s.client.pending_signers(&id).len(), 3);

    s.client.approve(&s.signers[0], &id);
    s.assert_authorized_by(&s.signers[0], "approve");
    assert_emitted(
        &s,
        &events::EscrowApproved {
            escrow_id: id,
            signer: s.signers[0].clone(),
            weight: 1,
            approved_weight: 1,
            threshold: 2,
        },
    );
    assert_eq!(
        s.client.try_release(&s.teacher, &id),
        Err(Ok(Error::ThresholdNotMet))
    );

    s.client.approve(&s.signers[2], &id);
    let escrow = s.client.escrow(&id);
    assert_eq!(escrow.approved_weight, 3);
    assert_eq!(escrow.approvals, 0b101);
    assert_eq!(
        s.client.pending_signers(&id),
        vec![&s.env, s.signers[1].clone()]
    );

    // Threshold met, but the release time has not come.
    assert_eq!(
        s.client.try_release(&s.teacher, &id),
        Err(Ok(Error::ReleaseTooEarly))
    );
    s.advance_to(START + 3_600);
    s.client.release(&s.teacher, &id);
    s.assert_authorized_by(&s.teacher, "release");
    assert_emitted(
        &s,
        &events::EscrowReleased {
            escrow_id: id,
            beneficiary: s.teacher.clone(),
            amount: AMOUNT,
            by: s.teacher.clone(),
        },
    );
    assert_eq!(s.token.balance(&s.teacher), AMOUNT);
    assert_eq!(s.contract_balance(), 0);
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Released);

    // Terminal: nothing else can happen to it.
    assert_eq!(
        s.client.try_release(&s.teacher, &id),
        Err(Ok(Error::NotOpen))
    );
    s.advance_to(START + 8 * 86_400);
    assert_eq!(
        s.client.try_refund(&s.learner, &id),
        Err(Ok(Error::NotOpen))
    );
    assert_eq!(
        s.client.try_approve(&s.signers[1], &id),
        Err(Ok(Error::NotOpen))
    );
}

#[test]
fn a_signer_may_release_and_no_release_time_means_immediately() {
    let s = Setup::new();
    let mut terms = s.terms();
    terms.release_after = None;
    let id = s.client.create(&s.learner, &terms);
    s.client.approve(&s.signers[2], &id);
    s.client.release(&s.signers[1], &id);
    assert_eq!(s.token.balance(&s.teacher), AMOUNT);
}

#[test]
fn refund_after_deadline_returns_funds_to_depositor() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[0], &id);
    assert_eq!(
        s.client.try_refund(&s.learner, &id),
        Err(Ok(Error::RefundTooEarly))
    );
    s.advance_to(START + 7 * 86_400);
    s.client.refund(&s.learner, &id);
    s.assert_authorized_by(&s.learner, "refund");
    assert_emitted(
        &s,
        &events::EscrowRefunded {
            escrow_id: id,
            depositor: s.learner.clone(),
            amount: AMOUNT,
            by: s.learner.clone(),
        },
    );
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
    assert_eq!(s.contract_balance(), 0);
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Refunded);
}

#[test]
fn refund_without_refund_time_is_never_possible() {
    let s = Setup::new();
    let mut terms = s.terms();
    terms.refund_after = None;
    let id = s.client.create(&s.learner, &terms);
    s.advance_to(u64::MAX);
    assert_eq!(
        s.client.try_refund(&s.learner, &id),
        Err(Ok(Error::RefundTooEarly))
    );
}

#[test]
fn cancel_before_any_approval() {
    let s = Setup::new();
    let id = s.create();
    s.client.cancel(&id);
    s.assert_authorized_by(&s.learner, "cancel");
    assert_emitted(
        &s,
        &events::EscrowCancelled {
            escrow_id: id,
            depositor: s.learner.clone(),
            amount: AMOUNT,
        },
    );
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Cancelled);
    assert_eq!(s.client.try_cancel(&id), Err(Ok(Error::NotOpen)));
}

#[test]
fn cancel_after_an_approval_is_refused() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[0], &id);
    assert_eq!(
        s.client.try_cancel(&id),
        Err(Ok(Error::AlreadyHasApprovals))
    );
    assert_eq!(s.contract_balance(), AMOUNT);
}

#[test]
fn dispute_freezes_the_escrow_until_the_arbitrator_resolves() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[2], &id);
    let reason = String::from_str(&s.env, "course never delivered");
    s.client.dispute(&s.learner, &id, &reason);
    s.assert_authorized_by(&s.learner, "dispute");
    assert_emitted(
        &s,
        &events::EscrowDisputed {
            escrow_id: id,
            by: s.learner.clone(),
            reason: reason.clone(),
            deadline: START + DISPUTE_TIMEOUT,
        },
    );
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Disputed);
    s.advance_to(START + 8 * 86_400);
    assert_eq!(
        s.client.try_release(&s.teacher, &id),
        Err(Ok(Error::NotOpen))
    );
    assert_eq!(
        s.client.try_refund(&s.learner, &id),
        Err(Ok(Error::NotOpen))
    );
    assert_eq!(s.client.try_cancel(&id), Err(Ok(Error::NotOpen)));
    assert_eq!(
        s.client.try_dispute(&s.teacher, &id, &reason),
        Err(Ok(Error::NotOpen))
    );

    s.client.resolve(&id, &Resolution::Split(2_500));
    s.assert_authorized_by(&s.arbitrator, "resolve");
    assert_emitted(
        &s,
        &events::EscrowResolved {
            escrow_id: id,
            arbitrator: s.arbitrator.clone(),
            resolution: Resolution::Split(2_500),
            to_beneficiary: AMOUNT / 4,
            to_depositor: AMOUNT - AMOUNT / 4,
        },
    );
    assert_eq!(s.token.balance(&s.teacher), AMOUNT / 4);
    assert_eq!(s.token.balance(&s.learner), 9 * AMOUNT + AMOUNT * 3 / 4);
    assert_eq!(s.contract_balance(), 0);
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Resolved);
    assert_eq!(
        s.client.try_resolve(&id, &Resolution::ToDepositor),
        Err(Ok(Error::NotDisputed))
    );
}

#[test]
fn resolve_entirely_to_either_side() {
    let s = Setup::new();
    let to_teacher = s.create();
    let to_learner = s.create();
    let reason = String::from_str(&s.env, "late");
    s.client.dispute(&s.teacher, &to_teacher, &reason);
    s.client.dispute(&s.teacher, &to_learner, &reason);
    s.client.resolve(&to_teacher, &Resolution::ToBeneficiary);
    s.client.resolve(&to_learner, &Resolution::ToDepositor);
    assert_eq!(s.token.balance(&s.teacher), AMOUNT);
    assert_eq!(s.token.balance(&s.learner), 9 * AMOUNT);
    assert_eq!(s.contract_balance(), 0);
}

#[test]
fn separate_escrows_do_not_share_approvals() {
    let s = Setup::new();
    let first = s.create();
    let second = s.create();
    s.client.approve(&s.signers[2], &first);
    assert_eq!(s.client.escrow(&second).approved_weight, 0);
    s.client.approve(&s.signers[2], &second);
    assert_eq!(s.client.escrow(&second).approved_weight, 2);
}
