extern crate std;

use soroban_sdk::{
    testutils::{Address as _, Events as _, MockAuth, MockAuthInvoke},
    vec, Address, IntoVal, InvokeError, Symbol,
};
use teachlink_common::testutils::refused_for_missing_auth;

use super::{assert_auth_by, data, mint, mint_one, params, setup, setup_mocked};
use crate::{Error, ProvenanceKind, ProvenanceRecord};

#[test]
fn transfer_moves_the_token() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let buyer = Address::generate(&s.env);

    s.client.transfer(&creator, &buyer, &id);

    assert_auth_by(
        &s,
        &creator,
        "transfer",
        (creator.clone(), buyer.clone(), id).into_val(&s.env),
    );
    assert_eq!(
        s.env.events().all(),
        vec![
            &s.env,
            (
                s.id.clone(),
                (
                    Symbol::new(&s.env, "transferred"),
                    id,
                    creator.clone(),
                    buyer.clone()
                )
                    .into_val(&s.env),
                data(&s.env, &[]),
            )
        ]
    );
    assert_eq!(s.client.owner_of(&id), buyer);
    assert_eq!(s.client.balance(&creator), 0);
    assert_eq!(s.client.balance(&buyer), 1);
    let trail = s.client.provenance(&id, &0, &10);
    assert_eq!(trail.len(), 2);
    assert_eq!(
        trail.get_unchecked(1),
        ProvenanceRecord {
            seq: 1,
            kind: ProvenanceKind::Transfer,
            from: Some(creator.clone()),
            to: Some(buyer.clone()),
            ledger: super::START_LEDGER,
            timestamp: super::START_TIME,
        }
    );

    // And on again, now from a stored hot record.
    let third = Address::generate(&s.env);
    s.client.transfer(&buyer, &third, &id);
    assert_eq!(s.client.owner_of(&id), third);
    assert_eq!(s.client.balance(&buyer), 0);
    assert_eq!(s.client.balance(&third), 1);
}

#[test]
fn transfer_keeps_other_tokens_balance() {
    let s = setup_mocked();
    let creator = Address::generate(&s.env);
    let buyer = Address::generate(&s.env);
    let p = params(&s.env);
    let first = mint(&s.client, &creator, &p);
    let second = mint(&s.client, &creator, &p);

    s.client.transfer(&creator, &buyer, &first);

    assert_eq!(s.client.balance(&creator), 1);
    assert_eq!(s.client.balance(&buyer), 1);
    assert_eq!(s.client.owner_of(&second), creator);
}

#[test]
fn transfer_clears_the_approval() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let spender = Address::generate(&s.env);
    let buyer = Address::generate(&s.env);
    s.client.approve(
        &creator,
        &Some(spender.clone()),
        &id,
        &(super::START_LEDGER + 100),
    );
    assert_eq!(s.client.approved(&id), Some(spender.clone()));

    s.client.transfer(&creator, &buyer, &id);

    assert_eq!(s.client.approved(&id), None);
    let to = Address::generate(&s.env);
    assert_eq!(
        s.client.try_transfer_from(&spender, &buyer, &to, &id),
        Err(Ok(Error::NotApproved))
    );
}

#[test]
fn transfer_refusals() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let stranger = Address::generate(&s.env);

    assert_eq!(
        s.client.try_transfer(&stranger, &creator, &id),
        Err(Ok(Error::NotOwner))
    );
    assert_eq!(
        s.client.try_transfer(&creator, &creator, &id),
        Err(Ok(Error::SelfTransfer))
    );
    assert_eq!(
        s.client.try_transfer(&creator, &stranger, &99),
        Err(Ok(Error::TokenNotFound))
    );

    let mut p = params(&s.env);
    p.transferable = false;
    let soulbound = mint(&s.client, &creator, &p);
    assert_eq!(
        s.client.try_transfer(&creator, &stranger, &soulbound),
        Err(Ok(Error::NotTransferable))
    );

    assert_eq!(s.client.owner_of(&id), creator);
    assert_eq!(s.client.owner_of(&soulbound), creator);
    assert_eq!(s.client.balance(&creator), 2);
    assert_eq!(s.client.balance(&stranger), 0);
}

