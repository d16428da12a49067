use soroban_sdk::{
    map,
    testutils::{Events as _, MockAuth, MockAuthInvoke},
    vec, Event, IntoVal, InvokeError, Symbol,
};

use super::{args, Setup};
use crate::{events, storage::DataKey, Error, Profile, ISSUER};

#[test]
fn records_a_completion_and_updates_the_profile() {
    let s = Setup::new();
    let learner = s.address();

    s.client.record_completion(&s.issuer, &learner, &7, &80);

    s.assert_sole_auth(
        &s.issuer,
        "record_completion",
        args(&s.env, (s.issuer.clone(), learner.clone(), 7u64, 80u32)),
    );
    assert!(s.client.has_completed(&learner, &7));
    assert!(!s.client.has_completed(&learner, &8));
    assert_eq!(
        s.client.profile(&learner),
        Profile {
            completions: 1,
            completion_score_sum: 80,
            contributions: 0,
            ratings_received: 0,
            rating_sum: 0,
            rating_weight: 0,
            weighted_rating_sum: 0,
            // C = 80, R = 0: reputation 80, credit 7·80/50 = 11.
            reputation: 80,
            credit_score: 11,
        }
    );
    assert_eq!(s.client.reputation(&learner), 80);
    assert_eq!(s.client.credit_score(&learner), 11);
    // The issuer is untouched.
    assert_eq!(s.client.profile(&s.issuer), Profile::default());

    s.assert_fresh_ttl(&DataKey::Profile(learner.clone()));
    s.assert_fresh_ttl(&DataKey::Completion(learner.clone(), 7));
    let stored: u32 = s.env.as_contract(&s.id, || {
        s.env
            .storage()
            .persistent()
            .get(&DataKey::Completion(learner.clone(), 7))
            .unwrap()
    });
    assert_eq!(stored, 80);
}

#[test]
fn emits_completion_recorded() {
    let s = Setup::new();
    let learner = s.address();

    s.client.record_completion(&s.issuer, &learner, &7, &80);

    assert_eq!(
        s.env.events().all(),
        [events::CompletionRecorded {
            learner: learner.clone(),
            course_id: 7,
            issuer: s.issuer.clone(),
            score_pct: 80,
            credit_score: 11,
            reputation: 80,
        }
        .to_xdr(&s.env, &s.id)]
    );
    // The same event spelled out: name first, then the filter keys; the
    // rest is a map.
    assert_eq!(
        s.env.events().all(),
        vec![
            &s.env,
            (
                s.id.clone(),
                vec![
                    &s.env,
                    Symbol::new(&s.env, "completion_recorded").into_val(&s.env),
                    learner.into_val(&s.env),
                    7u64.into_val(&s.env),
                    s.issuer.into_val(&s.env),
                ],
                map![
                    &s.env,
                    (Symbol::new(&s.env, "credit_score"), 11u32),
                    (Symbol::new(&s.env, "reputation"), 80u32),
                    (Symbol::new(&s.env, "score_pct"), 80u32),
                ]
                .into_val(&s.env),
            )
        ]
    );
}

#[test]
fn completions_accumulate_across_courses_and_issuers() {
    let s = Setup::new();
    let second_issuer = s.address();
    s.client.grant_role(&ISSUER, &second_issuer);
    let learner = s.address();
    s.client.bind_course(&2, &second_issuer);

    s.client.record_completion(&s.issuer, &learner, &1, &100);
    s.client.record_completion(&second_issuer, &learner, &2, &0);
    s.client.record_completion(&s.issuer, &learner, &3, &50);

    let profile = s.client.profile(&learner);
    assert_eq!(profile.completions, 3);
    assert_eq!(profile.completion_score_sum, 150);
    // Below 50 completions C is the sum of the scores.
    assert_eq!(profile.reputation, 150);
    assert_eq!(profile.credit_score, 21);
    assert!(s.client.has_completed(&learner, &2));
}

