//! The shared admin surface, pause and TTL behaviour.
extern crate std;

use soroban_sdk::{
    symbol_short,
    testutils::{
        storage::{Instance as _, Persistent as _},
        Address as _, Ledger as _, MockAuth, MockAuthInvoke,
    },
    Address, BytesN, IntoVal, String, Val, Vec,
};
use teachlink_common::{
    access::EMERGENCY,
    testutils::{assert_auth_refused, signed_by},
    ttl,
};

use super::{mint, mint_one, params, setup, setup_mocked, try_mint, Setup, TIMELOCK_DELAY};
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
fn only_admin_or_emergency_role_pauses_and_only_the_admin_resumes() {
    let s = setup_mocked();
    let stranger = Address::generate(&s.env);
    let guard = Address::generate(&s.env);
    s.client.grant_role(&EMERGENCY, &guard);
    assert_eq!(s.client.try_pause(&stranger), Err(Ok(Error::Unauthorized)));
    assert!(!s.client.is_paused());
    s.client.pause(&guard);
    assert!(s.client.is_paused());
    assert_eq!(
        s.client.try_unpause(&stranger),
        Err(Ok(Error::Unauthorized))
    );
    assert_eq!(s.client.try_unpause(&guard), Err(Ok(Error::Unauthorized)));
    assert!(s.client.is_paused());
    s.client.unpause(&s.admin);
    assert!(!s.client.is_paused());
}

/// `who` authorizes exactly `fn_name(args)` on the content contract.
fn call<'a>(s: &'a Setup, fn_name: &'a str, args: Vec<Val>) -> MockAuthInvoke<'a> {
    MockAuthInvoke {
        contract: &s.id,
        fn_name,
        args,
        sub_invokes: &[],
    }
}

#[test]
fn admin_actions_need_the_admin() {
    let s = setup();
    let stranger = Address::generate(&s.env);
    let role = symbol_short!("minter");
    let role_args: Vec<Val> = (role.clone(), stranger.clone()).into_val(&s.env);

    let grant = call(&s, "grant_role", role_args.clone());
    let res = s
        .client
        .mock_auths(&signed_by(&stranger, &grant))
        .try_grant_role(&role, &stranger);
    assert_auth_refused(&s.env, res);
    assert!(!s.client.has_role(&role, &stranger));
    s.client
        .mock_auths(&signed_by(&s.admin, &grant))
        .grant_role(&role, &stranger);
    assert!(s.client.has_role(&role, &stranger));

    let revoke = call(&s, "revoke_role", role_args);
    let res = s
        .client
        .mock_auths(&signed_by(&stranger, &revoke))
        .try_revoke_role(&role, &stranger);
    assert_auth_refused(&s.env, res);
    assert!(s.client.has_role(&role, &stranger));
    s.client
        .mock_auths(&signed_by(&s.admin, &revoke))
        .revoke_role(&role, &stranger);
    assert!(!s.client.has_role(&role, &stranger));

    for paused in [true, false] {
        let name = if paused { "pause" } else { "unpause" };
        let switch = call(&s, name, (s.admin.clone(),).into_val(&s.env));
        let auths = signed_by(&stranger, &switch);
        let client = s.client.mock_auths(&auths);
        let res = if paused {
            client.try_pause(&s.admin)
        } else {
            client.try_unpause(&s.admin)
        };
        assert_auth_refused(&s.env, res);
        assert_eq!(s.client.is_paused(), !paused);
        let auths = signed_by(&s.admin, &switch);
        let client = s.client.mock_auths(&auths);
        if paused {
            client.pause(&s.admin);
        } else {
            client.unpause(&s.admin);
        }
        assert_eq!(s.client.is_paused(), paused);
    }

    let next = Address::generate(&s.env);
    let handover = call(&s, "transfer_admin", (next.clone(),).into_val(&s.env));
    let res = s
        .client
        .mock_auths(&signed_by(&stranger, &handover))
        .try_transfer_admin(&next);
    assert_auth_refused(&s.env, res);
    assert_eq!(s.client.admin(), s.admin);
    s.client
        .mock_auths(&[
            MockAuth {
                address: &s.admin,
                invoke: &handover,
            },
            MockAuth {
                address: &next,
                invoke: &handover,
            },
        ])
        .transfer_admin(&next);
    assert_eq!(s.client.admin(), next);
}

#[test]
fn upgrades_need_the_admin_and_a_proposal() {
    let s = setup();
    let stranger = Address::generate(&s.env);
    let hash = BytesN::from_array(&s.env, &[3; 32]);
    let op = symbol_short!("upgrade");
    let op_args: Vec<Val> = (hash.clone(),).into_val(&s.env);
    let proposal = call(
        &s,
        "propose",
        (op.clone(), op_args.clone()).into_val(&s.env),
    );
    let res = s
        .client
        .mock_auths(&signed_by(&stranger, &proposal))
        .try_propose(&op, &op_args);
    assert_auth_refused(&s.env, res);
    let ready_at = s
        .client
        .mock_auths(&signed_by(&s.admin, &proposal))
        .propose(&op, &op_args);
    assert_eq!(ready_at, super::START_TIME + TIMELOCK_DELAY);

    // The hash is never uploaded (the real upgrade runs in
    // tests/tests/wasm_content.rs); the auth check comes before it.
    s.env.ledger().set_timestamp(ready_at);
    let upgrade = call(&s, "upgrade", op_args.clone());
    let res = s
        .client
        .mock_auths(&signed_by(&stranger, &upgrade))
        .try_upgrade(&hash);
    assert_auth_refused(&s.env, res);

    let cancel = call(
        &s,
        "cancel_proposal",
        (op.clone(), op_args.clone()).into_val(&s.env),
    );
    let res = s
        .client
        .mock_auths(&signed_by(&stranger, &cancel))
        .try_cancel_proposal(&op, &op_args);
    assert_auth_refused(&s.env, res);
    s.client
        .mock_auths(&signed_by(&s.admin, &cancel))
        .cancel_proposal(&op, &op_args);
    let res = s
        .client
        .mock_auths(&signed_by(&s.admin, &upgrade))
        .try_upgrade(&hash);
    assert_eq!(res, Err(Ok(Error::NotProposed)));
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