#[test]
fn transfer_by_someone_else_is_refused() {
    let s = setup();
    s.env.mock_all_auths();
    let (creator, id) = mint_one(&s);
    let thief = Address::generate(&s.env);

    let res = s
        .client
        .mock_auths(&[MockAuth {
            address: &thief,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "transfer",
                args: (creator.clone(), thief.clone(), id).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_transfer(&creator, &thief, &id);

    assert_eq!(res, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.client.owner_of(&id), creator);
    assert_eq!(s.client.balance(&thief), 0);

    // The owner's own signature moves it.
    s.client
        .mock_auths(&[MockAuth {
            address: &creator,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "transfer",
                args: (creator.clone(), thief.clone(), id).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .transfer(&creator, &thief, &id);
    assert_eq!(s.client.owner_of(&id), thief);
}

#[test]
fn transfer_from_by_approved_spender() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let market = Address::generate(&s.env);
    let buyer = Address::generate(&s.env);
    let until = super::START_LEDGER + 10;
    s.client
        .approve(&creator, &Some(market.clone()), &id, &until);

    s.client.transfer_from(&market, &creator, &buyer, &id);

    assert_auth_by(
        &s,
        &market,
        "transfer_from",
        (market.clone(), creator.clone(), buyer.clone(), id).into_val(&s.env),
    );
    assert_eq!(
        s.env.events().all(),
        vec![
            &s.env,
            (
                s.id.clone(),
                (
                    Symbol::new(&s.env, "transferred"),
                    id,
                    creator.clone(),
                    buyer.clone()
                )
                    .into_val(&s.env),
                data(&s.env, &[]),
            )
        ]
    );
    assert_eq!(s.client.owner_of(&id), buyer);
    assert_eq!(s.client.balance(&creator), 0);
    assert_eq!(s.client.balance(&buyer), 1);
    assert_eq!(s.client.approved(&id), None);
    // The approval was used up.
    assert_eq!(
        s.client.try_transfer_from(&market, &buyer, &creator, &id),
        Err(Ok(Error::NotApproved))
    );
}

#[test]
fn transfer_from_works_on_the_last_approved_ledger_only() {
    use soroban_sdk::testutils::Ledger as _;
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let market = Address::generate(&s.env);
    let buyer = Address::generate(&s.env);
    let until = super::START_LEDGER + 10;
    s.client
        .approve(&creator, &Some(market.clone()), &id, &until);

    s.env.ledger().set_sequence_number(until + 1);
    assert_eq!(s.client.approved(&id), None);
    assert_eq!(
        s.client.try_transfer_from(&market, &creator, &buyer, &id),
        Err(Ok(Error::ApprovalExpired))
    );
    assert_eq!(s.client.owner_of(&id), creator);

    s.env.ledger().set_sequence_number(until);
    s.client.transfer_from(&market, &creator, &buyer, &id);
    assert_eq!(s.client.owner_of(&id), buyer);
}

#[test]
fn transfer_from_refusals() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let market = Address::generate(&s.env);
    let other = Address::generate(&s.env);
    let until = super::START_LEDGER + 10;

    assert_eq!(
        s.client.try_transfer_from(&market, &creator, &other, &id),
        Err(Ok(Error::NotApproved))
    );
    s.client
        .approve(&creator, &Some(market.clone()), &id, &until);
    assert_eq!(
        s.client.try_transfer_from(&other, &creator, &other, &id),
        Err(Ok(Error::NotApproved))
    );
    assert_eq!(
        s.client.try_transfer_from(&market, &other, &market, &id),
        Err(Ok(Error::NotOwner))
    );
    assert_eq!(
        s.client.try_transfer_from(&market, &creator, &creator, &id),
        Err(Ok(Error::SelfTransfer))
    );
    assert_eq!(
        s.client.try_transfer_from(&market, &creator, &other, &7),
        Err(Ok(Error::TokenNotFound))
    );
    assert_eq!(s.client.owner_of(&id), creator);
    assert_eq!(s.client.approved(&id), Some(market));
}

#[test]
fn transfer_from_needs_the_spenders_auth() {
    let s = setup();
    s.env.mock_all_auths();
    let (creator, id) = mint_one(&s);
    let market = Address::generate(&s.env);
    let buyer = Address::generate(&s.env);
    s.client.approve(
        &creator,
        &Some(market.clone()),
        &id,
        &(super::START_LEDGER + 10),
    );

    // The owner signing is not enough: the approved spender must.
    let res = s
        .client
        .mock_auths(&[MockAuth {
            address: &creator,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "transfer_from",
                args: (market.clone(), creator.clone(), buyer.clone(), id).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_transfer_from(&market, &creator, &buyer, &id);

    assert_eq!(res, Err(Err(InvokeError::Abort)));
    assert!(refused_for_missing_auth(&s.env));
    assert_eq!(s.client.owner_of(&id), creator);
    assert_eq!(s.client.approved(&id), Some(market.clone()));

    // The spender's signature moves it.
    s.client
        .mock_auths(&[MockAuth {
            address: &market,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "transfer_from",
                args: (market.clone(), creator.clone(), buyer.clone(), id).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .transfer_from(&market, &creator, &buyer, &id);
    assert_eq!(s.client.owner_of(&id), buyer);
}
