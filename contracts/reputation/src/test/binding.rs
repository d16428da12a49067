//! Courses bound to the one issuer that may record them, and the admin's
//! correction of a recorded completion.
use soroban_sdk::{
    testutils::{Events as _, MockAuth, MockAuthInvoke},
    Event, IntoVal, InvokeError,
};

use super::{args, host_refusal, Setup, BOUND_COURSES};
use crate::{events, storage::DataKey, Error, ISSUER};

#[test]
fn the_admin_binds_a_course_to_an_issuer() {
    let s = Setup::new();
    let issuer = s.address();
    assert_eq!(s.client.course_issuer(&42), None);

    s.client.bind_course(&42, &issuer);

    s.assert_sole_auth(
        &s.admin,
        "bind_course",
        args(&s.env, (42u64, issuer.clone())),
    );
    assert_eq!(
        s.env.events().all(),
        [events::CourseBound {
            course_id: 42,
            issuer: issuer.clone(),
        }
        .to_xdr(&s.env, &s.id)]
    );
    assert_eq!(s.client.course_issuer(&42), Some(issuer));
    s.assert_fresh_ttl(&DataKey::CourseIssuer(42));
}

#[test]
fn a_completion_of_an_unbound_course_is_refused() {
    let s = Setup::new();
    let learner = s.address();
    let unbound = BOUND_COURSES.end() + 1;

    assert_eq!(
        s.client
            .try_record_completion(&s.issuer, &learner, &unbound, &90),
        Err(Ok(Error::CourseNotBound))
    );
    assert!(!s.client.has_completed(&learner, &unbound));
    assert_eq!(s.client.profile(&learner).completions, 0);

    s.client.bind_course(&unbound, &s.issuer);
    s.client
        .record_completion(&s.issuer, &learner, &unbound, &90);
    assert!(s.client.has_completed(&learner, &unbound));
}

#[test]
fn only_the_bound_issuer_records_a_course() {
    let s = Setup::new();
    let other_issuer = s.address();
    s.client.grant_role(&ISSUER, &other_issuer);
    let learner = s.address();

    // Course 1 is bound to `s.issuer`: another issuer cannot record it.
    assert_eq!(
        s.client
            .try_record_completion(&other_issuer, &learner, &1, &100),
        Err(Ok(Error::NotCourseIssuer))
    );
    assert!(!s.client.has_completed(&learner, &1));

    // Rebinding moves the course: now only the other issuer may.
    s.client.bind_course(&1, &other_issuer);
    assert_eq!(
        s.client
            .try_record_completion(&s.issuer, &learner, &1, &100),
        Err(Ok(Error::NotCourseIssuer))
    );
    s.client
        .record_completion(&other_issuer, &learner, &1, &100);
    assert_eq!(s.client.profile(&learner).completion_score_sum, 100);
}

#[test]
fn a_bound_issuer_still_needs_the_role() {
    let s = Setup::new();
    let bound_only = s.address();
    s.client.bind_course(&1, &bound_only);

    assert_eq!(
        s.client
            .try_record_completion(&bound_only, &s.address(), &1, &100),
        Err(Ok(Error::Unauthorized))
    );
}

#[test]
fn only_the_admin_binds_courses() {
    let s = Setup::new();
    // An issuer tries to take over a course bound to someone else.
    let intruder = s.address();
    s.client.grant_role(&ISSUER, &intruder);
    let invoke = MockAuthInvoke {
        contract: &s.id,
        fn_name: "bind_course",
        args: (1u64, intruder.clone()).into_val(&s.env),
        sub_invokes: &[],
    };

    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &intruder,
            invoke: &invoke,
        }])
        .try_bind_course(&1, &intruder);

    // `bind_course` returns nothing, so the refusal is the host's.
    assert_eq!(result, Err(Ok(host_refusal())));
    assert_eq!(s.client.course_issuer(&1), Some(s.issuer.clone()));

    s.client
        .mock_auths(&[MockAuth {
            address: &s.admin,
            invoke: &invoke,
        }])
        .bind_course(&1, &intruder);
    assert_eq!(s.client.course_issuer(&1), Some(intruder));
}

#[test]
fn the_admin_corrects_a_completions_score() {
    let s = Setup::new();
    let learner = s.address();
    s.client.record_completion(&s.issuer, &learner, &1, &100);
    s.client.record_completion(&s.issuer, &learner, &2, &80);

    s.client.correct_completion(&learner, &1, &30);

    s.assert_sole_auth(
        &s.admin,
        "correct_completion",
        args(&s.env, (learner.clone(), 1u64, 30u32)),
    );
    // C = 30 + 80 = 110; credit 7·110/50 = 15.
    assert_eq!(
        s.env.events().all(),
        [events::CompletionCorrected {
            learner: learner.clone(),
            course_id: 1,
            previous_pct: 100,
            score_pct: 30,
            credit_score: 15,
            reputation: 110,
        }
        .to_xdr(&s.env, &s.id)]
    );
    let profile = s.client.profile(&learner);
    assert_eq!(
        (
            profile.completions,
            profile.completion_score_sum,
            profile.reputation
        ),
        (2, 110, 110)
    );
    let stored: u32 = s.env.as_contract(&s.id, || {
        s.env
            .storage()
            .persistent()
            .get(&DataKey::Completion(learner.clone(), 1))
            .unwrap()
    });
    assert_eq!(stored, 30);

    // A second correction replaces the corrected score, not the original.
    s.client.correct_completion(&learner, &1, &100);
    assert_eq!(s.client.profile(&learner).completion_score_sum, 180);
    // Still counted once.
    assert_eq!(
        s.client.try_record_completion(&s.issuer, &learner, &1, &50),
        Err(Ok(Error::AlreadyCompleted))
    );
}

#[test]
fn a_correction_needs_a_recorded_completion_and_a_valid_score() {
    let s = Setup::new();
    let learner = s.address();

    assert_eq!(
        s.client.try_correct_completion(&learner, &1, &50),
        Err(Ok(Error::CompletionNotFound))
    );
    s.client.record_completion(&s.issuer, &learner, &1, &70);
    assert_eq!(
        s.client.try_correct_completion(&learner, &1, &101),
        Err(Ok(Error::InvalidScore))
    );
    assert_eq!(
        s.client.try_correct_completion(&learner, &2, &50),
        Err(Ok(Error::CompletionNotFound))
    );
    assert_eq!(s.client.profile(&learner).completion_score_sum, 70);
}

#[test]
fn only_the_admin_corrects() {
    let s = Setup::new();
    let learner = s.address();
    s.client.record_completion(&s.issuer, &learner, &1, &40);
    // Neither the issuer that recorded it nor the learner may.
    for signer in [s.issuer.clone(), learner.clone()] {
        let result = s
            .client
            .mock_auths(&[MockAuth {
                address: &signer,
                invoke: &MockAuthInvoke {
                    contract: &s.id,
                    fn_name: "correct_completion",
                    args: (learner.clone(), 1u64, 100u32).into_val(&s.env),
                    sub_invokes: &[],
                },
            }])
            .try_correct_completion(&learner, &1, &100);
        assert_eq!(result, Err(Err(InvokeError::Abort)));
    }
    assert_eq!(s.client.profile(&learner).completion_score_sum, 40);

    s.client
        .mock_auths(&[MockAuth {
            address: &s.admin,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "correct_completion",
                args: (learner.clone(), 1u64, 100u32).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .correct_completion(&learner, &1, &100);
    assert_eq!(s.client.profile(&learner).completion_score_sum, 100);
}
