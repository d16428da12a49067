//! Owns writing to the chain: the SDK's contract clients (`teachlink-sdk`: build, simulate,
//! assemble, sign, send, poll), called from Rust with the connected SEP-43 wallet as their
//! signer, and the status line every transaction form shows — preparing, waiting for the
//! wallet, submitted, confirmed in ledger N, or why it failed. Nothing here builds a
//! transaction or reads XDR: that is the SDK's. A confirmed transaction only says so; pages
//! show the new state once the sync loop has put its events into IndexedDB.

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::web_sys::js_sys::{Function, Object, Promise, Reflect};
use teachlink_indexer::Address;
use teachlink_sdk::clients::{ContentContract, RewardsContract};
use teachlink_sdk::escrow::EscrowContract;
use teachlink_sdk::invoke::{InvokeOptions, Invoked};
use teachlink_sdk::rpc::{FetchTransport, Rpc, RpcOptions};
use teachlink_sdk::signer::SignerKind;
use teachlink_sdk::SdkError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::config::{self, AppConfig};
use crate::wallet::{self, WalletState};

/// Where one transaction is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Stage {
    #[default]
    Idle,
    /// Building and simulating (the SDK asks the RPC).
    Preparing,
    /// The wallet has the transaction and has not answered.
    WaitingForWallet,
    /// Signed and sent; waiting for a ledger to include it.
    Submitted,
    /// Applied in this ledger; `value` is the id the call returned (escrow, token), if any.
    Confirmed { ledger: u32, value: Option<u64> },
    /// Why it stopped, in words for the user.
    Failed(String),
}

impl Stage {
    pub fn busy(&self) -> bool {
        matches!(
            self,
            Stage::Preparing | Stage::WaitingForWallet | Stage::Submitted
        )
    }
}

/// What a call returns, as the id a confirmed form links to.
pub trait NewId {
    fn new_id(&self) -> Option<u64>;
}

/// A new escrow's or token's id.
impl NewId for u64 {
    fn new_id(&self) -> Option<u64> {
        Some(*self)
    }
}

impl NewId for () {
    fn new_id(&self) -> Option<u64> {
        None
    }
}

/// A claimed amount: nothing to link to.
impl NewId for i128 {
    fn new_id(&self) -> Option<u64> {
        None
    }
}

/// The connected account, if any (reactive).
pub fn connected() -> impl Fn() -> Option<Address> + Copy {
    let state = expect_context::<RwSignal<WalletState>>();
    move || match state.get() {
        WalletState::Connected { address } => address.parse().ok(),
        _ => None,
    }
}

fn loaded_config() -> Result<AppConfig, String> {
    config::loaded().ok_or_else(|| {
        "The app has not reached the TeachLink server yet; try again in a moment.".into()
    })
}

/// The SDK's constructor of a contract client.
type NewContract<C> =
    fn(&str, Rc<Rpc<FetchTransport>>, String, InvokeOptions) -> Result<C, SdkError>;

/// The deployment's contract `name` as `new` makes its client, on this app's RPC and
/// network.
fn contract<C>(name: &str, new: NewContract<C>) -> Result<C, String> {
    let c = loaded_config()?;
    let id = c
        .deployment
        .contracts
        .get(name)
        .ok_or_else(|| format!("The server names no {name} contract."))?;
    let rpc =
        Rpc::over_fetch(c.rpc_url.clone(), RpcOptions::default()).map_err(|e| describe(&e))?;
    new(id, Rc::new(rpc), c.passphrase, InvokeOptions::default()).map_err(|e| describe(&e))
}

/// The escrow contract's client on this app's network.
pub fn escrow_contract() -> Result<EscrowContract, String> {
    contract("escrow", EscrowContract::new)
}

/// The content contract's client on this app's network.
pub fn content_contract() -> Result<ContentContract, String> {
    contract("content", ContentContract::new)
}

/// The rewards contract's client on this app's network.
pub fn rewards_contract() -> Result<RewardsContract, String> {
    contract("rewards", RewardsContract::new)
}

/// The lumens' asset contract on this app's network (derived by the SDK), once the server
/// has told the network.
pub fn native_token() -> Option<String> {
    let c = config::loaded()?;
    teachlink_sdk::tx::native_asset_contract_id(&c.passphrase).ok()
}

/// The wallet as the SDK's signer, watched: the stage turns to "waiting for the wallet"
/// when it is asked to sign the transaction and to "submitted" when it has signed (the SDK
/// sends right after). Everything else is the wallet's own method.
fn watched_wallet(stage: RwSignal<Stage>) -> Result<SignerKind, String> {
    let wallet = wallet::find()?;
    let watched = Object::new();
    for method in ["getAddress", "getNetwork", "signAuthEntry"] {
        if let Some(f) = Reflect::get(&wallet, &method.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = Reflect::set(&watched, &method.into(), &f.bind0(&wallet));
        }
    }
    let sign: Function = Reflect::get(&wallet, &"signTransaction".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("The wallet cannot sign transactions (it has no signTransaction).")?;
    let sign_watched = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        move |xdr: JsValue, opts: JsValue| {
            stage.set(Stage::WaitingForWallet);
            let answer = Promise::resolve(&sign.call2(&wallet, &xdr, &opts)?);
            Ok(wasm_bindgen_futures::future_to_promise(async move {
                let v = JsFuture::from(answer).await?;
                let refused = Reflect::get(&v, &"error".into())
                    .is_ok_and(|e| !e.is_undefined() && !e.is_null());
                if !refused {
                    stage.set(Stage::Submitted);
                }
                Ok(v)
            })
            .into())
        },
    );
    let _ = Reflect::set(
        &watched,
        &"signTransaction".into(),
        &sign_watched.into_js_value(),
    );
    SignerKind::wallet(watched.into()).map_err(|e| describe(&e))
}

