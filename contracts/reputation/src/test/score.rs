//! The scoring formula on its own: fixed points, bounds under any input,
//! monotonicity, and what rater weights let sock puppets reach.
use proptest::prelude::*;

use crate::{
    score::{
        compute_scores, rater_weight, with_scores, COMPLETION_CAP, MAX_CREDIT_SCORE,
        MAX_RATER_WEIGHT, MAX_RATING, MAX_REPUTATION, MAX_SCORE_PCT, MIN_RATING, RATING_CONFIDENCE,
        WEIGHT_CONFIDENCE,
    },
    Profile,
};

/// A profile whose ratings all come from raters of the highest weight.
fn profile(completions: u32, score_sum: u64, ratings: u32, rating_sum: u64) -> Profile {
    let full = u64::from(MAX_RATER_WEIGHT);
    Profile {
        completions,
        completion_score_sum: score_sum,
        ratings_received: ratings,
        rating_sum,
        rating_weight: u64::from(ratings) * full,
        weighted_rating_sum: rating_sum.saturating_mul(full),
        ..Profile::default()
    }
}

/// `p` plus one rating of `stars` at `weight`.
fn add_weighted_rating(p: &Profile, stars: u32, weight: u32) -> Profile {
    Profile {
        ratings_received: p.ratings_received + 1,
        rating_sum: p.rating_sum + u64::from(stars),
        rating_weight: p.rating_weight + u64::from(weight),
        weighted_rating_sum: p.weighted_rating_sum + u64::from(stars * weight),
        ..p.clone()
    }
}

/// A profile rated `n` times with `stars` by raters of weight `weight`.
fn rated(n: u32, stars: u32, weight: u32) -> Profile {
    (0..n).fold(Profile::default(), |p, _| {
        add_weighted_rating(&p, stars, weight)
    })
}

#[test]
fn rater_weight_grows_with_standing_up_to_five() {
    assert_eq!(rater_weight(0, false), 0);
    assert_eq!(rater_weight(1, false), 1);
    assert_eq!(rater_weight(4, false), 4);
    assert_eq!(rater_weight(5, false), MAX_RATER_WEIGHT);
    assert_eq!(rater_weight(u32::MAX, false), MAX_RATER_WEIGHT);
    // The role counts as the cap, with or without completions.
    assert_eq!(rater_weight(0, true), MAX_RATER_WEIGHT);
    assert_eq!(rater_weight(2, true), MAX_RATER_WEIGHT);
}

#[test]
fn twenty_sock_puppets_reach_a_fifth_of_the_old_maximum() {
    // Issue 16: twenty 5-star ratings gave R = 5,000 (reputation 5,000 of
    // 10,000). From raters with one completion each they weigh 20 of 100.
    assert_eq!(compute_scores(&rated(20, 5, 1)), (1_000, 60));
    // Established raters still reach the maximum.
    assert_eq!(
        compute_scores(&rated(20, 5, MAX_RATER_WEIGHT)),
        (5_000, 300)
    );
    // Four times as many puppets are still below that.
    assert_eq!(compute_scores(&rated(80, 5, 1)).0, 4_000);
}

#[test]
fn one_fresh_rater_moves_a_score_a_fifth_as_much() {
    assert_eq!(compute_scores(&rated(1, 5, 1)), (50, 3));
    assert_eq!(compute_scores(&rated(1, 5, MAX_RATER_WEIGHT)), (250, 15));
}

#[test]
fn a_one_star_flood_of_light_raters_barely_sinks_an_established_score() {
    // Twenty full-weight 5-star ratings, then twenty 1-star ones of weight 1:
    // the weighted average falls from 5 to 4.33, not to 3.
    let established = rated(20, 5, MAX_RATER_WEIGHT);
    let flooded = (0..20).fold(established, |p, _| add_weighted_rating(&p, 1, 1));
    assert_eq!(compute_scores(&flooded).0, 4_166);
    let unweighted = (0..20).fold(rated(20, 5, MAX_RATER_WEIGHT), |p, _| {
        add_weighted_rating(&p, 1, MAX_RATER_WEIGHT)
    });
    assert_eq!(compute_scores(&unweighted).0, 2_500);
}

