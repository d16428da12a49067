//! Owns the REST API under `/api`: read-only JSON over the indexed entities, one small
//! handler per route, registered together with its OpenAPI description (utoipa-axum's
//! `routes!` takes both from the handler's `#[utoipa::path]`, so the document at
//! `/api/openapi.json` cannot drift from the router).
//!
//! Handlers query the shared SQL store directly (its futures are `Send`, its reads go
//! through a pool), never through the sync loop. Lists page by key ([`cursor`]): `limit`
//! 1..=200 (default 50), `cursor` from the previous page's `next_cursor`. Bad input is a
//! 400 with a code ([`error::ErrorCode`]), a missing entity a 404, both as
//! `{"error": {"code": …, "message": …}}`.
//!
//! | route | what |
//! |---|---|
//! | `GET /api/escrows?party=&status=` · `/api/escrows/{id}` | course escrows |
//! | `GET /api/tokens?owner=&creator=` · `/api/tokens/{id}` | content NFTs, with provenance |
//! | `GET /api/profiles/{address}` | reputation and credit score |
//! | `GET /api/completions?course=&learner=` | course completions |
//! | `GET /api/contributions?author=` · `/api/contributions/{id}` | contributions, ratings |
//! | `GET /api/rewards/{learner}` · `/api/pool` | rewards and the reward pool |
//! | `GET /api/bridge` · `/bridge/outbound?sender=` · `/bridge/outbound/{nonce}` · `/bridge/inbound?recipient=` · `/bridge/inbound/{chain}/{nonce}` · `/bridge/validators` · `/bridge/chains` | the bridge |
//! | `GET /api/events/unknown` | events kept raw |
//! | `GET /api/recommendations/popular?limit=` | anonymous course recommendations, with reasons |
//! | `GET /api/status` | indexer, store counts and checkpoint, network, demo |
//! | `GET /api/openapi.json` | this API as OpenAPI 3.1 |

pub mod cursor;
pub mod error;
pub mod params;
pub mod schema;

use std::sync::{Arc, OnceLock};

use axum::extract::{OriginalUri, State};
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use teachlink_indexer::project::{
    BridgeChain, BridgeTotals, Completion, ContentToken, Contribution, Escrow, EscrowStatus,
    InboundTransfer, LearnerRewards, OutboundTransfer, Pool, Profile, UnknownEvent, Validator,
};
use teachlink_indexer::{Address, Queries, Store};
use utoipa::{IntoParams, IntoResponses, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use cursor::{List, Page, Scope};
use error::{ApiError, ErrorBody};
use params::{ApiPath, ApiQuery, Limit, Num, StrKey};

/// The document's fixed parts; the paths come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "TeachLink API",
        description = "Read-only JSON over the TeachLink contracts' indexed events: escrows, \
                       content tokens, reputation, rewards and the bridge. Lists page with \
                       `limit` (1 to 200, default 50) and `cursor` (the previous page's \
                       `next_cursor`). Errors answer `{\"error\": {\"code\", \"message\"}}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    tags(
        (name = "escrows", description = "Course escrows"),
        (name = "tokens", description = "Content tokens (course NFTs)"),
        (name = "reputation", description = "Profiles, completions and contributions"),
        (name = "rewards", description = "Learner rewards and the reward pool"),
        (name = "bridge", description = "The cross-chain bridge"),
        (name = "events", description = "Events kept raw"),
        (name = "recommendations", description = "Anonymous course recommendations"),
        (name = "server", description = "Status, health, metrics and this document"),
        (name = "archive", description = "Every indexed event, kept forever, served as Stellar RPC's JSON-RPC (`getEvents`, `getHealth`, `getNetwork`, `getLatestLedger`) so any TeachLink indexer can sync from this server")
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The whole server's OpenAPI document (`/health`, `/metrics` and `/api`), built once.
pub fn openapi_json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let doc = crate::app::openapi_router().into_openapi();
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot serialize the OpenAPI document");
            "{}".to_string()
        })
    })
}

/// The base document the routers add their paths to.
pub fn base_doc() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = crate::VERSION.to_string();
    doc
}

