//! Owns offline evaluation: the held-out split and precision@k, recall@k and NDCG@k.
//!
//! # The split
//!
//! Per learner, courses are ordered by when the learner first took them up (ties by
//! course index). A learner with at least `holdout + min_train` courses has their last
//! `holdout` courses held out: every interaction with those courses (enrolment,
//! completion, rating) leaves the training data, and the held-out courses are the
//! relevant set. Learners with fewer courses stay whole in the training data and are not
//! evaluated. Models are trained on the training data only; each evaluated learner's
//! training history is what the model sees of them. This is a temporal leave-last-out
//! split: it asks what a learner takes *next*, as the app would.
//!
//! # The metrics
//!
//! For a ranked list `L` of `k` courses (never ones in the learner's training history)
//! and relevant set `R`: precision@k = |L∩R|/k, recall@k = |L∩R|/|R|, and
//! NDCG@k = Σ_{i: L_i∈R} 1/log2(i+2) ÷ Σ_{i<min(k,|R|)} 1/log2(i+2). Each is averaged over
//! evaluated learners.

use serde::{Deserialize, Serialize};

use crate::dataset::{Dataset, Engagement};

/// Training data and the held-out courses of each evaluated learner.
#[derive(Clone, Debug)]
pub struct Split {
    pub train: Dataset,
    /// (learner index, held-out course indices).
    pub test: Vec<(u32, Vec<u32>)>,
}

/// Holds out each learner's last `holdout` courses (see the module docs).
pub fn split_last(data: &Dataset, holdout: usize, min_train: usize) -> Split {
    let mut held = vec![Vec::new(); data.learners().len()];
    let mut test = Vec::new();
    for (u, h) in data.histories().iter().enumerate() {
        if holdout == 0 || h.len() < holdout + min_train.max(1) {
            continue;
        }
        let items: Vec<u32> = h[h.len() - holdout..].iter().map(|e| e.item).collect();
        held[u] = items.clone();
        test.push((u as u32, items));
    }
    let train = data.filtered(|x| {
        !held
            .get(x.learner as usize)
            .is_some_and(|v| v.contains(&x.item))
    });
    Split { train, test }
}

/// Averaged metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub precision: f64,
    pub recall: f64,
    pub ndcg: f64,
    pub learners: usize,
}

/// Metrics of one ranked list.
pub fn score_list(ranked: &[u32], relevant: &[u32], k: usize) -> (f64, f64, f64) {
    if k == 0 || relevant.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut hits = 0usize;
    let mut dcg = 0.0;
    for (i, item) in ranked.iter().take(k).enumerate() {
        if relevant.contains(item) {
            hits += 1;
            dcg += 1.0 / ((i + 2) as f64).log2();
        }
    }
    let idcg: f64 = (0..k.min(relevant.len()))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
    (
        hits as f64 / k as f64,
        hits as f64 / relevant.len() as f64,
        dcg / idcg,
    )
}

/// Evaluates `recommend` (training history → ranked course indices) on every `stride`-th
/// test learner (1 = all).
pub fn evaluate(
    split: &Split,
    k: usize,
    stride: usize,
    mut recommend: impl FnMut(&[Engagement]) -> Vec<u32>,
) -> Metrics {
    let mut m = Metrics::default();
    for (learner, relevant) in split.test.iter().step_by(stride.max(1)) {
        let ranked = recommend(split.train.history(*learner));
        let (p, r, n) = score_list(&ranked, relevant, k);
        m.precision += p;
        m.recall += r;
        m.ndcg += n;
        m.learners += 1;
    }
    if m.learners > 0 {
        let n = m.learners as f64;
        m.precision /= n;
        m.recall /= n;
        m.ndcg /= n;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{DatasetBuilder, ItemMeta, Kind, RawInteraction};

    #[test]
    fn metrics_by_hand() {
        // Hits at ranks 1 and 3 of 4; two relevant.
        let (p, r, n) = score_list(&[1, 2, 3, 4], &[1, 3], 4);
        assert_eq!(p, 0.5);
        assert_eq!(r, 1.0);
        let ideal = 1.0 + 1.0 / 3f64.log2();
        assert!((n - (1.0 + 0.5) / ideal).abs() < 1e-12);
        assert_eq!(score_list(&[1, 3], &[1, 3], 2), (1.0, 1.0, 1.0));
        assert_eq!(score_list(&[], &[1], 10), (0.0, 0.0, 0.0));
        assert_eq!(score_list(&[1], &[], 10), (0.0, 0.0, 0.0));
    }

    #[test]
    fn split_holds_out_the_latest_courses_whole() {
        let mut b = DatasetBuilder::new();
        for id in 1..=4 {
            b.item(ItemMeta {
                id,
                ..ItemMeta::default()
            })
            .unwrap();
        }
        let x = |l: &str, item, kind, t| RawInteraction {
            learner: l.into(),
            item,
            kind,
            value: 4.0,
            time: t,
        };
        for (item, t) in [(3, 1), (1, 2), (4, 3), (2, 4)] {
            b.interaction(&x("a", item, Kind::Enrollment, t)).unwrap();
        }
        // The rating of course 2 comes later but it is the same course: held out too.
        b.interaction(&x("a", 2, Kind::Rating, 9)).unwrap();
        b.interaction(&x("b", 1, Kind::Enrollment, 1)).unwrap();
        let (d, _) = b.build();
        let s = split_last(&d, 2, 1);
        assert_eq!(s.test, vec![(0, vec![3, 1])]); // indices of ids 4 and 2
        let train: Vec<u32> = s.train.history(0).iter().map(|e| e.item).collect();
        assert_eq!(train, vec![2, 0]);
        assert_eq!(s.train.history(1).len(), 1);
        assert!(s
            .train
            .interactions()
            .iter()
            .all(|x| !(x.learner == 0 && x.item == 1)));
        let m = evaluate(&s, 2, 1, |_| vec![3, 1]);
        assert_eq!(m.learners, 1);
        assert_eq!(m.precision, 1.0);
        let none = evaluate(&s, 2, 1, |_| vec![]);
        assert_eq!(none.ndcg, 0.0);
    }
}
