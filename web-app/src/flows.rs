//! Owns the forms that write to the chain, each signed by the connected wallet through the
//! transaction module ([`crate::submit`]; what the fields mean is [`crate::forms`]): a learner paying for a course (an escrow for the token's
//! creator), the actions on an escrow the connected account may take (approve, release,
//! dispute, resolve), and a teacher minting content. Each shows its status line; the new
//! state itself appears on the pages, read from IndexedDB once the sync has the events.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use teachlink_indexer::project::Escrow;
use teachlink_indexer::Address;
use teachlink_web_app_tx::wire::Call;

use crate::forms::{self, Allowed, MintInput, PayInput, LICENCES};
use crate::submit::{connected, native_token, now_secs, send, Stage, StageLine};

/// What the pay form holds.
#[derive(Clone, Copy)]
struct PayForm {
    amount: RwSignal<String>,
    token: RwSignal<String>,
    signers: RwSignal<String>,
    threshold: RwSignal<String>,
    arbitrator: RwSignal<String>,
    dispute_days: RwSignal<String>,
    refund_days: RwSignal<String>,
}

impl PayForm {
    fn input(&self) -> PayInput {
        PayInput {
            amount: self.amount.get_untracked(),
            token: self.token.get_untracked(),
            signers: self.signers.get_untracked(),
            threshold: self.threshold.get_untracked(),
            arbitrator: self.arbitrator.get_untracked(),
            dispute_days: self.dispute_days.get_untracked(),
            refund_days: self.refund_days.get_untracked(),
        }
    }
}

/// "Pay for this course": opens an escrow from the connected learner to the course's
/// creator, approved by the signers the form names (the teacher, by default).
#[component]
pub fn PayForCourse(
    #[prop(into)] token_id: Signal<Option<u64>>,
    #[prop(into)] creator: Signal<Option<Address>>,
) -> impl IntoView {
    let me = connected();
    let stage = RwSignal::new(Stage::Idle);
    let form = PayForm {
        amount: RwSignal::new("10".into()),
        token: RwSignal::new(String::new()),
        signers: RwSignal::new(String::new()),
        threshold: RwSignal::new("1".into()),
        arbitrator: RwSignal::new(String::new()),
        dispute_days: RwSignal::new("14".into()),
        refund_days: RwSignal::new("30".into()),
    };
    // Another course (client-side navigation keeps this form): a fresh status line.
    Effect::new(move |_| {
        token_id.track();
        stage.set(Stage::Idle);
    });
    // Defaults that need data: the teacher signs, and the course is paid in lumens.
    Effect::new(move |_| {
        if let Some(c) = creator.get() {
            form.signers.set(format!("{c} 1"));
        }
    });
    let progress = crate::view::progress();
    Effect::new(move |_| {
        let ready = progress.with(|p| p.ready);
        if ready && form.token.get_untracked().is_empty() {
            if let Some(t) = native_token() {
                form.token.set(t);
            }
        }
    });
    let pay = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Some(me), Some(creator), Some(course)) =
            (me(), creator.get_untracked(), token_id.get_untracked())
        else {
            return stage.set(Stage::Failed(
                "Connect your wallet first (the button at the top of the page).".into(),
            ));
        };
        match form.input().terms(me, creator, course, now_secs()) {
            Ok(terms) => send(stage, "escrow", Call::Create(terms)),
            Err(e) => stage.set(Stage::Failed(e)),
        }
    };
    let is_creator = move || me().is_some() && me() == creator.get();
    let field =
        |id: &'static str, label: &'static str, value: RwSignal<String>, hint: &'static str| {
            view! {
                <label for=id>{label}</label>
                <input id=id name=id autocomplete="off" prop:value=value
                    on:input=move |ev| value.set(event_target_value(&ev))/>
                <span class="hint">{hint}</span>
            }
        };
    view! {
        <section aria-labelledby="pay-h" class="tx">
            <h2 id="pay-h">"Pay for this course"</h2>
            {move || match (me(), is_creator()) {
                (None, _) => Some(view! {
                    <p class="muted">"Connect your wallet to pay; the money waits in escrow until the signers approve."</p>
                }.into_any()),
                (Some(_), true) => Some(view! {
                    <p class="muted">"This is your own course: learners pay for it here."</p>
                }.into_any()),
                _ => None,
            }}
            <form on:submit=pay class="tx" hidden=is_creator>
                {field("pay-amount", "Amount (XLM)", form.amount, "Held by the escrow contract until released.")}
                {field("pay-token", "Paid in (token contract)", form.token, "Lumens by default.")}
                <label for="pay-signers">"Signers who approve the payment"</label>
                <textarea id="pay-signers" name="pay-signers" rows="2" prop:value=form.signers
                    on:input=move |ev| form.signers.set(event_target_value(&ev))></textarea>
                <span class="hint">"One a line: address, then its weight (1 if left out). The teacher by default."</span>
                {field("pay-threshold", "Approvals needed (total weight)", form.threshold, "")}
                {field("pay-arbitrator", "Arbitrator (optional)", form.arbitrator,
                    "Decides a dispute; without one the escrow cannot be disputed.")}
                {field("pay-dispute-days", "Arbitrator's time (days, with an arbitrator)", form.dispute_days,
                    "1 to 180. If a dispute is still open then, either of you can settle it: the teacher is paid if the signers had approved, otherwise you get the money back.")}
                {field("pay-refund", "Refund after (days, optional)", form.refund_days,
                    "After this you can take the money back if it was not released and the signers have not approved.")}
                <button id="pay" type="submit" disabled=move || stage.get().busy()>"Pay for this course"</button>
            </form>
            <StageLine stage/>
            {move || match stage.get() {
                Stage::Confirmed { value: Some(id), .. } => Some(view! {
                    <p><A href=format!("/escrows/{id}")>"Open escrow #" {id}</A></p>
                }),
                _ => None,
            }}
        </section>
    }
}

