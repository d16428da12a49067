//! teachlink-web-app: the TeachLink web app. Leptos, rendered in the browser; its data
//! is the browser's own IndexedDB, kept in sync with the chain by the light indexer
//! (`teachlink-indexer`), so everything already indexed stays readable offline and the
//! server is only needed to learn where the chain and the contracts are. Writes (paying
//! for a course, approving, releasing, minting) are signed by the connected wallet and sent
//! through the SDK (`teachlink-sdk`) in a second Wasm module (`teachlink-web-app-tx`),
//! fetched only when a wallet action starts; recommendations are computed in a third
//! (`teachlink-web-app-reco`), fetched when a page first needs one. Their effect shows once
//! the sync has indexed it. Natively only [`forms`] is compiled (and tested).
//!
//! | module | owns |
//! |---|---|
//! | [`config`] | where the RPC and the contracts are (the server's `/api/status`) |
//! | [`bootstrap`] | a new browser's store started from the server's verified snapshot |
//! | [`db`] | the one IndexedDB store of this page |
//! | [`sync`] | the sync loop and the progress every page shows |
//! | [`pages`] | the routes: home, a user, an escrow, a token |
//! | [`flows`] | the forms that write: pay for a course, act on an escrow, mint a course |
//! | [`forms`] | what the forms mean: amounts, addresses, signers, the requests they become |
//! | [`lazy`] | the on-demand modules: fetched once, called with plain objects |
//! | [`submit`] | sending a call to the transaction module, signed by the wallet; the status line |
//! | [`view`] | small shared pieces: addresses, amounts, times, the sync bar |
//! | [`wallet`] | connecting a SEP-43 (Freighter-shaped) wallet, network checked |

pub mod forms;

#[cfg(target_arch = "wasm32")]
pub mod bootstrap;
#[cfg(target_arch = "wasm32")]
pub mod config;
#[cfg(target_arch = "wasm32")]
pub mod db;
#[cfg(target_arch = "wasm32")]
pub mod flows;
#[cfg(target_arch = "wasm32")]
pub mod lazy;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod submit;
#[cfg(target_arch = "wasm32")]
pub mod sync;
#[cfg(target_arch = "wasm32")]
pub mod view;
#[cfg(target_arch = "wasm32")]
pub mod wallet;

#[cfg(target_arch = "wasm32")]
use leptos::prelude::*;
#[cfg(target_arch = "wasm32")]
use leptos_router::components::{Route, Router, Routes, A};
#[cfg(target_arch = "wasm32")]
use leptos_router::path;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the app on `<body>`; the module's start function.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    view::mark("teachlink-start");
    leptos::mount::mount_to_body(App);
}

#[cfg(target_arch = "wasm32")]
#[component]
fn App() -> impl IntoView {
    let progress = sync::start();
    provide_context(progress);
    provide_context(RwSignal::new(wallet::WalletState::default()));
    view! {
        <Router>
            <header class="top">
                <A href="/" attr:class="brand">"TeachLink"</A>
                <nav aria-label="Main">
                    <A href="/">"Home"</A>
                    <A href="/content">"Courses"</A>
                    <A href="/mint">"Mint a course"</A>
                </nav>
                <wallet::WalletButton/>
            </header>
            <view::SyncBar/>
            <main id="main">
                <Routes fallback=|| view! { <p>"No such page."</p> }>
                    <Route path=path!("/") view=pages::Home/>
                    <Route path=path!("/users/:address") view=pages::User/>
                    <Route path=path!("/escrows/:id") view=pages::EscrowPage/>
                    <Route path=path!("/tokens/:id") view=pages::TokenPage/>
                    <Route path=path!("/mint") view=flows::MintPage/>
                    <Route path=path!("/content") view=pages::ContentPage/>
                </Routes>
            </main>
        </Router>
    }
}
