//! Owns request input: the extractors [`ApiQuery`] and [`ApiPath`] (axum's `Query` and
//! `Path` whose rejections are [`ApiError`]s: 400 with a code, never a 500), and the typed
//! values they parse: [`StrKey`] (a G… or C… strkey, parsed with the indexer's `Address`),
//! [`Limit`] (1..=200, default 50) and [`Num`] (a decimal integer).

use std::fmt;
use std::str::FromStr;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use teachlink_indexer::Address;
use utoipa::IntoParams;

use super::error::{ApiError, ErrorCode};

/// The largest page a list answers.
pub const MAX_LIMIT: u32 = 200;
/// A list's page size when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;

/// At most this much of a bad value is echoed back in a message.
fn excerpt(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// `Query<T>` with JSON 400s: `unknown_parameter` for a parameter the route does not take
/// (the query types deny unknown fields; the parameters they document name the ones it
/// takes), `invalid_parameter` for a malformed value.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + IntoParams> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        match Query::<T>::try_from_uri(&parts.uri) {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(query_error::<T>(parts.uri.query(), &rejection)),
        }
    }
}

/// Why a query string was refused (the slow path: only bad input gets here).
fn query_error<T: IntoParams>(query: Option<&str>, rejection: &QueryRejection) -> ApiError {
    let taken: Vec<String> = T::into_params(|| None)
        .into_iter()
        .map(|p| p.name)
        .collect();
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    if let Some((unknown, _)) = pairs.iter().find(|(k, _)| !taken.contains(k)) {
        let takes = if taken.is_empty() {
            "no query parameters".to_string()
        } else {
            taken.join(", ")
        };
        return ApiError::new(
            ErrorCode::UnknownParameter,
            format!(
                "unknown query parameter {:?}; this route takes {takes}",
                excerpt(unknown)
            ),
        );
    }
    let text = rejection.body_text();
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(&text);
    ApiError::invalid_parameter(format!("invalid query: {detail}"))
}

/// `Path<T>` with JSON 400s (`invalid_parameter`) for malformed path segments.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => Err(
                ApiError::invalid_parameter(format!("invalid path: {}", e.body_text())),
            ),
            Err(other) => Err(ApiError::internal(format!(
                "path parameters: {}",
                other.body_text()
            ))),
        }
    }
}

/// An address parameter: a G… account or C… contract strkey.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrKey(pub Address);

impl FromStr for StrKey {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.parse::<Address>().map(StrKey).map_err(|_| {
            format!(
                "{:?} is not an address (a G… account or C… contract strkey)",
                excerpt(s)
            )
        })
    }
}

impl<'de> Deserialize<'de> for StrKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(D::Error::custom)
    }
}

impl fmt::Display for StrKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A page size: 1..=[`MAX_LIMIT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    pub fn get(self) -> u32 {
        self.0
    }

    /// The given limit, or [`DEFAULT_LIMIT`].
    pub fn or_default(limit: Option<Limit>) -> Limit {
        limit.unwrap_or(Limit(DEFAULT_LIMIT))
    }
}

impl FromStr for Limit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Limit(n)),
            _ => Err(format!(
                "limit must be an integer from 1 to {MAX_LIMIT}, not {:?}",
                excerpt(s)
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(D::Error::custom)
    }
}

/// A non-negative decimal integer parameter (an id, a nonce, a chain id), with a message
/// that says what was wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num<T>(pub T);

impl<'de, T> Deserialize<'de> for Num<T>
where
    T: FromStr + Copy,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let valid = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match s.parse::<T>() {
            Ok(v) if valid => Ok(Num(v)),
            _ => Err(D::Error::custom(format!(
                "{:?} is not a non-negative integer in range",
                excerpt(&s)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_1_to_200() {
        assert_eq!("1".parse::<Limit>().map(Limit::get), Ok(1));
        assert_eq!("200".parse::<Limit>().map(Limit::get), Ok(200));
        for bad in ["0", "201", "-1", "abc", "", "1.5", "99999999999"] {
            assert!(bad.parse::<Limit>().is_err(), "{bad}");
        }
        assert_eq!(Limit::or_default(None).get(), DEFAULT_LIMIT);
    }

    #[test]
    fn strkeys_are_accounts_or_contracts() {
        let g = Address::Account([7; 32]).to_string();
        let c = Address::Contract([9; 32]).to_string();
        assert!(g.parse::<StrKey>().is_ok());
        assert!(c.parse::<StrKey>().is_ok());
        let mut broken = g.clone();
        broken.pop();
        broken.push('A');
        for bad in ["", "G", "nope", broken.as_str(), &g.to_lowercase()] {
            assert!(bad.parse::<StrKey>().is_err(), "{bad}");
        }
        let long = "x".repeat(1000);
        let message = long.parse::<StrKey>().err().unwrap_or_default();
        assert!(message.len() < 200, "{message}");
    }
}