/// The `/api` routes (to nest under `/api`), each with its OpenAPI description; unknown
/// routes answer a JSON 404.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(escrows))
        .routes(routes!(escrow))
        .routes(routes!(tokens))
        .routes(routes!(token))
        .routes(routes!(profile))
        .routes(routes!(completions))
        .routes(routes!(contributions))
        .routes(routes!(contribution))
        .routes(routes!(rewards))
        .routes(routes!(pool))
        .routes(routes!(bridge))
        .routes(routes!(outbound_list))
        .routes(routes!(outbound))
        .routes(routes!(inbound_list))
        .routes(routes!(inbound))
        .routes(routes!(validators))
        .routes(routes!(chains))
        .routes(routes!(unknown_events))
        .routes(routes!(popular))
        .routes(routes!(course_stats))
        .routes(routes!(status))
        .routes(routes!(crate::snapshot::snapshot_handler))
        .routes(routes!(openapi))
        .fallback(not_found)
}

/// The error responses of a route that reads the store.
#[derive(IntoResponses)]
#[allow(dead_code)]
enum ReadErrors {
    /// Bad input: an unknown parameter, a malformed value or cursor.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The database did not answer.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The error responses of a route that reads one entity.
#[derive(IntoResponses)]
#[allow(dead_code)]
enum EntityErrors {
    /// Bad input: an unknown query parameter or a malformed path segment.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No such entity has been indexed.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The database did not answer.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

fn found<T>(entity: Option<T>, what: impl FnOnce() -> String) -> Result<Json<T>, ApiError> {
    entity
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no {} has been indexed", what())))
}

fn text<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

fn addr(v: Option<StrKey>) -> Option<Address> {
    v.map(|k| k.0)
}

/// Fetches one row more than asked, so the page knows whether another follows.
fn fetch(limit: Option<Limit>) -> (u32, u32) {
    let limit = Limit::or_default(limit).get();
    (limit, limit + 1)
}

// ---- escrows ----

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EscrowsQuery {
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
async fn escrows(
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
async fn escrow(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Escrow>, ApiError> {
    found(s.store.escrow(id).await?, || format!("escrow {id}"))
}

// ---- tokens ----

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TokensQuery {
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
async fn tokens(
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
async fn token(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<ContentToken>, ApiError> {
    found(s.store.token(id).await?, || format!("token {id}"))
}

// ---- reputation ----

/// A learner's reputation and credit score.
#[utoipa::path(get, path = "/profiles/{address}", tag = "reputation",
    params(("address" = String, Path, description = "The learner (G… or C… strkey)",
        pattern = "^[GC][A-Z2-7]{55}$")),
    responses((status = 200, description = "The profile", body = schema::Profile), EntityErrors))]
async fn profile(
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
struct CompletionsQuery {
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
async fn completions(
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
struct ContributionsQuery {
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
async fn contributions(
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
async fn contribution(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Contribution>, ApiError> {
    found(s.store.contribution(id).await?, || {
        format!("contribution {id}")
    })
}

// ---- rewards ----

/// A learner's rewards: unclaimed, claimed, issued and their history.
#[utoipa::path(get, path = "/rewards/{learner}", tag = "rewards",
    params(("learner" = String, Path, description = "The learner (G… or C… strkey)",
        pattern = "^[GC][A-Z2-7]{55}$")),
    responses((status = 200, description = "The learner's rewards", body = schema::LearnerRewards), EntityErrors))]
async fn rewards(
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
async fn pool(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Pool>, ApiError> {
    found(s.store.pool().await?, || "reward pool".to_string())
}

// ---- bridge ----

/// The bridge's liquidity and totals.
#[utoipa::path(get, path = "/bridge", tag = "bridge",
    responses((status = 200, description = "The bridge's totals", body = schema::BridgeTotals), EntityErrors))]
async fn bridge(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<BridgeTotals>, ApiError> {
    found(s.store.bridge().await?, || "bridge activity".to_string())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OutboundQuery {
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
async fn outbound_list(
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
async fn outbound(
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
struct InboundQuery {
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
async fn inbound_list(
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
async fn inbound(
    State(s): State<AppState>,
    ApiPath((chain, nonce)): ApiPath<(u32, u64)>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<InboundTransfer>, ApiError> {
    found(s.store.inbound_transfer(chain, nonce).await?, || {
        format!("inbound transfer {nonce} from chain {chain}")
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Every bridge validator ever seen (withdrawn and slashed ones too), by address.
#[utoipa::path(get, path = "/bridge/validators", tag = "bridge", params(PageQuery),
    responses((status = 200, description = "A page of validators", body = schema::ValidatorPage), ReadErrors))]
async fn validators(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<Validator>>, ApiError> {
    let scope = Scope::new(List::Validators, &[]);
    let after = scope.after::<Address>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s.store.validators_page(after.as_ref(), fetch).await?;
    Ok(Json(scope.page(rows, limit, |v| v.address)?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct NoQuery {}

/// The remote chains' circuit breakers, by chain id (a few: one page, `next_cursor` null).
#[utoipa::path(get, path = "/bridge/chains", tag = "bridge",
    responses((status = 200, description = "Every remote chain", body = schema::ChainPage), ReadErrors))]
async fn chains(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Page<BridgeChain>>, ApiError> {
    Ok(Json(Page {
        items: s.store.chains().await?,
        next_cursor: None,
    }))
}

// ---- events ----

/// Events kept raw because they did not decode, by RPC event id.
#[utoipa::path(get, path = "/events/unknown", tag = "events", params(PageQuery),
    responses((status = 200, description = "A page of raw events", body = schema::UnknownEventPage), ReadErrors))]
async fn unknown_events(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<UnknownEvent>>, ApiError> {
    let scope = Scope::new(List::UnknownEvents, &[]);
    let after = scope.after::<String>(q.cursor.as_deref())?;
    let (limit, fetch) = fetch(q.limit);
    let rows = s.store.unknown_page(after.as_deref(), fetch).await?;
    Ok(Json(scope.page(rows, limit, |e| e.raw.id.clone())?))
}

// ---- recommendations ----

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PopularQuery {
    /// How many courses, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<Limit>,
}

/// The body of `GET /api/recommendations/popular`.
#[derive(Serialize)]
struct Recommendations {
    items: Vec<teachlink_recommend::Recommendation>,
}

/// Anonymous course recommendations, best first: teachlink-recommend's prior (how many
/// learners took a course, its smoothed rating and completion rate), each course with its
/// reasons. Personal recommendations are computed in the learner's browser by the same
/// crate, from their own history; the server never sees it.
#[utoipa::path(get, path = "/recommendations/popular", tag = "recommendations", params(PopularQuery),
    responses((status = 200, description = "Courses, best first (one page, no cursor)",
        body = schema::RecommendationList), ReadErrors))]
async fn popular(
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
struct CourseStatsQuery {
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
async fn course_stats(
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

// ---- server ----

/// The body of `GET /api/status`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
struct StatusBody {
    /// The indexer as this replica sees it: `role` (`starting`, `indexing`, `standby`,
    /// `read_only`), `running`, `ready`, the syncer's `status` and retention gaps.
    #[schema(value_type = Object)]
    indexer: Value,
    /// Counts over the whole store: `events`, `unknown`, `orphans`.
    #[schema(value_type = Object)]
    store: Value,
    /// What the store has committed: `ledger` (every ledger up to it is indexed) and the
    /// retention `gaps`; `null` before the first batch.
    #[schema(value_type = Option<Object>, required = true)]
    checkpoint: Value,
    /// `mode` (`localnet` or `rpc`), `rpc_url`, `network_passphrase`.
    #[schema(value_type = Object)]
    network: Value,
    /// The contracts indexed and the first ledger.
    #[schema(value_type = Object)]
    deployment: Value,
    /// The demo data set's progress (embedded localnet only).
    #[schema(value_type = Option<Object>, required = true)]
    demo: Value,
}

/// The indexer's progress and role, the store's counts and checkpoint (with its retention
/// gaps), the network, the contracts and the demo's progress.
#[utoipa::path(get, path = "/status", tag = "server",
    responses((status = 200, description = "The server's status", body = StatusBody), ReadErrors))]
async fn status(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Response, ApiError> {
    let snapshot = s.indexer.borrow().clone();
    let (stats, checkpoint) = tokio::try_join!(s.store.stats(), s.store.cursor())?;
    let demo = s.demo.borrow().clone();
    Ok(Json(serde_json::json!({
        "indexer": snapshot,
        "store": stats,
        "checkpoint": checkpoint.map(|c| serde_json::json!({ "ledger": c.ledger, "gaps": c.gaps })),
        "network": &*s.network,
        "deployment": &*s.deployment,
        "demo": demo,
    }))
    .into_response())
}

/// This API as an OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "server",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json",
        body = Object)))]
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// Any unknown `/api/*` route.
async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("no API route {method} {}", uri.path()))
}

#[cfg(test)]
mod tests;
