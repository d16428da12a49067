use soroban_sdk::{
    testutils::{Address as _, MockAuthInvoke},
    Address, Event as _, IntoVal, InvokeError,
};
use std::vec;

use super::setup::{refused_for_missing_auth, signed_by, Setup, FUNDER_START};
use crate::{Error, Funded, PoolInfo};

#[test]
fn fund_moves_tokens_into_the_pool() {
    let s = Setup::new();

    s.client.fund(&s.funder, &500);

    assert_eq!(
        s.env.auths(),
        vec![(
            s.funder.clone(),
            s.invocation(
                "fund",
                (s.funder.clone(), 500_i128).into_val(&s.env),
                vec![s.transfer_invocation(&s.funder, &s.id, 500)],
            )
        )]
    );
    assert_eq!(
        s.events(),
        vec![Funded {
            funder: s.funder.clone(),
            amount: 500,
            balance: 500,
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert_eq!(s.balance(&s.funder), FUNDER_START - 500);
    assert_eq!(s.pool_balance(), 500);
    assert_eq!(
        s.client.pool(),
        PoolInfo {
            balance: 500,
            total_unclaimed: 0,
            available: 500,
            total_issued: 0,
            total_claimed: 0,
            total_revoked: 0,
        }
    );
}

#[test]
fn funding_again_reports_the_new_balance() {
    let s = Setup::funded(500);
    let other = Address::generate(&s.env);
    soroban_sdk::token::StellarAssetClient::new(&s.env, &s.token.address).mint(&other, &300);

    s.client.fund(&other, &300);

    assert_eq!(
        s.events(),
        vec![Funded {
            funder: other.clone(),
            amount: 300,
            balance: 800,
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert_eq!(s.balance(&other), 0);
    assert_eq!(s.pool_balance(), 800);
}

#[test]
fn fund_refuses_zero_and_negative_amounts() {
    let s = Setup::funded(100);
    for amount in [0_i128, -1, i128::MIN] {
        assert_eq!(
            s.client.try_fund(&s.funder, &amount),
            Err(Ok(Error::InvalidAmount))
        );
    }
    assert_eq!(s.balance(&s.funder), FUNDER_START - 100);
    assert_eq!(s.pool_balance(), 100);
}

#[test]
fn fund_refuses_more_than_the_funder_holds() {
    let s = Setup::new();
    let broke = Address::generate(&s.env);

    assert_eq!(
        s.client.try_fund(&broke, &1),
        Err(Ok(Error::InsufficientFunds))
    );
    assert_eq!(
        s.client.try_fund(&s.funder, &(FUNDER_START + 1)),
        Err(Ok(Error::InsufficientFunds))
    );

    assert_eq!(s.balance(&s.funder), FUNDER_START);
    assert_eq!(s.pool_balance(), 0);
}

#[test]
fn fund_needs_the_funders_own_authorization() {
    let s = Setup::new();
    let impostor = Address::generate(&s.env);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "fund",
        args: (s.funder.clone(), 500_i128).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&signed_by(&impostor, &invoke))
        .try_fund(&s.funder, &500);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.balance(&s.funder), FUNDER_START);
    assert_eq!(s.pool_balance(), 0);

    // The funder's own signature, covering the token transfer, funds it.
    let transfer = MockAuthInvoke {
        contract: &s.token.address,
        fn_name: "transfer",
        args: (s.funder.clone(), s.id.clone(), 500_i128).into_val(&s.env),
        sub_invokes: &[],
    };
    let invoke = MockAuthInvoke {
        sub_invokes: std::slice::from_ref(&transfer),
        ..invoke
    };
    s.client
        .mock_auths(&signed_by(&s.funder, &invoke))
        .fund(&s.funder, &500);
    assert_eq!(s.pool_balance(), 500);
}

#[test]
fn fund_works_while_paused() {
    let s = Setup::new();
    s.client.pause(&s.admin);

    s.client.fund(&s.funder, &500);

    assert_eq!(s.pool_balance(), 500);
}
