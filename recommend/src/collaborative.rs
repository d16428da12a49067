//! Owns collaborative filtering: item-item similarity over implicit feedback (enrolments,
//! completions, ratings folded into one confidence weight per learner and course, see
//! [`crate::dataset::Engagement::weight`]), ordered in time so that "learners who took X
//! took Y *afterwards*" counts more than "before".
//!
//! For courses i and j, with `w(u,i)` learner u's weight on i:
//!
//! `sim(i→j) = Σ_u w(u,i)·w(u,j)·d(u,i,j) / (‖w(·,i)‖·‖w(·,j)‖) · n_ij / (n_ij + shrink)`
//!
//! where `d = 1` when u took j up at or after i and `before_weight` otherwise, and
//! `n_ij` is the number of learners who took both (the shrinkage damps similarities
//! resting on a handful of learners). Only each course's `neighbors` best are kept. The
//! cost is `Σ_u len(history_u)²`, bounded by keeping each learner's `max_history` latest
//! courses.

use crate::dataset::{Dataset, Engagement};
use crate::topk::top_k;

/// Tuning of the item-item model.
#[derive(Clone, Debug, PartialEq)]
pub struct CollabConfig {
    pub neighbors: usize,
    pub shrink: f32,
    /// Weight of co-occurrences where the candidate came first.
    pub before_weight: f32,
    pub max_history: usize,
}

impl Default for CollabConfig {
    fn default() -> Self {
        CollabConfig {
            neighbors: 50,
            shrink: 5.0,
            before_weight: 0.3,
            max_history: 200,
        }
    }
}

/// Item-item neighbours.
#[derive(Clone, Debug, Default)]
pub struct CollabModel {
    neighbors: Vec<Vec<(u32, f32)>>,
    /// Learners who took each course up.
    learners: Vec<u32>,
}

impl CollabModel {
    pub fn build(data: &Dataset, config: &CollabConfig) -> CollabModel {
        let n = data.items().len();
        let recent = |h: &[Engagement]| -> Vec<Engagement> {
            let skip = h.len().saturating_sub(config.max_history);
            h[skip..].to_vec()
        };
        let histories: Vec<Vec<Engagement>> = data.histories().iter().map(|h| recent(h)).collect();
        // Per course: (learner, weight, time).
        let mut takers: Vec<Vec<(u32, f32, u64)>> = vec![Vec::new(); n];
        let mut norm2 = vec![0f32; n];
        for (u, h) in histories.iter().enumerate() {
            for e in h {
                if let Some(t) = takers.get_mut(e.item as usize) {
                    let w = e.weight();
                    t.push((u as u32, w, e.first));
                    norm2[e.item as usize] += w * w;
                }
            }
        }
        let norms: Vec<f32> = norm2.iter().map(|x| x.sqrt()).collect();
        let mut acc = vec![0f32; n];
        let mut count = vec![0f32; n];
        let mut touched: Vec<u32> = Vec::new();
        let neighbors = (0..n)
            .map(|i| {
                for &(u, wi, ti) in &takers[i] {
                    for e in &histories[u as usize] {
                        let j = e.item as usize;
                        if j == i {
                            continue;
                        }
                        if count[j] == 0.0 {
                            touched.push(j as u32);
                        }
                        let d = if e.first >= ti {
                            1.0
                        } else {
                            config.before_weight
                        };
                        acc[j] += wi * e.weight() * d;
                        count[j] += 1.0;
                    }
                }
                let scores: Vec<(u32, f32)> = touched
                    .drain(..)
                    .map(|j| {
                        let j = j as usize;
                        let (a, c) = (std::mem::take(&mut acc[j]), std::mem::take(&mut count[j]));
                        let denom = norms[i] * norms[j];
                        let s = if denom > 0.0 {
                            a / denom * c / (c + config.shrink)
                        } else {
                            0.0
                        };
                        (j as u32, s)
                    })
                    .filter(|x| x.1 > 0.0)
                    .collect();
                top_k(scores, config.neighbors)
            })
            .collect();
        CollabModel {
            neighbors,
            learners: takers.iter().map(|t| t.len() as u32).collect(),
        }
    }

    /// Courses most taken with (mostly after) course `index`, best first.
    pub fn neighbors(&self, index: u32) -> &[(u32, f32)] {
        self.neighbors
            .get(index as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// How many learners took course `index` up (in the training data).
    pub fn learners(&self, index: u32) -> u32 {
        self.learners.get(index as usize).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{DatasetBuilder, ItemMeta, Kind, RawInteraction};

    #[test]
    fn co_taken_courses_are_neighbours_and_order_matters() {
        let mut b = DatasetBuilder::new();
        for id in 1..=4 {
            b.item(ItemMeta {
                id,
                ..ItemMeta::default()
            })
            .unwrap();
        }
        // Everyone takes 1 then 2; a few take 3 (before 1); course 4 is never taken.
        for u in 0..10 {
            for (item, t) in [(1, 10), (2, 20)] {
                b.interaction(&RawInteraction {
                    learner: format!("u{u}"),
                    item,
                    kind: Kind::Completion,
                    value: 90.0,
                    time: t,
                })
                .unwrap();
            }
            if u < 3 {
                b.interaction(&RawInteraction {
                    learner: format!("u{u}"),
                    item: 3,
                    kind: Kind::Enrollment,
                    value: 1.0,
                    time: 5,
                })
                .unwrap();
            }
        }
        let (d, _) = b.build();
        let m = CollabModel::build(&d, &CollabConfig::default());
        let n1 = m.neighbors(0);
        assert_eq!(n1[0].0, 1, "{n1:?}");
        // 2 follows 1 more than 1 follows 2.
        let s12 = n1[0].1;
        let s21 = m
            .neighbors(1)
            .iter()
            .find(|x| x.0 == 0)
            .map(|x| x.1)
            .unwrap();
        assert!(s12 > s21, "{s12} {s21}");
        assert!(m.neighbors(3).is_empty());
        assert_eq!(m.learners(0), 10);
        assert_eq!(m.learners(3), 0);
        assert_eq!(m.learners(42), 0);
    }
}
