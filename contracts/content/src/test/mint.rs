extern crate std;

use soroban_sdk::{
    symbol_short,
    testutils::{Address as _, Events as _, MockAuth, MockAuthInvoke},
    vec, Address, IntoVal, String, Symbol, Vec,
};

use super::{assert_auth_by, data, mint, params, setup, setup_mocked, try_mint};
use crate::{Error, Metadata, MAX_TAGS, MAX_TITLE_LEN, MAX_URI_LEN};

fn string_of_len(env: &soroban_sdk::Env, len: usize) -> String {
    let bytes = std::vec![b'a'; len];
    String::from_bytes(env, &bytes)
}

#[test]
fn mint_creates_token_owned_by_creator() {
    let s = setup_mocked();
    let creator = Address::generate(&s.env);
    let p = params(&s.env);

    let id = mint(&s.client, &creator, &p);

    assert_eq!(id, 1);
    assert_auth_by(&s, &creator, "mint", p.args(&s.env, &creator));
    assert_eq!(
        s.env.events().all(),
        vec![
            &s.env,
            (
                s.id.clone(),
                (symbol_short!("minted"), 1u64, creator.clone()).into_val(&s.env),
                data(
                    &s.env,
                    &[
                        ("content_hash", p.content_hash.into_val(&s.env)),
                        ("licence", p.licence.into_val(&s.env)),
                        ("royalty_bps", 500u32.into_val(&s.env)),
                        ("tags", p.tags.into_val(&s.env)),
                        ("title", p.title.into_val(&s.env)),
                        ("transferable", true.into_val(&s.env)),
                        ("uri", p.uri.into_val(&s.env)),
                    ]
                ),
            )
        ]
    );
    assert_eq!(s.client.owner_of(&id), creator);
    assert_eq!(s.client.balance(&creator), 1);
    assert_eq!(s.client.token_uri(&id), p.uri);
    assert_eq!(
        s.client.metadata(&id),
        Metadata {
            creator: creator.clone(),
            title: p.title.clone(),
            content_hash: p.content_hash.clone(),
            uri: p.uri.clone(),
            licence: p.licence.clone(),
            tags: p.tags.clone(),
            transferable: true,
            royalty_bps: 500,
        }
    );
    assert_eq!(s.client.approved(&id), None);
}

#[test]
fn token_ids_are_sequential_and_balances_count() {
    let s = setup_mocked();
    let alice = Address::generate(&s.env);
    let bob = Address::generate(&s.env);
    let p = params(&s.env);

    assert_eq!(mint(&s.client, &alice, &p), 1);
    assert_eq!(mint(&s.client, &bob, &p), 2);
    assert_eq!(mint(&s.client, &alice, &p), 3);

    assert_eq!(s.client.balance(&alice), 2);
    assert_eq!(s.client.balance(&bob), 1);
    assert_eq!(s.client.owner_of(&2), bob);
    assert_eq!(s.client.balance(&Address::generate(&s.env)), 0);
}

#[test]
fn mint_accepts_the_bounds() {
    let s = setup_mocked();
    let creator = Address::generate(&s.env);
    let mut p = params(&s.env);
    p.title = string_of_len(&s.env, MAX_TITLE_LEN as usize);
    p.uri = string_of_len(&s.env, MAX_URI_LEN as usize);
    p.tags = Vec::new(&s.env);
    for i in 0..MAX_TAGS {
        p.tags
            .push_back(Symbol::new(&s.env, &std::format!("tag{i}")));
    }
    p.royalty_bps = 10_000;

    let id = mint(&s.client, &creator, &p);

    let meta = s.client.metadata(&id);
    assert_eq!(meta.title.len(), MAX_TITLE_LEN);
    assert_eq!(meta.uri.len(), MAX_URI_LEN);
    assert_eq!(meta.tags.len(), MAX_TAGS);
    assert_eq!(meta.royalty_bps, 10_000);
}

#[test]
fn mint_refuses_each_invalid_field() {
    let s = setup_mocked();
    let creator = Address::generate(&s.env);
    let good = params(&s.env);

    let mut p = good.clone();
    p.title = String::from_str(&s.env, "");
    assert_eq!(
        try_mint(&s.client, &creator, &p),
        Err(Ok(Error::InvalidTitle))
    );
    p.title = string_of_len(&s.env, MAX_TITLE_LEN as usize + 1);
    assert_eq!(
        try_mint(&s.client, &creator, &p),
        Err(Ok(Error::InvalidTitle))
    );

    let mut p = good.clone();
    p.uri = String::from_str(&s.env, "");
    assert_eq!(
        try_mint(&s.client, &creator, &p),
        Err(Ok(Error::InvalidUri))
    );
    p.uri = string_of_len(&s.env, MAX_URI_LEN as usize + 1);
    assert_eq!(
        try_mint(&s.client, &creator, &p),
        Err(Ok(Error::InvalidUri))
    );

    let mut p = good.clone();
    for _ in 0..=MAX_TAGS {
        p.tags.push_back(symbol_short!("extra"));
    }
    assert_eq!(
        try_mint(&s.client, &creator, &p),
        Err(Ok(Error::TooManyTags))
    );

    let mut p = good.clone();
    p.royalty_bps = 10_001;
    assert_eq!(
        try_mint(&s.client, &creator, &p),
        Err(Ok(Error::InvalidRoyalty))
    );

    // Nothing was minted: the next id is still 1.
    assert_eq!(s.client.balance(&creator), 0);
    assert_eq!(s.client.try_owner_of(&1), Err(Ok(Error::TokenNotFound)));
    assert_eq!(mint(&s.client, &creator, &good), 1);
}

#[test]
fn mint_for_someone_else_is_refused() {
    let s = setup();
    let creator = Address::generate(&s.env);
    let intruder = Address::generate(&s.env);
    let p = params(&s.env);

    let res = s
        .client
        .mock_auths(&[MockAuth {
            address: &intruder,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "mint",
                args: p.args(&s.env, &creator),
                sub_invokes: &[],
            },
        }])
        .try_mint(
            &creator,
            &p.title,
            &p.content_hash,
            &p.uri,
            &p.licence,
            &p.tags,
            &p.transferable,
            &p.royalty_bps,
        );

    assert!(matches!(res, Err(Err(_))), "{res:?}");
    assert_eq!(s.client.balance(&creator), 0);
    assert_eq!(s.client.try_owner_of(&1), Err(Ok(Error::TokenNotFound)));
}
