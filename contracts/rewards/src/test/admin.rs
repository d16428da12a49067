use soroban_sdk::{
    testutils::{Address as _, MockAuthInvoke},
    Address, BytesN, Event as _, IntoVal,
};
use std::vec;
use teachlink_common::{access::EMERGENCY, events as common_events};

use super::setup::{reason, refused_for_missing_auth, signed_by, Setup};
use crate::{Error, ISSUER};

#[test]
fn the_constructor_sets_admin_and_token() {
    let s = Setup::new();
    assert_eq!(s.client.admin(), s.admin);
    assert_eq!(s.client.token(), s.token.address);
    assert!(s.client.has_role(&ISSUER, &s.issuer));
    assert!(!s.client.has_role(&ISSUER, &s.learner));
    assert!(!s.client.is_paused());
    assert_eq!(s.client.unclaimed(&s.learner), 0);
    assert_eq!(s.client.claimed_total(&s.learner), 0);
}

#[test]
fn issue_claim_and_withdraw_refuse_while_paused() {
    let s = Setup::with_reward(1_000, 300);

    s.client.pause(&s.admin);

    assert_eq!(
        s.events(),
        vec![common_events::Paused {
            by: s.admin.clone()
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert!(s.client.is_paused());
    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &100, &reason(&s.env)),
        Err(Ok(Error::Paused))
    );
    assert_eq!(s.client.try_claim(&s.learner), Err(Ok(Error::Paused)));
    assert_eq!(
        s.client.try_withdraw(&s.admin, &100),
        Err(Ok(Error::Paused))
    );
    assert_eq!(s.client.unclaimed(&s.learner), 300);
    assert_eq!(s.balance(&s.learner), 0);
    assert_eq!(s.pool_balance(), 1_000);

    s.client.unpause(&s.admin);

    assert!(!s.client.is_paused());
    s.client.issue(&s.issuer, &s.learner, &100, &reason(&s.env));
    assert_eq!(s.client.claim(&s.learner), 400);
    s.client.withdraw(&s.admin, &100);
    assert_eq!(s.balance(&s.learner), 400);
    assert_eq!(s.balance(&s.admin), 100);
    assert_eq!(s.pool_balance(), 500);
}

#[test]
fn the_emergency_role_pauses_and_the_admin_unpauses() {
    let s = Setup::new();
    let guardian = Address::generate(&s.env);
    s.client.grant_role(&EMERGENCY, &guardian);

    s.client.pause(&guardian);
    assert_eq!(
        s.env.auths(),
        vec![(
            guardian.clone(),
            s.invocation("pause", (guardian.clone(),).into_val(&s.env), vec![])
        )]
    );
    assert!(s.client.is_paused());

    assert_eq!(
        s.client.try_unpause(&guardian),
        Err(Ok(Error::Unauthorized))
    );
    assert!(s.client.is_paused());
    s.client.unpause(&s.admin);
    assert!(!s.client.is_paused());
}

#[test]
fn only_the_admin_or_emergency_role_can_pause() {
    let s = Setup::new();
    // An issuer is trusted to issue, not to stop the contract.
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "pause",
        args: (s.issuer.clone(),).into_val(&s.env),
        sub_invokes: &[],
    };
    let result = s
        .client
        .mock_auths(&signed_by(&s.issuer, &invoke))
        .try_pause(&s.issuer);
    assert_eq!(result, Err(Ok(Error::Unauthorized)));
    assert!(!s.client.is_paused());

    s.client.pause(&s.admin);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "unpause",
        args: (s.issuer.clone(),).into_val(&s.env),
        sub_invokes: &[],
    };
    let result = s
        .client
        .mock_auths(&signed_by(&s.issuer, &invoke))
        .try_unpause(&s.issuer);
    assert_eq!(result, Err(Ok(Error::Unauthorized)));
    assert!(s.client.is_paused());
}

#[test]
fn the_admin_grants_and_revokes_the_issuer_role() {
    let s = Setup::new();
    let teacher = Address::generate(&s.env);

    s.client.grant_role(&ISSUER, &teacher);
    assert_eq!(
        s.env.auths(),
        vec![(
            s.admin.clone(),
            s.invocation(
                "grant_role",
                (ISSUER, teacher.clone()).into_val(&s.env),
                vec![]
            )
        )]
    );
    assert!(s.client.has_role(&ISSUER, &teacher));

    s.client.revoke_role(&ISSUER, &teacher);
    assert!(!s.client.has_role(&ISSUER, &teacher));
}

#[test]
fn a_non_admin_cannot_grant_the_issuer_role() {
    let s = Setup::new();
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "grant_role",
        args: (ISSUER, s.learner.clone()).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&s.learner, &invoke))
        .try_grant_role(&ISSUER, &s.learner);

    assert!(result.is_err());
    assert!(refused_for_missing_auth(&s.env));
    assert!(!s.client.has_role(&ISSUER, &s.learner));
}

#[test]
fn a_non_admin_cannot_revoke_the_issuer_role() {
    let s = Setup::new();
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "revoke_role",
        args: (ISSUER, s.issuer.clone()).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&s.learner, &invoke))
        .try_revoke_role(&ISSUER, &s.issuer);

    assert!(result.is_err());
    assert!(refused_for_missing_auth(&s.env));
    assert!(s.client.has_role(&ISSUER, &s.issuer));
}

#[test]
fn a_new_admin_takes_over_withdrawals() {
    let s = Setup::funded(1_000);
    let successor = Address::generate(&s.env);

    s.client.transfer_admin(&successor);

    assert_eq!(s.client.admin(), successor);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "withdraw",
        args: (s.admin.clone(), 100_i128).into_val(&s.env),
        sub_invokes: &[],
    };
    let result = s
        .client
        .mock_auths(&signed_by(&s.admin, &invoke))
        .try_withdraw(&s.admin, &100);
    assert!(result.is_err());
    assert!(refused_for_missing_auth(&s.env));
    s.client.withdraw(&successor, &100);
    assert_eq!(
        s.env.auths()[0].0,
        successor,
        "the new admin authorized the withdrawal"
    );
    assert_eq!(s.balance(&successor), 100);
}

#[test]
fn a_non_admin_cannot_transfer_admin() {
    let s = Setup::new();
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "transfer_admin",
        args: (s.learner.clone(),).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&s.learner, &invoke))
        .try_transfer_admin(&s.learner);

    assert!(result.is_err());
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.client.admin(), s.admin);
}

#[test]
fn a_non_admin_cannot_upgrade() {
    let s = Setup::new();
    let hash = BytesN::from_array(&s.env, &[7; 32]);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "upgrade",
        args: (hash.clone(),).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&s.learner, &invoke))
        .try_upgrade(&hash);

    assert!(result.is_err());
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.client.admin(), s.admin);
}
