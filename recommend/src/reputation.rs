//! Owns reputation prediction: a learner's credit-score trajectory estimated by small ridge
//! regressions, one per horizon, trained on indexed activity (completions with their
//! scores, ratings received on contributions).
//!
//! The credit score itself is the contracts' formula (`contracts/reputation/src/score.rs`,
//! ported in [`credit_score`]): completion points `C = min(n_c, 50)·avg_score` and rating
//! points `R = 5,000·min(n_r, 20)/20·(avg_rating − 1)/4`, credit `(7·C + 3·R)/50`. So the
//! features say where a learner stands on each capped part and how fast they have been
//! moving (see [`features`]), and the model learns how much credit a learner like that
//! gains over the next `h` periods — which depends on their pace, their scores and how
//! close they are to the caps. Each step `h = 1..=horizons` ahead has its own weights,
//! predicting the credit gained in that step (`credit(t + h·period) − credit(t + (h−1)·period)`)
//! from the features at `t`, fitted in closed form `(XᵀX + λI)⁻¹Xᵀy` from one sample per
//! learner and whole period of history; the trajectory is the current credit plus the
//! running sum of the steps. Below both caps (fewer than 50 completions and 20 ratings) the
//! contract's credit can only grow — each completion adds its score, each rating adds
//! 0 to 4 stars' worth — so there a predicted step is floored at 0; past a cap a weak
//! result lowers the average, and steps may be negative. The baseline it must beat is
//! persistence (the credit stays where it is), see [`evaluate`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What happened to a learner's reputation counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityKind {
    /// A completion recorded for the learner, with its score (0..=100).
    Completion { score_pct: u32 },
    /// A rating (1..=5) the learner's contribution received, with its rater's weight
    /// (1..=5, carried by the event).
    RatingReceived { stars: u32, weight: u32 },
}

/// One event of reputation activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub learner: String,
    /// UNIX seconds.
    pub time: u64,
    pub kind: ActivityKind,
}

/// The contracts' counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub completions: u32,
    pub score_sum: u64,
    pub ratings: u32,
    pub rating_sum: u64,
    /// Sum of the ratings' weights, and of weight × stars: the contract's rating points
    /// use their ratio as the average.
    pub rating_weight: u64,
    pub weighted_rating_sum: u64,
}

impl Counters {
    /// Adds an event; scores above 100 and stars outside 1..=5 are clamped, like the
    /// contract clamps sums.
    pub fn add(&mut self, kind: ActivityKind) {
        match kind {
            ActivityKind::Completion { score_pct } => {
                self.completions = self.completions.saturating_add(1);
                self.score_sum = self.score_sum.saturating_add(u64::from(score_pct.min(100)));
            }
            ActivityKind::RatingReceived { stars, weight } => {
                let (stars, weight) = (u64::from(stars.clamp(1, 5)), u64::from(weight.clamp(1, 5)));
                self.ratings = self.ratings.saturating_add(1);
                self.rating_sum = self.rating_sum.saturating_add(stars);
                self.rating_weight = self.rating_weight.saturating_add(weight);
                self.weighted_rating_sum = self.weighted_rating_sum.saturating_add(weight * stars);
            }
        }
    }

    /// Completion points (0..=5,000).
    pub fn completion_points(&self) -> u64 {
        if self.completions == 0 {
            return 0;
        }
        let n = u64::from(self.completions);
        let sum = self.score_sum.min(n * 100);
        n.min(50) * sum / n
    }

    /// Rating points (0..=5,000), weighted: full confidence at a weight of 100.
    pub fn rating_points(&self) -> u64 {
        if self.rating_weight == 0 {
            return 0;
        }
        let w = self.rating_weight.min(1 << 40);
        let sum = self.weighted_rating_sum.clamp(w, w * 5);
        5_000 * w.min(100) * (sum - w) / (100 * 4 * w)
    }
}

/// `(reputation, credit_score)` exactly as `contracts/reputation/src/score.rs` computes them.
pub fn credit_score(c: &Counters) -> (u32, u32) {
    let (cp, rp) = (c.completion_points(), c.rating_points());
    let rep = u32::try_from(cp + rp).unwrap_or(u32::MAX);
    let credit = u32::try_from((7 * cp + 3 * rp) / 50).unwrap_or(u32::MAX);
    (rep, credit)
}

/// Number of features.
pub const FEATURES: usize = 10;

