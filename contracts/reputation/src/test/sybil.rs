//! Who may rate, and how much a rating weighs (issue 16's Sybil flood).
use soroban_sdk::{testutils::Events as _, Event};

use super::Setup;
use crate::{events, Error, RATER};

#[test]
fn an_address_without_a_completion_or_the_role_cannot_rate() {
    let s = Setup::new();
    let author = s.address();
    let fresh = s.address();
    let id = s.contribute(&author, 1);

    assert_eq!(
        s.client.try_rate(&fresh, &id, &5),
        Err(Ok(Error::RaterNotEligible))
    );
    assert_eq!(s.client.contribution(&id).ratings, 0);
    assert_eq!(s.client.profile(&author).reputation, 0);

    // One recorded completion makes it eligible.
    s.client.record_completion(&s.issuer, &fresh, &1, &50);
    s.client.rate(&fresh, &id, &5);
    assert_eq!(s.client.contribution(&id).ratings, 1);
}

#[test]
fn the_rater_role_makes_an_address_eligible_at_full_weight() {
    let s = Setup::new();
    let author = s.address();
    let reviewer = s.address();
    let id = s.contribute(&author, 1);
    s.client.grant_role(&RATER, &reviewer);

    s.client.rate(&reviewer, &id, &5);
    assert_eq!(s.client.profile(&author).rating_weight, 5);

    // Revoking the role takes the eligibility away again.
    s.client.revoke_role(&RATER, &reviewer);
    let other = s.contribute(&author, 2);
    assert_eq!(
        s.client.try_rate(&reviewer, &other, &5),
        Err(Ok(Error::RaterNotEligible))
    );
}

#[test]
fn the_rating_event_carries_the_raters_weight() {
    let s = Setup::new();
    let author = s.address();
    let rater = s.learner_with(2);
    let id = s.contribute(&author, 1);

    s.client.rate(&rater, &id, &5);

    // W = 2, S = 10: R = 5,000 × 2 × 8 / 800 = 100; credit 3·100/50 = 6.
    assert_eq!(
        s.env.events().all(),
        [events::ContributionRated {
            contribution_id: id,
            rater,
            author: author.clone(),
            rating: 5,
            weight: 2,
            author_reputation: 100,
            author_credit_score: 6,
        }
        .to_xdr(&s.env, &s.id)]
    );
    let profile = s.client.profile(&author);
    assert_eq!(
        (
            profile.ratings_received,
            profile.rating_sum,
            profile.rating_weight,
            profile.weighted_rating_sum
        ),
        (1, 5, 2, 10)
    );
}

#[test]
fn weight_stops_growing_at_five_completions() {
    let s = Setup::new();
    let author = s.address();
    let veteran = s.learner_with(8);
    let id = s.contribute(&author, 1);

    s.client.rate(&veteran, &id, &5);

    assert_eq!(s.client.profile(&author).rating_weight, 5);
    assert_eq!(s.client.reputation(&author), 250);
}

#[test]
fn twenty_sock_puppets_no_longer_reach_half_the_scale() {
    // Issue 16: 21 fresh addresses, twenty of them rating the first one's
    // contribution 5 stars, reached reputation 5,000 / 10,000. Fresh
    // addresses are refused outright; with one completion each (which an
    // issuer had to record) the twenty weigh 20 and reach 1,000.
    let s = Setup::new();
    let target = s.address();
    let id = s.contribute(&target, 1);
    for _ in 0..20 {
        let puppet = s.address();
        assert_eq!(
            s.client.try_rate(&puppet, &id, &5),
            Err(Ok(Error::RaterNotEligible))
        );
    }
    assert_eq!(s.client.reputation(&target), 0);

    for _ in 0..20 {
        let puppet = s.learner_with(1);
        s.client.rate(&puppet, &id, &5);
    }
    assert_eq!(s.client.reputation(&target), 1_000);
}

#[test]
fn a_flood_of_light_one_star_ratings_barely_sinks_a_victim() {
    let s = Setup::new();
    let victim = s.address();
    let id = s.contribute(&victim, 1);
    for _ in 0..20 {
        s.client.rate(&s.rater(), &id, &5);
    }
    assert_eq!(s.client.reputation(&victim), 5_000);

    for _ in 0..20 {
        s.client.rate(&s.learner_with(1), &id, &1);
    }
    // Weighted average 520/120 = 4.33 stars: R = 5,000 × 400/480 = 4,166
    // (2,500 at the unweighted 3 stars).
    assert_eq!(s.client.reputation(&victim), 4_166);
}