/// Runs one contract call signed by the wallet, keeping `stage` up to date: `client`
/// makes the contract's client (`escrow_contract`, …), `call` gets it and the signer.
pub fn send<C, F, Fut, T>(stage: RwSignal<Stage>, client: fn() -> Result<C, String>, call: F)
where
    C: 'static,
    F: FnOnce(C, SignerKind) -> Fut + 'static,
    Fut: Future<Output = Result<Invoked<T>, SdkError>> + 'static,
    T: NewId,
{
    if stage.get_untracked().busy() {
        return;
    }
    let (signer, client) = match watched_wallet(stage).and_then(|s| Ok((s, client()?))) {
        Ok(ready) => ready,
        Err(e) => return stage.set(Stage::Failed(e)),
    };
    stage.set(Stage::Preparing);
    leptos::task::spawn_local(async move {
        let next = match call(client, signer).await {
            Ok(done) => Stage::Confirmed {
                ledger: done.ledger,
                value: done.value.new_id(),
            },
            Err(e) => Stage::Failed(describe(&e)),
        };
        stage.set(next);
    });
}

/// An SDK error in words for the user.
pub fn describe(e: &SdkError) -> String {
    let message = e.to_string();
    match e {
        SdkError::WalletRefused { .. } => {
            format!("Your wallet did not sign, so nothing was sent ({message}).")
        }
        SdkError::Wallet(_) => {
            format!("The wallet's answer cannot be used, so nothing was sent: {message}.")
        }
        SdkError::NetworkMismatch { .. } => {
            format!("{message}. Switch the wallet's network and try again; nothing was sent.")
        }
        SdkError::AccountNotFound(_) => {
            format!("{message}: the account needs lumens before it can send transactions.")
        }
        SdkError::Contract {
            name,
            tx_hash: None,
            ..
        } => format!("The contract refuses this ({name}); nothing was sent."),
        SdkError::Contract { name, .. } => {
            format!("The transaction failed on the network: the contract refused it ({name}).")
        }
        SdkError::Simulation(_) => format!("{message}; nothing was sent."),
        SdkError::Timeout { .. } => format!(
            "{message}. It may still be included: this page shows it once the sync sees it."
        ),
        _ => message,
    }
}

/// The status line of a transaction form: an ARIA live region, and errors as alerts.
#[component]
pub fn StageLine(stage: RwSignal<Stage>) -> impl IntoView {
    let text = move || match stage.get() {
        Stage::Idle | Stage::Failed(_) => String::new(),
        Stage::Preparing => "Preparing the transaction…".into(),
        Stage::WaitingForWallet => "Waiting for your wallet to sign…".into(),
        Stage::Submitted => "Submitted; waiting for a ledger…".into(),
        Stage::Confirmed { ledger, .. } => format!(
            "Confirmed in ledger {ledger}. This page shows the change as soon as the sync has it."
        ),
    };
    view! {
        <p class="tx-status" role="status" aria-live="polite">{text}</p>
        {move || match stage.get() {
            Stage::Failed(e) => Some(view! { <p class="error" role="alert">{e}</p> }),
            _ => None,
        }}
    }
}

/// A decimal number with at most `decimals` fractional digits as an integer of its
/// smallest unit ("12.5" with 7 decimals is 125000000).
pub fn parse_fixed(text: &str, decimals: u32, what: &str) -> Result<i128, String> {
    let t = text.trim();
    let bad = || format!("{what}: {t:?} is not a number with at most {decimals} decimals");
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > decimals as usize
    {
        return Err(bad());
    }
    let scale = 10i128.pow(decimals);
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac: i128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<width$}", width = decimals as usize)
            .parse()
            .map_err(|_| bad())?
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)
}

/// Seconds since the UNIX epoch, by this browser's clock.
pub fn now_secs() -> u64 {
    (leptos::web_sys::js_sys::Date::now() / 1000.0) as u64
}

#[cfg(test)]
mod tests {
    use super::parse_fixed;

    #[test]
    fn amounts_are_read_as_fixed_point() {
        assert_eq!(parse_fixed("10", 7, "a").unwrap(), 100_000_000);
        assert_eq!(parse_fixed("0.5", 7, "a").unwrap(), 5_000_000);
        assert_eq!(parse_fixed("2.25", 2, "r").unwrap(), 225);
        assert!(parse_fixed("1.123", 2, "r").is_err());
        assert!(parse_fixed("-1", 7, "a").is_err());
        assert!(parse_fixed("", 7, "a").is_err());
        assert!(parse_fixed("1e3", 7, "a").is_err());
    }
}