#[test]
fn unweighted_counters_do_not_enter_the_score() {
    let p = Profile {
        ratings_received: 20,
        rating_sum: 100,
        ..Profile::default()
    };
    assert_eq!(compute_scores(&p), (0, 0));
}

#[test]
fn no_activity_scores_zero() {
    assert_eq!(compute_scores(&Profile::default()), (0, 0));
    // Contributions alone are self-recorded and earn nothing.
    let p = Profile {
        contributions: u32::MAX,
        ..Profile::default()
    };
    assert_eq!(compute_scores(&p), (0, 0));
}

#[test]
fn stored_scores_are_ignored() {
    let p = Profile {
        reputation: u32::MAX,
        credit_score: 77,
        ..profile(1, 80, 0, 0)
    };
    assert_eq!(compute_scores(&p), (80, 11));
    let refreshed = with_scores(p);
    assert_eq!((refreshed.reputation, refreshed.credit_score), (80, 11));
}

#[test]
fn known_values() {
    // Completions below the cap: C is the score sum.
    assert_eq!(compute_scores(&profile(10, 900, 0, 0)), (900, 126));
    // At and beyond the cap only the average counts.
    assert_eq!(compute_scores(&profile(50, 5_000, 0, 0)), (5_000, 700));
    assert_eq!(compute_scores(&profile(500, 50_000, 0, 0)), (5_000, 700));
    assert_eq!(compute_scores(&profile(100, 5_000, 0, 0)), (2_500, 350));
    // Ratings: R = 5,000 × min(n, 20) × (sum − n) / (80 n).
    assert_eq!(compute_scores(&profile(0, 0, 20, 100)), (5_000, 300));
    assert_eq!(compute_scores(&profile(0, 0, 1_000, 5_000)), (5_000, 300));
    assert_eq!(compute_scores(&profile(0, 0, 20, 20)), (0, 0));
    assert_eq!(compute_scores(&profile(0, 0, 40, 120)), (2_500, 150));
    // 10 completions at 90 %, 5 ratings averaging 4.6 stars.
    assert_eq!(compute_scores(&profile(10, 900, 5, 23)), (2_025, 193));
    // Everything maxed out.
    assert_eq!(
        compute_scores(&profile(50, 5_000, 20, 100)),
        (MAX_REPUTATION, MAX_CREDIT_SCORE)
    );
}

#[test]
fn no_single_activity_dominates() {
    let (reputation, credit) = compute_scores(&profile(u32::MAX, u64::MAX, 0, 0));
    assert_eq!((reputation, credit), (MAX_REPUTATION / 2, 700));
    let (reputation, credit) = compute_scores(&profile(0, 0, u32::MAX, u64::MAX));
    assert_eq!((reputation, credit), (MAX_REPUTATION / 2, 300));
}

#[test]
fn inconsistent_sums_are_clamped() {
    // More than 100 per completion counts as 100 each.
    assert_eq!(compute_scores(&profile(1, 1_000, 0, 0)), (100, 14));
    // Sums without counts count for nothing.
    assert_eq!(compute_scores(&profile(0, u64::MAX, 0, u64::MAX)), (0, 0));
    // Below one star per rating counts as one star each; above five as five.
    assert_eq!(compute_scores(&profile(0, 0, 4, 0)), (0, 0));
    assert_eq!(compute_scores(&profile(0, 0, 1, 99)), (250, 15));
}

#[test]
fn extremes_do_not_overflow() {
    for completions in [0, 1, COMPLETION_CAP - 1, COMPLETION_CAP, u32::MAX] {
        for ratings in [0, 1, RATING_CONFIDENCE - 1, RATING_CONFIDENCE, u32::MAX] {
            for sum in [0, 1, u64::from(u32::MAX), u64::MAX] {
                let (reputation, credit) = compute_scores(&profile(completions, sum, ratings, sum));
                assert!(reputation <= MAX_REPUTATION);
                assert!(credit <= MAX_CREDIT_SCORE);
                for weight in [0, 1, WEIGHT_CONFIDENCE, 1 << 40, u64::MAX] {
                    let p = Profile {
                        rating_weight: weight,
                        weighted_rating_sum: sum,
                        ..profile(completions, sum, ratings, sum)
                    };
                    let (reputation, credit) = compute_scores(&p);
                    assert!(reputation <= MAX_REPUTATION);
                    assert!(credit <= MAX_CREDIT_SCORE);
                }
            }
        }
    }
}

