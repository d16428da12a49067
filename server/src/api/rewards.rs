//! Owns the rewards routes: `GET /api/rewards/{learner}` and `/api/pool`.

use axum::extract::State;
use axum::Json;
use teachlink_indexer::project::{LearnerRewards, Pool};
use teachlink_indexer::Queries;

use super::error::ApiError;
use super::params::{ApiPath, ApiQuery, StrKey};
use super::{found, schema, EntityErrors, NoQuery};
use crate::app::AppState;

/// A learner's rewards: unclaimed, claimed, issued and their history.
#[utoipa::path(get, path = "/rewards/{learner}", tag = "rewards",
    params(("learner" = String, Path, description = "The learner (G… or C… strkey)",
        pattern = "^[GC][A-Z2-7]{55}$")),
    responses((status = 200, description = "The learner's rewards", body = schema::LearnerRewards), EntityErrors))]
pub(super) async fn rewards(
    State(s): State<AppState>,
    ApiPath(learner): ApiPath<StrKey>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<LearnerRewards>, ApiError> {
    found(s.store.rewards(&learner.0).await?, || {
        format!("rewards of {learner}")
    })
}

/// The reward pool.
#[utoipa::path(get, path = "/pool", tag = "rewards",
    responses((status = 200, description = "The reward pool", body = schema::Pool), EntityErrors))]
pub(super) async fn pool(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Pool>, ApiError> {
    found(s.store.pool().await?, || "reward pool".to_string())
}
