//! Owns the small pieces every page uses: the sync bar and banners, addresses as links,
//! token amounts, times, and reading the store when the data changes.

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::A;
use teachlink_indexer::idb::IdbStore;
use teachlink_indexer::Address;

use crate::bootstrap::Bootstrap;
use crate::sync::Progress;

/// The sync progress from context.
pub fn progress() -> RwSignal<Progress> {
    expect_context::<RwSignal<Progress>>()
}

/// A value read from the store, re-read whenever the sync loop reports new data;
/// `None` while loading or before the store is open.
pub fn from_store<T, F, Fut>(read: F) -> LocalResource<Option<Result<T, String>>>
where
    T: 'static,
    F: Fn(Rc<IdbStore>) -> Fut + 'static,
    Fut: Future<Output = Result<T, String>> + 'static,
{
    read_when(|p| p.revision, true, read)
}

/// As [`from_store`], for computations over the whole store (recommendations): re-run only
/// on data read while caught up, so a backfill does not redo them every second.
pub fn from_settled_store<T, F, Fut>(read: F) -> LocalResource<Option<Result<T, String>>>
where
    T: 'static,
    F: Fn(Rc<IdbStore>) -> Fut + 'static,
    Fut: Future<Output = Result<T, String>> + 'static,
{
    read_when(|p| p.settled, false, read)
}

/// `first_data`: a successful read marks the page's first render of indexed data.
fn read_when<T, F, Fut>(
    key: fn(&Progress) -> u64,
    first_data: bool,
    read: F,
) -> LocalResource<Option<Result<T, String>>>
where
    T: 'static,
    F: Fn(Rc<IdbStore>) -> Fut + 'static,
    Fut: Future<Output = Result<T, String>> + 'static,
{
    let progress = progress();
    // A memo: the read follows `key` only, not every progress update of the sync loop.
    let version = Memo::new(move |_| progress.with(key));
    LocalResource::new(move || {
        let _ = version.get();
        let fut = crate::db::get().map(&read);
        async move {
            let read = fut?.await;
            if first_data && read.is_ok() {
                mark_first_data();
            }
            Some(read)
        }
    })
}

/// Marks `teachlink-first-data` in the page's performance timeline, once per page load:
/// when a page first read indexed data from the store (`scripts/web-bench.sh` reads the
/// mark's time after a reload).
fn mark_first_data() {
    thread_local! {
        static MARKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if !MARKED.with(|m| m.replace(true)) {
        mark("teachlink-first-data");
    }
}

/// Adds `name` to the page's performance timeline (what `scripts/web-bench.sh` reports).
pub fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        let _ = performance.mark(name);
    }
}

/// The bar under the header: backfill progress, then "up to date", and the banners for an
/// unreachable RPC, a retention gap, or a start that failed.
#[component]
pub fn SyncBar() -> impl IntoView {
    let progress = progress();
    let fraction = move || {
        progress.with(|p| {
            let s = &p.status;
            if s.latest_ledger == 0 {
                0.0
            } else {
                f64::from(s.indexed_ledger.min(s.latest_ledger)) / f64::from(s.latest_ledger)
            }
        })
    };
    let label = move || {
        progress.with(|p| {
            let s = &p.status;
            if let Some(e) = &p.fatal {
                format!("Cannot sync: {e}")
            } else if !p.ready {
                "Opening the local database…".to_string()
            } else if s.caught_up {
                format!(
                    "Up to date at ledger {} · {} events indexed in this browser",
                    s.indexed_ledger, p.stored_events
                )
            } else {
                format!(
                    "Syncing: {} ledgers behind · {} events indexed",
                    s.ledgers_behind, p.stored_events
                )
            }
        })
    };
    let offline = move || progress.with(|p| p.offline.clone());
    let gap = move || progress.with(|p| p.status.gap);
    let bootstrap = move || progress.with(|p| p.bootstrap.clone());
    view! {
        <section class="sync" aria-label="Sync status">
            <p role="status" aria-live="polite">{label}</p>
            {move || match bootstrap() {
                Some(Bootstrap::Imported { ledger, events }) => Some(view! {
                    <p class="note">
                        "Started from the server's verified snapshot at ledger " {ledger}
                        " (" {events} " events), then from the chain."
                    </p>
                }.into_any()),
                Some(Bootstrap::Refused(reason)) => Some(view! {
                    <p class="banner warn" role="alert">
                        "The server's snapshot was refused (" {reason} "): syncing from the chain instead."
                    </p>
                }.into_any()),
                Some(Bootstrap::Unavailable(_)) | None => None,
            }}
            <progress max="1" value=move || fraction().to_string() aria-label="Indexed share of the chain"></progress>
            {move || offline().map(|e| view! {
                <p class="banner warn" role="alert">
                    "The network cannot be reached (" {e} "). What is already indexed is shown; syncing resumes by itself."
                </p>
            })}
            {move || gap().map(|g| view! {
                <p class="banner warn" role="alert">
                    "Ledgers " {g.first_ledger} "–" {g.last_ledger}
                    " are no longer served by the network: data from them is missing here."
                </p>
            })}
        </section>
    }
}

/// An address as a link to its page, shortened for reading.
#[component]
pub fn AddressLink(address: Address) -> impl IntoView {
    let full = address.to_string();
    let short = format!("{}…{}", &full[..5], &full[full.len() - 5..]);
    view! { <A href=format!("/users/{full}") attr:title=full.clone()>{short}</A> }
}

/// A token amount with 7 decimals (stroops of a Stellar asset).
pub fn amount(v: i128) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let v = v.unsigned_abs();
    let whole = v / 10_000_000;
    let frac = v % 10_000_000;
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let frac = format!("{frac:07}");
        format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
    }
}

/// UNIX seconds as an ISO-8601 UTC time.
pub fn time(at: u64) -> String {
    let date = js_date(at);
    date.unwrap_or_else(|| at.to_string())
}

fn js_date(at: u64) -> Option<String> {
    let ms = (at as f64) * 1000.0;
    let d = leptos::web_sys::js_sys::Date::new(&ms.into());
    d.to_iso_string()
        .as_string()
        .map(|s| s.replace(".000Z", "Z"))
}
