//! Who may call what: each guarded entry point refuses a wrong caller, both
//! one who signs for someone else and one who signs for itself but is not a
//! party; plus the admin, role and pause rules.
use soroban_sdk::{symbol_short, BytesN, String};

use super::*;
use crate::{EscrowStatus, Resolution};
use soroban_sdk::testutils::MockAuthInvoke;
use teachlink_common::{accepted_when_signed_by, refused_when_signed_by};

#[test]
fn create_needs_the_depositors_signature() {
    let s = Setup::new();
    let terms = s.terms();
    refused_when_signed_by!(
        s,
        &s.stranger,
        "create",
        args(&s.env, (s.learner.clone(), terms.clone())),
        try_create(&s.learner, &terms)
    );
    assert_eq!(s.client.escrow_count(), 0);
    assert_eq!(s.contract_balance(), 0);
    let deposit = MockAuthInvoke {
        contract: &s.token.address,
        fn_name: "transfer",
        args: args(
            &s.env,
            (s.learner.clone(), s.client.address.clone(), AMOUNT),
        ),
        sub_invokes: &[],
    };
    accepted_when_signed_by!(
        s,
        &s.learner,
        "create",
        args(&s.env, (s.learner.clone(), terms.clone())),
        &[deposit],
        try_create(&s.learner, &terms)
    );
    assert_eq!(s.client.escrow_count(), 1);
    assert_eq!(s.contract_balance(), AMOUNT);
}

#[test]
fn approve_needs_the_signers_own_signature() {
    let s = Setup::new();
    let id = s.create();
    refused_when_signed_by!(
        s,
        &s.learner,
        "approve",
        args(&s.env, (s.signers[0].clone(), id)),
        try_approve(&s.signers[0], &id)
    );
    assert_eq!(s.client.escrow(&id).approvals, 0);
    accepted_when_signed_by!(
        s,
        &s.signers[0],
        "approve",
        args(&s.env, (s.signers[0].clone(), id)),
        &[],
        try_approve(&s.signers[0], &id)
    );
    assert_eq!(s.client.escrow(&id).approvals, 1);
}

#[test]
fn release_and_refund_need_a_party() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[2], &id);
    s.advance_to(START + 3_600);
    assert_eq!(
        s.client.try_release(&s.stranger, &id),
        Err(Ok(Error::Unauthorized))
    );
    assert_eq!(
        s.client.try_release(&s.arbitrator, &id),
        Err(Ok(Error::Unauthorized))
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "release",
        args(&s.env, (s.teacher.clone(), id)),
        try_release(&s.teacher, &id)
    );
    // Refunds are for escrows whose approvals fell short of the threshold.
    let id = s.create();
    s.advance_to(START + 7 * 86_400);
    assert_eq!(
        s.client.try_refund(&s.stranger, &id),
        Err(Ok(Error::Unauthorized))
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "refund",
        args(&s.env, (s.learner.clone(), id)),
        try_refund(&s.learner, &id)
    );
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Open);
    // Both escrows are still held.
    assert_eq!(s.contract_balance(), 2 * AMOUNT);
    accepted_when_signed_by!(
        s,
        &s.learner,
        "refund",
        args(&s.env, (s.learner.clone(), id)),
        &[],
        try_refund(&s.learner, &id)
    );
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Refunded);
}

#[test]
fn the_beneficiary_releases_with_its_own_signature() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[2], &id);
    s.advance_to(START + 3_600);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "release",
        args(&s.env, (s.teacher.clone(), id)),
        try_release(&s.teacher, &id)
    );
    accepted_when_signed_by!(
        s,
        &s.teacher,
        "release",
        args(&s.env, (s.teacher.clone(), id)),
        &[],
        try_release(&s.teacher, &id)
    );
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Released);
    assert_eq!(s.token.balance(&s.teacher), AMOUNT);
}

#[test]
fn only_the_depositor_cancels() {
    let s = Setup::new();
    let id = s.create();
    refused_when_signed_by!(
        s,
        &s.teacher,
        "cancel",
        args(&s.env, (id,)),
        try_cancel(&id)
    );
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Open);
    assert_eq!(s.contract_balance(), AMOUNT);
    accepted_when_signed_by!(
        s,
        &s.learner,
        "cancel",
        args(&s.env, (id,)),
        &[],
        try_cancel(&id)
    );
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Cancelled);
    assert_eq!(s.contract_balance(), 0);
}

