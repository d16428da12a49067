//! Owns the forms that write to the chain, each signed by the connected wallet through the
//! SDK ([`crate::submit`]): a learner paying for a course (an escrow for the token's
//! creator), the actions on an escrow the connected account may take (approve, release,
//! dispute, resolve), and a teacher minting content. Each shows its status line; the new
//! state itself appears on the pages, read from IndexedDB once the sync has the events.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use teachlink_indexer::project::{Escrow, EscrowStatus};
use teachlink_indexer::Address;
use teachlink_sdk::clients::ContentMint;
use teachlink_sdk::escrow::{EscrowSigner, EscrowTerms, Resolution};

use crate::submit::{
    connected, content_contract, escrow_contract, native_token, now_secs, parse_fixed,
    rewards_contract, send, Stage, StageLine,
};

/// Stellar amounts have 7 decimals.
const DECIMALS: u32 = 7;
/// The escrow contract's longest dispute reason, in bytes (`MAX_REASON_LEN`).
const MAX_REASON_LEN: usize = 256;

fn address(text: &str, what: &str) -> Result<Address, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "{what}: {:?} is not a Stellar address (G… or C…)",
            text.trim()
        )
    })
}

/// The signers box: one `address [weight]` a line (weight 1 when left out).
fn parse_signers(text: &str) -> Result<Vec<(Address, u32)>, String> {
    let mut signers = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split_whitespace();
        let a = address(parts.next().unwrap_or_default(), "Signer")?;
        let weight = match parts.next() {
            None => 1,
            Some(w) => w
                .parse::<u32>()
                .ok()
                .filter(|w| *w > 0)
                .ok_or_else(|| format!("Signer weight {w:?} is not a whole number above 0"))?,
        };
        if signers.iter().any(|(s, _)| *s == a) {
            return Err(format!("{a} is listed twice among the signers"));
        }
        signers.push((a, weight));
    }
    if signers.is_empty() {
        return Err("At least one signer must approve the payment.".into());
    }
    Ok(signers)
}

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
    /// The escrow's `EscrowTerms`, as the SDK takes them.
    fn terms(&self, me: Address, creator: Address, course: u64) -> Result<EscrowTerms, String> {
        let amount = parse_fixed(&self.amount.get_untracked(), DECIMALS, "Amount")?;
        if amount <= 0 {
            return Err("Amount: pay more than 0.".into());
        }
        if me == creator {
            return Err("You created this course: a learner pays for it, not its creator.".into());
        }
        let token = address(&self.token.get_untracked(), "Paid in")?;
        let signers = parse_signers(&self.signers.get_untracked())?;
        let total: u64 = signers.iter().map(|(_, w)| u64::from(*w)).sum();
        let threshold = self
            .threshold
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|t| *t > 0 && u64::from(*t) <= total)
            .ok_or_else(|| {
                format!(
                    "Approvals needed: a whole number from 1 to the signers' total weight, {total}"
                )
            })?;
        let arbitrator = match self.arbitrator.get_untracked().trim() {
            "" => None,
            a => Some(address(a, "Arbitrator")?),
        };
        if arbitrator.is_some_and(|a| a == me || a == creator) {
            return Err("The arbitrator must be neither you nor the teacher.".into());
        }
        // The contract's bounds (`MIN_DISPUTE_TIMEOUT..=MAX_DISPUTE_TIMEOUT`); without an
        // arbitrator there is no dispute, so no timeout.
        let dispute_timeout = match arbitrator {
            None => 0,
            Some(_) => {
                let d = self.dispute_days.get_untracked();
                let days = d
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|d| (1..=180).contains(d))
                    .ok_or_else(|| {
                        format!("Arbitrator's time: {d:?} is not a number of days from 1 to 180")
                    })?;
                days * 86_400
            }
        };
        let refund_after = match self.refund_days.get_untracked().trim() {
            "" => None,
            d => {
                let days = d
                    .parse::<u64>()
                    .ok()
                    .filter(|d| *d > 0 && *d <= 3650)
                    .ok_or_else(|| {
                        format!("Refund after: {d:?} is not a number of days from 1 to 3650")
                    })?;
                Some(now_secs() + days * 86_400)
            }
        };
        Ok(EscrowTerms {
            beneficiary: creator.to_string(),
            token: token.to_string(),
            amount,
            signers: signers
                .iter()
                .map(|(a, w)| EscrowSigner {
                    address: a.to_string(),
                    weight: *w,
                })
                .collect(),
            threshold,
            release_after: None,
            refund_after,
            arbitrator: arbitrator.map(|a| a.to_string()),
            dispute_timeout,
            course_id: course,
        })
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
        let terms = match form.terms(me, creator, course) {
            Ok(t) => t,
            Err(e) => return stage.set(Stage::Failed(e)),
        };
        send(stage, escrow_contract, move |escrow, signer| async move {
            escrow.create(&terms, &signer).await
        });
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