/// The escrow page's actions: only those the connected account may take.
#[component]
pub fn EscrowActions(#[prop(into)] escrow: Signal<Option<Escrow>>) -> impl IntoView {
    let me = connected();
    let stage = RwSignal::new(Stage::Idle);
    let reason = RwSignal::new(String::new());
    let resolution = RwSignal::new("ToBeneficiary".to_string());
    let split = RwSignal::new("50".to_string());
    let allowed = Memo::new(move |_| {
        let e = escrow.get()?;
        let me = me()?;
        Some(Allowed::of(&e, &me, now_secs()))
    });
    let id = move || escrow.with_untracked(|e| e.as_ref().map(|e| e.id));
    // Another escrow (client-side navigation keeps this component): a fresh status line.
    let shown = Memo::new(move |_| escrow.with(|e| e.as_ref().map(|e| e.id)));
    Effect::new(move |_| {
        shown.track();
        stage.set(Stage::Idle);
    });
    let on_escrow = move |action: fn(u64) -> Call| {
        move |_| {
            let Some(id) = id() else { return };
            send(stage, "escrow", action(id));
        }
    };
    let dispute = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(id) = id() else { return };
        match forms::dispute_reason(&reason.get_untracked()) {
            Ok(why) => send(stage, "escrow", Call::Dispute(id, why)),
            Err(e) => stage.set(Stage::Failed(e)),
        }
    };
    let resolve = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(id) = id() else { return };
        match forms::resolution(&resolution.get_untracked(), &split.get_untracked()) {
            Ok(how) => send(stage, "escrow", Call::Resolve(id, how)),
            Err(e) => stage.set(Stage::Failed(e)),
        }
    };
    let busy = move || stage.get().busy();
    view! {
        <section aria-labelledby="act-h" class="tx">
            <h2 id="act-h">"Your actions"</h2>
            {move || match (me(), allowed.get()) {
                (None, _) => Some(view! {
                    <p class="muted">"Connect your wallet to approve, release or dispute this escrow."</p>
                }.into_any()),
                (Some(_), Some(a)) if !a.any() => Some(view! {
                    <p class="muted">
                        {match a.release_wait {
                            Some(at) => format!("The payment can be released after {}.", crate::view::time(at)),
                            None => "Nothing for your account to do on this escrow now.".to_string(),
                        }}
                    </p>
                }.into_any()),
                _ => None,
            }}
            <div class="actions">
                <Show when=move || allowed.get().is_some_and(|a| a.approve)>
                    <button id="approve" type="button" disabled=busy
                        on:click=on_escrow(Call::Approve)>"Approve"</button>
                </Show>
                <Show when=move || allowed.get().is_some_and(|a| a.release)>
                    <button id="release" type="button" disabled=busy
                        on:click=on_escrow(Call::Release)>"Release payment to the teacher"</button>
                </Show>
                <Show when=move || allowed.get().is_some_and(|a| a.settle)>
                    <button id="settle" type="button" disabled=busy
                        on:click=on_escrow(Call::Settle)>
                        "Settle the dispute: the arbitrator's time is over"</button>
                </Show>
            </div>
            <Show when=move || allowed.get().is_some_and(|a| a.dispute)>
                <form on:submit=dispute class="tx">
                    <label for="dispute-reason">"Dispute: your reason"</label>
                    <textarea id="dispute-reason" name="dispute-reason" rows="2" maxlength="256"
                        prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <button id="dispute" type="submit" disabled=busy>"Dispute"</button>
                </form>
            </Show>
            <Show when=move || allowed.get().is_some_and(|a| a.resolve)>
                <form on:submit=resolve class="tx">
                    <label for="resolution">"Resolve the dispute"</label>
                    <select id="resolution" name="resolution" prop:value=resolution
                        on:change=move |ev| resolution.set(event_target_value(&ev))>
                        <option value="ToBeneficiary">"Everything to the teacher"</option>
                        <option value="ToDepositor">"Everything back to the learner"</option>
                        <option value="Split">"Split"</option>
                    </select>
                    <Show when=move || resolution.get() == "Split">
                        <label for="split">"Share to the teacher (%)"</label>
                        <input id="split" name="split" prop:value=split
                            on:input=move |ev| split.set(event_target_value(&ev))/>
                    </Show>
                    <button id="resolve" type="submit" disabled=busy>"Resolve"</button>
                </form>
            </Show>
            <StageLine stage/>
        </section>
    }
}

