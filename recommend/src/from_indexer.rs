//! Owns the adapter from the light indexer's entities ([`teachlink_indexer::project::State`])
//! to a [`Dataset`] and reputation [`Activity`], with what it had to skip.
//!
//! - **Items**: every content token. Title, tags and licence from its mint (a token whose
//!   mint was missed — a retention gap — is kept with empty metadata); creator as strkey.
//!   A course id is a content-token id: escrows and completions name courses by it.
//! - **Enrolments**: an escrow with known terms whose status is not `Refunded` or
//!   `Cancelled` (a learner who took their money back did not take the course): the
//!   depositor enrolled in `course_id` at the escrow's creation.
//! - **Completions**: every completion, its `score_pct` as the value.
//! - **Ratings of courses**: TeachLink has no course-rating event; a contribution whose
//!   `reference` equals a token's content hash is taken to be *about* that course, and each
//!   of its ratings is the rater's rating of the course. Other contributions' ratings only
//!   feed reputation.
//! - **Reputation activity**: completions (for the learner) and every contribution rating
//!   (for the author: `ratings_received` in the contract).
//!
//! Interactions naming a course that is not a known token, out-of-range values and
//! duplicates are handled as [`DatasetBuilder`] documents, counted in the [`Report`].

use std::collections::HashMap;

use teachlink_indexer::project::{EscrowStatus, State};

use crate::dataset::{Dataset, DatasetBuilder, ItemId, ItemMeta, Kind, RawInteraction, Report};
use crate::reputation::{Activity, ActivityKind};

/// What the adapter built.
#[derive(Clone, Debug)]
pub struct Indexed {
    pub dataset: Dataset,
    pub report: Report,
    pub activity: Vec<Activity>,
    /// The newest time seen (UNIX seconds), 0 when nothing was.
    pub end: u64,
}