#[test]
fn only_depositor_or_beneficiary_dispute() {
    let s = Setup::new();
    let id = s.create();
    let reason = String::from_str(&s.env, "x");
    for outsider in [&s.stranger, &s.signers[0], &s.arbitrator] {
        assert_eq!(
            s.client.try_dispute(outsider, &id, &reason),
            Err(Ok(Error::Unauthorized))
        );
    }
    refused_when_signed_by!(
        s,
        &s.stranger,
        "dispute",
        args(&s.env, (s.learner.clone(), id, reason.clone())),
        try_dispute(&s.learner, &id, &reason)
    );
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Open);
    accepted_when_signed_by!(
        s,
        &s.learner,
        "dispute",
        args(&s.env, (s.learner.clone(), id, reason.clone())),
        &[],
        try_dispute(&s.learner, &id, &reason)
    );
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Disputed);
}

#[test]
fn only_the_arbitrator_resolves() {
    let s = Setup::new();
    let id = s.create();
    s.client
        .dispute(&s.learner, &id, &String::from_str(&s.env, "x"));
    for wrong in [&s.teacher, &s.learner, &s.admin] {
        refused_when_signed_by!(
            s,
            wrong,
            "resolve",
            args(&s.env, (id, Resolution::ToBeneficiary)),
            try_resolve(&id, &Resolution::ToBeneficiary)
        );
    }
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Disputed);
    assert_eq!(s.contract_balance(), AMOUNT);
    accepted_when_signed_by!(
        s,
        &s.arbitrator,
        "resolve",
        args(&s.env, (id, Resolution::ToBeneficiary)),
        &[],
        try_resolve(&id, &Resolution::ToBeneficiary)
    );
    assert_eq!(s.contract_balance(), 0);
    assert_eq!(s.token.balance(&s.teacher), AMOUNT);
}

#[test]
fn admin_actions_need_the_admin_once() {
    let s = Setup::new();
    let role = symbol_short!("emergency");
    s.client.grant_role(&role, &s.stranger);
    s.assert_authorized_by(&s.admin, "grant_role");
    assert!(s.client.has_role(&role, &s.stranger));
    s.client.revoke_role(&role, &s.stranger);
    s.assert_authorized_by(&s.admin, "revoke_role");
    assert!(!s.client.has_role(&role, &s.stranger));

    refused_when_signed_by!(
        s,
        &s.stranger,
        "grant_role",
        args(&s.env, (role.clone(), s.stranger.clone())),
        try_grant_role(&role, &s.stranger)
    );
    assert!(!s.client.has_role(&role, &s.stranger));
    s.client.grant_role(&role, &s.stranger);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "revoke_role",
        args(&s.env, (role.clone(), s.stranger.clone())),
        try_revoke_role(&role, &s.stranger)
    );
    assert!(s.client.has_role(&role, &s.stranger));

    accepted_when_signed_by!(
        s,
        &s.admin,
        "revoke_role",
        args(&s.env, (role.clone(), s.stranger.clone())),
        &[],
        try_revoke_role(&role, &s.stranger)
    );
    assert!(!s.client.has_role(&role, &s.stranger));
    accepted_when_signed_by!(
        s,
        &s.admin,
        "grant_role",
        args(&s.env, (role.clone(), s.stranger.clone())),
        &[],
        try_grant_role(&role, &s.stranger)
    );
    assert!(s.client.has_role(&role, &s.stranger));
}

