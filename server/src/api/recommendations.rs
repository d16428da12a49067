//! Owns `GET /api/recommendations/popular` and the recommender it serves from, kept in
//! [`AppState`] ([`RecommenderCache`]).

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use teachlink_indexer::Queries;
use utoipa::IntoParams;

use super::error::ApiError;
use super::params::{ApiQuery, Limit};
use super::{schema, ReadErrors};
use crate::app::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct PopularQuery {
    /// How many courses, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
}

/// The body of `GET /api/recommendations/popular`.
#[derive(Serialize)]
pub(super) struct Recommendations {
    items: Vec<teachlink_recommend::Recommendation>,
}

/// Anonymous course recommendations, best first: teachlink-recommend's prior (how many
/// learners took a course, its smoothed rating and completion rate), each course with its
/// reasons. Personal recommendations are computed in the learner's browser by the same
/// crate, from their own history; the server never sees it.
#[utoipa::path(get, path = "/recommendations/popular", tag = "recommendations", params(PopularQuery),
    responses((status = 200, description = "Courses, best first (one page, no cursor)",
        body = schema::RecommendationList), ReadErrors))]
pub(super) async fn popular(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PopularQuery>,
) -> Result<Json<Recommendations>, ApiError> {
    let limit = Limit::or_default(q.limit).get() as usize;
    let model = recommender(&s).await?;
    Ok(Json(Recommendations {
        items: model.popular(limit),
    }))
}

/// Rows per read when loading the store for the recommender.
const LOAD_PAGE: u32 = 1_000;

/// The recommender trained on everything indexed, kept in [`AppState`] and retrained when
/// the store has applied new events since. One training at a time (single-flight): the
/// requests that arrive while it runs wait for it and share its model, rather than each
/// training another; the training itself runs on the blocking pool, off the async workers.
#[derive(Default)]
pub struct RecommenderCache {
    /// The store's event count the model was trained at, and the model.
    slot: tokio::sync::Mutex<Option<(u64, Arc<teachlink_recommend::Recommender>)>>,
    trainings: std::sync::atomic::AtomicU64,
}

impl RecommenderCache {
    /// How many times a model was trained.
    pub fn trainings(&self) -> u64 {
        self.trainings.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Every row of one of the store's paged lists, in key order, `LOAD_PAGE` at a time.
async fn load_all<T, K, F, Fut>(mut page: F, key: impl Fn(&T) -> K) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<K>, u32) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, teachlink_indexer_sql::SqlError>>,
{
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let rows = page(after.take(), LOAD_PAGE).await?;
        let done = rows.len() < LOAD_PAGE as usize;
        after = rows.last().map(&key);
        all.extend(rows);
        if done {
            return Ok(all);
        }
    }
}

/// The recommender for the store as it is now (see [`RecommenderCache`]).
async fn recommender(s: &AppState) -> Result<Arc<teachlink_recommend::Recommender>, ApiError> {
    let events = s.store.stats().await?.events;
    let mut slot = s.recommender.slot.lock().await;
    // A model trained while this request waited, at this count or later, will do.
    if let Some((trained_at, model)) = slot.as_ref() {
        if *trained_at >= events {
            return Ok(model.clone());
        }
    }
    let store = &s.store;
    let mut state = teachlink_indexer::State::default();
    let tokens = load_all(|a, n| store.tokens_page(None, None, a, n), |t| t.id).await?;
    state.tokens.extend(tokens.into_iter().map(|t| (t.id, t)));
    let escrows = load_all(|a, n| store.escrows_page(None, None, a, n), |x| x.id).await?;
    state.escrows.extend(escrows.into_iter().map(|x| (x.id, x)));
    let completions = load_all(
        |a, n| store.completions_page(None, None, a, n),
        |c| (c.course_id, c.learner),
    )
    .await?;
    state.completions.extend(
        completions
            .into_iter()
            .map(|c| ((c.course_id, c.learner), c)),
    );
    let contributions = load_all(|a, n| store.contributions_page(None, a, n), |c| c.id).await?;
    state
        .contributions
        .extend(contributions.into_iter().map(|c| (c.id, c)));
    let model = tokio::task::spawn_blocking(move || {
        let indexed = teachlink_recommend::from_indexer::from_state(&state);
        teachlink_recommend::Recommender::train(
            &indexed.dataset,
            &teachlink_recommend::HybridConfig::default(),
        )
    })
    .await
    .map_err(|e| ApiError::internal(format_args!("training the recommender: {e}")))?;
    let model = Arc::new(model);
    s.recommender
        .trainings
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    *slot = Some((events, model.clone()));
    Ok(model)
}