/// Counters the contract can actually produce (every score 0..=100, every
/// rating 1..=5), with counts drawn from the given ranges.
fn consistent_profile(
    completions: impl Strategy<Value = u32>,
    ratings: impl Strategy<Value = u32>,
) -> impl Strategy<Value = Profile> {
    (completions, ratings, any::<u64>(), any::<u64>()).prop_map(
        |(completions, ratings, score_seed, rating_seed)| {
            let max_score_sum = u64::from(completions) * u64::from(MAX_SCORE_PCT);
            let min_rating_sum = u64::from(ratings) * u64::from(MIN_RATING);
            let rating_span = u64::from(ratings) * u64::from(MAX_RATING - MIN_RATING);
            profile(
                completions,
                score_seed % (max_score_sum + 1),
                ratings,
                min_rating_sum + rating_seed % (rating_span + 1),
            )
        },
    )
}

/// Huge counts, and small ones around the caps.
fn either_profile() -> impl Strategy<Value = Profile> {
    prop_oneof![
        consistent_profile(0..u32::MAX, 0..u32::MAX),
        consistent_profile(0..2 * COMPLETION_CAP, 0..2 * RATING_CONFIDENCE),
    ]
}

fn add_completion(p: &Profile, score_pct: u32) -> Profile {
    profile(
        p.completions + 1,
        p.completion_score_sum + u64::from(score_pct),
        p.ratings_received,
        p.rating_sum,
    )
}

fn add_rating(p: &Profile, rating: u32) -> Profile {
    profile(
        p.completions,
        p.completion_score_sum,
        p.ratings_received + 1,
        p.rating_sum + u64::from(rating),
    )
}

