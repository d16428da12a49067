//! Owns the client of the TeachLink server's REST API (`IndexerClient` in JavaScript):
//! `/api`, described by `/api/openapi.json`, read through `fetch` with the RPC client's
//! retries (transport errors, 429 and 5xx), its lists paged by the server's opaque cursors,
//! and its `{"error": {"code", "message"}}` answers thrown as typed `api_error`s. The
//! bodies reach JavaScript exactly as the server sends them (the indexer's JSON forms),
//! typed by the interfaces in `typings`.

use crate::error::{Result, SdkError};
use crate::rpc::{retrying, RpcOptions, Transport};

#[cfg(feature = "events-js")]
pub use self::bindings::IndexerClient;

/// A TeachLink server's REST API.
pub struct Indexer<T: Transport> {
    /// The server's root, without a trailing `/` (`/api/…` is appended).
    base: String,
    transport: T,
    options: RpcOptions,
}

/// `s` percent-encoded for a URL path segment or query value (RFC 3986 unreserved kept).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl<T: Transport> Indexer<T> {
    pub fn new(url: &str, transport: T, options: RpcOptions) -> Self {
        Indexer {
            base: url.trim_end_matches('/').to_owned(),
            transport,
            options,
        }
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The URL of `/api` + `path` with `query` (pairs already in order, values raw).
    pub fn url(&self, path: &str, query: &[(&str, String)]) -> String {
        let mut url = format!("{}/api{path}", self.base);
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(k);
            url.push('=');
            url.push_str(&encode(v));
        }
        url
    }

    /// GETs `/api` + `path`: the 2xx body's text, retried as configured.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<String> {
        let url = self.url(path, query);
        retrying(&self.transport, &self.options, |attempt| {
            self.once(&url, attempt)
        })
        .await
    }

    async fn once(&self, url: &str, attempt: u32) -> Result<String> {
        let (status, text) = self
            .transport
            .get(url, self.options.timeout_ms)
            .await
            .map_err(|detail| SdkError::Transport {
                attempts: attempt,
                detail,
            })?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        Err(api_error(status, &text))
    }
}

/// The server's `{"error": {"code", "message"}}`, or the bare status when the body is not
/// one (a proxy's page, an empty body).
fn api_error(status: u16, body: &str) -> SdkError {
    #[derive(serde::Deserialize)]
    struct Body {
        error: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        code: String,
        message: String,
    }
    match serde_json::from_str::<Body>(body) {
        Ok(Body { error }) => SdkError::Api {
            status,
            code: error.code,
            message: error.message,
        },
        Err(_) => SdkError::Http { status },
    }
}

/// Owns the JavaScript class `IndexerClient`: query objects read into query pairs, the
/// server's JSON bodies handed to JavaScript as they come.
#[cfg(feature = "events-js")]
mod bindings {
    use wasm_bindgen::{prelude::*, JsCast};

    use super::{encode, Indexer};
    use crate::error::{Result, SdkError};
    use crate::js;
    use crate::rpc::{options_from_js, FetchTransport};

    /// The TeachLink server's REST API (the indexed escrows, tokens, profiles, completions,
    /// contributions and rewards), fetch-based, for Node.js ≥ 20 and browsers.
    #[wasm_bindgen]
    pub struct IndexerClient {
        inner: std::rc::Rc<Indexer<FetchTransport>>,
    }

