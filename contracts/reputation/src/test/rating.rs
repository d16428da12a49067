use soroban_sdk::{
    testutils::{Events as _, MockAuth, MockAuthInvoke},
    Event, IntoVal, InvokeError,
};

use super::{args, Setup};
use crate::{events, storage::DataKey, Error, Profile};

#[test]
fn rating_updates_the_contribution_and_the_author() {
    let s = Setup::new();
    let author = s.address();
    let rater = s.rater();
    let second_rater = s.rater();
    let id = s.contribute(&author, 1);

    s.client.rate(&rater, &id, &5);

    s.assert_sole_auth(&rater, "rate", args(&s.env, (rater.clone(), id, 5u32)));
    let contribution = s.client.contribution(&id);
    assert_eq!((contribution.ratings, contribution.rating_sum), (1, 5));
    // R = 5,000 × 1/20 × (5 − 1)/4 = 250; credit 3·250/50 = 15.
    assert_eq!(
        s.client.profile(&author),
        Profile {
            contributions: 1,
            ratings_received: 1,
            rating_sum: 5,
            rating_weight: 5,
            weighted_rating_sum: 25,
            reputation: 250,
            credit_score: 15,
            ..Profile::default()
        }
    );

    s.client.rate(&second_rater, &id, &3);
    let contribution = s.client.contribution(&id);
    assert_eq!((contribution.ratings, contribution.rating_sum), (2, 8));
    // R = 5,000 × 2 × (8 − 2) / 80 = 375.
    assert_eq!(s.client.reputation(&author), 375);
    assert_eq!(s.client.credit_score(&author), 22);
    // Raters gain nothing.
    assert_eq!(s.client.profile(&rater), Profile::default());

    s.assert_fresh_ttl(&DataKey::Rating(rater.clone(), id));
    s.assert_fresh_ttl(&DataKey::Contribution(id));
    s.assert_fresh_ttl(&DataKey::Profile(author));
}

#[test]
fn ratings_of_several_contributions_add_up_on_the_author() {
    let s = Setup::new();
    let author = s.address();
    let rater = s.rater();
    let first = s.contribute(&author, 1);
    let second = s.contribute(&author, 2);

    s.client.rate(&rater, &first, &4);
    s.client.rate(&rater, &second, &1);

    let profile = s.client.profile(&author);
    assert_eq!((profile.ratings_received, profile.rating_sum), (2, 5));
    // A one-star rating adds nothing below 20 ratings: 62.5 × (3 + 0).
    assert_eq!(profile.reputation, 187);
    assert_eq!(s.client.contribution(&second).rating_sum, 1);
}

#[test]
fn emits_contribution_rated() {
    let s = Setup::new();
    let author = s.address();
    let rater = s.rater();
    let id = s.contribute(&author, 1);

    s.client.rate(&rater, &id, &4);

    assert_eq!(
        s.env.events().all(),
        [events::ContributionRated {
            contribution_id: id,
            rater,
            author,
            rating: 4,
            weight: 5,
            // 5,000 × 1 × 3 / 80 = 187; credit 3·187/50 = 11.
            author_reputation: 187,
            author_credit_score: 11,
        }
        .to_xdr(&s.env, &s.id)]
    );
}

#[test]
fn ratings_outside_one_to_five_are_refused() {
    let s = Setup::new();
    let author = s.address();
    let rater = s.rater();
    let id = s.contribute(&author, 1);

    for rating in [0, 6, u32::MAX] {
        assert_eq!(
            s.client.try_rate(&rater, &id, &rating),
            Err(Ok(Error::InvalidRating))
        );
    }
    assert_eq!(s.client.contribution(&id).ratings, 0);
    assert_eq!(s.client.profile(&author).ratings_received, 0);

    s.client.rate(&rater, &id, &1);
    s.client.rate(&s.rater(), &id, &5);
    assert_eq!(s.client.contribution(&id).rating_sum, 6);
}

#[test]
fn rating_an_unknown_contribution_is_refused() {
    let s = Setup::new();
    let rater = s.rater();
    assert_eq!(
        s.client.try_rate(&rater, &1, &5),
        Err(Ok(Error::ContributionNotFound))
    );
    let id = s.contribute(&s.address(), 1);
    assert_eq!(
        s.client.try_rate(&rater, &(id + 1), &5),
        Err(Ok(Error::ContributionNotFound))
    );
}

#[test]
fn authors_cannot_rate_themselves() {
    let s = Setup::new();
    let author = s.address();
    let id = s.contribute(&author, 1);

    assert_eq!(
        s.client.try_rate(&author, &id, &5),
        Err(Ok(Error::SelfRating))
    );
    assert_eq!(s.client.contribution(&id).ratings, 0);
    assert_eq!(s.client.profile(&author).reputation, 0);
}

#[test]
fn a_rater_rates_a_contribution_once() {
    let s = Setup::new();
    let author = s.address();
    let rater = s.rater();
    let id = s.contribute(&author, 1);
    let other_id = s.contribute(&author, 2);
    s.client.rate(&rater, &id, &2);

    assert_eq!(
        s.client.try_rate(&rater, &id, &5),
        Err(Ok(Error::AlreadyRated))
    );
    let contribution = s.client.contribution(&id);
    assert_eq!((contribution.ratings, contribution.rating_sum), (1, 2));
    assert_eq!(s.client.profile(&author).rating_sum, 2);

    // The same rater may still rate another contribution.
    s.client.rate(&rater, &other_id, &5);
    assert_eq!(s.client.profile(&author).rating_sum, 7);
}

#[test]
fn nobody_can_rate_in_someone_elses_name() {
    let s = Setup::new();
    let author = s.address();
    let rater = s.rater();
    let impostor = s.address();
    let id = s.contribute(&author, 1);

    let result = s
        .client
        .mock_auths(&[MockAuth {
            address: &impostor,
            invoke: &MockAuthInvoke {
                contract: &s.id,
                fn_name: "rate",
                args: (rater.clone(), id, 5u32).into_val(&s.env),
                sub_invokes: &[],
            },
        }])
        .try_rate(&rater, &id, &5);

    assert_eq!(result, Err(Err(InvokeError::Abort)));
    assert_eq!(s.client.contribution(&id).ratings, 0);
    assert_eq!(s.client.profile(&author).ratings_received, 0);
    // The real rater's one rating is still available.
    s.client.rate(&rater, &id, &5);
    assert_eq!(s.client.contribution(&id).ratings, 1);
}