fn at_least(after: (u32, u32), before: (u32, u32)) -> bool {
    after.0 >= before.0 && after.1 >= before.1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn scores_stay_in_bounds_for_any_counters(
        completions in any::<u32>(),
        score_sum in any::<u64>(),
        contributions in any::<u32>(),
        ratings in any::<u32>(),
        rating_sum in any::<u64>(),
        rating_weight in any::<u64>(),
        weighted_rating_sum in any::<u64>(),
        reputation in any::<u32>(),
        credit_score in any::<u32>(),
    ) {
        let p = Profile {
            completions,
            completion_score_sum: score_sum,
            contributions,
            ratings_received: ratings,
            rating_sum,
            rating_weight,
            weighted_rating_sum,
            reputation,
            credit_score,
        };
        let (reputation, credit) = compute_scores(&p);
        prop_assert!(reputation <= MAX_REPUTATION);
        prop_assert!(credit <= MAX_CREDIT_SCORE);
    }

    #[test]
    fn credit_moves_with_reputation(p in either_profile()) {
        // 3(C + R) ≤ 7C + 3R ≤ 7(C + R), less the rounding of the credit.
        let (reputation, credit) = compute_scores(&p);
        prop_assert!(50 * u64::from(credit) <= 7 * u64::from(reputation));
        prop_assert!(50 * u64::from(credit) + 50 > 3 * u64::from(reputation));
    }

    #[test]
    fn below_the_cap_any_completion_helps(
        p in consistent_profile(0..COMPLETION_CAP, 0..2 * RATING_CONFIDENCE),
        score in 0..=MAX_SCORE_PCT,
    ) {
        prop_assert!(at_least(compute_scores(&add_completion(&p, score)), compute_scores(&p)));
    }

    #[test]
    fn a_completion_at_or_above_average_never_hurts(p in either_profile(), bonus in 0..=MAX_SCORE_PCT) {
        let average_ceil = match p.completions {
            0 => 0,
            n => p.completion_score_sum.div_ceil(u64::from(n)) as u32,
        };
        let score = (average_ceil + bonus).min(MAX_SCORE_PCT);
        prop_assert!(at_least(compute_scores(&add_completion(&p, score)), compute_scores(&p)));
    }

    #[test]
    fn a_perfect_completion_never_hurts(p in either_profile()) {
        prop_assert!(at_least(
            compute_scores(&add_completion(&p, MAX_SCORE_PCT)),
            compute_scores(&p)
        ));
    }

    #[test]
    fn below_full_confidence_any_rating_helps(
        p in consistent_profile(0..2 * COMPLETION_CAP, 0..RATING_CONFIDENCE),
        rating in MIN_RATING..=MAX_RATING,
    ) {
        prop_assert!(at_least(compute_scores(&add_rating(&p, rating)), compute_scores(&p)));
    }

    #[test]
    fn a_rating_at_or_above_average_never_hurts(p in either_profile(), bonus in 0..=MAX_RATING) {
        let average_ceil = match p.ratings_received {
            0 => MIN_RATING,
            n => p.rating_sum.div_ceil(u64::from(n)) as u32,
        };
        let rating = (average_ceil + bonus).min(MAX_RATING);
        prop_assert!(at_least(compute_scores(&add_rating(&p, rating)), compute_scores(&p)));
    }

    #[test]
    fn a_five_star_rating_never_hurts(p in either_profile()) {
        prop_assert!(at_least(compute_scores(&add_rating(&p, MAX_RATING)), compute_scores(&p)));
    }

    #[test]
    fn rating_points_never_exceed_fifty_per_unit_of_weight(
        ratings in proptest::collection::vec((MIN_RATING..=MAX_RATING, 1..=MAX_RATER_WEIGHT), 0..60),
    ) {
        // Sock puppets of weight w add at most 50·w points together.
        let p = ratings
            .iter()
            .fold(Profile::default(), |p, &(stars, weight)| add_weighted_rating(&p, stars, weight));
        let (reputation, _) = compute_scores(&p);
        prop_assert!(u64::from(reputation) <= 50 * p.rating_weight);
    }

    #[test]
    fn below_full_confidence_any_weighted_rating_helps(
        ratings in proptest::collection::vec((MIN_RATING..=MAX_RATING, 1..=MAX_RATER_WEIGHT), 0..20),
        stars in MIN_RATING..=MAX_RATING,
        weight in 1..=MAX_RATER_WEIGHT,
    ) {
        let p = ratings
            .iter()
            .fold(Profile::default(), |p, &(stars, weight)| add_weighted_rating(&p, stars, weight));
        prop_assume!(p.rating_weight + u64::from(weight) <= WEIGHT_CONFIDENCE);
        prop_assert!(at_least(
            compute_scores(&add_weighted_rating(&p, stars, weight)),
            compute_scores(&p)
        ));
    }

    #[test]
    fn a_heavier_rater_moves_a_score_at_least_as_much(
        ratings in proptest::collection::vec((MIN_RATING..=MAX_RATING, 1..=MAX_RATER_WEIGHT), 0..20),
        light in 1..MAX_RATER_WEIGHT,
    ) {
        let p = ratings
            .iter()
            .fold(Profile::default(), |p, &(stars, weight)| add_weighted_rating(&p, stars, weight));
        prop_assume!(p.rating_weight + u64::from(MAX_RATER_WEIGHT) <= WEIGHT_CONFIDENCE);
        let by_light = compute_scores(&add_weighted_rating(&p, MAX_RATING, light));
        let by_heavy = compute_scores(&add_weighted_rating(&p, MAX_RATING, MAX_RATER_WEIGHT));
        prop_assert!(at_least(by_heavy, by_light));
    }

    #[test]
    fn scores_do_not_depend_on_contributions_or_stored_scores(
        p in either_profile(),
        contributions in any::<u32>(),
        stale in any::<(u32, u32)>(),
    ) {
        let q = Profile {
            contributions,
            reputation: stale.0,
            credit_score: stale.1,
            ..p.clone()
        };
        prop_assert_eq!(compute_scores(&q), compute_scores(&p));
    }
}
