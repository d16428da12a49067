//! Owns the Stellar RPC client: JSON-RPC 2.0 over a [`Transport`] (the global `fetch` of
//! Node.js ≥ 20 and browsers), retries with exponential backoff on transport errors, 429/5xx
//! and JSON-RPC internal errors, typed errors otherwise, and polling a transaction to a final
//! status. The `RpcClient` class exposes it to JavaScript.

use serde_json::{json, Value};
use stellar_xdr::{LedgerEntryData, LedgerKey, LedgerKeyAccount};
use wasm_bindgen::prelude::*;

use teachlink_indexer::sync::{json_rpc_result, RpcError};

use crate::error::{Result, SdkError};
use crate::js;
use crate::tx;

/// How requests leave the process, and how to wait. The real one is [`FetchTransport`];
/// tests use a scripted one.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// POSTs `body` (JSON) to `url`: the HTTP status and the response text, or a transport
    /// error message (no connection, timeout, body read failure).
    async fn post(
        &self,
        url: &str,
        body: &str,
        timeout_ms: u32,
    ) -> std::result::Result<(u16, String), String>;
    /// GETs `url` (the indexer's REST API): the HTTP status and the response text, or a
    /// transport error message.
    async fn get(&self, url: &str, timeout_ms: u32) -> std::result::Result<(u16, String), String>;
    async fn sleep(&self, ms: u32);
    /// Milliseconds on any monotonic-enough clock.
    fn now_ms(&self) -> f64;
}

/// Retry and timeout settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RpcOptions {
    /// Retries after the first attempt for retryable failures.
    pub retries: u32,
    /// The first retry's delay; each next one doubles it.
    pub retry_delay_ms: u32,
    /// Per-request timeout.
    pub timeout_ms: u32,
}

impl Default for RpcOptions {
    fn default() -> Self {
        RpcOptions {
            retries: 3,
            retry_delay_ms: 250,
            timeout_ms: 30_000,
        }
    }
}

/// Runs `once(attempt)` (attempts count from 1) until it succeeds, fails for good, or the
/// retries in `options` are spent, waiting `retry_delay_ms` doubled per retry in between:
/// the one retry policy of every request the SDK makes.
pub(crate) async fn retrying<T: Transport, R, Fut>(
    transport: &T,
    options: &RpcOptions,
    mut once: impl FnMut(u32) -> Fut,
) -> Result<R>
where
    Fut: std::future::Future<Output = Result<R>>,
{
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match once(attempt).await {
            Err(e) if e.is_retryable() && attempt <= options.retries => {
                let factor = 1u32 << (attempt - 1).min(10);
                transport
                    .sleep(options.retry_delay_ms.saturating_mul(factor))
                    .await;
            }
            outcome => return outcome,
        }
    }
}

/// A Stellar RPC endpoint.
pub struct Rpc<T: Transport> {
    url: String,
    transport: T,
    options: RpcOptions,
}

impl<T: Transport> Rpc<T> {
    pub fn new(url: impl Into<String>, transport: T, options: RpcOptions) -> Self {
        Rpc {
            url: url.into(),
            transport,
            options,
        }
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// One JSON-RPC call: its `result`, retried as configured.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value> {
        let body =
            json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
        retrying(&self.transport, &self.options, |attempt| {
            self.once(&body, attempt)
        })
        .await
    }

    async fn once(&self, body: &str, attempt: u32) -> Result<Value> {
        let (status, text) = self
            .transport
            .post(&self.url, body, self.options.timeout_ms)
            .await
            .map_err(|detail| SdkError::Transport {
                attempts: attempt,
                detail,
            })?;
        if !(200..300).contains(&status) {
            return Err(SdkError::Http { status });
        }
        let v: Value = serde_json::from_str(&text)
            .map_err(|e| SdkError::Malformed(format!("not JSON: {e}")))?;
        json_rpc_result(v).map_err(|e| match e {
            RpcError::Rpc { code, message } => SdkError::Rpc { code, message },
            other => SdkError::Malformed(other.to_string()),
        })
    }

