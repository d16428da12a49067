//! Owns the escrow routes: `GET /api/escrows` and `/api/escrows/{id}`.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use teachlink_indexer::project::{Escrow, EscrowStatus};
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
pub(super) struct EscrowsQuery {
    /// Escrows where this address is depositor, beneficiary, signer or arbitrator.
    #[param(value_type = Option<String>, pattern = "^[GC][A-Z2-7]{55}$")]
    party: Option<StrKey>,
    /// Escrows in this status.
    #[param(value_type = Option<schema::EscrowStatus>)]
    status: Option<EscrowStatus>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Course escrows, by id.
#[utoipa::path(get, path = "/escrows", tag = "escrows", params(EscrowsQuery),
    responses((status = 200, description = "A page of escrows", body = schema::EscrowPage), ReadErrors))]
pub(super) async fn escrows(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<EscrowsQuery>,
) -> Result<Json<Page<Escrow>>, ApiError> {
    let scope = Scope::new(
        List::Escrows,
        &[
            ("party", text(q.party)),
            ("status", q.status.map(|s| format!("{s:?}"))),
        ],
    );
    let after = scope.after::<u64>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s
        .store
        .escrows_page(addr(q.party).as_ref(), q.status, after, fetch)
        .await?;
    Ok(Json(scope.page(rows, limit, |e| e.id)?))
}

/// One escrow: terms, approvals, status history and payouts.
#[utoipa::path(get, path = "/escrows/{id}", tag = "escrows",
    params(("id" = u64, Path, description = "The escrow id")),
    responses((status = 200, description = "The escrow", body = schema::Escrow), EntityErrors))]
pub(super) async fn escrow(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Escrow>, ApiError> {
    found(s.store.escrow(id).await?, || format!("escrow {id}"))
}
