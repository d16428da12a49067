//! Shared by the native and browser tests: one fixed computation whose results must be
//! identical on both (deterministic generator, same model, same order).

use std::collections::HashSet;
use std::fmt::Write;

use teachlink_recommend::eval::split_last;
use teachlink_recommend::hybrid::{HybridConfig, Recommender};
use teachlink_recommend::paths::plan;
use teachlink_recommend::synthetic::{generate, SyntheticConfig};

/// FNV-1a 64 of `digest()`, as computed natively (`same_everywhere` in tests/planted.rs).
pub const EXPECTED: u64 = 4_808_853_620_326_373_419;

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

pub fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
