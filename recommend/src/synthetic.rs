//! Owns the generated data set with planted structure, for the evaluation harness, tests
//! and the browser benchmark. Deterministic: the same [`SyntheticConfig`] (seed included)
//! gives the same data on every platform (a SplitMix64 generator, integer-only choices).
//!
//! # What is planted
//!
//! - **Topics and tracks.** Courses come in *tracks* of `track_len` consecutive ids, each
//!   track on one of `topics` topics (track `k` → topic `k mod topics`). The course at
//!   position `p` of a track is tagged `level_{p+1}` and (for `p > 0`)
//!   `requires_{previous id}`, plus the topic's tag and two of the topic's four subtopic
//!   tags; its title is made of the topic's word and words of its subtopics. Within a
//!   topic, tracks have Zipf popularity (the r-th track weighs 1/(r+1)).
//! - **Learner groups.** Learner `u` is in group `u mod groups`; group `g` likes topic
//!   `g mod topics` (70 %) and topic `(7g + 3) mod topics` (30 %).
//! - **Course sequences.** A learner takes 1 to `max_tracks` tracks, one after another:
//!   each from a topic drawn from their group's preferences; within a track they go in
//!   order from the first course, continuing to the next with probability 0.75 (so
//!   later courses are rarer). Each course: an enrolment, 1 to 30 days after the previous
//!   one; a completion with probability 0.8, 5 to 20 days later, scoring
//!   `50 + 40·skill + noise` (skill per learner); a rating with probability 0.3, around the
//!   course's hidden quality (2 to 5 stars).
//! - **Noise.** With probability `noise` per course taken, the learner also enrols in a
//!   course drawn from a global Zipf popularity over all courses (what a popularity
//!   baseline captures).
//! - **Cold courses.** The last course of every `cold_every`-th track is never taken: new
//!   courses whose only signal is their content.
//! - **Reputation.** Completions feed the reputation activity; in addition, each learner
//!   has a contribution pace (0 to 1.5 contributions a month, fixed per learner), and each
//!   contribution receives 0 to 4 ratings around the learner's skill.
//!
//! The held-out evaluation (see [`crate::eval`]) asks for each learner's last courses by
//! time: mostly the next courses of the track they were on, which the sequences make
//! predictable from co-taken courses and tags, and which popularity cannot know.

use crate::dataset::{Dataset, DatasetBuilder, ItemMeta, Kind, RawInteraction, Report};
use crate::reputation::{Activity, ActivityKind};

/// SplitMix64: small, fast, good enough for generating data, identical on every target.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    /// Uniform in 0..1.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// An index drawn with probability proportional to `weights` (cumulative, increasing).
    pub fn pick_cumulative(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let x = self.unit() * total;
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len().saturating_sub(1))
    }
}

/// Size and shape of the generated data.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticConfig {
    pub learners: usize,
    pub items: usize,
    pub groups: usize,
    pub topics: usize,
    pub track_len: usize,
    pub max_tracks: usize,
    pub noise: f64,
    pub cold_every: usize,
    pub seed: u64,
}

impl Default for SyntheticConfig {
    fn default() -> Self {
        SyntheticConfig {
            learners: 2_000,
            items: 1_000,
            groups: 20,
            topics: 25,
            track_len: 5,
            max_tracks: 4,
            noise: 0.3,
            cold_every: 10,
            seed: 42,
        }
    }
}

/// The generated data and what was planted.
#[derive(Clone, Debug)]
pub struct Synthetic {
    pub dataset: Dataset,
    pub report: Report,
    pub activity: Vec<Activity>,
    /// The newest time in the data.
    pub end: u64,
    /// Group of each learner, by learner index in `dataset`.
    pub learner_group: Vec<usize>,
    /// Ids of the cold courses.
    pub cold: Vec<u64>,
}

const TOPICS: &[&str] = &[
    "rust",
    "soroban",
    "stellar",
    "python",
    "design",
    "finance",
    "music",
    "biology",
    "history",
    "chemistry",
    "writing",
    "statistics",
    "databases",
    "networks",
    "security",
    "gardening",
    "cooking",
    "photography",
    "marketing",
    "physics",
    "geometry",
    "spanish",
    "law",
    "ethics",
    "robotics",
];
const SUBTOPICS: &[&str] = &["basics", "practice", "theory", "projects"];
const LICENCES: &[&str] = &["CC-BY", "CC-BY-SA", "MIT", "all-rights-reserved"];
const START: u64 = 1_700_000_000;
const DAY: u64 = 86_400;

