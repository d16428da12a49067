//! Owns the hybrid recommender: the blend of collaborative ([`crate::collaborative`]) and
//! content ([`crate::content`]) scores with a popularity-and-quality prior, how it copes
//! with cold start, and the reasons each result carries.
//!
//! For a learner's history `H` (oldest first) and a course `j` not in it:
//!
//! `cf(j) = Σ_{h∈H} w_h·r_h·sim_cf(h→j)`, `ct(j) = Σ_{h∈H} w_h·r_h·sim_ct(h, j)` over each
//! model's kept neighbours, with `w_h` the engagement weight and `r_h = recency_decay^k`
//! for the k-th latest course (recent courses say more about what comes next). Then
//!
//! `score(j) = cf_weight·cf(j)/max cf + content_weight·ct(j)/max ct + prior_weight·prior(j)`.
//!
//! The prior is in 0..=1: `0.6·popularity + 0.2·rating quality + 0.2·completion quality`,
//! popularity `ln(1+learners)/ln(1+most learners)`, rating quality the Bayesian mean rating
//! (5 pseudo-ratings at the global mean) mapped from 1..=5 to 0..=1, completion quality the
//! smoothed completion rate (5 pseudo-learners at the global rate).
//!
//! Cold start: a learner with no history (or only unknown courses) gets the prior's order,
//! explained as popular or highly rated; a course nobody took yet has no collaborative
//! neighbours but is reached through content similarity from the courses a learner took.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::collaborative::{CollabConfig, CollabModel};
use crate::content::{ContentConfig, ContentModel};
use crate::dataset::{Dataset, Engagement, Item, ItemId, Kind};
use crate::explain::Reason;
use crate::topk::top_k;

/// Tuning of the blend.
#[derive(Clone, Debug, PartialEq)]
pub struct HybridConfig {
    pub cf_weight: f32,
    pub content_weight: f32,
    pub prior_weight: f32,
    pub recency_decay: f32,
    pub collab: CollabConfig,
    pub content: ContentConfig,
}

impl Default for HybridConfig {
    fn default() -> Self {
        HybridConfig {
            cf_weight: 1.0,
            content_weight: 0.35,
            prior_weight: 0.15,
            recency_decay: 0.8,
            collab: CollabConfig::default(),
            content: ContentConfig::default(),
        }
    }
}

/// One recommended course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub item: ItemId,
    pub title: String,
    pub score: f32,
    /// Strongest first; never empty.
    pub reasons: Vec<Reason>,
}

/// One event of a learner's own history, as the app holds it (external ids).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerEvent {
    pub item: ItemId,
    pub kind: Kind,
    pub value: f32,
    pub time: u64,
}

/// Per-course statistics behind the prior.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemStats {
    pub learners: u32,
    pub completions: u32,
    pub ratings: u32,
    pub rating_sum: f32,
}

/// Rank by how many learners took a course: the baseline the hybrid must beat.
#[derive(Clone, Debug, Default)]
pub struct Popularity {
    order: Vec<(u32, f32)>,
}

impl Popularity {
    pub fn build(data: &Dataset) -> Popularity {
        let mut count = vec![0f32; data.items().len()];
        for h in data.histories() {
            for e in h {
                if let Some(c) = count.get_mut(e.item as usize) {
                    *c += 1.0;
                }
            }
        }
        let order = top_k(
            count
                .into_iter()
                .enumerate()
                .map(|(i, c)| (i as u32, c))
                .collect(),
            usize::MAX,
        );
        Popularity { order }
    }

    /// The `k` most popular course indices not in `history`.
    pub fn recommend(&self, history: &[Engagement], k: usize) -> Vec<u32> {
        self.order
            .iter()
            .map(|x| x.0)
            .filter(|i| !history.iter().any(|e| e.item == *i))
            .take(k)
            .collect()
    }
}

/// The trained hybrid model.
#[derive(Clone, Debug)]
pub struct Recommender {
    items: Vec<Item>,
    item_index: HashMap<ItemId, u32>,
    collab: CollabModel,
    content: ContentModel,
    stats: Vec<ItemStats>,
    prior: Vec<f32>,
    config: HybridConfig,
}

