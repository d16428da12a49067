use soroban_sdk::{
    testutils::{Address as _, MockAuthInvoke},
    Address, Event as _, IntoVal, InvokeError,
};
use std::vec;

use super::setup::{refused_for_missing_auth, signed_by, Setup};
use crate::{Error, Withdrawn};

#[test]
fn the_admin_withdraws_the_surplus() {
    let s = Setup::with_reward(1_000, 300);
    let treasury = Address::generate(&s.env);

    s.client.withdraw(&treasury, &700);

    assert_eq!(
        s.env.auths(),
        vec![(
            s.admin.clone(),
            s.invocation(
                "withdraw",
                (treasury.clone(), 700_i128).into_val(&s.env),
                vec![]
            )
        )]
    );
    assert_eq!(
        s.events(),
        vec![Withdrawn {
            to: treasury.clone(),
            amount: 700,
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert_eq!(s.balance(&treasury), 700);
    assert_eq!(s.pool_balance(), 300);
    let pool = s.client.pool();
    assert_eq!((pool.total_unclaimed, pool.available), (300, 0));
    // The learner can still be paid in full.
    assert_eq!(s.client.claim(&s.learner), 300);
    assert_eq!(s.pool_balance(), 0);
}

#[test]
fn withdraw_cannot_touch_promised_rewards() {
    let s = Setup::with_reward(1_000, 300);
    assert_eq!(
        s.client.try_withdraw(&s.admin, &701),
        Err(Ok(Error::InsufficientPool))
    );
    assert_eq!(s.pool_balance(), 1_000);
    assert_eq!(s.balance(&s.admin), 0);
}

#[test]
fn withdraw_counts_claims_out_of_the_surplus() {
    let s = Setup::with_reward(1_000, 300);
    s.client.claim(&s.learner);

    assert_eq!(
        s.client.try_withdraw(&s.admin, &701),
        Err(Ok(Error::InsufficientPool))
    );
    s.client.withdraw(&s.admin, &700);

    assert_eq!(s.balance(&s.admin), 700);
    assert_eq!(s.pool_balance(), 0);
}

#[test]
fn withdraw_refuses_zero_and_negative_amounts() {
    let s = Setup::funded(1_000);
    for amount in [0_i128, -1, i128::MIN] {
        assert_eq!(
            s.client.try_withdraw(&s.admin, &amount),
            Err(Ok(Error::InvalidAmount))
        );
    }
    assert_eq!(s.pool_balance(), 1_000);
}

#[test]
fn only_the_admin_can_withdraw() {
    let s = Setup::funded(1_000);
    let outsider = Address::generate(&s.env);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "withdraw",
        args: (outsider.clone(), 1_000_i128).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&outsider, &invoke))
        .try_withdraw(&outsider, &1_000);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.balance(&outsider), 0);
    assert_eq!(s.pool_balance(), 1_000);

    // The admin's signature withdraws the same amount to the same address.
    s.client
        .mock_auths(&signed_by(&s.admin, &invoke))
        .withdraw(&outsider, &1_000);
    assert_eq!(s.balance(&outsider), 1_000);
}

#[test]
fn an_issuer_cannot_withdraw() {
    let s = Setup::funded(1_000);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "withdraw",
        args: (s.issuer.clone(), 1_000_i128).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&s.issuer, &invoke))
        .try_withdraw(&s.issuer, &1_000);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.balance(&s.issuer), 0);
    assert_eq!(s.pool_balance(), 1_000);

    // Signed by the admin, the same withdrawal goes through.
    s.client
        .mock_auths(&signed_by(&s.admin, &invoke))
        .withdraw(&s.issuer, &1_000);
    assert_eq!(s.balance(&s.issuer), 1_000);
}