/// Builds the data the models learn from out of the indexer's projections.
pub fn from_state(state: &State) -> Indexed {
    let mut b = DatasetBuilder::new();
    let mut by_hash: HashMap<[u8; 32], ItemId> = HashMap::new();
    for t in state.tokens.values() {
        let meta = match &t.mint {
            Some(m) => ItemMeta {
                id: t.id,
                title: m.title.clone(),
                tags: m.tags.clone(),
                licence: m.licence.clone(),
                creator: t.creator.map(|c| c.to_string()),
            },
            None => ItemMeta {
                id: t.id,
                creator: t.creator.map(|c| c.to_string()),
                ..ItemMeta::default()
            },
        };
        if let Some(h) = t.content_hash {
            by_hash.entry(h.0).or_insert(t.id);
        }
        b.item_lenient(meta);
    }
    let mut end = 0u64;
    for x in state.escrows.values() {
        if matches!(x.status, EscrowStatus::Refunded | EscrowStatus::Cancelled) {
            continue;
        }
        let (Some(terms), Some(depositor)) = (&x.terms, x.depositor) else {
            continue;
        };
        let time = x.history.first().map(|h| h.stamp.at).unwrap_or(0);
        end = end.max(time);
        b.interaction_lenient(&RawInteraction {
            learner: depositor.to_string(),
            item: terms.course_id,
            kind: Kind::Enrollment,
            value: 1.0,
            time,
        });
    }
    let mut activity = Vec::new();
    for c in state.completions.values() {
        let learner = c.learner.to_string();
        end = end.max(c.stamp.at);
        b.interaction_lenient(&RawInteraction {
            learner: learner.clone(),
            item: c.course_id,
            kind: Kind::Completion,
            value: c.score_pct as f32,
            time: c.stamp.at,
        });
        activity.push(Activity {
            learner,
            time: c.stamp.at,
            kind: ActivityKind::Completion {
                score_pct: c.score_pct,
            },
        });
    }
    for c in state.contributions.values() {
        let course = c.reference.and_then(|r| by_hash.get(&r.0).copied());
        let author = c.author.to_string();
        for r in &c.ratings {
            end = end.max(r.stamp.at);
            if let Some(course) = course {
                b.interaction_lenient(&RawInteraction {
                    learner: r.rater.to_string(),
                    item: course,
                    kind: Kind::Rating,
                    value: r.rating as f32,
                    time: r.stamp.at,
                });
            }
            activity.push(Activity {
                learner: author.clone(),
                time: r.stamp.at,
                kind: ActivityKind::RatingReceived {
                    stars: r.rating,
                    weight: r.weight,
                },
            });
        }
    }
    let (dataset, report) = b.build();
    Indexed {
        dataset,
        report,
        activity,
        end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teachlink_indexer::decode::{Decoded, Event, TeachLinkEvent as E};
    use teachlink_indexer::traffic::{account, meta, stream_with, CONTENT, REPUTATION};
    use teachlink_indexer::Hash32;

    use crate::hybrid::{HybridConfig, Recommender};

    #[test]
    fn synthetic_traffic_becomes_a_dataset() {
        let mut state = State::default();
        for d in stream_with(4_000, 60) {
            state.apply(&d);
        }
        let ix = from_state(&state);
        assert_eq!(ix.dataset.items().len(), state.tokens.len());
        // Traffic's course ids run 0..800 and its token ids from 101: courses that are not
        // tokens are skipped and counted, never a panic.
        assert!(ix.report.unknown_items > 0);
        assert!(ix.report.accepted > 0);
        let known = |id: u64| state.tokens.contains_key(&id);
        let enrolments = state
            .escrows
            .values()
            .filter(|x| {
                !matches!(x.status, EscrowStatus::Refunded | EscrowStatus::Cancelled)
                    && x.terms.as_ref().is_some_and(|t| known(t.course_id))
            })
            .count();
        let completions = state
            .completions
            .values()
            .filter(|c| known(c.course_id))
            .count();
        let count = |k: Kind| {
            ix.dataset
                .interactions()
                .iter()
                .filter(|x| x.kind == k)
                .count()
        };
        // Same learner, course and kind twice is one interaction; the rest are counted.
        assert_eq!(
            count(Kind::Enrollment) + count(Kind::Completion) + ix.report.duplicates,
            enrolments + completions
        );
        let ratings: usize = state.contributions.values().map(|c| c.ratings.len()).sum();
        assert_eq!(ix.activity.len(), state.completions.len() + ratings);
        assert!(ix.end > 0);
        // Trains and recommends on it.
        let r = Recommender::train(&ix.dataset, &HybridConfig::default());
        assert_eq!(r.popular(5).len(), 5.min(ix.dataset.items().len()));
    }

    #[test]
    fn contributions_about_a_course_rate_it_and_titles_and_tags_come_from_the_mint() {
        let hash = Hash32([0xAB; 32]);
        let (teacher, alice, bob) = (account(1), account(2), account(3));
        let bodies = vec![
            (
                CONTENT,
                E::Minted {
                    token_id: 7,
                    creator: teacher,
                    title: "Soroban 101".into(),
                    content_hash: hash,
                    uri: "ipfs://x".into(),
                    licence: "cc_by".into(),
                    tags: vec!["soroban".into(), "level_1".into()],
                    transferable: true,
                    royalty_bps: 0,
                },
            ),
            (
                REPUTATION,
                E::ContributionRecorded {
                    contribution_id: 1,
                    learner: teacher,
                    kind: "course".into(),
                    reference: hash,
                },
            ),
            (
                REPUTATION,
                E::ContributionRated {
                    contribution_id: 1,
                    rater: alice,
                    author: teacher,
                    rating: 5,
                    weight: 5,
                    author_reputation: 0,
                    author_credit_score: 0,
                },
            ),
            (
                REPUTATION,
                E::ContributionRated {
                    contribution_id: 1,
                    rater: bob,
                    author: teacher,
                    rating: 9,
                    weight: 5,
                    author_reputation: 0,
                    author_credit_score: 0,
                },
            ),
            (
                REPUTATION,
                E::CompletionRecorded {
                    learner: alice,
                    course_id: 7,
                    issuer: teacher,
                    score_pct: 88,
                    credit_score: 0,
                    reputation: 0,
                },
            ),
        ];
        let mut state = State::default();
        for (i, (contract, body)) in bodies.into_iter().enumerate() {
            state.apply(&Decoded::Event(Event {
                meta: meta(i, contract),
                body,
            }));
        }
        let ix = from_state(&state);
        let item = &ix.dataset.items()[0];
        assert_eq!(item.meta.title, "Soroban 101");
        assert_eq!(item.level, Some(1));
        assert_eq!(item.topic_tags, vec!["soroban".to_string()]);
        assert_eq!(item.meta.creator, Some(teacher.to_string()));
        let a = ix.dataset.learner_index(&alice.to_string()).unwrap();
        let h = ix.dataset.history(a);
        assert_eq!(h.len(), 1);
        assert!(h[0].completed);
        assert_eq!(h[0].rating, Some(5.0));
        // Bob's 9 stars are out of range: skipped for the course, counted.
        assert_eq!(ix.report.out_of_range, 1);
        assert!(ix.dataset.learner_index(&bob.to_string()).is_none());
        // Reputation: alice's completion, and both ratings for the author.
        assert_eq!(ix.activity.len(), 3);
        assert!(ix.activity.iter().any(|x| x.learner == teacher.to_string()
            && x.kind
                == ActivityKind::RatingReceived {
                    stars: 9,
                    weight: 5
                }));
    }

    #[test]
    fn empty_state_is_an_empty_dataset() {
        let ix = from_state(&State::default());
        assert!(ix.dataset.is_empty());
        assert_eq!(ix.end, 0);
        assert!(ix.activity.is_empty());
    }
}
