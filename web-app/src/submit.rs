//! Owns writing to the chain from the pages: a contract call becomes a request to the
//! transaction module ([`crate::lazy::send`]: the SDK's contract clients, signed by the
//! connected SEP-43 wallet), fetched only now, and the status line every transaction form
//! shows — preparing, waiting for the wallet, submitted, confirmed in ledger N, or why it
//! failed. Nothing in this module builds a transaction or reads XDR. A confirmed
//! transaction only says so; pages show the new state once the sync loop has put its
//! events into IndexedDB.

use leptos::prelude::*;
use teachlink_indexer::Address;
use teachlink_web_app_tx::wire::{Call, Request, Target};

use crate::config;
use crate::lazy::{self, WalletStage};
use crate::wallet::{self, WalletState};

/// Where one transaction is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Stage {
    #[default]
    Idle,
    /// Fetching the transaction module, building and simulating (the SDK asks the RPC).
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

/// The connected account, if any (reactive).
pub fn connected() -> impl Fn() -> Option<Address> + Copy {
    let state = expect_context::<RwSignal<WalletState>>();
    move || match state.get() {
        WalletState::Connected { address } => address.parse().ok(),
        _ => None,
    }
}

/// The deployment's contract `name` on this app's RPC and network.
fn target(name: &str) -> Result<Target, String> {
    let c = config::loaded()
        .ok_or("The app has not reached the TeachLink server yet; try again in a moment.")?;
    let contract = c
        .deployment
        .contracts
        .get(name)
        .ok_or_else(|| format!("The server names no {name} contract."))?;
    Ok(Target {
        rpc_url: c.rpc_url,
        passphrase: c.passphrase,
        contract: contract.clone(),
    })
}

/// The lumens' asset contract on this app's network, once the server has told the network.
pub fn native_token() -> Option<String> {
    crate::forms::native_asset_contract(&config::loaded()?.passphrase)
}

/// Runs `call` on the deployment's contract `contract` (`escrow`, `content`, `rewards`),
/// signed by the wallet, keeping `stage` up to date.
pub fn send(stage: RwSignal<Stage>, contract: &str, call: Call) {
    if stage.get_untracked().busy() {
        return;
    }
    let ready = wallet::find().and_then(|w| Ok((w, target(contract)?)));
    let (wallet, target) = match ready {
        Ok(ready) => ready,
        Err(e) => return stage.set(Stage::Failed(e)),
    };
    stage.set(Stage::Preparing);
    leptos::task::spawn_local(async move {
        let on_stage = move |s: WalletStage| {
            stage.set(match s {
                WalletStage::WaitingForWallet => Stage::WaitingForWallet,
                WalletStage::Submitted => Stage::Submitted,
            })
        };
        let next = match lazy::send(&Request { target, call }, wallet, on_stage).await {
            Ok(done) => Stage::Confirmed {
                ledger: done.ledger,
                value: done.value,
            },
            Err(e) => Stage::Failed(e),
        };
        stage.set(next);
    });
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

/// Seconds since the UNIX epoch, by this browser's clock.
pub fn now_secs() -> u64 {
    (leptos::web_sys::js_sys::Date::now() / 1000.0) as u64
}