#[test]
fn upgrades_and_proposals_need_the_admin() {
    let s = Setup::new();
    let hash = BytesN::from_array(&s.env, &[7; 32]);
    let op = symbol_short!("upgrade");
    let op_args = args(&s.env, (hash.clone(),));
    refused_when_signed_by!(
        s,
        &s.stranger,
        "propose",
        args(&s.env, (op.clone(), op_args.clone())),
        try_propose(&op, &op_args)
    );
    accepted_when_signed_by!(
        s,
        &s.admin,
        "propose",
        args(&s.env, (op.clone(), op_args.clone())),
        &[],
        try_propose(&op, &op_args)
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "cancel_proposal",
        args(&s.env, (op.clone(), op_args.clone())),
        try_cancel_proposal(&op, &op_args)
    );
    s.advance_to(START + TIMELOCK_DELAY);
    // The auth check comes first, before the timelock and the hash (never
    // uploaded: the real upgrade is in tests/tests/wasm_escrow.rs).
    refused_when_signed_by!(
        s,
        &s.stranger,
        "upgrade",
        args(&s.env, (hash.clone(),)),
        try_upgrade(&hash)
    );
    accepted_when_signed_by!(
        s,
        &s.admin,
        "cancel_proposal",
        args(&s.env, (op.clone(), op_args.clone())),
        &[],
        try_cancel_proposal(&op, &op_args)
    );
    // Signed by the admin but cancelled: the timelock's own refusal.
    assert_eq!(s.client.try_upgrade(&hash), Err(Ok(Error::NotProposed)));
}

#[test]
fn admin_transfer_needs_both_old_and_new_admin() {
    let s = Setup::new();
    let next = Address::generate(&s.env);
    refused_when_signed_by!(
        s,
        &s.admin,
        "transfer_admin",
        args(&s.env, (next.clone(),)),
        try_transfer_admin(&next)
    );
    refused_when_signed_by!(
        s,
        &next,
        "transfer_admin",
        args(&s.env, (next.clone(),)),
        try_transfer_admin(&next)
    );
    assert_eq!(s.client.admin(), s.admin);
    s.client.transfer_admin(&next);
    let auths = s.env.auths();
    assert_eq!(auths.len(), 2);
    assert_eq!(auths[0].0, s.admin);
    assert_eq!(auths[1].0, next);
    assert_eq!(s.client.admin(), next);
}

#[test]
fn pause_stops_money_moving_entry_points_only() {
    let s = Setup::new();
    let guardian = Address::generate(&s.env);
    let open = s.create();
    s.client
        .grant_role(&teachlink_common::access::EMERGENCY, &guardian);
    assert_eq!(
        s.client.try_pause(&s.stranger),
        Err(Ok(Error::Unauthorized))
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "pause",
        args(&s.env, (s.admin.clone(),)),
        try_pause(&s.admin)
    );
    assert!(!s.client.is_paused());
    s.client.pause(&guardian);
    s.assert_authorized_by(&guardian, "pause");
    assert!(s.client.is_paused());

    let terms = s.terms();
    assert_eq!(
        s.client.try_create(&s.learner, &terms),
        Err(Ok(Error::Paused))
    );
    assert_eq!(s.client.try_cancel(&open), Err(Ok(Error::Paused)));
    // Approvals move nothing and stay available.
    s.client.approve(&s.signers[2], &open);
    s.advance_to(START + 3_600);
    assert_eq!(
        s.client.try_release(&s.teacher, &open),
        Err(Ok(Error::Paused))
    );
    s.advance_to(START + 7 * 86_400);
    assert_eq!(
        s.client.try_refund(&s.learner, &open),
        Err(Ok(Error::Paused))
    );
    s.client
        .dispute(&s.learner, &open, &String::from_str(&s.env, "x"));
    assert_eq!(
        s.client.try_resolve(&open, &Resolution::ToDepositor),
        Err(Ok(Error::Paused))
    );
    assert_eq!(s.contract_balance(), AMOUNT);

    assert_eq!(
        s.client.try_unpause(&s.stranger),
        Err(Ok(Error::Unauthorized))
    );
    // The emergency role pauses but never resumes.
    assert_eq!(
        s.client.try_unpause(&guardian),
        Err(Ok(Error::Unauthorized))
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "unpause",
        args(&s.env, (s.admin.clone(),)),
        try_unpause(&s.admin)
    );
    assert!(s.client.is_paused());
    accepted_when_signed_by!(
        s,
        &s.admin,
        "unpause",
        args(&s.env, (s.admin.clone(),)),
        &[],
        try_unpause(&s.admin)
    );
    assert!(!s.client.is_paused());
    s.client.resolve(&open, &Resolution::ToDepositor);
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
}
