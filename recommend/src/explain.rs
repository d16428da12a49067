//! Owns explanations: why a course was recommended or placed in a path, as a typed
//! [`Reason`] the app can render itself or show through its `Display` text.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dataset::ItemId;

/// One reason for a recommendation; a recommendation carries its strongest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Collaborative: learners who took (or completed) `because` went on to take this.
    TakenAfter {
        because: ItemId,
        because_title: String,
        /// Whether this learner completed `because` (else only enrolled or rated).
        completed: bool,
    },
    /// Content: shares topic tags with a course the learner took.
    SameTags {
        because: ItemId,
        because_title: String,
        tags: Vec<String>,
    },
    /// Content: similar title or licence, no shared tag.
    SimilarTo {
        because: ItemId,
        because_title: String,
    },
    /// Prior: many learners took it.
    Popular { learners: u32 },
    /// Prior: rated well by enough learners.
    HighlyRated { mean: f32, ratings: u32 },
    /// Paths: it comes after prerequisites in the path.
    After { prerequisites: Vec<ItemId> },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::TakenAfter {
                because_title,
                completed,
                ..
            } => {
                let did = if *completed { "completed" } else { "took" };
                write!(f, "learners who {did} “{because_title}” took this next")
            }
            Reason::SameTags {
                because_title,
                tags,
                ..
            } => write!(f, "same tags as “{because_title}”: {}", tags.join(", ")),
            Reason::SimilarTo { because_title, .. } => write!(f, "similar to “{because_title}”"),
            Reason::Popular { learners } => {
                write!(
                    f,
                    "popular: {learners} learner{} took it",
                    plural(*learners)
                )
            }
            Reason::HighlyRated { mean, ratings } => write!(
                f,
                "rated {mean:.1}/5 by {ratings} learner{}",
                plural(*ratings)
            ),
            Reason::After { prerequisites } => {
                if prerequisites.is_empty() {
                    write!(f, "no prerequisites left")
                } else {
                    let ids: Vec<String> = prerequisites.iter().map(|p| p.to_string()).collect();
                    write!(f, "after its prerequisites: {}", ids.join(", "))
                }
            }
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_sentences_and_serialise_tagged() {
        let r = Reason::TakenAfter {
            because: 1,
            because_title: "Rust 101".into(),
            completed: true,
        };
        assert_eq!(
            r.to_string(),
            "learners who completed “Rust 101” took this next"
        );
        let t = Reason::SameTags {
            because: 2,
            because_title: "Soroban".into(),
            tags: vec!["rust".into(), "web".into()],
        };
        assert_eq!(t.to_string(), "same tags as “Soroban”: rust, web");
        assert_eq!(
            Reason::Popular { learners: 1 }.to_string(),
            "popular: 1 learner took it"
        );
        assert_eq!(
            Reason::HighlyRated {
                mean: 4.56,
                ratings: 12
            }
            .to_string(),
            "rated 4.6/5 by 12 learners"
        );
        let json = serde_json::to_string(&Reason::Popular { learners: 3 }).unwrap();
        assert_eq!(json, r#"{"kind":"popular","learners":3}"#);
    }
}
