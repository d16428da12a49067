//! The offline evaluation harness: precision@10, recall@10 and NDCG@10 of the popularity
//! baseline and the hybrid (and each of its parts alone) under the held-out split of
//! `teachlink_recommend::eval` (each learner's last courses by time held out), on the
//! planted synthetic data set and, when given, on MovieLens 100K; then the reputation
//! model against persistence, and native recommendation latency.
//!
//! ```text
//! cargo run --release -p teachlink-recommend --example evaluate
//! cargo run --release -p teachlink-recommend --example evaluate -- \
//!     --movielens "$(scripts/fetch-movielens.sh)"
//! ```
//!
//! Options: `--learners N --items N --seed N --holdout N` for the synthetic set (defaults
//! 10,000 × 5,000, seed 42, holdout 2), `--movielens DIR` (a directory holding RecBole's
//! `ml-100k.inter` and `ml-100k.item`, which `scripts/fetch-movielens.sh` extracts from
//! the `recbole` wheel on PyPI), `--ml-holdout N` (default 5), and the blend's
//! `--cf-weight`, `--content-weight`, `--prior-weight`, `--recency-decay` (defaults:
//! `HybridConfig::default()`).

use std::time::Instant;

use teachlink_recommend::dataset::{DatasetBuilder, ItemMeta, Kind, RawInteraction};
use teachlink_recommend::eval::{evaluate, split_last, Metrics, Split};
use teachlink_recommend::hybrid::{HybridConfig, Popularity, Recommender};
use teachlink_recommend::reputation::{self, ReputationConfig};
use teachlink_recommend::synthetic::{generate, SyntheticConfig};
use teachlink_recommend::Dataset;

const K: usize = 10;

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn row(name: &str, m: &Metrics) {
    println!(
        "| {name:<22} | {:>8.4} | {:>8.4} | {:>8.4} |",
        m.precision, m.recall, m.ndcg
    );
}

/// Evaluates popularity, the hybrid and its parts on `split`; returns (popularity, hybrid).
fn table(split: &Split, config: &HybridConfig) -> (Metrics, Metrics) {
    let t = Instant::now();
    let pop = Popularity::build(&split.train);
    let hybrid = Recommender::train(&split.train, config);
    let train_ms = t.elapsed().as_secs_f64() * 1e3;
    let only = |cf: f32, ct: f32, pr: f32| {
        Recommender::train(
            &split.train,
            &HybridConfig {
                cf_weight: cf,
                content_weight: ct,
                prior_weight: pr,
                ..config.clone()
            },
        )
    };
    let p = evaluate(split, K, 1, |h| pop.recommend(h, K));
    let t = Instant::now();
    let h = evaluate(split, K, 1, |h| {
        hybrid
            .recommend(h, K)
            .into_iter()
            .filter_map(|r| hybrid.item_index(r.item))
            .collect()
    });
    let per = t.elapsed().as_secs_f64() * 1e3 / h.learners.max(1) as f64;
    println!(
        "held-out learners: {}; training (popularity + hybrid): {train_ms:.0} ms",
        p.learners
    );
    println!(
        "| {:<22} | {:>8} | {:>8} | {:>8} |",
        "model", "P@10", "R@10", "NDCG@10"
    );
    println!("|{:-<24}|{:->10}|{:->10}|{:->10}|", "", "", "", "");
    row("popularity (baseline)", &p);
    row("hybrid", &h);
    for (name, m) in [
        ("collaborative only", only(1.0, 0.0, 0.0)),
        ("content only", only(0.0, 1.0, 0.0)),
        ("prior only", only(0.0, 0.0, 1.0)),
    ] {
        row(
            name,
            &evaluate(split, K, 1, |h| {
                m.score(h, K).into_iter().map(|x| x.0).collect()
            }),
        );
    }
    println!(
        "hybrid beats popularity on every metric: {}",
        h.precision > p.precision && h.recall > p.recall && h.ndcg > p.ndcg
    );
    println!("native recommend with reasons: {per:.3} ms/learner\n");
    (p, h)
}

