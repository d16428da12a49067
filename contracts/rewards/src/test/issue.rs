use soroban_sdk::{
    testutils::{Address as _, MockAuthInvoke},
    Address, Event as _, IntoVal, InvokeError, Symbol,
};
use std::vec;

use super::setup::{
    reason, refused_for_missing_auth, signed_by, Setup, FUNDER_START, ISSUER_ALLOWANCE,
};
use crate::{Error, PoolInfo, RewardIssued, ISSUER};

#[test]
fn issue_promises_a_reward_without_moving_tokens() {
    let s = Setup::funded(1_000);

    s.client.issue(&s.issuer, &s.learner, &300, &reason(&s.env));

    assert_eq!(
        s.env.auths(),
        vec![(
            s.issuer.clone(),
            s.invocation(
                "issue",
                (
                    s.issuer.clone(),
                    s.learner.clone(),
                    300_i128,
                    reason(&s.env)
                )
                    .into_val(&s.env),
                vec![],
            )
        )]
    );
    assert_eq!(
        s.events(),
        vec![RewardIssued {
            learner: s.learner.clone(),
            issuer: s.issuer.clone(),
            amount: 300,
            reason: reason(&s.env),
            unclaimed: 300,
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert_eq!(s.client.unclaimed(&s.learner), 300);
    assert_eq!(s.client.claimed_total(&s.learner), 0);
    assert_eq!(s.pool_balance(), 1_000);
    assert_eq!(s.balance(&s.learner), 0);
    assert_eq!(
        s.client.pool(),
        PoolInfo {
            balance: 1_000,
            total_unclaimed: 300,
            available: 700,
            total_issued: 300,
            total_claimed: 0,
            total_revoked: 0,
        }
    );
}

#[test]
fn issuing_again_adds_to_what_the_learner_is_owed() {
    let s = Setup::with_reward(1_000, 300);
    let why = Symbol::new(&s.env, "quiz");

    s.client.issue(&s.issuer, &s.learner, &200, &why);

    assert_eq!(
        s.events(),
        vec![RewardIssued {
            learner: s.learner.clone(),
            issuer: s.issuer.clone(),
            amount: 200,
            reason: why,
            unclaimed: 500,
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert_eq!(s.client.unclaimed(&s.learner), 500);
    assert_eq!(s.client.pool().total_issued, 500);
}

#[test]
fn issue_may_promise_the_whole_pool_but_not_one_unit_more() {
    let s = Setup::funded(1_000);
    let second = Address::generate(&s.env);

    s.client.issue(&s.issuer, &s.learner, &600, &reason(&s.env));
    assert_eq!(
        s.client
            .try_issue(&s.issuer, &second, &401, &reason(&s.env)),
        Err(Ok(Error::InsufficientPool))
    );
    s.client.issue(&s.issuer, &second, &400, &reason(&s.env));
    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &1, &reason(&s.env)),
        Err(Ok(Error::InsufficientPool))
    );

    assert_eq!(s.client.unclaimed(&s.learner), 600);
    assert_eq!(s.client.unclaimed(&second), 400);
    let pool = s.client.pool();
    assert_eq!((pool.total_unclaimed, pool.available), (1_000, 0));
}

#[test]
fn issue_refuses_when_the_pool_is_empty() {
    let s = Setup::new();
    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &1, &reason(&s.env)),
        Err(Ok(Error::InsufficientPool))
    );
    assert_eq!(s.client.unclaimed(&s.learner), 0);
}

#[test]
fn issue_counts_tokens_sent_to_the_pool_directly() {
    // The check reads the real balance, not a running total of `fund` calls.
    let s = Setup::new();
    s.token.transfer(&s.funder, &s.id, &250);

    s.client.issue(&s.issuer, &s.learner, &250, &reason(&s.env));

    assert_eq!(s.client.unclaimed(&s.learner), 250);
}

#[test]
fn issue_refuses_zero_and_negative_amounts() {
    let s = Setup::funded(1_000);
    for amount in [0_i128, -5, i128::MIN] {
        assert_eq!(
            s.client
                .try_issue(&s.issuer, &s.learner, &amount, &reason(&s.env)),
            Err(Ok(Error::InvalidAmount))
        );
    }
    assert_eq!(s.client.pool().total_unclaimed, 0);
}

#[test]
fn issue_refuses_an_amount_whose_total_overflows() {
    let s = Setup::with_reward(1_000, 300);
    // An allowance this large, so the total is what refuses.
    s.client.set_allowance(&s.issuer, &i128::MAX);
    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &i128::MAX, &reason(&s.env)),
        Err(Ok(Error::Overflow))
    );
    assert_eq!(s.client.unclaimed(&s.learner), 300);
}

#[test]
fn an_issuer_cannot_reward_itself_or_the_pool() {
    let s = Setup::funded(1_000);
    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.issuer, &10, &reason(&s.env)),
        Err(Ok(Error::InvalidLearner))
    );
    assert_eq!(
        s.client.try_issue(&s.issuer, &s.id, &10, &reason(&s.env)),
        Err(Ok(Error::InvalidLearner))
    );
    assert_eq!(s.client.unclaimed(&s.issuer), 0);
    assert_eq!(s.client.unclaimed(&s.id), 0);
    assert_eq!(s.client.pool().total_unclaimed, 0);
}

#[test]
fn someone_without_the_issuer_role_cannot_issue() {
    let s = Setup::funded(1_000);
    let outsider = Address::generate(&s.env);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "issue",
        args: (
            outsider.clone(),
            s.learner.clone(),
            100_i128,
            reason(&s.env),
        )
            .into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&outsider, &invoke))
        .try_issue(&outsider, &s.learner, &100, &reason(&s.env));

    assert_eq!(result, Err(Ok(Error::Unauthorized)));
    assert_eq!(s.client.unclaimed(&s.learner), 0);
    assert_eq!(s.client.pool().total_issued, 0);
}

#[test]
fn issue_needs_the_issuers_own_authorization() {
    let s = Setup::funded(1_000);
    // The learner tries to sign an issue in the real issuer's name.
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "issue",
        args: (
            s.issuer.clone(),
            s.learner.clone(),
            100_i128,
            reason(&s.env),
        )
            .into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&s.learner, &invoke))
        .try_issue(&s.issuer, &s.learner, &100, &reason(&s.env));

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.client.unclaimed(&s.learner), 0);
    assert_eq!(s.client.allowance(&s.issuer), ISSUER_ALLOWANCE);

    // The issuer's own signature is accepted for the same call.
    s.client.mock_auths(&signed_by(&s.issuer, &invoke)).issue(
        &s.issuer,
        &s.learner,
        &100,
        &reason(&s.env),
    );
    assert_eq!(s.client.unclaimed(&s.learner), 100);
}

#[test]
fn a_revoked_issuer_cannot_issue() {
    let s = Setup::funded(1_000);
    s.client.revoke_role(&ISSUER, &s.issuer);

    assert_eq!(
        s.client
            .try_issue(&s.issuer, &s.learner, &100, &reason(&s.env)),
        Err(Ok(Error::Unauthorized))
    );
    assert_eq!(s.client.unclaimed(&s.learner), 0);
    assert_eq!(s.balance(&s.funder), FUNDER_START - 1_000);
}