/// Features of a learner at some time: their counters then, and their counts over the
/// last `window` periods (`recent_completions`, `recent_score_sum`, `recent_ratings`,
/// `recent_stars`).
pub fn features(c: &Counters, recent: &Counters, window: f64) -> [f64; FEATURES] {
    let nc = f64::from(c.completions);
    let nr = f64::from(c.ratings);
    let avg_score = if nc > 0.0 {
        c.score_sum as f64 / nc / 100.0
    } else {
        0.0
    };
    let avg_rating = if nr > 0.0 {
        (c.rating_sum as f64 / nr - 1.0) / 4.0
    } else {
        0.0
    };
    let rc = f64::from(recent.completions) / window;
    let rr = f64::from(recent.ratings) / window;
    let recent_score = if recent.completions > 0 {
        recent.score_sum as f64 / f64::from(recent.completions) / 100.0
    } else {
        avg_score
    };
    let below_cap = if c.completions < 50 { 1.0 } else { 0.0 };
    [
        1.0,
        c.completion_points() as f64 / 5_000.0,
        c.rating_points() as f64 / 5_000.0,
        avg_score,
        avg_rating,
        rc * below_cap,
        rc * recent_score * below_cap,
        rr * if c.rating_weight < 100 { 1.0 } else { 0.0 },
        rr * avg_rating,
        (nr.min(20.0)) / 20.0,
    ]
}

/// Tuning of the model.
#[derive(Clone, Debug, PartialEq)]
pub struct ReputationConfig {
    /// Length of one step, seconds (30 days).
    pub period: u64,
    /// Steps predicted ahead.
    pub horizons: usize,
    /// Periods the pace features look back.
    pub window: u64,
    /// Ridge penalty.
    pub lambda: f64,
}

impl Default for ReputationConfig {
    fn default() -> Self {
        ReputationConfig {
            period: 30 * 86_400,
            horizons: 6,
            window: 3,
            lambda: 1.0,
        }
    }
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReputationError {
    #[error("not enough history to train: {0} samples")]
    NotEnoughData(usize),
    #[error("the period must be at least one second and horizons at least one")]
    BadConfig,
    #[error("the normal equations are singular")]
    Singular,
}

/// A predicted trajectory: the credit score now, then one point per period ahead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    pub now: u64,
    pub current: u32,
    /// (time, predicted credit score 0..=1,000).
    pub points: Vec<(u64, f32)>,
}

/// One training sample: features at t and the credit change to t + h·period for each h.
struct Sample {
    x: [f64; FEATURES],
    /// Credit at t + h·period minus credit at t, h = 1..=horizons.
    deltas: Vec<Option<f64>>,
    /// Credit gained in step h.
    steps: Vec<Option<f64>>,
    current: f64,
    below_caps: bool,
}

/// Whether credit can only grow from here (see the module docs).
fn below_caps(c: &Counters) -> bool {
    c.completions < 50 && c.rating_weight < 100
}

/// The learners' activities, each sorted by time.
fn by_learner(activity: &[Activity]) -> BTreeMap<&str, Vec<&Activity>> {
    let mut m: BTreeMap<&str, Vec<&Activity>> = BTreeMap::new();
    for a in activity {
        m.entry(a.learner.as_str()).or_default().push(a);
    }
    for v in m.values_mut() {
        v.sort_by_key(|a| a.time);
    }
    m
}

fn counters_at(events: &[&Activity], until: u64, from: u64) -> Counters {
    let mut c = Counters::default();
    for a in events.iter().filter(|a| a.time >= from && a.time <= until) {
        c.add(a.kind);
    }
    c
}

fn samples(events: &[&Activity], end: u64, config: &ReputationConfig) -> Vec<Sample> {
    let Some(first) = events.first() else {
        return Vec::new();
    };
    let p = config.period;
    let mut out = Vec::new();
    let mut t = first.time.saturating_add(p);
    while t.saturating_add(p) <= end {
        let c = counters_at(events, t, 0);
        let recent = counters_at(events, t, t.saturating_sub(config.window * p) + 1);
        let credit = f64::from(credit_score(&c).1);
        let credits: Vec<Option<f64>> = (0..=config.horizons as u64)
            .map(|h| {
                let at = t.checked_add(h * p)?;
                (at <= end).then(|| f64::from(credit_score(&counters_at(events, at, 0)).1))
            })
            .collect();
        out.push(Sample {
            x: features(&c, &recent, config.window as f64),
            deltas: credits
                .iter()
                .skip(1)
                .map(|v| v.map(|v| v - credit))
                .collect(),
            steps: credits.windows(2).map(|w| Some(w[1]? - w[0]?)).collect(),
            current: credit,
            below_caps: below_caps(&c),
        });
        t = t.saturating_add(p);
    }
    out
}

/// Ridge-regression weights per horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct ReputationModel {
    config: ReputationConfig,
    weights: Vec<[f64; FEATURES]>,
}

