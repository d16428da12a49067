//! Owns the data every model learns from: items (courses) with their metadata, learners,
//! and their interactions (enrollment, completion, rating), validated and deduplicated
//! into dense indices by [`DatasetBuilder`].
//!
//! # Item metadata and the tag convention
//!
//! A TeachLink content token carries a title (≤ 128 bytes), a licence and at most 8 tags,
//! each a Soroban `Symbol` (`[A-Za-z0-9_]`, ≤ 32 characters; no `:`). The contracts have
//! no field for difficulty or prerequisites, so two tag forms carry them:
//!
//! - `level_N` (N in 1..=9): the course's difficulty, 1 easiest ([`Item::level`]).
//! - `requires_ID`: the course requires the course with content-token id `ID`
//!   ([`Item::requires`]); several such tags give several prerequisites.
//!
//! The same forms with a colon (`level:2`, `requires:17`) are accepted too, for metadata
//! that does not come from the chain. These structural tags are not topic tags: content
//! similarity ([`crate::content`]) ignores them.
//!
//! # Interactions
//!
//! One learner and one item per interaction, of one [`Kind`]: an enrollment (a paid
//! escrow), a completion (with its score, 0..=100) or a rating (1..=5 stars), at a time in
//! UNIX seconds. Malformed input is refused with a typed [`DataError`] by
//! [`DatasetBuilder::interaction`], or skipped and counted in a [`Report`] by
//! [`DatasetBuilder::interaction_lenient`]; duplicates (same learner, item and kind) are
//! merged, keeping the latest, and counted. Nothing here panics on input.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// A course's id: its content-token id (the `course_id` escrows and completions name).
pub type ItemId = u64;

/// What a learner did with an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    /// Paid for / started the course (an escrow naming it).
    Enrollment,
    /// An issuer recorded a completion; value = score 0..=100.
    Completion,
    /// Rated the course; value = stars 1..=5.
    Rating,
}

/// One interaction as it arrives (external ids).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawInteraction {
    pub learner: String,
    pub item: ItemId,
    pub kind: Kind,
    /// Completion score (0..=100) or rating (1..=5); ignored for enrollments.
    pub value: f32,
    /// UNIX seconds.
    pub time: u64,
}

/// Metadata of a course as the content token gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemMeta {
    pub id: ItemId,
    pub title: String,
    pub tags: Vec<String>,
    pub licence: String,
    pub creator: Option<String>,
}

/// An item with what its tags say about difficulty and prerequisites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub meta: ItemMeta,
    /// From a `level_N` tag; `None` when absent.
    pub level: Option<u8>,
    /// From `requires_ID` tags, in tag order, without duplicates.
    pub requires: Vec<ItemId>,
    /// The tags that are about the topic (not `level_`/`requires_`).
    pub topic_tags: Vec<String>,
}

/// A structural tag: difficulty or prerequisite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structural {
    Level(u8),
    Requires(ItemId),
}

/// Parses `level_N` / `requires_ID` (or with `:`); `None` for a topic tag. A tag that
/// starts like one but does not parse (`level_x`) is treated as a topic tag.
pub fn parse_structural(tag: &str) -> Option<Structural> {
    let rest = |prefix: &str| {
        tag.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('_').or_else(|| r.strip_prefix(':')))
    };
    if let Some(n) = rest("level") {
        return match n.parse::<u8>() {
            Ok(n @ 1..=9) => Some(Structural::Level(n)),
            _ => None,
        };
    }
    rest("requires")
        .and_then(|id| id.parse::<ItemId>().ok())
        .map(Structural::Requires)
}

impl Item {
    pub fn new(meta: ItemMeta) -> Item {
        let mut level = None;
        let mut requires = Vec::new();
        let mut topic_tags = Vec::new();
        for t in &meta.tags {
            match parse_structural(t) {
                Some(Structural::Level(n)) => level = Some(n),
                Some(Structural::Requires(id)) => {
                    if id != meta.id && !requires.contains(&id) {
                        requires.push(id);
                    }
                }
                None => topic_tags.push(t.clone()),
            }
        }
        Item {
            meta,
            level,
            requires,
            topic_tags,
        }
    }

    pub fn id(&self) -> ItemId {
        self.meta.id
    }

    /// The title, or `course <id>` when the mint was never seen.
    pub fn label(&self) -> String {
        if self.meta.title.is_empty() {
            format!("course {}", self.meta.id)
        } else {
            self.meta.title.clone()
        }
    }
}