    pub async fn get_network(&self) -> Result<Value> {
        self.call("getNetwork", json!({})).await
    }

    pub async fn get_latest_ledger(&self) -> Result<Value> {
        self.call("getLatestLedger", json!({})).await
    }

    pub async fn latest_ledger_sequence(&self) -> Result<u32> {
        let v = self.get_latest_ledger().await?;
        v.get("sequence")
            .and_then(Value::as_u64)
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| SdkError::Malformed("getLatestLedger without sequence".into()))
    }

    /// The current sequence number of account `pk`.
    pub async fn account_sequence(&self, pk: &[u8; 32]) -> Result<i64> {
        let key = LedgerKey::Account(LedgerKeyAccount {
            account_id: tx::account_id(pk),
        });
        let v = self
            .call(
                "getLedgerEntries",
                json!({ "keys": [tx::to_b64(&key, "ledger key")?] }),
            )
            .await?;
        let entry = v
            .get("entries")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|e| e.get("xdr"))
            .and_then(Value::as_str);
        let Some(entry) = entry else {
            return Err(SdkError::AccountNotFound(tx::account_strkey(pk)));
        };
        match tx::from_b64::<LedgerEntryData>(entry, "account entry")? {
            LedgerEntryData::Account(a) => Ok(a.seq_num.0),
            _ => Err(SdkError::Malformed("the entry is not an account".into())),
        }
    }

    pub async fn simulate(&self, envelope_b64: &str) -> Result<Value> {
        self.call(
            "simulateTransaction",
            json!({ "transaction": envelope_b64 }),
        )
        .await
    }

    pub async fn send(&self, envelope_b64: &str) -> Result<Value> {
        self.call("sendTransaction", json!({ "transaction": envelope_b64 }))
            .await
    }

    pub async fn get_transaction(&self, hash: &str) -> Result<Value> {
        self.call("getTransaction", json!({ "hash": hash })).await
    }

    pub async fn get_events(&self, params: Value) -> Result<Value> {
        self.call("getEvents", params).await
    }

    /// Polls getTransaction until `SUCCESS` or `FAILED`, or `timeout_ms` passes.
    pub async fn poll_transaction(
        &self,
        hash: &str,
        timeout_ms: u32,
        interval_ms: u32,
    ) -> Result<Value> {
        let start = self.transport.now_ms();
        loop {
            let v = self.get_transaction(hash).await?;
            match v.get("status").and_then(Value::as_str) {
                Some("SUCCESS" | "FAILED") => return Ok(v),
                Some("NOT_FOUND") => {}
                other => {
                    return Err(SdkError::Malformed(format!(
                        "getTransaction status {other:?}"
                    )))
                }
            }
            let waited = self.transport.now_ms() - start;
            if waited >= f64::from(timeout_ms) {
                return Err(SdkError::Timeout {
                    hash: hash.to_string(),
                    waited_ms: waited as u64,
                });
            }
            self.transport.sleep(interval_ms).await;
        }
    }
}

// ---------------------------------------------------------------- fetch

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn js_fetch(url: &str, init: &JsValue) -> std::result::Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_namespace = AbortSignal, js_name = timeout, catch)]
    fn abort_signal_timeout(ms: f64) -> std::result::Result<JsValue, JsValue>;

    type FetchResponse;

    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> u16;

    #[wasm_bindgen(method, catch)]
    fn text(this: &FetchResponse) -> std::result::Result<js_sys::Promise, JsValue>;
}

/// The global `fetch` (Node.js ≥ 20, browsers, workers), with `AbortSignal.timeout`
/// where the host has it.
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

