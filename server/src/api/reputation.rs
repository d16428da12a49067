//! Owns the reputation routes: `GET /api/profiles/{address}`, `/api/completions` and
//! `/api/contributions` (and `/{id}`).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use teachlink_indexer::project::{Completion, Contribution, Profile};
use teachlink_indexer::{Address, Queries};
use utoipa::IntoParams;

use super::cursor::{List, Page, Scope};
use super::error::ApiError;
use super::params::{ApiPath, ApiQuery, Limit, Num, StrKey};
use super::{addr, fetch, found, schema, text, EntityErrors, NoQuery, ReadErrors};
use crate::app::AppState;

/// A learner's reputation and credit score.
#[utoipa::path(get, path = "/profiles/{address}", tag = "reputation",
    params(("address" = String, Path, description = "The learner (G… or C… strkey)",
        pattern = "^[GC][A-Z2-7]{55}$")),
    responses((status = 200, description = "The profile", body = schema::Profile), EntityErrors))]
pub(super) async fn profile(
    State(s): State<AppState>,
    ApiPath(learner): ApiPath<StrKey>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Profile>, ApiError> {
    found(s.store.profile(&learner.0).await?, || {
        format!("profile of {learner}")
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct CompletionsQuery {
    /// Completions of this course (its escrow terms' `course_id`).
    #[param(value_type = Option<u64>)]
    course: Option<Num<u64>>,
    /// Completions by this learner.
    #[param(value_type = Option<String>, pattern = "^[GC][A-Z2-7]{55}$")]
    learner: Option<StrKey>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Course completions, by course then learner.
#[utoipa::path(get, path = "/completions", tag = "reputation", params(CompletionsQuery),
    responses((status = 200, description = "A page of completions", body = schema::CompletionPage), ReadErrors))]
pub(super) async fn completions(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<CompletionsQuery>,
) -> Result<Json<Page<Completion>>, ApiError> {
    let course = q.course.map(|Num(c)| c);
    let scope = Scope::new(
        List::Completions,
        &[("course", text(course)), ("learner", text(q.learner))],
    );
    let after = scope.after::<(u64, Address)>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s
        .store
        .completions_page(course, addr(q.learner).as_ref(), after, fetch)
        .await?;
    Ok(Json(scope.page(rows, limit, |c| (c.course_id, c.learner))?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct ContributionsQuery {
    /// Contributions by this author.
    #[param(value_type = Option<String>, pattern = "^[GC][A-Z2-7]{55}$")]
    author: Option<StrKey>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Contributions and their ratings, by id.
#[utoipa::path(get, path = "/contributions", tag = "reputation", params(ContributionsQuery),
    responses((status = 200, description = "A page of contributions", body = schema::ContributionPage), ReadErrors))]
pub(super) async fn contributions(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ContributionsQuery>,
) -> Result<Json<Page<Contribution>>, ApiError> {
    let scope = Scope::new(List::Contributions, &[("author", text(q.author))]);
    let after = scope.after::<u64>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s
        .store
        .contributions_page(addr(q.author).as_ref(), after, fetch)
        .await?;
    Ok(Json(scope.page(rows, limit, |c| c.id)?))
}

/// One contribution and its ratings.
#[utoipa::path(get, path = "/contributions/{id}", tag = "reputation",
    params(("id" = u64, Path, description = "The contribution id")),
    responses((status = 200, description = "The contribution", body = schema::Contribution), EntityErrors))]
pub(super) async fn contribution(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Contribution>, ApiError> {
    found(s.store.contribution(id).await?, || {
        format!("contribution {id}")
    })
}
