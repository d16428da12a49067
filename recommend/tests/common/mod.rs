//! Shared by the native and browser tests: one fixed computation whose results must be
//! identical on both (deterministic generator, same model, same order).

use std::collections::HashSet;
use std::fmt::Write;

use teachlink_recommend::eval::split_last;
use teachlink_recommend::hybrid::{HybridConfig, Recommender};
use teachlink_recommend::paths::plan;
use teachlink_recommend::synthetic::{generate, SyntheticConfig};

/// `digest()` as computed natively (`same_everywhere` in tests/planted.rs), kept as text so
/// that a change shows as a diff. After a deliberate change to the model, rewrite it with
/// `TEACHLINK_BLESS=1 cargo test -p teachlink-recommend --test planted same_everywhere` and
/// review the diff.
pub const GOLDEN: &str = include_str!("golden.txt");

/// Fails, naming each line that differs (expected, then got), unless `got` is [`GOLDEN`].
pub fn assert_golden(got: &str) {
    if got == GOLDEN {
        return;
    }
    let want: Vec<&str> = GOLDEN.lines().collect();
    let have: Vec<&str> = got.lines().collect();
    let mut diff = String::new();
    for i in 0..want.len().max(have.len()) {
        let (w, h) = (want.get(i), have.get(i));
        if w != h {
            let _ = writeln!(
                diff,
                "line {}:\n  - {}\n  + {}",
                i + 1,
                w.copied().unwrap_or("(none)"),
                h.copied().unwrap_or("(none)")
            );
        }
    }
    if diff.is_empty() {
        diff.push_str("the line endings differ\n");
    }
    panic!("the recommender's results differ from tests/common/golden.txt:\n{diff}");
}

/// Top-10 course ids and their first reason for 25 learners, and one learning path, on a
/// small planted set; scores are left out (the last bit of `ln` may differ between the
/// platform libm and Rust's, never the ranking here).
pub fn digest() -> String {
    let s = generate(&SyntheticConfig {
        learners: 400,
        items: 250,
        seed: 9,
        ..SyntheticConfig::default()
    });
    let split = split_last(&s.dataset, 2, 2);
    let r = Recommender::train(&split.train, &HybridConfig::default());
    let mut out = String::new();
    for (learner, _) in split.test.iter().take(25) {
        let recs = r.recommend(split.train.history(*learner), 10);
        for x in &recs {
            let _ = write!(out, "{}:{};", x.item, x.reasons[0]);
        }
        out.push('\n');
    }
    let wanted: Vec<u64> = r.popular(5).into_iter().map(|x| x.item).collect();
    let path = plan(r.items(), &HashSet::new(), &wanted);
    for step in &path.steps {
        let _ = write!(out, "{}>", step.item);
    }
    out
}
