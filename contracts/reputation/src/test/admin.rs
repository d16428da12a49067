use soroban_sdk::{
    testutils::{storage::Instance as _, Ledger as _, MockAuth, MockAuthInvoke},
    BytesN, IntoVal, Symbol,
};
use teachlink_common::{access::EMERGENCY, ttl};

use super::{host_refusal, Setup};
use crate::{Error, Profile, ISSUER};

#[test]
fn constructor_sets_the_admin() {
    let s = Setup::new();
    assert_eq!(s.client.admin(), s.admin);
    assert!(!s.client.is_paused());
    assert!(s.client.has_role(&ISSUER, &s.issuer));
    assert!(!s.client.has_role(&ISSUER, &s.admin));
}

#[test]
fn paused_contract_refuses_recording_and_rating() {
    let s = Setup::new();
    let guardian = s.address();
    s.client.grant_role(&EMERGENCY, &guardian);
    let learner = s.address();
    let rater = s.rater();
    let id = s.contribute(&learner, 1);
    let kind = Symbol::new(&s.env, "tutorial");

    s.client.pause(&guardian);
    assert!(s.client.is_paused());

    assert_eq!(
        s.client.try_record_completion(&s.issuer, &learner, &1, &90),
        Err(Ok(Error::Paused))
    );
    assert_eq!(
        s.client
            .try_record_contribution(&learner, &kind, &s.reference(2)),
        Err(Ok(Error::Paused))
    );
    assert_eq!(s.client.try_rate(&rater, &id, &5), Err(Ok(Error::Paused)));
    // Nothing changed, and queries still answer.
    assert!(!s.client.has_completed(&learner, &1));
    assert_eq!(
        s.client.profile(&learner),
        Profile {
            contributions: 1,
            ..Profile::default()
        }
    );
    assert_eq!(s.client.contribution(&id).ratings, 0);
    assert_eq!(
        s.client.try_contribution(&2),
        Err(Ok(Error::ContributionNotFound))
    );

    // The emergency role only pauses; the admin resumes.
    assert_eq!(
        s.client.try_unpause(&guardian),
        Err(Ok(Error::Unauthorized))
    );
    s.client.unpause(&s.admin);
    assert!(!s.client.is_paused());
    s.client.record_completion(&s.issuer, &learner, &1, &90);
    assert_eq!(
        s.client
            .record_contribution(&learner, &kind, &s.reference(2)),
        2
    );
    s.client.rate(&rater, &id, &5);
    let profile = s.client.profile(&learner);
    assert_eq!(
        (
            profile.completions,
            profile.contributions,
            profile.ratings_received
        ),
        (1, 2, 1)
    );
}

#[test]
fn the_admin_may_pause_too() {
    let s = Setup::new();
    s.client.pause(&s.admin);
    assert!(s.client.is_paused());
    s.client.unpause(&s.admin);
    assert!(!s.client.is_paused());
}

#[test]
fn only_emergency_holders_or_the_admin_pause() {
    let s = Setup::new();
    // Holding another role is not enough.
    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &s.issuer,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "pause",
                args: (s.issuer.clone(),).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_pause(&s.issuer);
    assert_eq!(result, Err(Ok(Error::Unauthorized)));
    assert!(!s.client.is_paused());

    s.client.pause(&s.admin);
    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &s.issuer,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "unpause",
                args: (s.issuer.clone(),).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_unpause(&s.issuer);
    assert_eq!(result, Err(Ok(Error::Unauthorized)));
    assert!(s.client.is_paused());
}

#[test]
fn only_the_admin_grants_the_issuer_role() {
    let s = Setup::new();
    let stranger = s.address();

    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "grant_role",
                args: (ISSUER, stranger.clone()).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_grant_role(&ISSUER, &stranger);

    assert_eq!(result, Err(Ok(host_refusal())));
    assert!(!s.client.has_role(&ISSUER, &stranger));
}

#[test]
fn only_the_admin_revokes_the_issuer_role() {
    let s = Setup::new();
    let stranger = s.address();

    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "revoke_role",
                args: (ISSUER, s.issuer.clone()).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_revoke_role(&ISSUER, &s.issuer);

    assert_eq!(result, Err(Ok(host_refusal())));
    assert!(s.client.has_role(&ISSUER, &s.issuer));
}

#[test]
fn admin_transfer_needs_both_parties() {
    let s = Setup::new();
    let new_admin = s.address();

    // The new admin alone cannot take over.
    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &new_admin,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "transfer_admin",
                args: (new_admin.clone(),).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_transfer_admin(&new_admin);
    assert_eq!(result, Err(Ok(host_refusal())));
    assert_eq!(s.client.admin(), s.admin);

    s.client.transfer_admin(&new_admin);
    let signers: std::vec::Vec<_> = s.env.auths().into_iter().map(|(a, _)| a).collect();
    assert_eq!(signers, std::vec![s.admin.clone(), new_admin.clone()]);
    assert_eq!(s.client.admin(), new_admin);
}

#[test]
// The hash is not uploaded either, so check the call dies on the auth check,
// which comes first.
#[should_panic(expected = "Error(Auth, InvalidAction)")]
fn only_the_admin_upgrades() {
    let s = Setup::new();
    let stranger = s.address();
    let hash = BytesN::from_array(&s.env, &[7; 32]);

    s.client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "upgrade",
                args: (hash.clone(),).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .upgrade(&hash);
}

#[test]
fn state_changes_keep_the_instance_alive() {
    let s = Setup::new();
    let learner = s.address();
    let rater = s.rater();
    let id = s.contribute(&learner, 1);
    let instance_ttl = || {
        s.env
            .as_contract(&s.id, || s.env.storage().instance().get_ttl())
    };
    let age_two_days = || {
        let now = s.env.ledger().sequence();
        s.env
            .ledger()
            .set_sequence_number(now + 2 * ttl::DAY_IN_LEDGERS);
        assert!(instance_ttl() < ttl::BUMP_THRESHOLD);
    };

    age_two_days();
    s.client.record_completion(&s.issuer, &learner, &1, &90);
    assert_eq!(instance_ttl(), ttl::BUMP_AMOUNT);

    age_two_days();
    s.contribute(&learner, 2);
    assert_eq!(instance_ttl(), ttl::BUMP_AMOUNT);

    age_two_days();
    s.client.rate(&rater, &id, &4);
    assert_eq!(instance_ttl(), ttl::BUMP_AMOUNT);
}
