//! Owns the app's on-demand Wasm modules: the transaction side (`teachlink_web_app_tx`,
//! when a wallet action starts) and the recommender (`teachlink_web_app_reco`, when a page
//! needs a list it has not kept). Each is fetched and started once, by `index.html`'s
//! `teachlinkImport` (a dynamic `import()`), and called with plain JavaScript objects.

use leptos::web_sys::js_sys::{Array, Function, Promise, Reflect};
use serde::de::DeserializeOwned;
use teachlink_web_app_reco::Suggested;
use teachlink_web_app_tx::wire::{self, Confirmed, Request};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The transaction module's name (its `.js` and `_bg.wasm` beside the app's).
pub const TX_MODULE: &str = "teachlink_web_app_tx";
/// The recommender module's name.
pub const RECO_MODULE: &str = "teachlink_web_app_reco";

fn text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| Reflect::get(e, &"message".into()).ok()?.as_string())
        .unwrap_or_else(|| "no reason given".into())
}

/// Calls `module.export(args…)`, fetching and starting the module first if needed, and
/// awaits the promise it returns.
async fn call(module: &str, export: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let window = leptos::prelude::window();
    let import: Function = Reflect::get(&window, &"teachlinkImport".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("This page cannot load the app's modules (index.html has no teachlinkImport).")?;
    let loading = import
        .call1(&JsValue::NULL, &module.into())
        .map_err(|e| text(&e))?;
    let loaded = JsFuture::from(Promise::resolve(&loading))
        .await
        .map_err(|e| {
            format!(
                "Part of the app could not be loaded ({}); try again when the connection is back.",
                text(&e)
            )
        })?;
    let f: Function = Reflect::get(&loaded, &export.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("{module} has no {export}"))?;
    let answer = f
        .apply(&JsValue::NULL, &args.iter().collect::<Array>())
        .map_err(|e| text(&e))?;
    JsFuture::from(Promise::resolve(&answer))
        .await
        .map_err(|e| text(&e))
}

fn from_js<T: DeserializeOwned>(v: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(v).map_err(|e| e.to_string())
}

/// What the wallet is doing during [`send`].
pub enum WalletStage {
    WaitingForWallet,
    Submitted,
}

/// Sends `request` through the transaction module, signed by `wallet`; `on_stage` hears
/// when the wallet is asked to sign and when it has signed. The error is a sentence for
/// the user.
pub async fn send(
    request: &Request,
    wallet: JsValue,
    on_stage: impl Fn(WalletStage) + 'static,
) -> Result<Confirmed, String> {
    let request = serde_wasm_bindgen::to_value(request).map_err(|e| e.to_string())?;
    let on_stage =
        Closure::<dyn Fn(JsValue)>::new(move |stage: JsValue| match stage.as_string().as_deref() {
            Some(wire::STAGE_WAITING_FOR_WALLET) => on_stage(WalletStage::WaitingForWallet),
            Some(wire::STAGE_SUBMITTED) => on_stage(WalletStage::Submitted),
            _ => {}
        });
    let args = [request, wallet, on_stage.as_ref().clone()];
    // `on_stage` lives until the call has settled.
    let answer = call(TX_MODULE, "send", &args).await;
    drop(on_stage);
    from_js(answer?)
}

/// Up to five courses for `who` from the IndexedDB database `database`, computed by the
/// recommender module.
pub async fn recommend(database: &str, who: &str) -> Result<Vec<Suggested>, String> {
    let answer = call(RECO_MODULE, "recommend", &[database.into(), who.into()]).await?;
    from_js(answer)
}
