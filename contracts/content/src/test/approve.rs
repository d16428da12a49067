extern crate std;

use soroban_sdk::{
    testutils::{Address as _, Events as _, MockAuth, MockAuthInvoke},
    vec, Address, IntoVal, Symbol,
};

use super::{assert_auth_by, data, mint, mint_one, params, setup, setup_mocked, START_LEDGER};
use crate::Error;

#[test]
fn approve_sets_and_replaces_the_spender() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let market = Address::generate(&s.env);
    let until = START_LEDGER + 50;

    s.client
        .approve(&creator, &Some(market.clone()), &id, &until);

    assert_auth_by(
        &s,
        &creator,
        "approve",
        (creator.clone(), Some(market.clone()), id, until).into_val(&s.env),
    );
    assert_eq!(
        s.env.events().all(),
        vec![
            &s.env,
            (
                s.id.clone(),
                (Symbol::new(&s.env, "approved"), id, creator.clone()).into_val(&s.env),
                data(
                    &s.env,
                    &[
                        ("spender", Some(market.clone()).into_val(&s.env)),
                        ("live_until", until.into_val(&s.env)),
                    ]
                ),
            )
        ]
    );
    assert_eq!(s.client.approved(&id), Some(market.clone()));
    // Approving does not move the token.
    assert_eq!(s.client.owner_of(&id), creator);
    assert_eq!(s.client.balance(&creator), 1);

    let other = Address::generate(&s.env);
    s.client
        .approve(&creator, &Some(other.clone()), &id, &until);
    assert_eq!(s.client.approved(&id), Some(other));
}

#[test]
fn approve_none_revokes() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let market = Address::generate(&s.env);
    s.client
        .approve(&creator, &Some(market.clone()), &id, &(START_LEDGER + 50));

    s.client.approve(&creator, &None, &id, &0);

    assert_eq!(
        s.env.events().all(),
        vec![
            &s.env,
            (
                s.id.clone(),
                (Symbol::new(&s.env, "approved"), id, creator.clone()).into_val(&s.env),
                data(
                    &s.env,
                    &[
                        ("spender", Option::<Address>::None.into_val(&s.env)),
                        ("live_until", 0u32.into_val(&s.env)),
                    ]
                ),
            )
        ]
    );
    assert_eq!(s.client.approved(&id), None);
    assert_eq!(
        s.client.try_transfer_from(&market, &creator, &market, &id),
        Err(Ok(Error::NotApproved))
    );
}

#[test]
fn approve_refusals() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let market = Address::generate(&s.env);
    let until = START_LEDGER + 50;

    assert_eq!(
        s.client
            .try_approve(&market, &Some(market.clone()), &id, &until),
        Err(Ok(Error::NotOwner))
    );
    assert_eq!(
        s.client
            .try_approve(&creator, &Some(creator.clone()), &id, &until),
        Err(Ok(Error::InvalidSpender))
    );
    assert_eq!(
        s.client
            .try_approve(&creator, &Some(market.clone()), &id, &(START_LEDGER - 1)),
        Err(Ok(Error::InvalidExpiration))
    );
    assert_eq!(
        s.client
            .try_approve(&creator, &Some(market.clone()), &42, &until),
        Err(Ok(Error::TokenNotFound))
    );
    let mut p = params(&s.env);
    p.transferable = false;
    let soulbound = mint(&s.client, &creator, &p);
    assert_eq!(
        s.client
            .try_approve(&creator, &Some(market.clone()), &soulbound, &until),
        Err(Ok(Error::NotTransferable))
    );

    assert_eq!(s.client.approved(&id), None);
    assert_eq!(s.client.approved(&soulbound), None);
    // An approval ending on the current ledger is allowed.
    s.client
        .approve(&creator, &Some(market.clone()), &id, &START_LEDGER);
    assert_eq!(s.client.approved(&id), Some(market));
}

#[test]
fn approve_by_someone_else_is_refused() {
    let s = setup();
    s.env.mock_all_auths();
    let (creator, id) = mint_one(&s);
    let intruder = Address::generate(&s.env);
    let until = START_LEDGER + 50;

    let res = s
        .client
        .mock_auths(&[MockAuth {
            address: &intruder,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "approve",
                args: (creator.clone(), Some(intruder.clone()), id, until).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_approve(&creator, &Some(intruder.clone()), &id, &until);

    assert!(matches!(res, Err(Err(_))), "{res:?}");
    assert_eq!(s.client.approved(&id), None);
}