impl FetchTransport {
    async fn request(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        timeout_ms: u32,
    ) -> std::result::Result<(u16, String), String> {
        use wasm_bindgen::JsCast;
        let mut init = vec![("method", JsValue::from_str(method))];
        if let Some(body) = body {
            let headers = js::object(&[("Content-Type", "application/json".into())]);
            init.push(("headers", headers));
            init.push(("body", JsValue::from_str(body)));
        }
        if let Ok(signal) = abort_signal_timeout(f64::from(timeout_ms)) {
            init.push(("signal", signal));
        }
        let promise = js_fetch(url, &js::object(&init)).map_err(|e| js::message_of(&e))?;
        let resp = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| js::message_of(&e))?;
        let resp: FetchResponse = resp.unchecked_into();
        let status = resp.status();
        let text = resp.text().map_err(|e| js::message_of(&e))?;
        let text = wasm_bindgen_futures::JsFuture::from(text)
            .await
            .map_err(|e| js::message_of(&e))?;
        Ok((status, text.as_string().unwrap_or_default()))
    }
}

impl Rpc<FetchTransport> {
    /// An RPC client over the global `fetch` for the JSON-RPC endpoint `url`.
    pub fn over_fetch(url: impl Into<String>, options: RpcOptions) -> Result<Self> {
        let url = url.into();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(SdkError::invalid("url", "expected an http(s) URL"));
        }
        Ok(Rpc::new(url, FetchTransport, options))
    }
}

impl Transport for FetchTransport {
    async fn post(
        &self,
        url: &str,
        body: &str,
        timeout_ms: u32,
    ) -> std::result::Result<(u16, String), String> {
        self.request("POST", url, Some(body), timeout_ms).await
    }

    async fn get(&self, url: &str, timeout_ms: u32) -> std::result::Result<(u16, String), String> {
        self.request("GET", url, None, timeout_ms).await
    }