    /// The query pairs of a JavaScript options object: only `allowed` keys (anything else is an
    /// `invalid_argument`), missing values skipped, integers as decimal text.
    fn query(v: &JsValue, allowed: &[&'static str]) -> Result<Vec<(&'static str, String)>> {
        if js::is_missing(v) {
            return Ok(Vec::new());
        }
        if !v.is_object() {
            return Err(SdkError::invalid("query", "expected an object"));
        }
        for key in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !allowed.contains(&key.as_str()) && !js::is_missing(&js::get(v, &key)) {
                return Err(SdkError::invalid(
                    "query",
                    format!(
                        "unknown parameter {key:?} (expected {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        let mut out = Vec::new();
        for &key in allowed {
            let value = js::get(v, key);
            if js::is_missing(&value) {
                continue;
            }
            let text = match value.as_string() {
                Some(s) => s,
                None => js::integer(&value, key)?.to_string(),
            };
            out.push((key, text));
        }
        Ok(out)
    }

    fn id_of(v: &JsValue) -> Result<String> {
        Ok(js::u64_of(v, "id")?.to_string())
    }

    fn parsed(text: String) -> std::result::Result<JsValue, JsValue> {
        js_sys::JSON::parse(&text).map_err(|_| {
            SdkError::Malformed("the indexer answered something that is not JSON".into()).into()
        })
    }

    const PAGE: [&str; 2] = ["limit", "cursor"];

    impl IndexerClient {
        async fn read(
            &self,
            path: &str,
            q: &[(&str, String)],
        ) -> std::result::Result<JsValue, JsValue> {
            parsed(self.inner.get(path, q).await?)
        }
    }

    #[wasm_bindgen]
    impl IndexerClient {
        /// `url`: the TeachLink server's root (`http://127.0.0.1:8080/`; in a browser also a
        /// same-origin path such as `/`); requests go to `url` + `api/…`. `options`: as
        /// `RpcClient`'s (`retries`, `retryDelayMs`, `timeoutMs`).
        #[wasm_bindgen(constructor)]
        pub fn new(
            url: String,
            #[wasm_bindgen(unchecked_optional_param_type = "RpcOptions")] options: JsValue,
        ) -> std::result::Result<IndexerClient, JsValue> {
            if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/'))
            {
                return Err(SdkError::invalid(
                    "url",
                    "expected an http(s) URL or an absolute path",
                )
                .into());
            }
            let options = options_from_js(&options)?;
            Ok(IndexerClient {
                inner: std::rc::Rc::new(Indexer::new(&url, FetchTransport, options)),
            })
        }

        /// The server root this client reads (without a trailing `/`).
        #[wasm_bindgen(getter)]
        pub fn url(&self) -> String {
            self.inner.base.clone()
        }

        /// A page of escrows by id: `party` (depositor, beneficiary, signer or arbitrator),
        /// `status`, `limit` (1–200, default 50), `cursor` (the previous page's `next_cursor`).
        #[wasm_bindgen(unchecked_return_type = "Page<IndexedEscrow>")]
        pub async fn escrows(
            &self,
            #[wasm_bindgen(unchecked_optional_param_type = "EscrowsQuery")] q: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let q = query(&q, &["party", "status", PAGE[0], PAGE[1]])?;
            self.read("/escrows", &q).await
        }

        /// One escrow: terms, approvals, status history and payouts (`api_error` `not_found`
        /// when there is none).
        #[wasm_bindgen(unchecked_return_type = "IndexedEscrow")]
        pub async fn escrow(
            &self,
            #[wasm_bindgen(unchecked_param_type = "IntegerInput")] id: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let id = id_of(&id)?;
            self.read(&format!("/escrows/{id}"), &[]).await
        }

        /// A page of content tokens (course NFTs) by id: `owner`, `creator`, `limit`, `cursor`.
        #[wasm_bindgen(unchecked_return_type = "Page<IndexedToken>")]
        pub async fn tokens(
            &self,
            #[wasm_bindgen(unchecked_optional_param_type = "TokensQuery")] q: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let q = query(&q, &["owner", "creator", PAGE[0], PAGE[1]])?;
            self.read("/tokens", &q).await
        }

        /// One content token with its provenance.
        #[wasm_bindgen(unchecked_return_type = "IndexedToken")]
        pub async fn token(
            &self,
            #[wasm_bindgen(unchecked_param_type = "IntegerInput")] id: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let id = id_of(&id)?;
            self.read(&format!("/tokens/{id}"), &[]).await
        }

        /// A learner's reputation and credit score.
        #[wasm_bindgen(unchecked_return_type = "Profile")]
        pub async fn profile(&self, address: String) -> std::result::Result<JsValue, JsValue> {
            self.read(&format!("/profiles/{}", encode(&address)), &[])
                .await
        }

        /// A page of course completions: `course`, `learner`, `limit`, `cursor`.
        #[wasm_bindgen(unchecked_return_type = "Page<Completion>")]
        pub async fn completions(
            &self,
            #[wasm_bindgen(unchecked_optional_param_type = "CompletionsQuery")] q: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let q = query(&q, &["course", "learner", PAGE[0], PAGE[1]])?;
            self.read("/completions", &q).await
        }

        /// A page of contributions: `author`, `limit`, `cursor`.
        #[wasm_bindgen(unchecked_return_type = "Page<Contribution>")]
        pub async fn contributions(
            &self,
            #[wasm_bindgen(unchecked_optional_param_type = "ContributionsQuery")] q: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let q = query(&q, &["author", PAGE[0], PAGE[1]])?;
            self.read("/contributions", &q).await
        }

        /// One contribution and its ratings.
        #[wasm_bindgen(unchecked_return_type = "Contribution")]
        pub async fn contribution(
            &self,
            #[wasm_bindgen(unchecked_param_type = "IntegerInput")] id: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let id = id_of(&id)?;
            self.read(&format!("/contributions/{id}"), &[]).await
        }

        /// A learner's rewards: issued, claimed, unclaimed, history.
        #[wasm_bindgen(unchecked_return_type = "LearnerRewards")]
        pub async fn rewards(&self, learner: String) -> std::result::Result<JsValue, JsValue> {
            self.read(&format!("/rewards/{}", encode(&learner)), &[])
                .await
        }

        /// The reward pool.
        #[wasm_bindgen(unchecked_return_type = "RewardPool")]
        pub async fn pool(&self) -> std::result::Result<JsValue, JsValue> {
            self.read("/pool", &[]).await
        }

        /// The indexer's state: network, checkpoint, store counts.
        #[wasm_bindgen(unchecked_return_type = "IndexerStatus")]
        pub async fn status(&self) -> std::result::Result<JsValue, JsValue> {
            self.read("/status", &[]).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::tests::{block_on, Scripted};
    use serde_json::json;

    fn indexer(answers: Vec<std::result::Result<(u16, String), String>>) -> Indexer<Scripted> {
        Indexer::new("http://h:1/", Scripted::new(answers), RpcOptions::default())
    }

    #[test]
    fn urls_are_built_and_encoded() {
        let i = indexer(vec![]);
        assert_eq!(i.url("/pool", &[]), "http://h:1/api/pool");
        assert_eq!(
            i.url(
                "/escrows",
                &[("party", "GABC".into()), ("cursor", "a+b/c=".into())]
            ),
            "http://h:1/api/escrows?party=GABC&cursor=a%2Bb%2Fc%3D"
        );
        assert_eq!(encode("ü &"), "%C3%BC%20%26");
    }

    #[test]
    fn api_errors_are_typed_and_only_server_failures_retried() {
        let body = json!({ "error": { "code": "invalid_cursor", "message": "bad" } }).to_string();
        let i = indexer(vec![Ok((400, body))]);
        let e = block_on(i.get("/escrows", &[])).unwrap_err();
        assert_eq!(e.code(), "api_error");
        assert_eq!(
            e,
            SdkError::Api {
                status: 400,
                code: "invalid_cursor".into(),
                message: "bad".into()
            }
        );
        assert!(
            i.transport().sleeps.borrow().is_empty(),
            "a 400 is not retried"
        );

        let unavailable =
            json!({ "error": { "code": "store_unavailable", "message": "down" } }).to_string();
        let i = indexer(vec![
            Err("connection refused".into()),
            Ok((503, unavailable)),
            Ok((200, "{\"items\":[],\"next_cursor\":null}".into())),
        ]);
        assert_eq!(
            block_on(i.get("/tokens", &[])).unwrap(),
            "{\"items\":[],\"next_cursor\":null}"
        );
        assert_eq!(*i.transport().sleeps.borrow(), vec![250, 500]);
        assert_eq!(
            *i.transport().requests.borrow(),
            vec![json!({ "GET": "http://h:1/api/tokens" }); 3]
        );

        let i = indexer(vec![Ok((404, "<html>".into()))]);
        assert_eq!(
            block_on(i.get("/x", &[])).unwrap_err(),
            SdkError::Http { status: 404 }
        );
    }
}