fn topic_name(t: usize) -> String {
    match TOPICS.get(t) {
        Some(n) => (*n).to_string(),
        None => format!("topic{t}"),
    }
}

fn item_id(index: usize) -> u64 {
    index as u64 + 1
}

/// Generates the data set.
pub fn generate(cfg: &SyntheticConfig) -> Synthetic {
    let mut rng = Rng::new(cfg.seed);
    let track_len = cfg.track_len.max(1);
    let topics = cfg.topics.max(1);
    let groups = cfg.groups.max(1);
    let tracks = cfg.items.div_ceil(track_len);
    let mut b = DatasetBuilder::new();
    let mut quality = Vec::with_capacity(cfg.items);
    let mut cold = Vec::new();
    for i in 0..cfg.items {
        let (track, pos) = (i / track_len, i % track_len);
        let topic = track % topics;
        let name = topic_name(topic);
        let s1 = SUBTOPICS[(track + pos) % SUBTOPICS.len()];
        let s2 = SUBTOPICS[(track / topics + 1) % SUBTOPICS.len()];
        let mut tags = vec![name.clone(), format!("{name}_{s1}"), format!("{name}_{s2}")];
        tags.dedup();
        tags.push(format!("level_{}", pos + 1));
        if pos > 0 {
            tags.push(format!("requires_{}", item_id(i - 1)));
        }
        let is_cold = cfg.cold_every > 0
            && track % cfg.cold_every == cfg.cold_every - 1
            && (pos == track_len - 1 || i == cfg.items - 1);
        if is_cold {
            cold.push(item_id(i));
        }
        let meta = ItemMeta {
            id: item_id(i),
            title: format!("{} {} {} part {}", capital(&name), s1, s2, pos + 1),
            tags,
            licence: LICENCES[rng.below(LICENCES.len() as u64) as usize].to_string(),
            creator: Some(format!("teacher{}", track % 300)),
        };
        // Ids are unique by construction.
        b.item_lenient(meta);
        quality.push(2.0 + rng.unit() * 3.0);
    }
    // Tracks by topic, with Zipf weights (cumulative).
    let mut by_topic: Vec<Vec<usize>> = vec![Vec::new(); topics];
    for k in 0..tracks {
        by_topic[k % topics].push(k);
    }
    let cumulative = |n: usize| -> Vec<f64> {
        let mut acc = 0.0;
        (0..n)
            .map(|r| {
                acc += 1.0 / (r as f64 + 1.0);
                acc
            })
            .collect()
    };
    let topic_cum: Vec<Vec<f64>> = by_topic.iter().map(|v| cumulative(v.len())).collect();
    // Global popularity for noise: Zipf over a fixed shuffle of all (warm) courses.
    let mut global: Vec<usize> = (0..cfg.items)
        .filter(|&i| !cold.contains(&item_id(i)))
        .collect();
    for i in (1..global.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        global.swap(i, j);
    }
    let global_cum = cumulative(global.len());

    let mut activity = Vec::new();
    let mut end = START;
    let mut learner_group = Vec::with_capacity(cfg.learners);
    for u in 0..cfg.learners {
        let learner = format!("learner{u}");
        let g = u % groups;
        learner_group.push(g);
        let skill = rng.unit();
        let mut t = START + rng.below(180) * DAY;
        let n_tracks = 1 + rng.below(cfg.max_tracks.max(1) as u64) as usize;
        let push = |b: &mut DatasetBuilder, item: usize, kind: Kind, value: f32, time: u64| {
            b.interaction_lenient(&RawInteraction {
                learner: learner.clone(),
                item: item_id(item),
                kind,
                value,
                time,
            });
        };
        for _ in 0..n_tracks {
            let topic = if rng.chance(0.7) {
                g % topics
            } else {
                (7 * g + 3) % topics
            };
            let Some(&track) = by_topic
                .get(topic)
                .and_then(|v| v.get(rng.pick_cumulative(&topic_cum[topic])))
            else {
                continue;
            };
            for pos in 0..track_len {
                let i = track * track_len + pos;
                if i >= cfg.items || cold.contains(&item_id(i)) {
                    break;
                }
                t += (1 + rng.below(30)) * DAY;
                push(&mut b, i, Kind::Enrollment, 1.0, t);
                if rng.chance(0.8) {
                    let at = t + (5 + rng.below(16)) * DAY;
                    let score = (50.0 + 40.0 * skill + rng.unit() * 10.0).min(100.0) as u32;
                    push(&mut b, i, Kind::Completion, score as f32, at);
                    activity.push(Activity {
                        learner: learner.clone(),
                        time: at,
                        kind: ActivityKind::Completion { score_pct: score },
                    });
                    end = end.max(at);
                }
                if rng.chance(0.3) {
                    let stars = (quality[i] + rng.unit() * 2.0 - 1.0)
                        .round()
                        .clamp(1.0, 5.0);
                    push(&mut b, i, Kind::Rating, stars as f32, t + DAY);
                }
                if rng.chance(cfg.noise) {
                    if let Some(&j) = global.get(rng.pick_cumulative(&global_cum)) {
                        t += DAY;
                        push(&mut b, j, Kind::Enrollment, 1.0, t);
                    }
                }
                end = end.max(t + DAY);
                if !rng.chance(0.75) {
                    break;
                }
            }
        }
        // Contributions rated by others, at the learner's own pace.
        let pace = rng.unit() * 1.5;
        let months = (t.saturating_sub(START) / (30 * DAY)).max(1);
        for m in 0..months {
            if rng.chance(pace.min(1.0)) {
                let at = START + m * 30 * DAY + rng.below(30) * DAY;
                for _ in 0..rng.below(5) {
                    let stars = (1.0 + 4.0 * skill + rng.unit() * 1.5 - 0.75)
                        .round()
                        .clamp(1.0, 5.0);
                    activity.push(Activity {
                        learner: learner.clone(),
                        time: at + rng.below(10) * DAY,
                        // Established raters: the weight the contract's cap gives.
                        kind: ActivityKind::RatingReceived {
                            stars: stars as u32,
                            weight: 5,
                        },
                    });
                }
            }
        }
    }
    let (dataset, report) = b.build();
    // Learner indices follow first appearance; map groups to them.
    let mut groups_by_index = vec![0; dataset.learners().len()];
    for (i, name) in dataset.learners().iter().enumerate() {
        if let Some(u) = name
            .strip_prefix("learner")
            .and_then(|s| s.parse::<usize>().ok())
        {
            groups_by_index[i] = learner_group.get(u).copied().unwrap_or(0);
        }
    }
    Synthetic {
        dataset,
        report,
        activity,
        end,
        learner_group: groups_by_index,
        cold,
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_shaped_as_documented() {
        let cfg = SyntheticConfig {
            learners: 300,
            items: 200,
            ..SyntheticConfig::default()
        };
        let a = generate(&cfg);
        let b = generate(&cfg);
        assert_eq!(a.dataset.interactions(), b.dataset.interactions());
        assert_eq!(a.activity, b.activity);
        assert_eq!(a.report.skipped(), 0);
        assert_eq!(a.dataset.items().len(), 200);
        // Track structure: course 2 requires course 1, level 2; course 6 starts a track.
        let i2 = &a.dataset.items()[1];
        assert_eq!(i2.requires, vec![1]);
        assert_eq!(i2.level, Some(2));
        assert!(a.dataset.items()[5].requires.is_empty());
        // Cold courses are never taken.
        assert!(!a.cold.is_empty());
        for id in &a.cold {
            let idx = a.dataset.item_index(*id).unwrap();
            assert!(a.dataset.interactions().iter().all(|x| x.item != idx));
        }
        // Groups are as documented: learner u in group u mod groups.
        assert_eq!(a.learner_group[0], 0);
        assert!(a.learner_group.iter().all(|&g| g < cfg.groups));
        let other = generate(&SyntheticConfig { seed: 7, ..cfg });
        assert_ne!(other.dataset.interactions(), a.dataset.interactions());
    }

    #[test]
    fn rng_is_uniformish() {
        let mut r = Rng::new(1);
        let mut counts = [0u32; 10];
        for _ in 0..10_000 {
            counts[r.below(10) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (900..1100).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(r.below(0), 0);
        let cum = [1.0, 1.0, 3.0];
        for _ in 0..100 {
            assert_ne!(r.pick_cumulative(&cum), 1, "zero-weight index never picked");
        }
    }
}