impl Recommender {
    /// Trains on `data`. Any dataset works, an empty one included.
    pub fn train(data: &Dataset, config: &HybridConfig) -> Recommender {
        let items = data.items().to_vec();
        let item_index = items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id(), i as u32))
            .collect();
        let collab = CollabModel::build(data, &config.collab);
        let content = ContentModel::build(&items, &config.content);
        let mut stats = vec![ItemStats::default(); items.len()];
        for h in data.histories() {
            for e in h {
                if let Some(s) = stats.get_mut(e.item as usize) {
                    s.learners += 1;
                    s.completions += u32::from(e.completed);
                    if let Some(r) = e.rating {
                        s.ratings += 1;
                        s.rating_sum += r;
                    }
                }
            }
        }
        let prior = prior(&stats);
        Recommender {
            items,
            item_index,
            collab,
            content,
            stats,
            prior,
            config: config.clone(),
        }
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn item_index(&self, id: ItemId) -> Option<u32> {
        self.item_index.get(&id).copied()
    }

    pub fn stats(&self, index: u32) -> Option<&ItemStats> {
        self.stats.get(index as usize)
    }

    /// The prior of every course (0..=1), by index.
    pub fn prior(&self) -> &[f32] {
        &self.prior
    }

    /// Folds a learner's own events into engagements, oldest first. Events naming an
    /// unknown course or carrying an invalid value are skipped (the count is returned).
    pub fn history_from_events(&self, events: &[LearnerEvent]) -> (Vec<Engagement>, usize) {
        let mut by_item: HashMap<u32, Engagement> = HashMap::new();
        let mut skipped = 0;
        for x in events {
            let Some(item) = self.item_index(x.item) else {
                skipped += 1;
                continue;
            };
            let valid = match x.kind {
                Kind::Enrollment => true,
                Kind::Completion => x.value.is_finite() && (0.0..=100.0).contains(&x.value),
                Kind::Rating => x.value.is_finite() && (1.0..=5.0).contains(&x.value),
            };
            if !valid {
                skipped += 1;
                continue;
            }
            let e = by_item.entry(item).or_insert(Engagement {
                item,
                enrolled: false,
                completed: false,
                rating: None,
                first: x.time,
            });
            e.first = e.first.min(x.time);
            match x.kind {
                Kind::Enrollment => e.enrolled = true,
                Kind::Completion => e.completed = true,
                Kind::Rating => e.rating = Some(x.value),
            }
        }
        let mut v: Vec<Engagement> = by_item.into_values().collect();
        v.sort_by_key(|e| (e.first, e.item));
        (v, skipped)
    }

    /// [`Recommender::recommend`] for a learner's own events (external ids).
    pub fn recommend_events(&self, events: &[LearnerEvent], k: usize) -> Vec<Recommendation> {
        self.recommend(&self.history_from_events(events).0, k)
    }

    /// Anonymous results: the prior's order (what the server serves without a learner).
    pub fn popular(&self, k: usize) -> Vec<Recommendation> {
        self.recommend(&[], k)
    }

    /// The `k` best course indices and their scores for `history`; no explanations.
    pub fn score(&self, history: &[Engagement], k: usize) -> Vec<(u32, f32)> {
        self.scored(history, k).0
    }

    /// The `k` best courses not in `history` (engagements by this model's indices, oldest
    /// first), each with its reasons.
    pub fn recommend(&self, history: &[Engagement], k: usize) -> Vec<Recommendation> {
        let (top, parts) = self.scored(history, k);
        top.into_iter()
            .map(|(j, score)| self.explain(j, score, &parts, history))
            .collect()
    }

    fn scored(&self, history: &[Engagement], k: usize) -> (Vec<(u32, f32)>, Parts) {
        let n = self.items.len();
        let mut p = Parts {
            taken: vec![false; n],
            cf: vec![0.0; n],
            cf_src: vec![(u32::MAX, 0.0); n],
            ct: vec![0.0; n],
            ct_src: vec![(u32::MAX, 0.0); n],
            cf_max: 0.0,
            ct_max: 0.0,
        };
        for e in history {
            if let Some(t) = p.taken.get_mut(e.item as usize) {
                *t = true;
            }
        }
        let mut r = 1.0f32;
        for e in history.iter().rev() {
            if (e.item as usize) >= n {
                continue;
            }
            let w = e.weight() * r;
            r *= self.config.recency_decay;
            for &(j, s) in self.collab.neighbors(e.item) {
                let c = w * s;
                p.cf[j as usize] += c;
                if c > p.cf_src[j as usize].1 {
                    p.cf_src[j as usize] = (e.item, c);
                }
            }
            for &(j, s) in self.content.neighbors(e.item) {
                let c = w * s;
                p.ct[j as usize] += c;
                if c > p.ct_src[j as usize].1 {
                    p.ct_src[j as usize] = (e.item, c);
                }
            }
        }
        for j in 0..n {
            if !p.taken[j] {
                p.cf_max = p.cf_max.max(p.cf[j]);
                p.ct_max = p.ct_max.max(p.ct[j]);
            }
        }
        let c = &self.config;
        let scores: Vec<(u32, f32)> = (0..n)
            .filter(|&j| !p.taken[j])
            .map(|j| {
                let s = c.cf_weight * p.cf_n(j)
                    + c.content_weight * p.ct_n(j)
                    + c.prior_weight * self.prior[j];
                (j as u32, s)
            })
            .collect();
        (top_k(scores, k), p)
    }

    fn title(&self, index: u32) -> String {
        self.items
            .get(index as usize)
            .map(Item::label)
            .unwrap_or_default()
    }

    fn explain(&self, j: u32, score: f32, p: &Parts, history: &[Engagement]) -> Recommendation {
        let ju = j as usize;
        let c = &self.config;
        let mut reasons: Vec<(f32, Reason)> = Vec::new();
        let (cf_src, _) = p.cf_src[ju];
        if p.cf[ju] > 0.0 && cf_src != u32::MAX {
            reasons.push((
                c.cf_weight * p.cf_n(ju),
                Reason::TakenAfter {
                    because: self.items[cf_src as usize].id(),
                    because_title: self.title(cf_src),
                    completed: history.iter().any(|e| e.item == cf_src && e.completed),
                },
            ));
        }
        let (ct_src, _) = p.ct_src[ju];
        if p.ct[ju] > 0.0 && ct_src != u32::MAX {
            let src = &self.items[ct_src as usize];
            let tags: Vec<String> = self.items[ju]
                .topic_tags
                .iter()
                .filter(|t| {
                    src.topic_tags
                        .iter()
                        .any(|s| s.trim().eq_ignore_ascii_case(t.trim()))
                })
                .cloned()
                .collect();
            let reason = if tags.is_empty() {
                Reason::SimilarTo {
                    because: src.id(),
                    because_title: src.label(),
                }
            } else {
                Reason::SameTags {
                    because: src.id(),
                    because_title: src.label(),
                    tags,
                }
            };
            reasons.push((c.content_weight * p.ct_n(ju), reason));
        }
        let s = &self.stats[ju];
        let prior_reason = if s.ratings >= 3 && s.rating_sum / s.ratings as f32 >= 4.0 {
            Reason::HighlyRated {
                mean: s.rating_sum / s.ratings as f32,
                ratings: s.ratings,
            }
        } else {
            Reason::Popular {
                learners: s.learners,
            }
        };
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut reasons: Vec<Reason> = reasons.into_iter().map(|x| x.1).collect();
        reasons.push(prior_reason);
        Recommendation {
            item: self.items[ju].id(),
            title: self.title(j),
            score,
            reasons,
        }
    }
}

