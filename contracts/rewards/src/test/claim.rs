use soroban_sdk::{
    testutils::{Address as _, MockAuthInvoke},
    Address, Event as _, IntoVal, InvokeError,
};
use std::vec;

use super::setup::{reason, refused_for_missing_auth, signed_by, Setup};
use crate::{Error, PoolInfo, RewardClaimed};

#[test]
fn claim_pays_the_whole_unclaimed_amount() {
    let s = Setup::with_reward(1_000, 300);
    s.client.issue(&s.issuer, &s.learner, &200, &reason(&s.env));

    let paid = s.client.claim(&s.learner);

    assert_eq!(paid, 500);
    assert_eq!(
        s.env.auths(),
        vec![(
            s.learner.clone(),
            s.invocation("claim", (s.learner.clone(),).into_val(&s.env), vec![])
        )]
    );
    assert_eq!(
        s.events(),
        vec![RewardClaimed {
            learner: s.learner.clone(),
            amount: 500,
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert_eq!(s.balance(&s.learner), 500);
    assert_eq!(s.pool_balance(), 500);
    assert_eq!(s.client.unclaimed(&s.learner), 0);
    assert_eq!(s.client.claimed_total(&s.learner), 500);
    assert_eq!(
        s.client.pool(),
        PoolInfo {
            balance: 500,
            total_unclaimed: 0,
            available: 500,
            total_issued: 500,
            total_claimed: 500,
            total_revoked: 0,
        }
    );
}

#[test]
fn claimed_total_adds_up_over_several_claims() {
    let s = Setup::with_reward(1_000, 300);
    s.client.claim(&s.learner);
    s.client.issue(&s.issuer, &s.learner, &450, &reason(&s.env));

    assert_eq!(s.client.claim(&s.learner), 450);

    assert_eq!(s.client.claimed_total(&s.learner), 750);
    assert_eq!(s.balance(&s.learner), 750);
    assert_eq!(s.pool_balance(), 250);
}

#[test]
fn claim_leaves_other_learners_rewards_alone() {
    let s = Setup::with_reward(1_000, 300);
    let other = Address::generate(&s.env);
    s.client.issue(&s.issuer, &other, &400, &reason(&s.env));

    s.client.claim(&s.learner);

    assert_eq!(s.client.unclaimed(&other), 400);
    assert_eq!(s.balance(&other), 0);
    assert_eq!(s.client.pool().total_unclaimed, 400);
}

#[test]
fn claim_refuses_when_nothing_is_owed() {
    let s = Setup::with_reward(1_000, 300);
    let stranger = Address::generate(&s.env);
    assert_eq!(
        s.client.try_claim(&stranger),
        Err(Ok(Error::NothingToClaim))
    );

    s.client.claim(&s.learner);
    assert_eq!(
        s.client.try_claim(&s.learner),
        Err(Ok(Error::NothingToClaim))
    );
    assert_eq!(s.balance(&s.learner), 300);
    assert_eq!(s.pool_balance(), 700);
}

#[test]
fn nobody_can_claim_for_another_learner() {
    let s = Setup::with_reward(1_000, 300);
    let thief = Address::generate(&s.env);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "claim",
        args: (s.learner.clone(),).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&thief, &invoke))
        .try_claim(&s.learner);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.client.unclaimed(&s.learner), 300);
    assert_eq!(s.client.claimed_total(&s.learner), 0);
    assert_eq!(s.balance(&s.learner), 0);
    assert_eq!(s.balance(&thief), 0);
    assert_eq!(s.pool_balance(), 1_000);

    // The learner's own signature claims it.
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "claim",
        args: (s.learner.clone(),).into_val(&s.env),
        sub_invokes: &[],
    };
    let paid = s
        .client
        .mock_auths(&signed_by(&s.learner, &invoke))
        .claim(&s.learner);
    assert_eq!((paid, s.balance(&s.learner)), (300, 300));
}
