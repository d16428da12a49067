//! Owns pagination: the page envelope `{"items": […], "next_cursor": "…" | null}`
//! ([`Page`]) and its opaque cursors.
//!
//! A cursor is `base64url(json ‖ check)` without padding, where `json` is
//! `{"v":1,"l":<list>,"q":<query>,"k":<last key>}`: the format version, the list it pages
//! (`escrows`, `tokens`, …), a fingerprint of the query's filters (the first 8 bytes of the
//! SHA-256 of their canonical form, hex) and the key of the last item served (the next page
//! starts after it). `check` is the first 8 bytes of SHA-256 over a domain tag and `json`:
//! a cursor edited by hand, truncated or corrupted is refused (400 `invalid_cursor`), as is
//! one from another list or another filter set. It is a checksum, not a secret: what a
//! forged cursor can reach, a query can too. Cursors do not expire: keys are stable, and
//! items added after a cursor was made appear in later pages when their key sorts after it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::ApiError;

/// The version written into cursors.
const VERSION: u8 = 1;
/// Bytes of the checksum.
const CHECK_LEN: usize = 8;
/// A longer cursor is refused without decoding it.
const MAX_CURSOR_LEN: usize = 1024;
const DOMAIN: &[u8] = b"teachlink-api-cursor\0";

/// The lists that page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    Escrows,
    Tokens,
    Completions,
    Contributions,
    Outbound,
    Inbound,
    Validators,
    UnknownEvents,
}

impl List {
    pub fn name(self) -> &'static str {
        match self {
            List::Escrows => "escrows",
            List::Tokens => "tokens",
            List::Completions => "completions",
            List::Contributions => "contributions",
            List::Outbound => "bridge/outbound",
            List::Inbound => "bridge/inbound",
            List::Validators => "bridge/validators",
            List::UnknownEvents => "events/unknown",
        }
    }
}

/// A page of a list.
#[derive(Clone, Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Which list and which filters a cursor belongs to.
#[derive(Clone, Debug)]
pub struct Scope {
    list: List,
    query: String,
}

impl Scope {
    /// `filters` are the query's filters by name, `None` when not given (limit and cursor
    /// are not filters).
    pub fn new(list: List, filters: &[(&str, Option<String>)]) -> Scope {
        let mut canonical = String::new();
        for (name, value) in filters {
            if let Some(v) = value {
                canonical.push_str(name);
                canonical.push('=');
                canonical.push_str(v);
                canonical.push('\n');
            }
        }
        let digest = Sha256::digest(canonical.as_bytes());
        let query = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Scope { list, query }
    }

    /// The key a cursor carries, or `None` without a cursor.
    pub fn after<K: DeserializeOwned>(&self, cursor: Option<&str>) -> Result<Option<K>, ApiError> {
        cursor.map(|c| self.decode(c)).transpose()
    }

