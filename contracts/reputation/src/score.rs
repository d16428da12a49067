//! The scoring formula: a pure function of a learner's [`Profile`] counters.
//!
//! Two capped parts, each worth at most 5,000 points:
//!
//! - **Completion points** `C = min(n_c, 50) × avg_score`, where `n_c` is the
//!   number of completed courses and `avg_score = completion_score_sum / n_c`
//!   (0..=100). Below 50 completions this is exactly the sum of the scores, so
//!   every completion adds its score; from 50 on only the average counts, so
//!   grinding more courses stops paying and weak results pull it down.
//! - **Rating points** `R = 5,000 × min(W, 100)/100 × (avg_rating − 1)/4`,
//!   where every rating carries its rater's weight `w` (1..=5, see
//!   [`rater_weight`]), `W = Σ w` is the weight received and
//!   `avg_rating = Σ w·stars / W` (1..=5) the weighted average. The
//!   confidence factor `min(W, 100)/100` keeps a handful of ratings from
//!   counting fully; below a weight of 100 this equals 12.5 × Σ w·(stars − 1),
//!   so each rating adds in proportion to its weight and a one-star adds
//!   nothing (and never subtracts). From 100 on only the average counts.
//!
//! Why weights (issue 16, Sybil resistance): before, `R` counted ratings
//! (`min(n_r, 20)/20` and a plain average), so 20 fresh addresses reached
//! `R = 5,000` with twenty 5-star ratings. Now only an address with a
//! recorded completion, or the admin-granted `rater` role, may rate at all,
//! and its weight is `min(its completions, 5)` (the role counts as 5). Twenty
//! sock puppets with one completion each weigh 20, so they give at most
//! `R = 5,000 × 20/100 = 1,000`, and one such rater moves a score by at most
//! 50 where an established rater moves it by 250; the same bound limits how
//! far a flood of one-star ratings can pull a victim's weighted average.
//! The weight is fixed when the rating is given and travels in its event,
//! so the score can be recomputed from events alone.
//!
//! Then `reputation = C + R` (0..=10,000, completions and ratings weighted
//! equally) and `credit_score = (7·C + 3·R) / 50` (0..=1,000). Credit leans on
//! completions because an issuer vouches for them, whereas ratings come from
//! peers. Contributions themselves add nothing: a learner records them at
//! will, so only the ratings others give them count.
//!
//! Integer arithmetic only, in `u64`: every intermediate is bounded below (see
//! the comments), so no input, even inconsistent counters at `u32::MAX` /
//! `u64::MAX`, can overflow. Divisions round down, which keeps the scores
//! monotone: adding a completion never lowers them while fewer than 50 are
//! recorded, nor afterwards if it scores at least the current average; the
//! same holds for ratings below a weight of 100 and, from there, for ratings
//! at least the weighted average.
use crate::types::Profile;

/// Highest `score_pct` of a completion.
pub const MAX_SCORE_PCT: u32 = 100;
/// Lowest and highest star rating.
pub const MIN_RATING: u32 = 1;
pub const MAX_RATING: u32 = 5;
/// Completions beyond this many no longer add points, only their average.
pub const COMPLETION_CAP: u32 = 50;
/// Ratings of the highest weight needed for the average rating to count
/// fully.
pub const RATING_CONFIDENCE: u32 = 20;
/// Highest weight of one rating: a rater with this many completions, or
/// the `rater` role.
pub const MAX_RATER_WEIGHT: u32 = 5;
/// Rating weight at which the average rating counts fully (20 × 5 = 100).
pub const WEIGHT_CONFIDENCE: u64 = RATING_CONFIDENCE as u64 * MAX_RATER_WEIGHT as u64;
/// Upper bounds of the two scores.
pub const MAX_REPUTATION: u32 = 10_000;
pub const MAX_CREDIT_SCORE: u32 = 1_000;

/// Each part's maximum; the reputation is their sum.
const PART_MAX: u64 = 5_000;
/// Credit weights, in tenths, of completion and rating points.
const CREDIT_COMPLETION_WEIGHT: u64 = 7;
const CREDIT_RATING_WEIGHT: u64 = 3;
/// Rating weights are clamped to this (far above anything 2^32 ratings of
/// weight 5 reach) so the products below stay within `u64`.
const MAX_WEIGHT_SUM: u64 = 1 << 40;
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
/// and rating points, with `W = rating_weight` and `S = weighted_rating_sum`,
/// `R = 5,000 × min(W, 100) × (S − W) / (100 × 4 × W)` (≤ 5,000). Sums
/// outside what the counts allow (more than 100 per completion, outside
/// 1..=5 stars per unit of weight) are clamped first. `ratings_received`
/// and `rating_sum` (unweighted) do not enter the score. Never panics.
pub fn compute_scores(profile: &Profile) -> (u32, u32) {
    let completion = completion_points(profile.completions, profile.completion_score_sum);
    let rating = rating_points(profile.rating_weight, profile.weighted_rating_sum);
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

/// The weight a rating by this rater carries: `min(completions, 5)`, or 5
/// with the `rater` role; 0 means it may not rate.
pub fn rater_weight(completions: u32, has_rater_role: bool) -> u32 {
    if has_rater_role {
        MAX_RATER_WEIGHT
    } else {
        completions.min(MAX_RATER_WEIGHT)
    }
}

fn rating_points(weight: u64, weighted_sum: u64) -> u64 {
    if weight == 0 {
        return 0;
    }
    let weight = weight.min(MAX_WEIGHT_SUM);
    // weight × 5 < 2^43; the clamp makes `above_minimum` ≤ 4 × weight.
    let weighted_sum = weighted_sum.clamp(
        weight * u64::from(MIN_RATING),
        weight * u64::from(MAX_RATING),
    );
    let above_minimum = weighted_sum - weight * u64::from(MIN_RATING);
    let stars_above_minimum = u64::from(MAX_RATING - MIN_RATING);
    // ≤ 5,000 × 100 × 4 × 2^40 < 2^61.
    PART_MAX * weight.min(WEIGHT_CONFIDENCE) * above_minimum
        / (WEIGHT_CONFIDENCE * stars_above_minimum * weight)
}

fn to_u32(points: u64) -> u32 {
    u32::try_from(points).unwrap_or(u32::MAX)
}
