//! Owns the raw events route: `GET /api/events/unknown`.

use axum::extract::State;
use axum::Json;
use teachlink_indexer::project::UnknownEvent;

use super::cursor::{List, Page, Scope};
use super::error::ApiError;
use super::params::ApiQuery;
use super::{fetch, schema, PageQuery, ReadErrors};
use crate::app::AppState;

/// Events kept raw because they did not decode, by RPC event id.
#[utoipa::path(get, path = "/events/unknown", tag = "events", params(PageQuery),
    responses((status = 200, description = "A page of raw events", body = schema::UnknownEventPage), ReadErrors))]
pub(super) async fn unknown_events(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<UnknownEvent>>, ApiError> {
    let scope = Scope::new(List::UnknownEvents, &[]);
    let after = scope.after::<String>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s.store.unknown_page(after.as_deref(), fetch).await?;
    Ok(Json(scope.page(rows, limit, |e| e.raw.id.clone())?))
}
