//! `update_metadata` and the metadata queries.
extern crate std;

use soroban_sdk::{
    testutils::{Address as _, Events as _, MockAuth, MockAuthInvoke},
    vec, Address, BytesN, IntoVal, String, Symbol,
};

use super::{assert_auth_by, data, mint, mint_one, params, setup, setup_mocked};
use crate::{Error, ProvenanceKind, ProvenanceRecord, MAX_URI_LEN};

#[test]
fn creator_updates_uri_and_hash() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let uri = String::from_str(&s.env, "ipfs://v2");
    let hash = BytesN::from_array(&s.env, &[9; 32]);

    s.client
        .update_metadata(&creator, &id, &Some(uri.clone()), &Some(hash.clone()));

    assert_auth_by(
        &s,
        &creator,
        "update_metadata",
        (creator.clone(), id, Some(uri.clone()), Some(hash.clone())).into_val(&s.env),
    );
    assert_eq!(
        s.env.events().all(),
        vec![
            &s.env,
            (
                s.id.clone(),
                (Symbol::new(&s.env, "metadata_updated"), id, creator.clone()).into_val(&s.env),
                data(
                    &s.env,
                    &[
                        ("uri", uri.into_val(&s.env)),
                        ("content_hash", hash.into_val(&s.env)),
                    ]
                ),
            )
        ]
    );
    assert_eq!(s.client.token_uri(&id), uri);
    let meta = s.client.metadata(&id);
    assert_eq!(meta.uri, uri);
    assert_eq!(meta.content_hash, hash);
    assert_eq!(meta.title, params(&s.env).title);
    assert_eq!(
        s.client.provenance(&id, &1, &5),
        vec![
            &s.env,
            ProvenanceRecord {
                seq: 1,
                kind: ProvenanceKind::MetadataUpdate,
                from: Some(creator.clone()),
                to: None,
                ledger: super::START_LEDGER,
                timestamp: super::START_TIME,
            }
        ]
    );
}

#[test]
fn update_may_change_one_field_only() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let original = params(&s.env);

    let hash = BytesN::from_array(&s.env, &[1; 32]);
    s.client
        .update_metadata(&creator, &id, &None, &Some(hash.clone()));
    let meta = s.client.metadata(&id);
    assert_eq!(meta.content_hash, hash);
    assert_eq!(meta.uri, original.uri);

    let uri = String::from_str(&s.env, "https://teachlink.example/c/1");
    s.client
        .update_metadata(&creator, &id, &Some(uri.clone()), &None);
    let meta = s.client.metadata(&id);
    assert_eq!(meta.uri, uri);
    assert_eq!(meta.content_hash, hash);
    assert_eq!(s.client.provenance(&id, &0, &10).len(), 3);
}

#[test]
fn only_the_creator_updates_even_after_selling() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let owner = Address::generate(&s.env);
    s.client.transfer(&creator, &owner, &id);
    let uri = String::from_str(&s.env, "ipfs://fake");

    assert_eq!(
        s.client
            .try_update_metadata(&owner, &id, &Some(uri.clone()), &None),
        Err(Ok(Error::NotCreator))
    );
    assert_eq!(s.client.token_uri(&id), params(&s.env).uri);

    s.client
        .update_metadata(&creator, &id, &Some(uri.clone()), &None);
    assert_eq!(s.client.token_uri(&id), uri);
    // The update did not touch ownership.
    assert_eq!(s.client.owner_of(&id), owner);
    assert_eq!(s.client.balance(&owner), 1);
}

#[test]
fn update_refusals() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);

    assert_eq!(
        s.client.try_update_metadata(&creator, &id, &None, &None),
        Err(Ok(Error::NothingToUpdate))
    );
    assert_eq!(
        s.client
            .try_update_metadata(&creator, &id, &Some(String::from_str(&s.env, "")), &None),
        Err(Ok(Error::InvalidUri))
    );
    let long = String::from_bytes(&s.env, &std::vec![b'u'; MAX_URI_LEN as usize + 1]);
    assert_eq!(
        s.client
            .try_update_metadata(&creator, &id, &Some(long), &None),
        Err(Ok(Error::InvalidUri))
    );
    assert_eq!(
        s.client.try_update_metadata(
            &creator,
            &5,
            &Some(String::from_str(&s.env, "ipfs://x")),
            &None
        ),
        Err(Ok(Error::TokenNotFound))
    );
    assert_eq!(s.client.metadata(&id).uri, params(&s.env).uri);
    assert_eq!(s.client.provenance(&id, &0, &10).len(), 1);
}

#[test]
fn update_by_someone_else_is_refused() {
    let s = setup();
    s.env.mock_all_auths();
    let (creator, id) = mint_one(&s);
    let intruder = Address::generate(&s.env);
    let uri = Some(String::from_str(&s.env, "ipfs://evil"));

    let res = s
        .client
        .mock_auths(&[MockAuth {
            address: &intruder,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "update_metadata",
                args: (creator.clone(), id, uri.clone(), Option::<BytesN<32>>::None)
                    .into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_update_metadata(&creator, &id, &uri, &None);

    assert!(matches!(res, Err(Err(_))), "{res:?}");
    assert_eq!(s.client.token_uri(&id), params(&s.env).uri);
}

#[test]
fn royalty_info_rounds_down_and_checks() {
    let s = setup_mocked();
    let creator = Address::generate(&s.env);
    let mut p = params(&s.env);
    p.royalty_bps = 250; // 2.5%
    let id = mint(&s.client, &creator, &p);

    assert_eq!(s.client.royalty_info(&id, &10_000), (creator.clone(), 250));
    assert_eq!(s.client.royalty_info(&id, &399), (creator.clone(), 9));
    assert_eq!(s.client.royalty_info(&id, &0), (creator.clone(), 0));
    assert_eq!(
        s.client.try_royalty_info(&id, &-1),
        Err(Ok(Error::InvalidPrice))
    );
    assert_eq!(
        s.client.try_royalty_info(&id, &i128::MAX),
        Err(Ok(Error::Overflow))
    );
    assert_eq!(
        s.client.try_royalty_info(&3, &100),
        Err(Ok(Error::TokenNotFound))
    );

    // The royalty follows the creator, not the owner.
    let owner = Address::generate(&s.env);
    s.client.transfer(&creator, &owner, &id);
    assert_eq!(s.client.royalty_info(&id, &10_000), (creator, 250));
}

#[test]
fn queries_of_unknown_tokens() {
    let s = setup();
    assert_eq!(s.client.try_owner_of(&1), Err(Ok(Error::TokenNotFound)));
    assert_eq!(s.client.try_token_uri(&1), Err(Ok(Error::TokenNotFound)));
    assert_eq!(s.client.try_metadata(&1), Err(Ok(Error::TokenNotFound)));
    assert_eq!(
        s.client.try_provenance(&1, &0, &1),
        Err(Ok(Error::TokenNotFound))
    );
    assert_eq!(s.client.approved(&1), None);
}
