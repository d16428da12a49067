//! Owns `GET /api/recommendations/popular` and the recommender it serves from, kept in
//! [`AppState`] ([`RecommenderCache`]).

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use teachlink_indexer::{Queries, Store};
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
    /// The store's event count the model was trained at, the ledger its data is as of
    /// (at least), and the model.
    slot: tokio::sync::Mutex<Option<(u64, u32, Arc<teachlink_recommend::Recommender>)>>,
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
    Ok(trained(s).await?.1)
}

/// [`recommender`] with the ledger its data is as of: every ledger up to it was indexed
/// when the training read the store (read before the data, so the data is at least that
/// new).
async fn trained(s: &AppState) -> Result<(u32, Arc<teachlink_recommend::Recommender>), ApiError> {
    let events = s.store.stats().await?.events;
    let mut slot = s.recommender.slot.lock().await;
    // A model trained while this request waited, at this count or later, will do.
    if let Some((trained_at, ledger, model)) = slot.as_ref() {
        if *trained_at >= events {
            return Ok((*ledger, model.clone()));
        }
    }
    let store = &s.store;
    let ledger = store.cursor().await?.map_or(0, |c| c.ledger);
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
    *slot = Some((events, ledger, model.clone()));
    Ok((ledger, model))
}

/// Query of `GET /api/courses/stats`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct CourseStatsQuery {
    /// How many courses, 1 to 200 (default 50), most popular first.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// Only this course (its content-token id).
    course: Option<u64>,
}

/// What a learner's browser cannot compute from its own slice of the chain: each course's
/// learners, completions, ratings and average rating over the whole platform, and its
/// popularity (teachlink-recommend's prior, 0 to 1), most popular first, as of
/// `as_of_ledger` (every ledger up to it was indexed when they were computed). The web app
/// shows them with that ledger and keeps them in IndexedDB for offline reading.
#[utoipa::path(get, path = "/courses/stats", tag = "recommendations", params(CourseStatsQuery),
    responses((status = 200, description = "Courses' platform-wide numbers, most popular first",
        body = schema::CourseStatsList), ReadErrors))]
pub(super) async fn course_stats(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<CourseStatsQuery>,
) -> Result<Json<schema::CourseStatsList>, ApiError> {
    let limit = Limit::or_default(q.limit).get() as usize;
    let (ledger, model) = trained(&s).await?;
    let prior = model.prior();
    let mut order: Vec<u32> = (0..model.items().len() as u32).collect();
    order.sort_by(|a, b| {
        let pa = prior.get(*a as usize).copied().unwrap_or(0.0);
        let pb = prior.get(*b as usize).copied().unwrap_or(0.0);
        pb.total_cmp(&pa).then(a.cmp(b))
    });
    let items = order
        .into_iter()
        .filter(|i| {
            q.course.is_none_or(|c| {
                model
                    .items()
                    .get(*i as usize)
                    .is_some_and(|it| it.id() == c)
            })
        })
        .take(limit)
        .filter_map(|i| {
            let item = model.items().get(i as usize)?;
            let stats = model.stats(i).cloned().unwrap_or_default();
            Some(schema::CourseStats {
                course: item.id(),
                title: item.meta.title.clone(),
                learners: stats.learners,
                completions: stats.completions,
                ratings: stats.ratings,
                average_rating: (stats.ratings > 0)
                    .then(|| stats.rating_sum / stats.ratings as f32),
                popularity: prior.get(i as usize).copied().unwrap_or(0.0),
            })
        })
        .collect();
    Ok(Json(schema::CourseStatsList {
        as_of_ledger: ledger,
        items,
    }))
}
