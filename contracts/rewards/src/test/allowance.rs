//! Per-issuer allowances: the admin sets them, `issue` consumes them.
use soroban_sdk::{
    testutils::{Address as _, MockAuthInvoke},
    Address, Event as _, IntoVal, InvokeError,
};
use std::vec;

use super::setup::{reason, refused_for_missing_auth, signed_by, Setup, ISSUER_ALLOWANCE};
use crate::{AllowanceSet, Error, ISSUER};

#[test]
fn the_admin_sets_an_allowance() {
    let s = Setup::new();

    s.client.set_allowance(&s.issuer, &500);

    assert_eq!(
        s.env.auths(),
        vec![(
            s.admin.clone(),
            s.invocation(
                "set_allowance",
                (s.issuer.clone(), 500_i128).into_val(&s.env),
                vec![],
            )
        )]
    );
    assert_eq!(
        s.events(),
        vec![AllowanceSet {
            issuer: s.issuer.clone(),
            amount: 500,
        }
        .to_xdr(&s.env, &s.id)]
    );
    // It replaces what was left rather than adding to it.
    assert_eq!(s.client.allowance(&s.issuer), 500);
    s.client.set_allowance(&s.issuer, &0);
    assert_eq!(s.client.allowance(&s.issuer), 0);
}

#[test]
fn issue_consumes_the_allowance_and_stops_at_it() {
    let s = Setup::funded(1_000);
    s.client.set_allowance(&s.issuer, &500);

    s.client.issue(&s.issuer, &s.learner, &300, &reason(&s.env));
    assert_eq!(s.client.allowance(&s.issuer), 200);
    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &201, &reason(&s.env)),
        Err(Ok(Error::AllowanceExceeded))
    );
    s.client.issue(&s.issuer, &s.learner, &200, &reason(&s.env));
    assert_eq!(s.client.allowance(&s.issuer), 0);
    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &1, &reason(&s.env)),
        Err(Ok(Error::AllowanceExceeded))
    );

    // The pool still has 500 available; only the allowance stops the issuer.
    assert_eq!(s.client.unclaimed(&s.learner), 500);
    assert_eq!(s.client.pool().available, 500);
}

#[test]
fn one_issuer_cannot_promise_the_whole_pool() {
    let s = Setup::funded(1_000);
    let second = Address::generate(&s.env);
    let other_learner = Address::generate(&s.env);
    s.client.grant_role(&ISSUER, &second);
    s.client.set_allowance(&s.issuer, &100);
    s.client.set_allowance(&second, &900);

    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &1_000, &reason(&s.env)),
        Err(Ok(Error::AllowanceExceeded))
    );
    s.client.issue(&s.issuer, &s.learner, &100, &reason(&s.env));
    s.client
        .issue(&second, &other_learner, &900, &reason(&s.env));

    assert_eq!(s.client.unclaimed(&s.learner), 100);
    assert_eq!(s.client.unclaimed(&other_learner), 900);
    assert_eq!(s.client.pool().total_unclaimed, 1_000);
}

#[test]
fn a_new_issuer_has_no_allowance_until_the_admin_sets_one() {
    let s = Setup::funded(1_000);
    let newcomer = Address::generate(&s.env);
    s.client.grant_role(&ISSUER, &newcomer);
    assert_eq!(s.client.allowance(&newcomer), 0);

    assert_eq!(
        s.client
            .try_issue(&newcomer, &s.learner, &1, &reason(&s.env)),
        Err(Ok(Error::AllowanceExceeded))
    );
    assert_eq!(s.client.unclaimed(&s.learner), 0);

    s.client.set_allowance(&newcomer, &10);
    s.client.issue(&newcomer, &s.learner, &10, &reason(&s.env));
    assert_eq!(s.client.unclaimed(&s.learner), 10);
}

#[test]
fn a_refused_issue_leaves_the_allowance_alone() {
    let s = Setup::funded(100);

    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &101, &reason(&s.env)),
        Err(Ok(Error::InsufficientPool))
    );
    assert_eq!(s.client.allowance(&s.issuer), ISSUER_ALLOWANCE);
}

#[test]
fn a_negative_allowance_is_refused() {
    let s = Setup::new();
    for amount in [-1_i128, i128::MIN] {
        assert_eq!(
            s.client.try_set_allowance(&s.issuer, &amount),
            Err(Ok(Error::InvalidAmount))
        );
    }
    assert_eq!(s.client.allowance(&s.issuer), ISSUER_ALLOWANCE);
}

#[test]
fn only_the_admin_sets_allowances() {
    let s = Setup::new();
    // The issuer tries to raise its own allowance.
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "set_allowance",
        args: (s.issuer.clone(), i128::MAX).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&s.issuer, &invoke))
        .try_set_allowance(&s.issuer, &i128::MAX);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.client.allowance(&s.issuer), ISSUER_ALLOWANCE);

    // The admin's signature sets it.
    s.client
        .mock_auths(&signed_by(&s.admin, &invoke))
        .set_allowance(&s.issuer, &i128::MAX);
    assert_eq!(s.client.allowance(&s.issuer), i128::MAX);
}