    async fn sleep(&self, ms: u32) {
        #[cfg(target_arch = "wasm32")]
        {
            use teachlink_indexer::sync::Timer;
            teachlink_indexer::sync::BrowserTimer
                .sleep(std::time::Duration::from_millis(u64::from(ms)))
                .await;
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = ms;
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}

// ---------------------------------------------------------------- JavaScript class

#[cfg(feature = "js-base")]
pub(crate) fn options_from_js(v: &JsValue) -> Result<RpcOptions> {
    let d = RpcOptions::default();
    Ok(RpcOptions {
        retries: js::opt_u32(&js::get(v, "retries"), "retries")?.unwrap_or(d.retries),
        retry_delay_ms: js::opt_u32(&js::get(v, "retryDelayMs"), "retryDelayMs")?
            .unwrap_or(d.retry_delay_ms),
        timeout_ms: js::opt_u32(&js::get(v, "timeoutMs"), "timeoutMs")?.unwrap_or(d.timeout_ms),
    })
}

/// A Stellar RPC client (fetch-based; Node.js ≥ 20 and browsers).
#[cfg(feature = "clients-js")]
#[wasm_bindgen]
pub struct RpcClient {
    pub(crate) inner: std::rc::Rc<Rpc<FetchTransport>>,
}

#[cfg(feature = "clients-js")]
#[wasm_bindgen]
impl RpcClient {
    /// `url`: the JSON-RPC endpoint, e.g. `http://127.0.0.1:8000/`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RpcOptions")] options: JsValue,
    ) -> std::result::Result<RpcClient, JsValue> {
        let options = options_from_js(&options)?;
        Ok(RpcClient {
            inner: std::rc::Rc::new(Rpc::over_fetch(url, options)?),
        })
    }

    /// The endpoint this client talks to.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    #[wasm_bindgen(js_name = getNetwork, unchecked_return_type = "NetworkInfo")]
    pub async fn get_network(&self) -> std::result::Result<JsValue, JsValue> {
        Ok(js::to_js(&self.inner.get_network().await?)?)
    }

    #[wasm_bindgen(js_name = getLatestLedger, unchecked_return_type = "LatestLedger")]
    pub async fn get_latest_ledger(&self) -> std::result::Result<JsValue, JsValue> {
        Ok(js::to_js(&self.inner.get_latest_ledger().await?)?)
    }

    /// The account's current sequence number, as a decimal string (it is an int64).
    #[wasm_bindgen(js_name = getAccountSequence)]
    pub async fn get_account_sequence(
        &self,
        address: String,
    ) -> std::result::Result<String, JsValue> {
        let pk = tx::parse_account(&address, "address")?;
        Ok(self.inner.account_sequence(&pk).await?.to_string())
    }

    /// Simulates a base64 transaction envelope.
    #[wasm_bindgen(js_name = simulateTransaction, unchecked_return_type = "SimulateTransactionResult")]
    pub async fn simulate_transaction(&self, xdr: String) -> std::result::Result<JsValue, JsValue> {
        Ok(js::to_js(&self.inner.simulate(&xdr).await?)?)
    }

    /// Submits a base64 transaction envelope (does not wait; see `pollTransaction`).
    #[wasm_bindgen(js_name = sendTransaction, unchecked_return_type = "SendTransactionResult")]
    pub async fn send_transaction(&self, xdr: String) -> std::result::Result<JsValue, JsValue> {
        Ok(js::to_js(&self.inner.send(&xdr).await?)?)
    }

    #[wasm_bindgen(js_name = getTransaction, unchecked_return_type = "TransactionInfo")]
    pub async fn get_transaction(&self, hash: String) -> std::result::Result<JsValue, JsValue> {
        Ok(js::to_js(&self.inner.get_transaction(&hash).await?)?)
    }

    /// Polls getTransaction until `SUCCESS` or `FAILED`; a `timeout` error after
    /// `timeoutMs` (default 30 s).
    #[wasm_bindgen(js_name = pollTransaction, unchecked_return_type = "TransactionInfo")]
    pub async fn poll_transaction(
        &self,
        hash: String,
        #[wasm_bindgen(unchecked_optional_param_type = "PollOptions")] options: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let timeout = js::opt_u32(&js::get(&options, "timeoutMs"), "timeoutMs")?.unwrap_or(30_000);
        let interval = js::opt_u32(&js::get(&options, "intervalMs"), "intervalMs")?.unwrap_or(500);
        Ok(js::to_js(
            &self
                .inner
                .poll_transaction(&hash, timeout, interval)
                .await?,
        )?)
    }

    /// getEvents with the request's params as Stellar RPC defines them; the result as it
    /// answers (feed it to `decodeEvents`).
    #[wasm_bindgen(js_name = getEvents, unchecked_return_type = "GetEventsResult")]
    pub async fn get_events(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GetEventsRequest")] request: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let text = js::to_json_text(&request, "getEvents request")?;
        let params: Value = serde_json::from_str(&text)
            .map_err(|e| SdkError::invalid("getEvents request", e.to_string()))?;
        Ok(js::to_js(&self.inner.get_events(params).await?)?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// Runs a future that never really waits (scripted transports complete at once).
    pub fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = pin!(f);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    /// Answers requests from a script and records what was asked and slept.
    #[derive(Default)]
    pub struct Scripted {
        pub answers: RefCell<VecDeque<std::result::Result<(u16, String), String>>>,
        pub requests: RefCell<Vec<Value>>,
        pub sleeps: RefCell<Vec<u32>>,
        pub clock: RefCell<f64>,
    }

    impl Scripted {
        pub fn new(answers: Vec<std::result::Result<(u16, String), String>>) -> Self {
            Scripted {
                answers: RefCell::new(answers.into()),
                ..Default::default()
            }
        }
    }

    pub fn ok(result: Value) -> std::result::Result<(u16, String), String> {
        Ok((
            200,
            json!({ "jsonrpc": "2.0", "id": 1, "result": result }).to_string(),
        ))
    }

    impl Transport for Scripted {
        async fn post(
            &self,
            _url: &str,
            body: &str,
            _timeout_ms: u32,
        ) -> std::result::Result<(u16, String), String> {
            self.requests
                .borrow_mut()
                .push(serde_json::from_str(body).unwrap());
            self.answers
                .borrow_mut()
                .pop_front()
                .unwrap_or_else(|| Err("script exhausted".into()))
        }
        async fn get(
            &self,
            url: &str,
            _timeout_ms: u32,
        ) -> std::result::Result<(u16, String), String> {
            self.requests.borrow_mut().push(json!({ "GET": url }));
            self.answers
                .borrow_mut()
                .pop_front()
                .unwrap_or_else(|| Err("script exhausted".into()))
        }
        async fn sleep(&self, ms: u32) {
            self.sleeps.borrow_mut().push(ms);
            *self.clock.borrow_mut() += f64::from(ms);
        }
        fn now_ms(&self) -> f64 {
            *self.clock.borrow()
        }
    }

    fn rpc(answers: Vec<std::result::Result<(u16, String), String>>) -> Rpc<Scripted> {
        Rpc::new("http://x/", Scripted::new(answers), RpcOptions::default())
    }

    #[test]
    fn transport_errors_and_5xx_are_retried_with_backoff() {
        let r = rpc(vec![
            Err("connection refused".into()),
            Ok((503, String::new())),
            ok(json!({ "sequence": 7 })),
        ]);
        assert_eq!(block_on(r.latest_ledger_sequence()).unwrap(), 7);
        assert_eq!(*r.transport.sleeps.borrow(), vec![250, 500]);
        assert_eq!(
            r.transport.requests.borrow()[0]["method"],
            "getLatestLedger"
        );
    }

    #[test]
    fn retries_end_with_a_typed_error() {
        let r = rpc(vec![Err("down".into()); 4]);
        let e = block_on(r.get_network()).unwrap_err();
        assert_eq!(
            e,
            SdkError::Transport {
                attempts: 4,
                detail: "down".into()
            }
        );
        assert_eq!(e.code(), "transport");
    }

    #[test]
    fn request_errors_are_not_retried() {
        let r = rpc(vec![Ok((
            200,
            json!({ "jsonrpc": "2.0", "id": 1, "error": { "code": -32602, "message": "bad" } })
                .to_string(),
        ))]);
        let e = block_on(r.get_network()).unwrap_err();
        assert_eq!(e.code(), "rpc_error");
        assert!(r.transport.sleeps.borrow().is_empty());
        let r = rpc(vec![Ok((200, "<html>".into()))]);
        assert_eq!(
            block_on(r.get_network()).unwrap_err().code(),
            "malformed_response"
        );
        let r = rpc(vec![Ok((404, String::new()))]);
        assert_eq!(
            block_on(r.get_network()).unwrap_err(),
            SdkError::Http { status: 404 }
        );
    }

    #[test]
    fn polling_waits_for_a_final_status_or_times_out() {
        let r = rpc(vec![
            ok(json!({ "status": "NOT_FOUND" })),
            ok(json!({ "status": "NOT_FOUND" })),
            ok(json!({ "status": "SUCCESS", "ledger": 9 })),
        ]);
        let v = block_on(r.poll_transaction("ab", 10_000, 100)).unwrap();
        assert_eq!(v["ledger"], 9);
        assert_eq!(*r.transport.sleeps.borrow(), vec![100, 100]);

        let r = rpc(vec![ok(json!({ "status": "NOT_FOUND" })); 10]);
        let e = block_on(r.poll_transaction("ab", 250, 100)).unwrap_err();
        assert_eq!(e.code(), "timeout");
    }

    #[test]
    fn a_missing_account_is_typed() {
        let r = rpc(vec![ok(json!({ "entries": [], "latestLedger": 3 }))]);
        let e = block_on(r.account_sequence(&[1; 32])).unwrap_err();
        assert_eq!(e.code(), "account_not_found");
    }
}