#[test]
fn score_bounds_are_accepted_and_101_is_refused() {
    let s = Setup::new();
    let learner = s.address();

    assert_eq!(
        s.client
            .try_record_completion(&s.issuer, &learner, &1, &101),
        Err(Ok(Error::InvalidScore))
    );
    assert_eq!(
        s.client
            .try_record_completion(&s.issuer, &learner, &1, &u32::MAX),
        Err(Ok(Error::InvalidScore))
    );
    assert!(!s.client.has_completed(&learner, &1));
    assert_eq!(s.client.profile(&learner), Profile::default());

    s.client.record_completion(&s.issuer, &learner, &1, &0);
    s.client.record_completion(&s.issuer, &learner, &2, &100);
    assert_eq!(s.client.profile(&learner).completion_score_sum, 100);
}

#[test]
fn an_issuer_cannot_certify_itself() {
    let s = Setup::new();

    assert_eq!(
        s.client
            .try_record_completion(&s.issuer, &s.issuer, &1, &90),
        Err(Ok(Error::SelfCompletion))
    );
    assert!(!s.client.has_completed(&s.issuer, &1));
    assert_eq!(s.client.profile(&s.issuer), Profile::default());
}

#[test]
fn a_course_counts_once_per_learner() {
    let s = Setup::new();
    let second_issuer = s.address();
    s.client.grant_role(&ISSUER, &second_issuer);
    let learner = s.address();
    let other_learner = s.address();
    s.client.record_completion(&s.issuer, &learner, &7, &60);

    assert_eq!(
        s.client
            .try_record_completion(&s.issuer, &learner, &7, &100),
        Err(Ok(Error::AlreadyCompleted))
    );
    // Not even through another issuer the course is moved to.
    s.client.bind_course(&7, &second_issuer);
    assert_eq!(
        s.client
            .try_record_completion(&second_issuer, &learner, &7, &100),
        Err(Ok(Error::AlreadyCompleted))
    );
    let profile = s.client.profile(&learner);
    assert_eq!(profile.completions, 1);
    assert_eq!(profile.completion_score_sum, 60);

    // The same course still counts for someone else.
    s.client
        .record_completion(&second_issuer, &other_learner, &7, &100);
    assert!(s.client.has_completed(&other_learner, &7));
}

#[test]
fn a_non_issuer_cannot_record_a_completion() {
    let s = Setup::new();
    let stranger = s.address();
    let learner = s.address();

    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "record_completion",
                args: (stranger.clone(), learner.clone(), 7u64, 90u32).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_record_completion(&stranger, &learner, &7, &90);

    assert_eq!(result, Err(Ok(Error::Unauthorized)));
    assert!(!s.client.has_completed(&learner, &7));
    assert_eq!(s.client.profile(&learner), Profile::default());
}

#[test]
fn nobody_can_record_in_an_issuers_name() {
    let s = Setup::new();
    let stranger = s.address();
    let learner = s.address();

    // The stranger signs, but names the real issuer as the caller.
    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "record_completion",
                args: (s.issuer.clone(), learner.clone(), 7u64, 90u32).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_record_completion(&s.issuer, &learner, &7, &90);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert!(!s.client.has_completed(&learner, &7));
    assert_eq!(s.client.profile(&learner), Profile::default());
}

#[test]
fn a_revoked_issuer_is_refused() {
    let s = Setup::new();
    let learner = s.address();
    s.client.record_completion(&s.issuer, &learner, &1, &70);

    s.client.revoke_role(&ISSUER, &s.issuer);
    assert!(!s.client.has_role(&ISSUER, &s.issuer));

    assert_eq!(
        s.client.try_record_completion(&s.issuer, &learner, &2, &70),
        Err(Ok(Error::Unauthorized))
    );
    assert!(!s.client.has_completed(&learner, &2));
    assert_eq!(s.client.profile(&learner).completions, 1);
}
