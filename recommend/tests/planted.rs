//! The acceptance checks on the planted data set (see `synthetic`): the hybrid beats the
//! popularity baseline on precision@10, recall@10 and NDCG@10 under the documented
//! held-out split, and the reputation model beats persistence on held-out learners.

use teachlink_recommend::eval::{evaluate, split_last};
use teachlink_recommend::hybrid::{HybridConfig, Popularity, Recommender};
use teachlink_recommend::reputation::{self, ReputationConfig, ReputationModel};
use teachlink_recommend::synthetic::{generate, SyntheticConfig};

#[test]
fn hybrid_beats_popularity_on_every_metric() {
    let s = generate(&SyntheticConfig {
        learners: 1_500,
        items: 600,
        ..SyntheticConfig::default()
    });
    let split = split_last(&s.dataset, 2, 2);
    assert!(split.test.len() > 500, "{} test learners", split.test.len());
    let pop = Popularity::build(&split.train);
    let hybrid = Recommender::train(&split.train, &HybridConfig::default());
    let p = evaluate(&split, 10, 1, |h| pop.recommend(h, 10));
    let h = evaluate(&split, 10, 1, |h| {
        hybrid.score(h, 10).into_iter().map(|x| x.0).collect()
    });
    eprintln!("popularity {p:?}\nhybrid     {h:?}");
    assert_eq!(p.learners, h.learners);
    assert!(h.precision > p.precision, "precision {h:?} vs {p:?}");
    assert!(h.recall > p.recall, "recall {h:?} vs {p:?}");
    assert!(h.ndcg > p.ndcg, "ndcg {h:?} vs {p:?}");
}

#[test]
fn reputation_model_beats_persistence_and_predicts_growth() {
    let s = generate(&SyntheticConfig {
        learners: 1_000,
        items: 400,
        ..SyntheticConfig::default()
    });
    let cfg = ReputationConfig::default();
    let e = reputation::evaluate(&s.activity, s.end, &cfg).unwrap();
    eprintln!("{e:?}");
    assert!(e.samples > 1_000);
    assert!(
        e.model_mae < 0.8 * e.persistence_mae,
        "model {} vs persistence {}",
        e.model_mae,
        e.persistence_mae
    );
    let model = ReputationModel::fit(&s.activity, s.end, &cfg).unwrap();
    // A learner completing a well-scored course every few weeks is predicted to gain.
    let active: Vec<_> = (0..6u64)
        .map(|i| reputation::Activity {
            learner: "x".into(),
            time: 1_700_000_000 + i * 20 * 86_400,
            kind: reputation::ActivityKind::Completion { score_pct: 90 },
        })
        .collect();
    let now = 1_700_000_000 + 120 * 86_400;
    let t = model.predict(&active, now);
    assert_eq!(t.points.len(), cfg.horizons);
    let last = t.points.last().unwrap().1;
    assert!(last > t.current as f32, "{t:?}");
    assert!(t.points.iter().all(|p| (0.0..=1000.0).contains(&p.1)));
    // A learner with no activity stays near zero.
    let idle = model.predict(&[], now);
    assert_eq!(idle.current, 0);
    assert!(idle.points.iter().all(|p| p.1 < 50.0), "{idle:?}");
}

mod common;

/// The browser test (tests/browser.rs) checks the same digest: results are identical
/// natively and in WebAssembly.
#[test]
fn same_everywhere() {
    let d = common::digest();
    assert!(d.lines().count() >= 25, "{d}");
    if std::env::var_os("TEACHLINK_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/golden.txt");
        std::fs::write(path, &d).expect("golden.txt written");
    }
    common::assert_golden(&d);
}
