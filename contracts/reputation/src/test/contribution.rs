use soroban_sdk::{
    testutils::{Events as _, MockAuth, MockAuthInvoke},
    Event, IntoVal, InvokeError, Symbol,
};

use super::{args, Setup};
use crate::{events, storage::DataKey, Contribution, Error, Profile};

#[test]
fn records_contributions_with_sequential_ids() {
    let s = Setup::new();
    let learner = s.address();
    let other = s.address();
    let kind = Symbol::new(&s.env, "tutorial");
    let reference = s.reference(1);

    let first = s.client.record_contribution(&learner, &kind, &reference);

    s.assert_sole_auth(
        &learner,
        "record_contribution",
        args(&s.env, (learner.clone(), kind.clone(), reference.clone())),
    );
    assert_eq!(first, 1);
    assert_eq!(
        s.client.contribution(&1),
        Contribution {
            author: learner.clone(),
            kind: kind.clone(),
            reference,
            recorded_at: 1_700_000_000,
            ratings: 0,
            rating_sum: 0,
        }
    );
    assert_eq!(s.contribute(&learner, 2), 2);
    assert_eq!(s.contribute(&other, 3), 3);
    assert_eq!(s.client.contribution(&3).author, other);

    // Recording contributions raises no score by itself.
    assert_eq!(
        s.client.profile(&learner),
        Profile {
            contributions: 2,
            ..Profile::default()
        }
    );
    assert_eq!(s.client.profile(&other).contributions, 1);
    s.assert_fresh_ttl(&DataKey::Contribution(1));
    s.assert_fresh_ttl(&DataKey::Profile(learner));
}

#[test]
fn emits_contribution_recorded() {
    let s = Setup::new();
    let learner = s.address();
    let kind = Symbol::new(&s.env, "answer");
    let reference = s.reference(9);

    let id = s.client.record_contribution(&learner, &kind, &reference);

    assert_eq!(
        s.env.events().all(),
        [events::ContributionRecorded {
            contribution_id: id,
            learner,
            kind,
            reference,
        }
        .to_xdr(&s.env, &s.id)]
    );
}

#[test]
fn unknown_contributions_are_not_found() {
    let s = Setup::new();
    assert_eq!(
        s.client.try_contribution(&1),
        Err(Ok(Error::ContributionNotFound))
    );
    s.contribute(&s.address(), 1);
    assert_eq!(
        s.client.try_contribution(&0),
        Err(Ok(Error::ContributionNotFound))
    );
    assert_eq!(
        s.client.try_contribution(&2),
        Err(Ok(Error::ContributionNotFound))
    );
}

#[test]
fn nobody_can_record_a_contribution_for_someone_else() {
    let s = Setup::new();
    let learner = s.address();
    let stranger = s.address();
    let kind = Symbol::new(&s.env, "tutorial");
    let reference = s.reference(1);

    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &stranger,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "record_contribution",
                args: (learner.clone(), kind.clone(), reference.clone()).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_record_contribution(&learner, &kind, &reference);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert_eq!(
        s.client.try_contribution(&1),
        Err(Ok(Error::ContributionNotFound))
    );
    assert_eq!(s.client.profile(&learner), Profile::default());
    // The failed call took no id.
    assert_eq!(s.contribute(&learner, 1), 1);
}
