//! Owns the API's errors: [`ApiError`] (a code, its HTTP status and a message) answered as
//! `{"error": {"code": …, "message": …}}`, and the codes clients can match on
//! ([`ErrorCode`]). Bad input is always a 4xx; 5xx is only for the server's own failures,
//! answered with a fixed message: what failed inside (a database error names tables and
//! SQL) travels as the response's [`ErrorCause`] extension, which the app's error mapping
//! logs, once, and never sends.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use teachlink_indexer_sql::SqlError;
use utoipa::ToSchema;

/// What went wrong, as clients match it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No such route, or no such entity (404).
    NotFound,
    /// A query parameter the route does not take (400).
    UnknownParameter,
    /// A malformed query or path value: an address that is not a G…/C… strkey, a number
    /// out of range, a `limit` outside 1..=200, an unknown status (400).
    InvalidParameter,
    /// A cursor that is garbage, tampered with, or from another list or query (400).
    InvalidCursor,
    /// Any other malformed request (400).
    BadRequest,
    /// The route exists for other methods (405).
    MethodNotAllowed,
    /// The request body is too large (413).
    PayloadTooLarge,
    /// The request body's type is not accepted (415).
    UnsupportedMediaType,
    /// The database did not answer (503).
    StoreUnavailable,
    /// The server is at its limit of concurrent requests; retry after `Retry-After` (503).
    Overloaded,
    /// The request took longer than the server allows (408).
    RequestTimeout,
    /// A bug or a corrupt stored value (500).
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::UnknownParameter => "unknown_parameter",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::InvalidCursor => "invalid_cursor",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::StoreUnavailable => "store_unavailable",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::UnknownParameter
            | ErrorCode::InvalidParameter
            | ErrorCode::InvalidCursor
            | ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::StoreUnavailable | ErrorCode::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code of a bodiless error response with `status`.
    pub fn for_status(status: StatusCode) -> ErrorCode {
        match status {
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::SERVICE_UNAVAILABLE => ErrorCode::StoreUnavailable,
            StatusCode::REQUEST_TIMEOUT => ErrorCode::RequestTimeout,
            s if s.is_server_error() => ErrorCode::Internal,
            _ => ErrorCode::BadRequest,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answered as `{"error": {"code": …, "message": …}}` with the code's status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// What failed inside, for the log only.
    pub cause: Option<String>,
}

/// The inner cause of an error response, as a response extension: logged by the app's
/// error mapping, never part of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorCause(pub String);

/// The message of every `store_unavailable` answer.
pub const STORE_UNAVAILABLE: &str = "the store is unavailable: retry later";
/// The message of every `internal` answer.
pub const INTERNAL: &str = "internal error";

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            cause: None,
        }
    }

    /// This error, with what failed inside (logged, not answered).
    pub fn with_cause(mut self, cause: impl std::fmt::Display) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    pub fn invalid_cursor(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidCursor, message)
    }

    /// A bug: the fixed message, with `cause` for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Internal, INTERNAL).with_cause(cause)
    }

    /// The store failed or is unavailable: the fixed message, with `cause` for the log.
    pub fn store(cause: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::StoreUnavailable, STORE_UNAVAILABLE).with_cause(cause)
    }
}

impl From<SqlError> for ApiError {
    fn from(e: SqlError) -> Self {
        match e {
            // What the database holds cannot be read by this version: a bug, not an outage.
            SqlError::Corrupt { .. } | SqlError::Encode { .. } => {
                ApiError::internal(format_args!("a stored value cannot be served: {e}"))
            }
            other => ApiError::store(other),
        }
    }
}

/// The body of every error response.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For people: what was wrong and, for bad input, which parameter.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (
            status,
            Json(ErrorBody {
                error: ErrorDetail {
                    code: self.code,
                    message: self.message,
                },
            }),
        )
            .into_response();
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(ErrorCause(cause));
        }
        response
    }
}
