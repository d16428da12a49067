//! Owns learning paths: a learner's next courses in an order they can take them —
//! prerequisites first (the `requires_ID` tags, see [`crate::dataset`]), easier before
//! harder (`level_N`), what they completed skipped — safe against cyclic prerequisites.
//!
//! [`plan`] takes the courses a learner wants (e.g. their recommendations, best first),
//! adds every prerequisite they have not completed (transitively), and orders the lot by
//! Kahn's topological sort, choosing among the courses whose prerequisites are all done
//! the lowest level first (no `level_N` tag counts as level 1: nothing says it is hard),
//! then the earliest wanted (a prerequisite ranks with the first course that needs it),
//! then the lowest id. Courses in a prerequisite cycle, or behind one, can never be
//! started: they are left out of the path and listed in [`LearningPath::blocked`].
//! Prerequisites and wanted courses that are not in the catalogue are listed in
//! [`LearningPath::unknown`]; an unknown prerequisite does not block (the catalogue may
//! simply not have indexed it), it is reported.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::dataset::{Engagement, Item, ItemId};
use crate::explain::Reason;
use crate::hybrid::Recommender;

/// One course of a path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathStep {
    pub item: ItemId,
    pub title: String,
    pub level: Option<u8>,
    /// Whether the learner asked for it (else it is a prerequisite of one they did).
    pub wanted: bool,
    /// Why it is here, and after what.
    pub reason: Reason,
}

/// An ordered path.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LearningPath {
    pub steps: Vec<PathStep>,
    /// Courses left out because a prerequisite cycle blocks them, by id.
    pub blocked: Vec<ItemId>,
    /// Ids named (wanted or required) that are not in the catalogue, by id.
    pub unknown: Vec<ItemId>,
}

/// Orders `wanted` (best first) and their missing prerequisites for a learner who
/// completed `completed`. See the module docs.
pub fn plan(catalogue: &[Item], completed: &HashSet<ItemId>, wanted: &[ItemId]) -> LearningPath {
    let by_id: HashMap<ItemId, &Item> = catalogue.iter().map(|i| (i.id(), i)).collect();
    let mut unknown = BTreeSet::new();
    // Rank: position of the first wanted course that needs it.
    let mut rank: HashMap<ItemId, usize> = HashMap::new();
    let wanted_set: HashSet<ItemId> = wanted.iter().copied().collect();
    let mut stack: Vec<(ItemId, usize)> = Vec::new();
    for (r, &id) in wanted.iter().enumerate() {
        if !by_id.contains_key(&id) {
            unknown.insert(id);
        } else if !completed.contains(&id) {
            stack.push((id, r));
        }
    }
    stack.reverse();
    while let Some((id, r)) = stack.pop() {
        if rank.contains_key(&id) {
            continue;
        }
        rank.insert(id, r);
        let Some(item) = by_id.get(&id) else {
            continue;
        };
        for &p in &item.requires {
            if completed.contains(&p) {
                continue;
            }
            if !by_id.contains_key(&p) {
                unknown.insert(p);
            } else if !rank.contains_key(&p) {
                stack.push((p, r));
            }
        }
    }
    // Kahn over the chosen set.
    let mut indegree: HashMap<ItemId, usize> = rank.keys().map(|&id| (id, 0)).collect();
    let mut dependents: HashMap<ItemId, Vec<ItemId>> = HashMap::new();
    for &id in rank.keys() {
        if let Some(item) = by_id.get(&id) {
            for p in &item.requires {
                if rank.contains_key(p) {
                    *indegree.entry(id).or_default() += 1;
                    dependents.entry(*p).or_default().push(id);
                }
            }
        }
    }
    let key = |id: ItemId| {
        let level = by_id.get(&id).and_then(|i| i.level).unwrap_or(1);
        Reverse((level, rank.get(&id).copied().unwrap_or(usize::MAX), id))
    };
    let mut ready: BinaryHeap<Reverse<(u8, usize, ItemId)>> = indegree
        .iter()
        .filter(|(_, &d)| d == 0)
        .map(|(&id, _)| key(id))
        .collect();
    let mut steps = Vec::new();
    while let Some(Reverse((_, _, id))) = ready.pop() {
        let Some(item) = by_id.get(&id) else {
            continue;
        };
        let prerequisites: Vec<ItemId> = item
            .requires
            .iter()
            .copied()
            .filter(|p| rank.contains_key(p))
            .collect();
        steps.push(PathStep {
            item: id,
            title: item.label(),
            level: item.level,
            wanted: wanted_set.contains(&id),
            reason: Reason::After { prerequisites },
        });
        for d in dependents.get(&id).into_iter().flatten() {
            if let Some(n) = indegree.get_mut(d) {
                *n -= 1;
                if *n == 0 {
                    ready.push(key(*d));
                }
            }
        }
    }
    let placed: HashSet<ItemId> = steps.iter().map(|s| s.item).collect();
    let blocked: BTreeSet<ItemId> = rank
        .keys()
        .copied()
        .filter(|id| !placed.contains(id))
        .collect();
    LearningPath {
        steps,
        blocked: blocked.into_iter().collect(),
        unknown: unknown.into_iter().collect(),
    }
}

