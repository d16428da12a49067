//! Owns the bridge routes: `GET /api/bridge` and `/api/bridge/{outbound,inbound,validators,chains}`.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use teachlink_indexer::project::{
    BridgeChain, BridgeTotals, InboundTransfer, OutboundTransfer, Validator,
};
use teachlink_indexer::{Address, Queries};
use utoipa::IntoParams;

use super::cursor::{List, Page, Scope};
use super::error::ApiError;
use super::params::{ApiPath, ApiQuery, Limit, StrKey};
use super::{addr, fetch, found, schema, text, EntityErrors, NoQuery, PageQuery, ReadErrors};
use crate::app::AppState;

/// The bridge's liquidity and totals.
#[utoipa::path(get, path = "/bridge", tag = "bridge",
    responses((status = 200, description = "The bridge's totals", body = schema::BridgeTotals), EntityErrors))]
pub(super) async fn bridge(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<BridgeTotals>, ApiError> {
    found(s.store.bridge().await?, || "bridge activity".to_string())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct OutboundQuery {
    /// Transfers locked by this sender.
    #[param(value_type = Option<String>, pattern = "^[GC][A-Z2-7]{55}$")]
    sender: Option<StrKey>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Bridge transfers out of this chain, by nonce.
#[utoipa::path(get, path = "/bridge/outbound", tag = "bridge", params(OutboundQuery),
    responses((status = 200, description = "A page of outbound transfers", body = schema::OutboundPage), ReadErrors))]
pub(super) async fn outbound_list(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<OutboundQuery>,
) -> Result<Json<Page<OutboundTransfer>>, ApiError> {
    let scope = Scope::new(List::Outbound, &[("sender", text(q.sender))]);
    let after = scope.after::<u64>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s
        .store
        .outbound_page(addr(q.sender).as_ref(), after, fetch)
        .await?;
    Ok(Json(scope.page(rows, limit, |t| t.nonce)?))
}

/// One outbound bridge transfer.
#[utoipa::path(get, path = "/bridge/outbound/{nonce}", tag = "bridge",
    params(("nonce" = u64, Path, description = "The transfer's nonce")),
    responses((status = 200, description = "The transfer", body = schema::OutboundTransfer), EntityErrors))]
pub(super) async fn outbound(
    State(s): State<AppState>,
    ApiPath(nonce): ApiPath<u64>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<OutboundTransfer>, ApiError> {
    found(s.store.outbound_transfer(nonce).await?, || {
        format!("outbound transfer {nonce}")
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct InboundQuery {
    /// Transfers released to this recipient.
    #[param(value_type = Option<String>, pattern = "^[GC][A-Z2-7]{55}$")]
    recipient: Option<StrKey>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Bridge transfers into this chain, by source chain then nonce.
#[utoipa::path(get, path = "/bridge/inbound", tag = "bridge", params(InboundQuery),
    responses((status = 200, description = "A page of inbound transfers", body = schema::InboundPage), ReadErrors))]
pub(super) async fn inbound_list(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<InboundQuery>,
) -> Result<Json<Page<InboundTransfer>>, ApiError> {
    let scope = Scope::new(List::Inbound, &[("recipient", text(q.recipient))]);
    let after = scope.after::<(u32, u64)>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s
        .store
        .inbound_page(addr(q.recipient).as_ref(), after, fetch)
        .await?;
    Ok(Json(
        scope.page(rows, limit, |t| (t.source_chain, t.nonce))?,
    ))
}

/// One inbound bridge transfer.
#[utoipa::path(get, path = "/bridge/inbound/{chain}/{nonce}", tag = "bridge",
    params(("chain" = u32, Path, description = "The source chain id"),
        ("nonce" = u64, Path, description = "The nonce on the source chain")),
    responses((status = 200, description = "The transfer", body = schema::InboundTransfer), EntityErrors))]
pub(super) async fn inbound(
    State(s): State<AppState>,
    ApiPath((chain, nonce)): ApiPath<(u32, u64)>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<InboundTransfer>, ApiError> {
    found(s.store.inbound_transfer(chain, nonce).await?, || {
        format!("inbound transfer {nonce} from chain {chain}")
    })
}

/// Every bridge validator ever seen (withdrawn and slashed ones too), by address.
#[utoipa::path(get, path = "/bridge/validators", tag = "bridge", params(PageQuery),
    responses((status = 200, description = "A page of validators", body = schema::ValidatorPage), ReadErrors))]
pub(super) async fn validators(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<Validator>>, ApiError> {
    let scope = Scope::new(List::Validators, &[]);
    let after = scope.after::<Address>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s.store.validators_page(after.as_ref(), fetch).await?;
    Ok(Json(scope.page(rows, limit, |v| v.address)?))
}

/// The remote chains' circuit breakers, by chain id (a few: one page, `next_cursor` null).
#[utoipa::path(get, path = "/bridge/chains", tag = "bridge",
    responses((status = 200, description = "Every remote chain", body = schema::ChainPage), ReadErrors))]
pub(super) async fn chains(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Page<BridgeChain>>, ApiError> {
    Ok(Json(Page {
        items: s.store.chains().await?,
        next_cursor: None,
    }))
}