/// What the connected account may do on an escrow now, by the contract's rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Allowed {
    approve: bool,
    release: bool,
    /// Release once this time (UNIX seconds) has passed.
    release_wait: Option<u64>,
    dispute: bool,
    /// The arbitrator, before the dispute deadline.
    resolve: bool,
    /// The learner or the teacher, from the dispute deadline: the default outcome.
    settle: bool,
}

impl Allowed {
    fn of(e: &Escrow, me: &Address, now: u64) -> Allowed {
        let Some(t) = &e.terms else {
            return Allowed::default();
        };
        let open = e.status == EscrowStatus::Open;
        let signer = t.signers.iter().any(|s| s.address == *me);
        let approved = e.approvals.iter().any(|a| a.signer == *me);
        let depositor = e.depositor == Some(*me);
        let beneficiary = e.beneficiary == Some(*me);
        let party = depositor || beneficiary || signer;
        let met = e.approved_weight >= t.threshold;
        let wait = t.release_after.filter(|at| now < *at);
        let disputed = e.status == EscrowStatus::Disputed;
        // The contract refuses `resolve` from the deadline on and `settle_dispute` before.
        let expired = e.dispute_deadline.is_some_and(|at| now >= at);
        Allowed {
            approve: open && signer && !approved,
            release: open && party && met && wait.is_none(),
            release_wait: (open && party && met).then_some(wait).flatten(),
            dispute: open && (depositor || beneficiary) && t.arbitrator.is_some(),
            resolve: disputed && !expired && t.arbitrator == Some(*me),
            settle: disputed && expired && (depositor || beneficiary),
        }
    }

    fn any(&self) -> bool {
        self.approve || self.release || self.dispute || self.resolve || self.settle
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
        Some(Allowed::of(&e, &me, crate::submit::now_secs()))
    });
    let id = move || escrow.with_untracked(|e| e.as_ref().map(|e| e.id));
    // Another escrow (client-side navigation keeps this component): a fresh status line.
    let shown = Memo::new(move |_| escrow.with(|e| e.as_ref().map(|e| e.id)));
    Effect::new(move |_| {
        shown.track();
        stage.set(Stage::Idle);
    });
    let on_escrow = move |action: fn(u64) -> Action| {
        move |_| {
            let Some(id) = id() else { return };
            action(id).send(stage);
        }
    };
    let dispute = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(id) = id() else { return };
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() || why.len() > MAX_REASON_LEN {
            return stage.set(Stage::Failed(format!(
                "Reason: say why, in at most {MAX_REASON_LEN} bytes."
            )));
        }
        Action::Dispute(id, why).send(stage);
    };
    let resolve = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(id) = id() else { return };
        let how = match resolution.get_untracked().as_str() {
            "ToBeneficiary" => Resolution::ToBeneficiary,
            "ToDepositor" => Resolution::ToDepositor,
            "Split" => match parse_fixed(&split.get_untracked(), 2, "Share to the teacher")
                .map(u32::try_from)
            {
                Ok(Ok(bps)) if bps <= 10_000 => Resolution::Split(bps),
                Ok(_) => {
                    return stage.set(Stage::Failed(
                        "Share to the teacher: a percentage from 0 to 100.".into(),
                    ))
                }
                Err(e) => return stage.set(Stage::Failed(e)),
            },
            other => return stage.set(Stage::Failed(format!("No such resolution: {other:?}."))),
        };
        Action::Resolve(id, how).send(stage);
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
                        on:click=on_escrow(Action::Approve)>"Approve"</button>
                </Show>
                <Show when=move || allowed.get().is_some_and(|a| a.release)>
                    <button id="release" type="button" disabled=busy
                        on:click=on_escrow(Action::Release)>"Release payment to the teacher"</button>
                </Show>
                <Show when=move || allowed.get().is_some_and(|a| a.settle)>
                    <button id="settle" type="button" disabled=busy
                        on:click=on_escrow(Action::Settle)>
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