/// Why an interaction or item was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("interaction names item {0}, which is not in the catalogue")]
    UnknownItem(ItemId),
    #[error("rating {0} is outside 1..=5")]
    RatingOutOfRange(f32),
    #[error("completion score {0} is outside 0..=100")]
    ScoreOutOfRange(f32),
    #[error("value is not a finite number")]
    NotFinite,
    #[error("empty learner id")]
    EmptyLearner,
    #[error("item {0} is in the catalogue twice")]
    DuplicateItem(ItemId),
}

/// What lenient building skipped or merged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub accepted: usize,
    /// Same learner, item and kind seen again: merged (latest kept).
    pub duplicates: usize,
    pub unknown_items: usize,
    pub out_of_range: usize,
    pub not_finite: usize,
    pub empty_learner: usize,
    pub duplicate_items: usize,
}

impl Report {
    pub fn skipped(&self) -> usize {
        self.unknown_items
            + self.out_of_range
            + self.not_finite
            + self.empty_learner
            + self.duplicate_items
    }

    fn count(&mut self, e: &DataError) {
        match e {
            DataError::UnknownItem(_) => self.unknown_items += 1,
            DataError::RatingOutOfRange(_) | DataError::ScoreOutOfRange(_) => {
                self.out_of_range += 1
            }
            DataError::NotFinite => self.not_finite += 1,
            DataError::EmptyLearner => self.empty_learner += 1,
            DataError::DuplicateItem(_) => self.duplicate_items += 1,
        }
    }
}

/// One validated interaction, by dense indices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interaction {
    pub learner: u32,
    pub item: u32,
    pub kind: Kind,
    pub value: f32,
    pub time: u64,
}

/// What a learner did with one item, all kinds folded together.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Engagement {
    pub item: u32,
    pub enrolled: bool,
    pub completed: bool,
    /// Stars, when rated.
    pub rating: Option<f32>,
    /// The first interaction's time: when the learner took the course up.
    pub first: u64,
}

impl Engagement {
    /// Implicit-feedback confidence: 1 for taking the course up, +1 for completing it, and
    /// ±0.25 per star away from 3 for a rating (never below 0.25): a learner who completed
    /// and rated a course 5 stars says more than one who only enrolled.
    pub fn weight(&self) -> f32 {
        let mut w = 1.0;
        if self.completed {
            w += 1.0;
        }
        if let Some(r) = self.rating {
            w += 0.25 * (r - 3.0);
        }
        w.max(0.25)
    }
}

/// Validated items, learners and interactions, by dense indices.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    items: Vec<Item>,
    item_index: HashMap<ItemId, u32>,
    learners: Vec<String>,
    learner_index: HashMap<String, u32>,
    interactions: Vec<Interaction>,
    /// Per learner: engagements, by first time then item.
    histories: Vec<Vec<Engagement>>,
}