impl ReputationModel {
    /// Fits on `activity`, observed up to `end` (UNIX seconds; the newest indexed time).
    pub fn fit(
        activity: &[Activity],
        end: u64,
        config: &ReputationConfig,
    ) -> Result<ReputationModel, ReputationError> {
        if config.period == 0 || config.horizons == 0 {
            return Err(ReputationError::BadConfig);
        }
        let all: Vec<Sample> = by_learner(activity)
            .values()
            .flat_map(|ev| samples(ev, end, config))
            .collect();
        let mut weights = Vec::with_capacity(config.horizons);
        for h in 0..config.horizons {
            let rows: Vec<(&[f64; FEATURES], f64)> = all
                .iter()
                .filter_map(|s| s.steps.get(h).copied().flatten().map(|y| (&s.x, y)))
                .collect();
            if rows.len() < FEATURES * 2 {
                return Err(ReputationError::NotEnoughData(rows.len()));
            }
            weights.push(ridge(&rows, config.lambda)?);
        }
        Ok(ReputationModel {
            config: config.clone(),
            weights,
        })
    }

    /// The trajectory of a learner whose activity (any order) is `events`, from `now`.
    pub fn predict(&self, events: &[Activity], now: u64) -> Trajectory {
        let mut ev: Vec<&Activity> = events.iter().filter(|a| a.time <= now).collect();
        ev.sort_by_key(|a| a.time);
        let p = self.config.period;
        let c = counters_at(&ev, now, 0);
        let recent = counters_at(&ev, now, now.saturating_sub(self.config.window * p) + 1);
        let x = features(&c, &recent, self.config.window as f64);
        let current = credit_score(&c).1;
        let points = self
            .project(&x, f64::from(current), below_caps(&c))
            .into_iter()
            .enumerate()
            .map(|(h, v)| (now.saturating_add((h as u64 + 1) * p), v as f32))
            .collect();
        Trajectory {
            now,
            current,
            points,
        }
    }

    /// Predicted credit after each step, from features `x` and the current credit.
    fn project(&self, x: &[f64; FEATURES], current: f64, below_caps: bool) -> Vec<f64> {
        let mut v = current;
        self.weights
            .iter()
            .map(|w| {
                let mut step: f64 = w.iter().zip(x).map(|(a, b)| a * b).sum();
                if below_caps {
                    step = step.max(0.0);
                }
                v = (v + step).clamp(0.0, 1_000.0);
                v
            })
            .collect()
    }

    pub fn weights(&self) -> &[[f64; FEATURES]] {
        &self.weights
    }
}

/// Solves `(XᵀX + λI) w = Xᵀy` (the intercept unpenalised) by Gaussian elimination with
/// partial pivoting.
fn ridge(
    rows: &[(&[f64; FEATURES], f64)],
    lambda: f64,
) -> Result<[f64; FEATURES], ReputationError> {
    let mut a = [[0f64; FEATURES]; FEATURES];
    let mut b = [0f64; FEATURES];
    for (x, y) in rows {
        for i in 0..FEATURES {
            b[i] += x[i] * y;
            for j in 0..FEATURES {
                a[i][j] += x[i] * x[j];
            }
        }
    }
    for (i, row) in a.iter_mut().enumerate().skip(1) {
        row[i] += lambda;
    }
    solve(a, b)
}

fn solve(
    mut a: [[f64; FEATURES]; FEATURES],
    mut b: [f64; FEATURES],
) -> Result<[f64; FEATURES], ReputationError> {
    for col in 0..FEATURES {
        let pivot = (col..FEATURES)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        let magnitude = a[pivot][col].abs();
        if magnitude.is_nan() || magnitude <= 1e-12 {
            return Err(ReputationError::Singular);
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for r in col + 1..FEATURES {
            let f = a[r][col] / pivot_row[col];
            for (x, p) in a[r].iter_mut().zip(&pivot_row).skip(col) {
                *x -= f * p;
            }
            b[r] -= f * b[col];
        }
    }
    let mut w = [0f64; FEATURES];
    for i in (0..FEATURES).rev() {
        let s: f64 = (i + 1..FEATURES).map(|j| a[i][j] * w[j]).sum();
        w[i] = (b[i] - s) / a[i][i];
        if !w[i].is_finite() {
            return Err(ReputationError::Singular);
        }
    }
    Ok(w)
}

/// Mean absolute error of the model and of persistence, over all horizons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReputationEval {
    pub samples: usize,
    pub model_mae: f64,
    pub persistence_mae: f64,
}

