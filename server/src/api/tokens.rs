//! Owns the content token routes: `GET /api/tokens` and `/api/tokens/{id}`.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use teachlink_indexer::project::ContentToken;
use teachlink_indexer::Queries;
use utoipa::IntoParams;

use super::cursor::{List, Page, Scope};
use super::error::ApiError;
use super::params::{ApiPath, ApiQuery, Limit, StrKey};
use super::{addr, fetch, found, schema, text, EntityErrors, NoQuery, ReadErrors};
use crate::app::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct TokensQuery {
    /// Tokens this address owns.
    #[param(value_type = Option<String>, pattern = "^[GC][A-Z2-7]{55}$")]
    owner: Option<StrKey>,
    /// Tokens this address minted.
    #[param(value_type = Option<String>, pattern = "^[GC][A-Z2-7]{55}$")]
    creator: Option<StrKey>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Content tokens (course NFTs), by id.
#[utoipa::path(get, path = "/tokens", tag = "tokens", params(TokensQuery),
    responses((status = 200, description = "A page of tokens", body = schema::TokenPage), ReadErrors))]
pub(super) async fn tokens(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<TokensQuery>,
) -> Result<Json<Page<ContentToken>>, ApiError> {
    let scope = Scope::new(
        List::Tokens,
        &[("owner", text(q.owner)), ("creator", text(q.creator))],
    );
    let after = scope.after::<u64>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s
        .store
        .tokens_page(
            addr(q.owner).as_ref(),
            addr(q.creator).as_ref(),
            after,
            fetch,
        )
        .await?;
    Ok(Json(scope.page(rows, limit, |t| t.id)?))
}

/// One content token with its provenance (mint, transfers, metadata updates).
#[utoipa::path(get, path = "/tokens/{id}", tag = "tokens",
    params(("id" = u64, Path, description = "The token id")),
    responses((status = 200, description = "The token", body = schema::ContentToken), EntityErrors))]
pub(super) async fn token(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<ContentToken>, ApiError> {
    found(s.store.token(id).await?, || format!("token {id}"))
}
