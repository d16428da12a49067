//! The scoring formula: a pure function of a learner's [`Profile`] counters.
//!
//! Two capped parts, each worth at most 5,000 points:
//!
//! - **Completion points** `C = min(n_c, 50) × avg_score`, where `n_c` is the
//!   number of completed courses and `avg_score = completion_score_sum / n_c`
//!   (0..=100). Below 50 completions this is exactly the sum of the scores, so
//!   every completion adds its score; from 50 on only the average counts, so
//!   grinding more courses stops paying and weak results pull it down.
//! - **Rating points** `R = 5,000 × min(n_r, 20)/20 × (avg_rating − 1)/4`,
//!   where `n_r` is the number of ratings received and `avg_rating` is 1..=5.
//!   The confidence factor `min(n_r, 20)/20` keeps a handful of ratings from
//!   counting fully; below 20 ratings this equals 62.5 × Σ(stars − 1), so each
//!   rating adds, a one-star adds nothing (and never subtracts). From 20 on
//!   only the average counts.
//!
//! Then `reputation = C + R` (0..=10,000, completions and ratings weighted
//! equally) and `credit_score = (7·C + 3·R) / 50` (0..=1,000). Credit leans on
//! completions because an issuer vouches for them, whereas anyone can rate.
//! Contributions themselves add nothing: a learner records them at will, so
//! only the ratings others give them count.
//!
//! Integer arithmetic only, in `u64`: every intermediate is bounded below (see
//! the comments), so no input, even inconsistent counters at `u32::MAX` /
//! `u64::MAX`, can overflow. Divisions round down, which keeps the scores
//! monotone: adding a completion never lowers them while fewer than 50 are
//! recorded, nor afterwards if it scores at least the current average; the
//! same holds for ratings with 20 and the average rating.
use crate::types::Profile;

/// Highest `score_pct` of a completion.
pub const MAX_SCORE_PCT: u32 = 100;
/// Lowest and highest star rating.
pub const MIN_RATING: u32 = 1;
pub const MAX_RATING: u32 = 5;
/// Completions beyond this many no longer add points, only their average.
pub const COMPLETION_CAP: u32 = 50;
/// Ratings needed for the average rating to count fully.
pub const RATING_CONFIDENCE: u32 = 20;
/// Upper bounds of the two scores.
pub const MAX_REPUTATION: u32 = 10_000;
pub const MAX_CREDIT_SCORE: u32 = 1_000;

/// Each part's maximum; the reputation is their sum.
const PART_MAX: u64 = 5_000;
/// Credit weights, in tenths, of completion and rating points.
const CREDIT_COMPLETION_WEIGHT: u64 = 7;
const CREDIT_RATING_WEIGHT: u64 = 3;
/// (7·5,000 + 3·5,000) / 50 = 1,000.
const CREDIT_DIVISOR: u64 =
    (CREDIT_COMPLETION_WEIGHT + CREDIT_RATING_WEIGHT) * PART_MAX / MAX_CREDIT_SCORE as u64;

const _: () = assert!(COMPLETION_CAP as u64 * MAX_SCORE_PCT as u64 == PART_MAX);
const _: () = assert!(2 * PART_MAX == MAX_REPUTATION as u64);

/// Computes `(reputation, credit_score)` from the counters of `profile`; its
/// `reputation` and `credit_score` fields are ignored.
///
/// `reputation = C + R` in 0..=10,000 and `credit_score = (7·C + 3·R) / 50`
/// in 0..=1,000, with completion points
/// `C = min(completions, 50) × completion_score_sum / completions` (≤ 5,000)
/// and rating points
/// `R = 5,000 × min(ratings, 20) × (rating_sum − ratings) / (20 × 4 × ratings)`
/// (≤ 5,000). Sums outside what the counts allow (more than 100 per
/// completion, outside 1..=5 per rating) are clamped first. Never panics.
pub fn compute_scores(profile: &Profile) -> (u32, u32) {
    let completion = completion_points(profile.completions, profile.completion_score_sum);
    let rating = rating_points(profile.ratings_received, profile.rating_sum);
    // Both parts ≤ 5,000, so neither expression can overflow.
    let reputation = completion + rating;
    let credit =
        (CREDIT_COMPLETION_WEIGHT * completion + CREDIT_RATING_WEIGHT * rating) / CREDIT_DIVISOR;
    (to_u32(reputation), to_u32(credit))
}

/// `profile` with its score fields brought up to date.
pub fn with_scores(mut profile: Profile) -> Profile {
    (profile.reputation, profile.credit_score) = compute_scores(&profile);
    profile
}

fn completion_points(count: u32, score_sum: u64) -> u64 {
    if count == 0 {
        return 0;
    }
    let count = u64::from(count);
    // count < 2^32, so count × 100 < 2^39.
    let score_sum = score_sum.min(count * u64::from(MAX_SCORE_PCT));
    // ≤ 50 × 100 × 2^32 < 2^45.
    count.min(COMPLETION_CAP.into()) * score_sum / count
}

fn rating_points(count: u32, rating_sum: u64) -> u64 {
    if count == 0 {
        return 0;
    }
    let count = u64::from(count);
    // count × 5 < 2^35; the clamp makes `above_minimum` ≤ 4 × count.
    let rating_sum = rating_sum.clamp(count * u64::from(MIN_RATING), count * u64::from(MAX_RATING));
    let above_minimum = rating_sum - count * u64::from(MIN_RATING);
    let stars_above_minimum = u64::from(MAX_RATING - MIN_RATING);
    // ≤ 5,000 × 20 × 4 × 2^32 < 2^49.
    PART_MAX * count.min(RATING_CONFIDENCE.into()) * above_minimum
        / (u64::from(RATING_CONFIDENCE) * stars_above_minimum * count)
}

fn to_u32(points: u64) -> u32 {
    u32::try_from(points).unwrap_or(u32::MAX)
}
