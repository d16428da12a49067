//! The shared admin surface, pause and TTL behaviour.
extern crate std;

use soroban_sdk::{
    symbol_short,
    testutils::{
        storage::{Instance as _, Persistent as _},
        Address as _, MockAuth, MockAuthInvoke,
    },
    Address, BytesN, IntoVal, String,
};
use teachlink_common::{access::EMERGENCY, ttl};

use super::{mint, mint_one, params, setup, setup_mocked, try_mint};
use crate::Error;

#[test]
fn admin_and_roles() {
    let s = setup_mocked();
    assert_eq!(s.client.admin(), s.admin);

    let guard = Address::generate(&s.env);
    assert!(!s.client.has_role(&EMERGENCY, &guard));
    s.client.grant_role(&EMERGENCY, &guard);
    assert!(s.client.has_role(&EMERGENCY, &guard));
    s.client.revoke_role(&EMERGENCY, &guard);
    assert!(!s.client.has_role(&EMERGENCY, &guard));

    let next = Address::generate(&s.env);
    s.client.transfer_admin(&next);
    assert_eq!(s.client.admin(), next);
}

#[test]
fn pause_blocks_state_changes_until_unpaused() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let buyer = Address::generate(&s.env);
    let guard = Address::generate(&s.env);
    s.client.grant_role(&EMERGENCY, &guard);
    let until = super::START_LEDGER + 10;
    s.client
        .approve(&creator, &Some(buyer.clone()), &id, &until);

    s.client.pause(&guard);
    assert!(s.client.is_paused());

    let p = params(&s.env);
    assert_eq!(try_mint(&s.client, &creator, &p), Err(Ok(Error::Paused)));
    assert_eq!(
        s.client.try_transfer(&creator, &buyer, &id),
        Err(Ok(Error::Paused))
    );
    assert_eq!(
        s.client.try_transfer_from(&buyer, &creator, &buyer, &id),
        Err(Ok(Error::Paused))
    );
    assert_eq!(
        s.client.try_approve(&creator, &None, &id, &0),
        Err(Ok(Error::Paused))
    );
    assert_eq!(
        s.client.try_update_metadata(
            &creator,
            &id,
            &Some(String::from_str(&s.env, "ipfs://x")),
            &None
        ),
        Err(Ok(Error::Paused))
    );
    // Queries still answer.
    assert_eq!(s.client.owner_of(&id), creator);
    assert_eq!(s.client.approved(&id), Some(buyer.clone()));

    s.client.unpause(&s.admin);
    assert!(!s.client.is_paused());
    s.client.transfer_from(&buyer, &creator, &buyer, &id);
    assert_eq!(s.client.owner_of(&id), buyer);
    assert_eq!(mint(&s.client, &creator, &p), 2);
}

#[test]
fn only_admin_or_emergency_role_pauses() {
    let s = setup_mocked();
    let stranger = Address::generate(&s.env);
    assert_eq!(s.client.try_pause(&stranger), Err(Ok(Error::Unauthorized)));
    assert!(!s.client.is_paused());
    s.client.pause(&s.admin);
    assert_eq!(
        s.client.try_unpause(&stranger),
        Err(Ok(Error::Unauthorized))
    );
    assert!(s.client.is_paused());
}

#[test]
fn admin_actions_need_the_admin() {
    let s = setup();
    let stranger = Address::generate(&s.env);
    let role = symbol_short!("minter");

    let res = s
        .client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "grant_role",
                args: (role.clone(), stranger.clone()).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_grant_role(&role, &stranger);
    assert!(res.is_err());
    assert!(!s.client.has_role(&role, &stranger));

    let hash = BytesN::from_array(&s.env, &[3; 32]);
    let res = s
        .client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "upgrade",
                args: (hash.clone(),).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_upgrade(&hash);
    assert!(res.is_err());

    let res = s
        .client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "transfer_admin",
                args: (stranger.clone(),).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_transfer_admin(&stranger);
    assert!(res.is_err());
    assert_eq!(s.client.admin(), s.admin);
}

#[test]
fn written_entries_are_kept_alive() {
    let s = setup_mocked();
    let creator = Address::generate(&s.env);
    let p = params(&s.env);
    mint(&s.client, &creator, &p);
    let ttl_of = |key: &Address| {
        s.env
            .as_contract(&s.id, || s.env.storage().persistent().get_ttl(key))
    };
    // A new balance starts at the network minimum (above the bump
    // threshold on mainnet)...
    let fresh = ttl_of(&creator);
    assert!(fresh < ttl::BUMP_AMOUNT);
    // ...and an existing one is extended when written again.
    mint(&s.client, &creator, &p);
    assert_eq!(ttl_of(&creator), ttl::BUMP_AMOUNT);
    assert_eq!(
        s.env
            .as_contract(&s.id, || s.env.storage().instance().get_ttl()),
        ttl::BUMP_AMOUNT
    );
}