/// A learner's next courses: their `k` best recommendations as the wanted courses, with
/// the prerequisites they have not completed (courses they only enrolled in included),
/// ordered by [`plan`]. `history` is by `recommender`'s indices, as for
/// [`Recommender::recommend`].
pub fn next_courses(recommender: &Recommender, history: &[Engagement], k: usize) -> LearningPath {
    let items = recommender.items();
    let completed: HashSet<ItemId> = history
        .iter()
        .filter(|e| e.completed)
        .filter_map(|e| items.get(e.item as usize).map(Item::id))
        .collect();
    let wanted: Vec<ItemId> = recommender
        .recommend(history, k)
        .into_iter()
        .map(|r| r.item)
        .collect();
    plan(items, &completed, &wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::ItemMeta;

    fn item(id: ItemId, tags: &[&str]) -> Item {
        Item::new(ItemMeta {
            id,
            title: format!("c{id}"),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..ItemMeta::default()
        })
    }

    fn ids(p: &LearningPath) -> Vec<ItemId> {
        p.steps.iter().map(|s| s.item).collect()
    }

    #[test]
    fn prerequisites_first_then_easier_skipping_completed() {
        let cat = vec![
            item(1, &["level_1"]),
            item(2, &["level_2", "requires_1"]),
            item(3, &["level_3", "requires_2"]),
            item(4, &["level_1"]),
            item(5, &["level_2", "requires_4"]),
            item(6, &[]),
        ];
        // Wants 3 and 5; completed 1; 2 and 4 are pulled in.
        let done: HashSet<ItemId> = [1].into();
        let p = plan(&cat, &done, &[3, 5, 6]);
        assert_eq!(ids(&p), vec![4, 6, 2, 5, 3]);
        assert!(!p.steps[0].wanted && p.steps[4].wanted);
        assert_eq!(
            p.steps[4].reason,
            Reason::After {
                prerequisites: vec![2]
            }
        );
        assert!(p.blocked.is_empty() && p.unknown.is_empty());
        // Everything completed: nothing to do.
        let all: HashSet<ItemId> = (1..=6).collect();
        assert!(plan(&cat, &all, &[3, 5]).steps.is_empty());
        // Nothing wanted: empty.
        assert_eq!(plan(&cat, &done, &[]), LearningPath::default());
    }

    #[test]
    fn next_courses_respect_prerequisites_on_planted_data() {
        use crate::hybrid::HybridConfig;
        use crate::synthetic::{generate, SyntheticConfig};
        let s = generate(&SyntheticConfig {
            learners: 300,
            items: 200,
            ..SyntheticConfig::default()
        });
        let r = Recommender::train(&s.dataset, &HybridConfig::default());
        let mut pulled_in = 0;
        for l in 0..50 {
            let h = s.dataset.history(l);
            let done: HashSet<ItemId> = h
                .iter()
                .filter(|e| e.completed)
                .map(|e| s.dataset.items()[e.item as usize].id())
                .collect();
            let p = next_courses(&r, h, 10);
            assert!(p.blocked.is_empty() && p.unknown.is_empty());
            let mut seen: HashSet<ItemId> = HashSet::new();
            for step in &p.steps {
                assert!(!done.contains(&step.item), "completed course in path");
                let item = &s.dataset.items()[s.dataset.item_index(step.item).unwrap() as usize];
                for req in &item.requires {
                    assert!(
                        done.contains(req) || seen.contains(req),
                        "{} before its prerequisite {req}",
                        step.item
                    );
                }
                assert!(seen.insert(step.item), "duplicate step");
                pulled_in += usize::from(!step.wanted);
            }
            assert!(p.steps.iter().filter(|x| x.wanted).count() <= 10);
        }
        assert!(pulled_in > 0, "some prerequisites had to be pulled in");
    }

    #[test]
    fn cycles_are_blocked_not_looped_and_unknowns_reported() {
        let cat = vec![
            item(1, &["requires_2"]),
            item(2, &["requires_1"]),
            item(3, &["requires_1"]),
            item(4, &["requires_99"]),
            item(5, &[]),
        ];
        let p = plan(&cat, &HashSet::new(), &[3, 4, 5, 77]);
        assert_eq!(ids(&p), vec![4, 5]);
        assert_eq!(p.blocked, vec![1, 2, 3]);
        assert_eq!(p.unknown, vec![77, 99]);
        // Completing one course of the cycle unblocks the rest.
        let p = plan(&cat, &[2].into(), &[3]);
        assert_eq!(ids(&p), vec![1, 3]);
        // A self-requirement is dropped when the tags are read.
        let selfish = vec![item(1, &["requires_1"])];
        assert_eq!(ids(&plan(&selfish, &HashSet::new(), &[1])), vec![1]);
    }
}