impl Dataset {
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    pub fn item(&self, index: u32) -> Option<&Item> {
        self.items.get(index as usize)
    }
    pub fn item_index(&self, id: ItemId) -> Option<u32> {
        self.item_index.get(&id).copied()
    }
    pub fn learners(&self) -> &[String] {
        &self.learners
    }
    pub fn learner_index(&self, learner: &str) -> Option<u32> {
        self.learner_index.get(learner).copied()
    }
    pub fn interactions(&self) -> &[Interaction] {
        &self.interactions
    }
    /// Learner `index`'s engagements, oldest first; empty for an unknown index.
    pub fn history(&self, learner: u32) -> &[Engagement] {
        self.histories
            .get(learner as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    pub fn histories(&self) -> &[Vec<Engagement>] {
        &self.histories
    }
    pub fn is_empty(&self) -> bool {
        self.interactions.is_empty()
    }

    /// A dataset with the same items and learners keeping only the interactions `keep`
    /// accepts (the evaluation split).
    pub fn filtered(&self, mut keep: impl FnMut(&Interaction) -> bool) -> Dataset {
        let interactions: Vec<Interaction> = self
            .interactions
            .iter()
            .copied()
            .filter(|x| keep(x))
            .collect();
        let histories = build_histories(self.learners.len(), &interactions);
        Dataset {
            items: self.items.clone(),
            item_index: self.item_index.clone(),
            learners: self.learners.clone(),
            learner_index: self.learner_index.clone(),
            interactions,
            histories,
        }
    }
}

fn build_histories(learners: usize, interactions: &[Interaction]) -> Vec<Vec<Engagement>> {
    let mut by_learner: Vec<HashMap<u32, Engagement>> = vec![HashMap::new(); learners];
    for x in interactions {
        let Some(map) = by_learner.get_mut(x.learner as usize) else {
            continue;
        };
        let e = map.entry(x.item).or_insert(Engagement {
            item: x.item,
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
    by_learner
        .into_iter()
        .map(|m| {
            let mut v: Vec<Engagement> = m.into_values().collect();
            v.sort_by_key(|e| (e.first, e.item));
            v
        })
        .collect()
}

/// Builds a [`Dataset`]: items first, then interactions.
#[derive(Debug, Default)]
pub struct DatasetBuilder {
    items: Vec<Item>,
    item_index: HashMap<ItemId, u32>,
    learners: Vec<String>,
    learner_index: HashMap<String, u32>,
    /// (learner, item, kind) → position in `interactions`.
    seen: HashMap<(u32, u32, Kind), usize>,
    interactions: Vec<Interaction>,
    report: Report,
}

impl DatasetBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a course; refuses an id already in the catalogue.
    pub fn item(&mut self, meta: ItemMeta) -> Result<u32, DataError> {
        if self.item_index.contains_key(&meta.id) {
            return Err(DataError::DuplicateItem(meta.id));
        }
        let index = self.items.len() as u32;
        self.item_index.insert(meta.id, index);
        self.items.push(Item::new(meta));
        Ok(index)
    }

    /// [`DatasetBuilder::item`], counting a refusal in the report instead.
    pub fn item_lenient(&mut self, meta: ItemMeta) {
        if let Err(e) = self.item(meta) {
            self.report.count(&e);
        }
    }

    /// Validates and adds an interaction. A duplicate (same learner, item and kind) is
    /// merged: the later one's value and time are kept. Returns whether it was new.
    pub fn interaction(&mut self, x: &RawInteraction) -> Result<bool, DataError> {
        if x.learner.is_empty() {
            return Err(DataError::EmptyLearner);
        }
        let item = self
            .item_index
            .get(&x.item)
            .copied()
            .ok_or(DataError::UnknownItem(x.item))?;
        let value = match x.kind {
            Kind::Enrollment => 1.0,
            Kind::Completion => {
                if !x.value.is_finite() {
                    return Err(DataError::NotFinite);
                }
                if !(0.0..=100.0).contains(&x.value) {
                    return Err(DataError::ScoreOutOfRange(x.value));
                }
                x.value
            }
            Kind::Rating => {
                if !x.value.is_finite() {
                    return Err(DataError::NotFinite);
                }
                if !(1.0..=5.0).contains(&x.value) {
                    return Err(DataError::RatingOutOfRange(x.value));
                }
                x.value
            }
        };
        let learner = match self.learner_index.get(&x.learner) {
            Some(&i) => i,
            None => {
                let i = self.learners.len() as u32;
                self.learners.push(x.learner.clone());
                self.learner_index.insert(x.learner.clone(), i);
                i
            }
        };
        let new = Interaction {
            learner,
            item,
            kind: x.kind,
            value,
            time: x.time,
        };
        match self.seen.get(&(learner, item, x.kind)) {
            Some(&pos) => {
                self.report.duplicates += 1;
                if let Some(old) = self.interactions.get_mut(pos) {
                    if new.time >= old.time {
                        *old = new;
                    }
                }
                Ok(false)
            }
            None => {
                self.seen
                    .insert((learner, item, x.kind), self.interactions.len());
                self.interactions.push(new);
                self.report.accepted += 1;
                Ok(true)
            }
        }
    }

    /// [`DatasetBuilder::interaction`], skipping malformed input and counting it.
    pub fn interaction_lenient(&mut self, x: &RawInteraction) {
        if let Err(e) = self.interaction(x) {
            self.report.count(&e);
        }
    }

    pub fn report(&self) -> &Report {
        &self.report
    }

    pub fn build(self) -> (Dataset, Report) {
        let histories = build_histories(self.learners.len(), &self.interactions);
        (
            Dataset {
                items: self.items,
                item_index: self.item_index,
                learners: self.learners,
                learner_index: self.learner_index,
                interactions: self.interactions,
                histories,
            },
            self.report,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: ItemId, tags: &[&str]) -> ItemMeta {
        ItemMeta {
            id,
            title: format!("course {id}"),
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

    #[test]
    fn structural_tags_parse_in_both_forms() {
        let i = Item::new(meta(
            5,
            &[
                "rust",
                "level_3",
                "requires_2",
                "requires:4",
                "requires_2",
                "requires_5",
            ],
        ));
        assert_eq!(i.level, Some(3));
        // Duplicates and self-requirement dropped.
        assert_eq!(i.requires, vec![2, 4]);
        assert_eq!(i.topic_tags, vec!["rust".to_string()]);
        assert_eq!(parse_structural("level:9"), Some(Structural::Level(9)));
        // Malformed structural tags are topic tags.
        assert_eq!(parse_structural("level_0"), None);
        assert_eq!(parse_structural("level_x"), None);
        assert_eq!(parse_structural("requires_"), None);
        assert_eq!(parse_structural("requirespython"), None);
    }

    #[test]
    fn malformed_interactions_are_typed_errors_and_counted_when_lenient() {
        let mut b = DatasetBuilder::new();
        b.item(meta(1, &[])).unwrap();
        assert_eq!(b.item(meta(1, &[])), Err(DataError::DuplicateItem(1)));
        assert_eq!(
            b.interaction(&x("a", 9, Kind::Enrollment, 1.0, 0)),
            Err(DataError::UnknownItem(9))
        );
        assert_eq!(
            b.interaction(&x("a", 1, Kind::Rating, 6.0, 0)),
            Err(DataError::RatingOutOfRange(6.0))
        );
        assert_eq!(
            b.interaction(&x("a", 1, Kind::Rating, 0.0, 0)),
            Err(DataError::RatingOutOfRange(0.0))
        );
        assert_eq!(
            b.interaction(&x("a", 1, Kind::Rating, f32::NAN, 0)),
            Err(DataError::NotFinite)
        );
        assert_eq!(
            b.interaction(&x("a", 1, Kind::Completion, f32::INFINITY, 0)),
            Err(DataError::NotFinite)
        );
        assert_eq!(
            b.interaction(&x("a", 1, Kind::Completion, 101.0, 0)),
            Err(DataError::ScoreOutOfRange(101.0))
        );
        assert_eq!(
            b.interaction(&x("", 1, Kind::Enrollment, 1.0, 0)),
            Err(DataError::EmptyLearner)
        );
        // An enrollment's value is ignored, NaN included.
        assert_eq!(
            b.interaction(&x("a", 1, Kind::Enrollment, f32::NAN, 5)),
            Ok(true)
        );
        assert_eq!(b.interaction(&x("a", 1, Kind::Rating, 2.0, 6)), Ok(true));
        // A duplicate is merged, latest kept.
        assert_eq!(b.interaction(&x("a", 1, Kind::Rating, 5.0, 7)), Ok(false));
        assert_eq!(b.interaction(&x("a", 1, Kind::Rating, 1.0, 3)), Ok(false));
        b.interaction_lenient(&x("a", 2, Kind::Enrollment, 1.0, 0));
        b.interaction_lenient(&x("b", 1, Kind::Rating, -1.0, 0));
        b.item_lenient(meta(1, &[]));
        let (d, r) = b.build();
        assert_eq!(r.accepted, 2);
        assert_eq!(r.duplicates, 2);
        assert_eq!(r.unknown_items, 1);
        assert_eq!(r.out_of_range, 1);
        assert_eq!(r.duplicate_items, 1);
        assert_eq!(r.skipped(), 3);
        assert_eq!(d.learners().len(), 1);
        let h = d.history(0);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].rating, Some(5.0));
        assert_eq!(h[0].first, 5);
        assert!(h[0].enrolled && !h[0].completed);
        assert!(d.history(99).is_empty());
    }

    #[test]
    fn empty_dataset_builds() {
        let (d, r) = DatasetBuilder::new().build();
        assert!(d.is_empty());
        assert!(d.items().is_empty());
        assert_eq!(r, Report::default());
    }

    #[test]
    fn weights_rank_engagement() {
        let e = |completed, rating| Engagement {
            item: 0,
            enrolled: true,
            completed,
            rating,
            first: 0,
        };
        assert!(e(true, Some(5.0)).weight() > e(true, None).weight());
        assert!(e(true, None).weight() > e(false, None).weight());
        assert!(e(false, Some(1.0)).weight() >= 0.25);
    }
}
