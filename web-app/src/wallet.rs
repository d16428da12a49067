//! Owns the connection to the learner's or teacher's wallet: a browser extension that
//! speaks SEP-43 (the Freighter shape: `getAddress`, `getNetwork`, `signTransaction`,
//! `signAuthEntry`), found on `window.freighterApi`. Connecting reads the address and
//! checks the wallet is on this app's network; signing is [`crate::submit`]'s, through the
//! SDK's wallet signer.

use leptos::prelude::*;
use leptos::web_sys::js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where wallet extensions put their SEP-43 API.
const WALLET_GLOBAL: &str = "freighterApi";

/// What the header shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum WalletState {
    #[default]
    Disconnected,
    Connecting,
    Connected {
        address: String,
    },
    /// Why connecting failed, in words for the user.
    Failed(String),
}

/// The wallet extension's SEP-43 object, as it is now (a wallet may be injected late).
pub fn find() -> Result<JsValue, String> {
    Reflect::get(&leptos::prelude::window(), &WALLET_GLOBAL.into())
        .ok()
        .filter(|w| w.is_object())
        .ok_or_else(|| "No Stellar wallet found in this browser. Install a SEP-43 wallet such as Freighter, then reload.".into())
}

/// Asks the wallet for its address and network; refuses another network than `passphrase`.
pub async fn connect(passphrase: &str) -> Result<String, String> {
    let wallet = find()?;
    let network = call(&wallet, "getNetwork").await?;
    let theirs = string_field(&network, "networkPassphrase")
        .ok_or("The wallet did not say which network it is on.")?;
    if theirs != passphrase {
        return Err(format!(
            "Your wallet is on “{theirs}”, but TeachLink here runs on “{passphrase}”. Switch the wallet's network and connect again."
        ));
    }
    let answer = call(&wallet, "getAddress").await?;
    let address = string_field(&answer, "address")
        .filter(|a| a.parse::<teachlink_indexer::Address>().is_ok())
        .ok_or("The wallet did not give a Stellar account address.")?;
    Ok(address)
}

/// Calls `wallet.method()` and awaits it; a rejection or an `error` field is a refusal.
async fn call(wallet: &JsValue, method: &str) -> Result<JsValue, String> {
    let f: Function = Reflect::get(wallet, &method.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("The wallet has no {method}."))?;
    let returned = f
        .call0(wallet)
        .map_err(|e| format!("The wallet refused ({method}): {}", message(&e)))?;
    let answer = match returned.dyn_into::<Promise>() {
        Ok(p) => JsFuture::from(p)
            .await
            .map_err(|e| format!("The wallet refused ({method}): {}", message(&e)))?,
        Err(v) => v,
    };
    if let Some(err) = Reflect::get(&answer, &"error".into())
        .ok()
        .filter(|e| !e.is_undefined() && !e.is_null())
    {
        return Err(format!("The wallet refused ({method}): {}", message(&err)));
    }
    Ok(answer)
}

fn string_field(v: &JsValue, key: &str) -> Option<String> {
    Reflect::get(v, &key.into()).ok()?.as_string()
}

fn message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| string_field(e, "message"))
        .unwrap_or_else(|| "no reason given".into())
}

/// The header's wallet control.
#[component]
pub fn WalletButton() -> impl IntoView {
    let state = expect_context::<RwSignal<WalletState>>();
    let progress = crate::view::progress();
    let navigate = leptos_router::hooks::use_navigate();
    let on_click = move |_| {
        let passphrase = progress.with_untracked(|p| p.passphrase.clone());
        let navigate = navigate.clone();
        state.set(WalletState::Connecting);
        leptos::task::spawn_local(async move {
            match connect(&passphrase).await {
                Ok(address) => {
                    navigate(&format!("/users/{address}"), Default::default());
                    state.set(WalletState::Connected { address });
                }
                Err(e) => state.set(WalletState::Failed(e)),
            }
        });
    };
    view! {
        <div class="wallet">
            {move || match state.get() {
                WalletState::Connected { address } => view! {
                    <span>"Connected: "
                        <leptos_router::components::A href=format!("/users/{address}")>
                            {format!("{}…{}", &address[..5], &address[address.len() - 5..])}
                        </leptos_router::components::A>
                    </span>
                }.into_any(),
                WalletState::Connecting => view! { <span role="status">"Connecting…"</span> }.into_any(),
                _ => view! {
                    <button type="button" on:click=on_click.clone()>"Connect wallet"</button>
                }.into_any(),
            }}
            {move || match state.get() {
                WalletState::Failed(e) => Some(view! { <p class="error wallet-error" role="alert">{e}</p> }),
                _ => None,
            }}
        </div>
    }
}