/// Per-call scratch: raw component scores and the history course behind each.
struct Parts {
    taken: Vec<bool>,
    cf: Vec<f32>,
    cf_src: Vec<(u32, f32)>,
    ct: Vec<f32>,
    ct_src: Vec<(u32, f32)>,
    cf_max: f32,
    ct_max: f32,
}

impl Parts {
    fn cf_n(&self, j: usize) -> f32 {
        if self.cf_max > 0.0 {
            self.cf[j] / self.cf_max
        } else {
            0.0
        }
    }
    fn ct_n(&self, j: usize) -> f32 {
        if self.ct_max > 0.0 {
            self.ct[j] / self.ct_max
        } else {
            0.0
        }
    }
}

fn prior(stats: &[ItemStats]) -> Vec<f32> {
    const PSEUDO: f32 = 5.0;
    let max_learners = stats.iter().map(|s| s.learners).max().unwrap_or(0);
    let (ratings, rating_sum, learners, completions) =
        stats.iter().fold((0f32, 0f32, 0f32, 0f32), |a, s| {
            (
                a.0 + s.ratings as f32,
                a.1 + s.rating_sum,
                a.2 + s.learners as f32,
                a.3 + s.completions as f32,
            )
        });
    let global_rating = if ratings > 0.0 {
        rating_sum / ratings
    } else {
        3.0
    };
    let global_rate = if learners > 0.0 {
        completions / learners
    } else {
        0.5
    };
    let log_max = (1.0 + max_learners as f32).ln();
    stats
        .iter()
        .map(|s| {
            let pop = if log_max > 0.0 {
                (1.0 + s.learners as f32).ln() / log_max
            } else {
                0.0
            };
            let mean = (s.rating_sum + PSEUDO * global_rating) / (s.ratings as f32 + PSEUDO);
            let rating_q = ((mean - 1.0) / 4.0).clamp(0.0, 1.0);
            let rate = (s.completions as f32 + PSEUDO * global_rate) / (s.learners as f32 + PSEUDO);
            let completion_q = rate.clamp(0.0, 1.0);
            let p = 0.6 * pop + 0.2 * rating_q + 0.2 * completion_q;
            if p.is_finite() {
                p
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{DatasetBuilder, ItemMeta, RawInteraction};

    fn meta(id: ItemId, title: &str, tags: &[&str]) -> ItemMeta {
        ItemMeta {
            id,
            title: title.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            licence: "CC-BY".into(),
            creator: None,
        }
    }

    fn x(learner: &str, item: ItemId, kind: Kind, value: f32, time: u64) -> RawInteraction {
        RawInteraction {
            learner: learner.into(),
            item,
            kind,
            value,
            time,
        }
    }

    /// Courses 1→2 (rust track), 3 (popular, unrelated), 4 (new rust course nobody took),
    /// 5 (art, nobody took).
    fn small() -> Dataset {
        let mut b = DatasetBuilder::new();
        b.item(meta(1, "Rust basics", &["rust", "level_1"]))
            .unwrap();
        b.item(meta(2, "Rust traits", &["rust", "level_2", "requires_1"]))
            .unwrap();
        b.item(meta(3, "Public speaking", &["speaking"])).unwrap();
        b.item(meta(4, "Rust async", &["rust", "async"])).unwrap();
        b.item(meta(5, "Watercolour", &["art"])).unwrap();
        for u in 0..8 {
            let l = format!("r{u}");
            b.interaction(&x(&l, 1, Kind::Completion, 90.0, 10))
                .unwrap();
            b.interaction(&x(&l, 2, Kind::Enrollment, 1.0, 20)).unwrap();
        }
        for u in 0..20 {
            let l = format!("p{u}");
            b.interaction(&x(&l, 3, Kind::Enrollment, 1.0, 5)).unwrap();
            b.interaction(&x(&l, 3, Kind::Rating, 5.0, 6)).unwrap();
        }
        b.build().0
    }

    #[test]
    fn recommends_what_followers_took_and_explains_it() {
        let d = small();
        let r = Recommender::train(&d, &HybridConfig::default());
        let recs = r.recommend_events(
            &[LearnerEvent {
                item: 1,
                kind: Kind::Completion,
                value: 95.0,
                time: 100,
            }],
            3,
        );
        assert_eq!(recs[0].item, 2, "{recs:#?}");
        assert_eq!(
            recs[0].reasons[0].to_string(),
            "learners who completed “Rust basics” took this next"
        );
        // Never recommends what the learner took.
        assert!(recs.iter().all(|x| x.item != 1));
        assert!(recs.iter().all(|x| !x.reasons.is_empty()));
    }

    #[test]
    fn cold_start_item_is_reached_through_content() {
        let d = small();
        let r = Recommender::train(&d, &HybridConfig::default());
        let (h, _) = r.history_from_events(&[
            LearnerEvent {
                item: 1,
                kind: Kind::Completion,
                value: 95.0,
                time: 1,
            },
            LearnerEvent {
                item: 2,
                kind: Kind::Completion,
                value: 95.0,
                time: 2,
            },
        ]);
        let recs = r.recommend(&h, 2);
        // Course 4 was never taken, yet shares the rust tag: it beats the popular course.
        assert_eq!(recs[0].item, 4, "{recs:#?}");
        assert!(matches!(
            &recs[0].reasons[0],
            Reason::SameTags { tags, .. } if tags == &vec!["rust".to_string()]
        ));
        assert_eq!(r.stats(r.item_index(4).unwrap()).unwrap().learners, 0);
    }

    #[test]
    fn learner_without_history_gets_the_prior_order() {
        let d = small();
        let r = Recommender::train(&d, &HybridConfig::default());
        let recs = r.recommend(&[], 5);
        assert_eq!(recs.len(), 5);
        assert_eq!(recs[0].item, 3, "the popular, well-rated course first");
        assert_eq!(recs[0].reasons.len(), 1);
        assert!(matches!(
            recs[0].reasons[0],
            Reason::HighlyRated { ratings: 20, .. }
        ));
        assert_eq!(r.popular(5), recs);
        // A history of only unknown or invalid events is no history.
        let (h, skipped) = r.history_from_events(&[
            LearnerEvent {
                item: 999,
                kind: Kind::Enrollment,
                value: 1.0,
                time: 0,
            },
            LearnerEvent {
                item: 1,
                kind: Kind::Rating,
                value: f32::NAN,
                time: 0,
            },
        ]);
        assert!(h.is_empty());
        assert_eq!(skipped, 2);
        assert_eq!(r.recommend(&h, 5), recs);
        // Scores are finite and ordered.
        assert!(recs.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(recs.iter().all(|x| x.score.is_finite()));
    }

    #[test]
    fn empty_dataset_recommends_nothing_without_panicking() {
        let (d, _) = DatasetBuilder::new().build();
        let r = Recommender::train(&d, &HybridConfig::default());
        assert!(r.recommend(&[], 10).is_empty());
        let (h, skipped) = r.history_from_events(&[LearnerEvent {
            item: 1,
            kind: Kind::Enrollment,
            value: 1.0,
            time: 0,
        }]);
        assert!(h.is_empty());
        assert_eq!(skipped, 1);
        assert!(Popularity::build(&d).recommend(&[], 10).is_empty());
        // A history by out-of-range indices is ignored, not a panic.
        let bogus = Engagement {
            item: 7,
            enrolled: true,
            completed: false,
            rating: None,
            first: 0,
        };
        assert!(r.recommend(&[bogus], 10).is_empty());
    }

    #[test]
    fn catalogue_without_interactions_still_ranks() {
        let mut b = DatasetBuilder::new();
        b.item(meta(1, "A", &[])).unwrap();
        b.item(meta(2, "B", &[])).unwrap();
        let (d, _) = b.build();
        let r = Recommender::train(&d, &HybridConfig::default());
        let recs = r.recommend(&[], 10);
        assert_eq!(recs.iter().map(|x| x.item).collect::<Vec<_>>(), vec![1, 2]);
        assert!(matches!(
            recs[0].reasons[0],
            Reason::Popular { learners: 0 }
        ));
    }
}
