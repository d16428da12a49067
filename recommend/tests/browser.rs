//! The recommender in a real browser (headless Chromium through wasm-bindgen-test-runner
//! and ChromeDriver, see scripts/browser-tests.sh): the same results as natively, cold
//! start, and (ignored, `measure_…`) the latency at 10,000 learners × 5,000 courses:
//!
//! ```text
//! CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=600 cargo test --release \
//!   -p teachlink-recommend --target wasm32-unknown-unknown --test browser -- \
//!   --include-ignored --nocapture measure
//! ```
#![cfg(target_arch = "wasm32")]

use teachlink_recommend::eval::split_last;
use teachlink_recommend::hybrid::{HybridConfig, LearnerEvent, Recommender};
use teachlink_recommend::synthetic::{generate, SyntheticConfig};
use teachlink_recommend::{Kind, Reason};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

/// `performance.now()`, falling back to `Date.now()`.
fn now_ms() -> f64 {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| {
            let f: js_sys::Function = js_sys::Reflect::get(&p, &JsValue::from_str("now"))
                .ok()?
                .dyn_into()
                .ok()?;
            f.call0(&p).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// The module's linear memory, bytes.
fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map(|b| f64::from(b.byte_length()))
        .unwrap_or(0.0)
}

#[wasm_bindgen_test]
fn same_results_as_natively() {
    common::assert_golden(&common::digest());
}

#[wasm_bindgen_test]
fn cold_start_and_malformed_history_in_the_browser() {
    let s = generate(&SyntheticConfig {
        learners: 200,
        items: 100,
        ..SyntheticConfig::default()
    });
    let r = Recommender::train(&s.dataset, &HybridConfig::default());
    // No history: the prior's order, explained by popularity or ratings.
    let anon = r.recommend_events(&[], 10);
    assert_eq!(anon.len(), 10);
    assert!(anon.iter().all(|x| matches!(
        x.reasons[0],
        Reason::Popular { .. } | Reason::HighlyRated { .. }
    )));
    // Unknown courses and NaN ratings are skipped: the same as no history.
    let junk = [
        LearnerEvent {
            item: 9_999_999,
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
    ];
    assert_eq!(r.recommend_events(&junk, 10), anon);
    // A real history: the next course of the track comes with a collaborative reason.
    let recs = r.recommend_events(
        &[LearnerEvent {
            item: 1,
            kind: Kind::Completion,
            value: 90.0,
            time: 1,
        }],
        10,
    );
    assert!(recs.iter().any(|x| x.item == 2), "{recs:?}");
}

#[wasm_bindgen_test]
#[ignore]
fn measure_recommendations_10k_learners_5k_items() {
    let mem0 = memory_bytes();
    let t = now_ms();
    let s = generate(&SyntheticConfig {
        learners: 10_000,
        items: 5_000,
        ..SyntheticConfig::default()
    });
    let gen_ms = now_ms() - t;
    let split = split_last(&s.dataset, 2, 2);
    let t = now_ms();
    let r = Recommender::train(&split.train, &HybridConfig::default());
    let train_ms = now_ms() - t;
    let mem1 = memory_bytes();
    // 100 learners spread over the set, with reasons, as the app would ask.
    let learners: Vec<u32> = (0..split.train.learners().len() as u32)
        .step_by(100)
        .take(100)
        .collect();
    let t = now_ms();
    let mut worst = 0f64;
    let mut total_results = 0;
    for &l in &learners {
        let t1 = now_ms();
        let recs = r.recommend(split.train.history(l), 10);
        worst = worst.max(now_ms() - t1);
        total_results += recs.len();
    }
    let per = (now_ms() - t) / learners.len() as f64;
    assert_eq!(total_results, learners.len() * 10);
    console_log!(
        "browser: {} learners × {} courses, {} interactions; generate {:.0} ms, train {:.0} ms; \
         recommend (top 10 with reasons) {:.3} ms/learner mean, {:.3} ms worst, over {} learners; \
         wasm memory {:.1} MiB before, {:.1} MiB after training",
        split.train.learners().len(),
        split.train.items().len(),
        split.train.interactions().len(),
        gen_ms,
        train_ms,
        per,
        worst,
        learners.len(),
        mem0 / 1_048_576.0,
        mem1 / 1_048_576.0
    );
    assert!(per <= 200.0, "{per} ms per learner");
}