fn movielens(dir: &str) -> Result<Dataset, String> {
    let read = |name: &str| {
        std::fs::read_to_string(format!("{dir}/{name}")).map_err(|e| format!("{dir}/{name}: {e}"))
    };
    let mut b = DatasetBuilder::new();
    // item_id, movie_title, release_year, class (genres, space-separated).
    for line in read("ml-100k.item")?.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let Some(id) = f.first().and_then(|s| s.parse::<u64>().ok()) else {
            continue;
        };
        b.item_lenient(ItemMeta {
            id,
            title: f.get(1).unwrap_or(&"").to_string(),
            tags: f
                .get(3)
                .unwrap_or(&"")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            licence: String::new(),
            creator: None,
        });
    }
    // user_id, item_id, rating, timestamp: a rating is taking the film up, and its stars.
    for line in read("ml-100k.inter")?.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(u), Some(i), Some(r), Some(t)) = (
            f.first(),
            f.get(1).and_then(|s| s.parse::<u64>().ok()),
            f.get(2).and_then(|s| s.parse::<f32>().ok()),
            f.get(3).and_then(|s| s.parse::<f64>().ok()),
        ) else {
            continue;
        };
        for (kind, value) in [(Kind::Enrollment, 1.0), (Kind::Rating, r)] {
            b.interaction_lenient(&RawInteraction {
                learner: format!("u{u}"),
                item: i,
                kind,
                value,
                time: t as u64,
            });
        }
    }
    let (d, report) = b.build();
    println!("MovieLens 100K from {dir}: {report:?}");
    Ok(d)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cfg = SyntheticConfig {
        learners: arg(&args, "--learners", 10_000),
        items: arg(&args, "--items", 5_000),
        seed: arg(&args, "--seed", 42),
        ..SyntheticConfig::default()
    };
    let holdout = arg(&args, "--holdout", 2usize);
    let d = HybridConfig::default();
    let config = HybridConfig {
        cf_weight: arg(&args, "--cf-weight", d.cf_weight),
        content_weight: arg(&args, "--content-weight", d.content_weight),
        prior_weight: arg(&args, "--prior-weight", d.prior_weight),
        recency_decay: arg(&args, "--recency-decay", d.recency_decay),
        ..d
    };
    println!(
        "hybrid weights: collaborative {}, content {}, prior {}, recency decay {}\n",
        config.cf_weight, config.content_weight, config.prior_weight, config.recency_decay
    );

    let t = Instant::now();
    let s = generate(&cfg);
    println!(
        "## Planted synthetic set: {} learners × {} courses, {} interactions, seed {} ({:.0} ms)",
        s.dataset.learners().len(),
        s.dataset.items().len(),
        s.dataset.interactions().len(),
        cfg.seed,
        t.elapsed().as_secs_f64() * 1e3
    );
    println!(
        "split: per learner with ≥ {} courses, the last {holdout} by time held out\n",
        holdout + 2
    );
    table(&split_last(&s.dataset, holdout, 2), &config);

    let t = Instant::now();
    match reputation::evaluate(&s.activity, s.end, &ReputationConfig::default()) {
        Ok(e) => println!(
            "## Reputation (credit score, 6 monthly steps; 1 learner in 5 held out): \
             MAE model {:.2} vs persistence {:.2} over {} predictions ({:.0} ms)\n",
            e.model_mae,
            e.persistence_mae,
            e.samples,
            t.elapsed().as_secs_f64() * 1e3
        ),
        Err(e) => println!("## Reputation: {e}\n"),
    }

    if let Some(dir) = args
        .iter()
        .position(|a| a == "--movielens")
        .and_then(|i| args.get(i + 1))
    {
        let ml_holdout = arg(&args, "--ml-holdout", 5usize);
        match movielens(dir) {
            Ok(d) => {
                println!(
                    "## MovieLens 100K: {} users × {} films; split: the last {ml_holdout} rated by time held out\n",
                    d.learners().len(),
                    d.items().len()
                );
                table(&split_last(&d, ml_holdout, 5), &config);
            }
            Err(e) => {
                eprintln!("MovieLens: {e}");
                std::process::exit(1);
            }
        }
    }
}
