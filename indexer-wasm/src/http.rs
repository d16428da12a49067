//! Owns the indexer's HTTP transport: one JSON POST and its JSON answer. Natively that is
//! reqwest (with a timeout, so a hung socket cannot stall the indexer); in the browser it
//! is the page's own `fetch` through gloo-net, so no reqwest (and its url/http stack) is
//! linked into the web app.

use serde_json::Value;

use crate::sync::RpcError;

/// A client for [`HttpClient::post_json`]; cheap to clone.
#[derive(Clone, Debug)]
pub struct HttpClient {
    #[cfg(not(target_arch = "wasm32"))]
    inner: reqwest::Client,
}

impl HttpClient {
    pub fn new() -> Result<Self, RpcError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let inner = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .map_err(|e| RpcError::Transport(e.to_string()))?;
            Ok(HttpClient { inner })
        }
        #[cfg(target_arch = "wasm32")]
        Ok(HttpClient {})
    }

    /// POSTs `body` as JSON to `url`; the answer's JSON when the status is 2xx.
    pub async fn post_json(&self, url: &str, body: &Value) -> Result<Value, RpcError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let resp = self
                .inner
                .post(url)
                .json(body)
                .send()
                .await
                .map_err(|e| RpcError::Transport(e.to_string()))?;
            let status = resp.status().as_u16();
            if !(200..300).contains(&status) {
                return Err(RpcError::Http(status));
            }
            resp.json()
                .await
                .map_err(|e| RpcError::Malformed(e.to_string()))
        }
        #[cfg(target_arch = "wasm32")]
        {
            let resp = gloo_net::http::Request::post(url)
                .json(body)
                .map_err(|e| RpcError::Transport(e.to_string()))?
                .send()
                .await
                .map_err(|e| RpcError::Transport(e.to_string()))?;
            if !resp.ok() {
                return Err(RpcError::Http(resp.status()));
            }
            resp.json()
                .await
                .map_err(|e| RpcError::Malformed(e.to_string()))
        }
    }
}