/// One escrow call, with its arguments.
enum Action {
    Approve(u64),
    Release(u64),
    Dispute(u64, String),
    Resolve(u64, Resolution),
    Settle(u64),
}

impl Action {
    /// Sends the call, signed by the wallet, with its progress on `stage`.
    fn send(self, stage: RwSignal<Stage>) {
        send(stage, escrow_contract, move |escrow, signer| async move {
            match self {
                Action::Approve(id) => escrow.approve(id, &signer).await,
                Action::Release(id) => escrow.release(id, &signer).await,
                Action::Dispute(id, why) => escrow.dispute(id, &why, &signer).await,
                Action::Resolve(id, how) => escrow.resolve(id, how, &signer).await,
                Action::Settle(id) => escrow.settle_dispute(id, &signer).await,
            }
        });
    }
}

/// Licences a course can carry (the contract takes any symbol).
const LICENCES: [(&str, &str); 5] = [
    ("cc_by", "CC BY"),
    ("cc_by_sa", "CC BY-SA"),
    ("cc_by_nc", "CC BY-NC"),
    ("cc0", "CC0 (public domain)"),
    ("all_rights", "All rights reserved"),
];

fn is_symbol(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The content hash: 64 hex digits as given, or the sha256 of the URI when left empty.
fn content_hash(given: &str, uri: &str) -> Result<[u8; 32], String> {
    let given = given.trim();
    if given.is_empty() {
        return Ok(teachlink_sdk::tx::sha256(uri.as_bytes()));
    }
    teachlink_sdk::clients::parse_content_hash(given)
        .map_err(|_| "Content hash: 64 hex digits (a sha256), or empty to use the URI's.".into())
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
        send(stage, rewards_contract, move |rewards, signer| async move {
            rewards.claim(&signer).await
        });
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
        let content = (|| -> Result<ContentMint, String> {
            let t = title.get_untracked().trim().to_string();
            if t.is_empty() || t.len() > 128 {
                return Err("Title: between 1 and 128 bytes.".into());
            }
            let u = uri.get_untracked().trim().to_string();
            if u.is_empty() || u.len() > 256 {
                return Err("URI: between 1 and 256 bytes.".into());
            }
            let tag_list: Vec<String> = tags
                .get_untracked()
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            if tag_list.len() > 8 || !tag_list.iter().all(|t| is_symbol(t)) {
                return Err("Tags: at most 8, each letters, digits or _ (up to 32).".into());
            }
            let royalty_bps = u32::try_from(parse_fixed(&royalty.get_untracked(), 2, "Royalty")?)
                .ok()
                .filter(|bps| *bps <= 10_000)
                .ok_or("Royalty: a percentage from 0 to 100.")?;
            Ok(ContentMint {
                title: t,
                content_hash: content_hash(&hash.get_untracked(), &u)?,
                uri: u,
                licence: licence.get_untracked(),
                tags: tag_list,
                transferable: transferable.get_untracked(),
                royalty_bps,
            })
        })();
        let content = match content {
            Ok(c) => c,
            Err(e) => return stage.set(Stage::Failed(e)),
        };
        send(
            stage,
            content_contract,
            move |contract, signer| async move { contract.mint(&content, &signer).await },
        );
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