/// `/mint`: a teacher mints a course as a content token.
/// "Claim": pays the connected learner their unclaimed rewards (on their own page, when
/// there is something to claim).
#[component]
pub fn ClaimRewards(
    /// The page's account and what it has unclaimed, as indexed.
    #[prop(into)]
    unclaimed: Signal<Option<(Address, i128)>>,
) -> impl IntoView {
    let me = connected();
    let stage = RwSignal::new(Stage::Idle);
    let mine = move || {
        unclaimed
            .get()
            .filter(|(who, amount)| Some(*who) == me() && *amount > 0)
    };
    let claim = move |_| {
        send(stage, "rewards", Call::Claim);
    };
    view! {
        <section aria-labelledby="claim-title" class="flow">
            <h2 id="claim-title" class="visually-hidden">"Claim rewards"</h2>
            <Show when=move || mine().is_some()>
                <button id="claim" type="button" disabled=move || stage.with(Stage::busy) on:click=claim>
                    "Claim " {move || mine().map(|(_, a)| crate::view::amount(a))}
                </button>
            </Show>
            <StageLine stage=stage/>
        </section>
    }
}

#[component]
pub fn MintPage() -> impl IntoView {
    let me = connected();
    let stage = RwSignal::new(Stage::Idle);
    let title = RwSignal::new(String::new());
    let uri = RwSignal::new(String::new());
    let hash = RwSignal::new(String::new());
    let licence = RwSignal::new(LICENCES[0].0.to_string());
    let tags = RwSignal::new(String::new());
    let transferable = RwSignal::new(true);
    let royalty = RwSignal::new("5".to_string());
    let mint = move |ev: SubmitEvent| {
        ev.prevent_default();
        if me().is_none() {
            return stage.set(Stage::Failed(
                "Connect your wallet first (the button at the top of the page).".into(),
            ));
        }
        let input = MintInput {
            title: title.get_untracked(),
            uri: uri.get_untracked(),
            hash: hash.get_untracked(),
            licence: licence.get_untracked(),
            tags: tags.get_untracked(),
            transferable: transferable.get_untracked(),
            royalty: royalty.get_untracked(),
        };
        match input.mint() {
            Ok(content) => send(stage, "content", Call::Mint(content)),
            Err(e) => stage.set(Stage::Failed(e)),
        }
    };
    let text = |id: &'static str, label: &'static str, value: RwSignal<String>, required: bool| {
        view! {
            <label for=id>{label}</label>
            <input id=id name=id autocomplete="off" required=required prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))/>
        }
    };
    view! {
        <h1>"Mint a course"</h1>
        <p class="muted">"Your course becomes a content token: you are its creator and first owner, and its provenance is on chain."</p>
        {move || me().is_none().then(|| view! {
            <p class="muted">"Connect your wallet to mint."</p>
        })}
        <section aria-label="Mint" class="tx">
            <form on:submit=mint class="tx">
                {text("mint-title", "Title", title, true)}
                {text("mint-uri", "Content URI (where the course is)", uri, true)}
                {text("mint-hash", "Content hash (sha256, 64 hex digits; empty: the URI's)", hash, false)}
                <label for="mint-licence">"Licence"</label>
                <select id="mint-licence" name="mint-licence" prop:value=licence
                    on:change=move |ev| licence.set(event_target_value(&ev))>
                    {LICENCES.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
                {text("mint-tags", "Tags (comma-separated)", tags, false)}
                {text("mint-royalty", "Royalty on resales (%)", royalty, false)}
                <label class="check">
                    <input type="checkbox" id="mint-transferable" prop:checked=transferable
                        on:change=move |ev| transferable.set(event_target_checked(&ev))/>
                    " Transferable (owners may pass it on)"
                </label>
                <button id="mint" type="submit" disabled=move || stage.get().busy()>"Mint"</button>
            </form>
            <StageLine stage/>
            {move || match stage.get() {
                Stage::Confirmed { value: Some(id), .. } => Some(view! {
                    <p><A href=format!("/tokens/{id}")>"Open token #" {id}</A></p>
                }),
                _ => None,
            }}
        </section>
    }
}
