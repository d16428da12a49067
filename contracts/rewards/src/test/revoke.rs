//! The admin's revocation of unclaimed rewards.
use soroban_sdk::{
    testutils::{Address as _, MockAuthInvoke},
    Address, Event as _, IntoVal, InvokeError,
};
use std::vec;

use super::setup::{reason, refused_for_missing_auth, signed_by, Setup};
use crate::{Error, PoolInfo, RewardRevoked};

#[test]
fn revoke_returns_an_unclaimed_promise_to_the_pool() {
    let s = Setup::with_reward(1_000, 300);

    s.client.revoke(&s.learner, &100);

    assert_eq!(
        s.env.auths(),
        vec![(
            s.admin.clone(),
            s.invocation(
                "revoke",
                (s.learner.clone(), 100_i128).into_val(&s.env),
                vec![],
            )
        )]
    );
    assert_eq!(
        s.events(),
        vec![RewardRevoked {
            learner: s.learner.clone(),
            amount: 100,
            unclaimed: 200,
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert_eq!(s.client.unclaimed(&s.learner), 200);
    // No token moves: the pool keeps them, and they are available again.
    assert_eq!(s.pool_balance(), 1_000);
    assert_eq!(
        s.client.pool(),
        PoolInfo {
            balance: 1_000,
            total_unclaimed: 200,
            available: 800,
            total_issued: 300,
            total_claimed: 0,
            total_revoked: 100,
        }
    );

    // The learner can still claim what is left.
    assert_eq!(s.client.claim(&s.learner), 200);
    assert_eq!(s.balance(&s.learner), 200);
}

#[test]
fn a_revoked_amount_can_be_promised_again() {
    let s = Setup::with_reward(1_000, 1_000);
    let other = Address::generate(&s.env);
    assert_eq!(
        s.client.try_issue(&s.issuer, &other, &400, &reason(&s.env)),
        Err(Ok(Error::InsufficientPool))
    );

    s.client.revoke(&s.learner, &400);
    s.client.issue(&s.issuer, &other, &400, &reason(&s.env));

    assert_eq!(s.client.unclaimed(&other), 400);
    assert_eq!(s.client.pool().available, 0);
}

#[test]
fn revoke_cannot_take_more_than_is_unclaimed() {
    let s = Setup::with_reward(1_000, 300);

    assert_eq!(
        s.client.try_revoke(&s.learner, &301),
        Err(Ok(Error::RevokeExceedsUnclaimed))
    );
    for amount in [0_i128, -1, i128::MIN] {
        assert_eq!(
            s.client.try_revoke(&s.learner, &amount),
            Err(Ok(Error::InvalidAmount))
        );
    }
    assert_eq!(s.client.unclaimed(&s.learner), 300);

    // Once claimed, nothing is left to revoke.
    s.client.claim(&s.learner);
    assert_eq!(
        s.client.try_revoke(&s.learner, &1),
        Err(Ok(Error::RevokeExceedsUnclaimed))
    );
    assert_eq!(s.client.claimed_total(&s.learner), 300);
    assert_eq!(s.client.pool().total_revoked, 0);
}

#[test]
fn only_the_admin_revokes() {
    let s = Setup::with_reward(1_000, 300);
    // The issuer who promised it tries to take it back.
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "revoke",
        args: (s.learner.clone(), 300_i128).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&s.issuer, &invoke))
        .try_revoke(&s.learner, &300);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.client.unclaimed(&s.learner), 300);

    // The admin's signature revokes it.
    s.client
        .mock_auths(&signed_by(&s.admin, &invoke))
        .revoke(&s.learner, &300);
    assert_eq!(s.client.unclaimed(&s.learner), 0);
}