    fn decode<K: DeserializeOwned>(&self, cursor: &str) -> Result<K, ApiError> {
        if cursor.len() > MAX_CURSOR_LEN {
            return Err(ApiError::invalid_cursor("the cursor is too long"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| ApiError::invalid_cursor("the cursor is not a cursor this API issued"))?;
        if bytes.len() <= CHECK_LEN {
            return Err(ApiError::invalid_cursor("the cursor is truncated"));
        }
        let (json, check) = bytes.split_at(bytes.len() - CHECK_LEN);
        if checksum(json) != check {
            return Err(ApiError::invalid_cursor(
                "the cursor was altered or is corrupt; use next_cursor as given",
            ));
        }
        let payload: Payload<serde_json::Value> = serde_json::from_slice(json)
            .map_err(|_| ApiError::invalid_cursor("the cursor is malformed"))?;
        if payload.v != VERSION {
            return Err(ApiError::invalid_cursor(format!(
                "cursor version {} is not supported; start again from the first page",
                payload.v
            )));
        }
        if payload.l != self.list.name() {
            return Err(ApiError::invalid_cursor(format!(
                "the cursor pages /api/{}, not /api/{}",
                payload.l,
                self.list.name()
            )));
        }
        if payload.q != self.query {
            return Err(ApiError::invalid_cursor(
                "the cursor belongs to a query with other filters; keep the filters while paging",
            ));
        }
        serde_json::from_value(payload.k)
            .map_err(|_| ApiError::invalid_cursor("the cursor's position is malformed"))
    }

    /// The cursor after `key`.
    pub fn encode<K: Serialize>(&self, key: &K) -> Result<String, ApiError> {
        let payload = Payload {
            v: VERSION,
            l: self.list.name().to_string(),
            q: self.query.clone(),
            k: key,
        };
        let mut bytes = serde_json::to_vec(&payload)
            .map_err(|e| ApiError::internal(format!("cannot encode a cursor: {e}")))?;
        let check = checksum(&bytes);
        bytes.extend_from_slice(&check);
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The page of `rows`, fetched with `limit + 1` so that a next page is known to exist
    /// without asking for it; `key` names an item's position.
    pub fn page<T, K: Serialize>(
        &self,
        mut rows: Vec<T>,
        limit: u32,
        key: impl Fn(&T) -> K,
    ) -> Result<Page<T>, ApiError> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = match rows.last() {
            Some(last) if more => Some(self.encode(&key(last))?),
            _ => None,
        };
        Ok(Page {
            items: rows,
            next_cursor,
        })
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload<K> {
    v: u8,
    l: String,
    q: String,
    k: K,
}

fn checksum(json: &[u8]) -> [u8; CHECK_LEN] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(json);
    let digest = h.finalize();
    let mut out = [0u8; CHECK_LEN];
    out.copy_from_slice(&digest[..CHECK_LEN]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::ErrorCode;

    fn escrows(party: Option<&str>) -> Scope {
        Scope::new(
            List::Escrows,
            &[("party", party.map(str::to_string)), ("status", None)],
        )
    }

    #[test]
    fn a_cursor_round_trips_in_its_own_scope_only() {
        let scope = escrows(None);
        let c = scope.encode(&42u64).expect("encodes");
        assert!(c
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(scope.after::<u64>(Some(&c)), Ok(Some(42)));
        assert_eq!(scope.after::<u64>(None), Ok(None));

        let other_filters = escrows(Some("G…"));
        let other_list = Scope::new(List::Tokens, &[]);
        for (scope, why) in [
            (other_filters, "other filters"),
            (other_list, "/api/tokens"),
        ] {
            let e = scope.after::<u64>(Some(&c)).expect_err("refused");
            assert_eq!(e.code, ErrorCode::InvalidCursor);
            assert!(e.message.contains(why), "{}", e.message);
        }
    }

    #[test]
    fn garbage_and_tampered_cursors_are_refused() {
        let scope = escrows(None);
        let good = scope.encode(&7u64).expect("encodes");
        let mut bytes = URL_SAFE_NO_PAD.decode(&good).expect("base64");
        // Change the key from 7 to 8 without fixing the checksum.
        let at = bytes
            .iter()
            .rposition(|b| *b == b'7')
            .expect("the key is in the payload");
        bytes[at] = b'8';
        let tampered = URL_SAFE_NO_PAD.encode(&bytes);
        let long = "A".repeat(5000);
        for bad in [
            "",
            "!!!",
            "abc",
            "eyJ2IjoxfQ",
            tampered.as_str(),
            &good[..good.len() - 3],
            long.as_str(),
        ] {
            let e = scope.after::<u64>(Some(bad)).expect_err(bad);
            assert_eq!(e.code, ErrorCode::InvalidCursor, "{bad}");
        }
        // A well-formed cursor whose key has the wrong type for the list.
        let wrong_key = scope.encode(&"text").expect("encodes");
        assert_eq!(
            scope.after::<u64>(Some(&wrong_key)).map_err(|e| e.code),
            Err(ErrorCode::InvalidCursor)
        );
    }

    #[test]
    fn pages_know_whether_more_follow() {
        let scope = escrows(None);
        let page = scope.page(vec![1u64, 2, 3], 2, |x| *x).expect("page");
        assert_eq!(page.items, vec![1, 2]);
        let next = page.next_cursor.expect("more follow");
        assert_eq!(scope.after::<u64>(Some(&next)), Ok(Some(2)));
        let last = scope.page(vec![3u64], 2, |x| *x).expect("page");
        assert!(last.next_cursor.is_none());
    }
}