/// Trains on the learners whose position in sorted order is not a multiple of 5, and
/// measures on the others (held-out learners): |predicted − actual| credit at every
/// horizon of every sample.
pub fn evaluate(
    activity: &[Activity],
    end: u64,
    config: &ReputationConfig,
) -> Result<ReputationEval, ReputationError> {
    let groups = by_learner(activity);
    let (mut train, mut test): (Vec<Activity>, Vec<&Vec<&Activity>>) = (Vec::new(), Vec::new());
    for (i, ev) in groups.values().enumerate() {
        if i % 5 == 0 {
            test.push(ev);
        } else {
            train.extend(ev.iter().map(|a| (*a).clone()));
        }
    }
    let model = ReputationModel::fit(&train, end, config)?;
    let (mut n, mut m, mut p) = (0usize, 0f64, 0f64);
    for ev in test {
        for s in samples(ev, end, config) {
            let path = model.project(&s.x, s.current, s.below_caps);
            for (d, pred) in s.deltas.iter().zip(path) {
                let Some(d) = d else {
                    continue;
                };
                m += (pred - (s.current + d)).abs();
                p += d.abs();
                n += 1;
            }
        }
    }
    let n_f = n.max(1) as f64;
    Ok(ReputationEval {
        samples: n,
        model_mae: m / n_f,
        persistence_mae: p / n_f,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counters whose ratings all came from raters of the highest weight.
    fn c(completions: u32, score_sum: u64, ratings: u32, rating_sum: u64) -> Counters {
        Counters {
            completions,
            score_sum,
            ratings,
            rating_sum,
            rating_weight: u64::from(ratings) * 5,
            weighted_rating_sum: rating_sum.saturating_mul(5),
        }
    }

    #[test]
    fn light_raters_weigh_less_like_in_the_contract() {
        // contracts/reputation/src/test/score.rs: twenty weight-1 five-star ratings give
        // R = 1,000, one gives 50.
        let mut twenty = Counters::default();
        for _ in 0..20 {
            twenty.add(ActivityKind::RatingReceived {
                stars: 5,
                weight: 1,
            });
        }
        assert_eq!(credit_score(&twenty), (1_000, 60));
        let mut one = Counters::default();
        one.add(ActivityKind::RatingReceived {
            stars: 5,
            weight: 1,
        });
        assert_eq!(credit_score(&one), (50, 3));
    }

    #[test]
    fn credit_matches_the_contract_formula() {
        assert_eq!(credit_score(&Counters::default()), (0, 0));
        // One completion at 92: C = 92, credit = 7·92/50 = 12.
        assert_eq!(credit_score(&c(1, 92, 0, 0)), (92, 12));
        // Caps: 50 perfect completions and 20 five-star ratings = the maxima.
        assert_eq!(credit_score(&c(50, 5_000, 20, 100)), (10_000, 1_000));
        assert_eq!(credit_score(&c(80, 8_000, 40, 200)), (10_000, 1_000));
        // A one-star rating adds nothing; inconsistent sums are clamped.
        assert_eq!(credit_score(&c(0, 0, 1, 1)), (0, 0));
        assert_eq!(
            credit_score(&c(1, 1_000, 1, 99)),
            (100 + 250, (700 + 750) / 50)
        );
        assert_eq!(
            credit_score(&c(u32::MAX, u64::MAX, u32::MAX, u64::MAX)),
            (10_000, 1_000)
        );
    }

    #[test]
    fn solver_recovers_a_linear_model() {
        let xs: Vec<[f64; FEATURES]> = (0..50)
            .map(|i| {
                let mut x = [0.0; FEATURES];
                x[0] = 1.0;
                for (k, v) in x.iter_mut().enumerate().skip(1) {
                    *v = ((i * (k + 3) * 7919) % 101) as f64 / 101.0;
                }
                x
            })
            .collect();
        let truth: [f64; FEATURES] = [5.0, 1.0, -2.0, 3.0, 0.5, 0.0, 4.0, -1.0, 2.0, 1.5];
        let rows: Vec<(&[f64; FEATURES], f64)> = xs
            .iter()
            .map(|x| (x, x.iter().zip(&truth).map(|(a, b)| a * b).sum()))
            .collect();
        let w = ridge(&rows, 0.0).unwrap();
        for (a, b) in w.iter().zip(&truth) {
            assert!((a - b).abs() < 1e-6, "{w:?}");
        }
        // All-zero features are singular without a penalty.
        let zero = [0.0; FEATURES];
        assert_eq!(ridge(&[(&zero, 1.0)], 0.0), Err(ReputationError::Singular));
    }

    #[test]
    fn too_little_data_and_bad_config_are_errors() {
        let cfg = ReputationConfig::default();
        assert_eq!(
            ReputationModel::fit(&[], 0, &cfg),
            Err(ReputationError::NotEnoughData(0))
        );
        let bad = ReputationConfig { period: 0, ..cfg };
        assert_eq!(
            ReputationModel::fit(&[], 0, &bad),
            Err(ReputationError::BadConfig)
        );
    }
}
