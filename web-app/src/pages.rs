//! Owns the routes: home (find a user, an escrow or a token), the content catalogue, a
//! user (reputation, credit score, escrows, content, completions, rewards), an escrow
//! (terms, approvals, history) and a token (metadata, provenance). Every page reads the browser's IndexedDB only; the
//! forms that write ([`crate::flows`]) sit beside what they change, outside the part that
//! re-renders when the sync brings new data, so their inputs and status survive it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use teachlink_indexer::project::{ContentToken, Escrow};
use teachlink_indexer::store::Queries as _;
use teachlink_indexer::Address;
use teachlink_web_app_reco::Suggested;

use crate::flows::{ClaimRewards, EscrowActions, PayForCourse};
use crate::forms::target_of;
use crate::view::{amount, from_settled_store, from_store, progress, time, AddressLink};

#[component]
pub fn Home() -> impl IntoView {
    let navigate = use_navigate();
    let (query, set_query) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = query.get_untracked().trim().to_string();
        match target_of(&q) {
            Ok(path) => {
                set_error.set(None);
                navigate(&path, Default::default());
            }
            Err(e) => set_error.set(Some(e)),
        }
    };
    let stats = from_store(|s| async move { s.stats().await.map_err(|e| e.to_string()) });
    let passphrase = move || progress().with(|p| p.passphrase.clone());
    view! {
        <h1>"Learn, teach, get paid — on Stellar"</h1>
        <p class="network">"Network: " <strong>{passphrase}</strong></p>
        <form on:submit=go class="find" role="search">
            <label for="find">"Account (G…), escrow number, or token number (t42)"</label>
            <div class="row">
                <input id="find" name="find" autocomplete="off" required
                    prop:value=query on:input=move |ev| set_query.set(event_target_value(&ev))/>
                <button type="submit">"Open"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </form>
        <section aria-label="Indexed data">
            {move || match stats.get().flatten() {
                None => view! { <p>"Reading the local database…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(s)) => view! {
                    <p>{s.events} " events indexed in this browser, "
                       {s.unknown} " of them not TeachLink events we know."</p>
                }.into_any(),
            }}
        </section>
    }
}

fn param(name: &'static str) -> impl Fn() -> Option<String> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get(name))
}

#[component]
pub fn User() -> impl IntoView {
    let me = crate::submit::connected();
    let address = param("address");
    let parsed = move || address().and_then(|a| a.parse::<Address>().ok());
    let data = from_store(move |s| {
        let who = parsed();
        async move {
            let Some(who) = who else {
                return Err("not an account or contract address".to_string());
            };
            let e = |e: teachlink_indexer::idb::IdbError| e.to_string();
            Ok((
                who,
                s.profile(&who).await.map_err(e)?,
                s.escrows_by_party(&who).await.map_err(e)?,
                s.tokens_by_owner(&who).await.map_err(e)?,
                s.tokens_by_creator(&who).await.map_err(e)?,
                s.completions_by_learner(&who).await.map_err(e)?,
                s.rewards(&who).await.map_err(e)?,
            ))
        }
    });
    let unclaimed = Memo::new(move |_| {
        data.with(|d| match d {
            Some(Some(Ok((who, .., rewards)))) => {
                Some((*who, rewards.as_ref().map_or(0, |r| r.unclaimed)))
            }
            _ => None,
        })
    });
    let recommended = from_settled_store(move |s| {
        let who = parsed();
        // Only once the account's own data is shown: the model reads the whole store,
        // which must not hold up the page's first render.
        let shown = data.with(|d| matches!(d, Some(Some(Ok(_)))));
        async move {
            let Some(who) = who else {
                return Err("not an account or contract address".to_string());
            };
            if !shown {
                return Ok(None);
            }
            // Training reads the whole store in one long task: a reload of an unchanged
            // store shows the list computed last time instead.
            let events = s.stats().await.map_err(|e| e.to_string())?.events;
            let key = format!("recommended/{who}");
            if let Some(list) = crate::db::kept(&key, events) {
                return Ok(Some(list));
            }
            // The model is a module of its own, fetched now (the first time only), which
            // reads the same store.
            let database = crate::db::database().ok_or("the store is not open")?;
            let list: Vec<Suggested> = crate::lazy::recommend(&database, &who.to_string()).await?;
            crate::db::keep(&key, events, &list);
            Ok(Some(list))
        }
    });
    view! {
        {move || match data.get().flatten() {
            None => view! { <p>"Reading the local database…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Some(Ok((who, profile, escrows, owned, created, completions, rewards))) => view! {
                <h1>"Account " <code class="addr">{who.to_string()}</code></h1>
                <section aria-labelledby="rep">
                    <h2 id="rep">"Reputation"</h2>
                    {match profile {
                        None => view! { <p>"No completions or contributions yet."</p> }.into_any(),
                        Some(p) => view! {
                            <dl class="facts">
                                <dt>"Credit score"</dt><dd>{p.credit_score} " / 1000"</dd>
                                <dt>"Reputation"</dt><dd>{p.reputation} " / 10000"</dd>
                                <dt>"Courses completed"</dt><dd>{p.completions}</dd>
                                <dt>"Contributions"</dt><dd>{p.contributions}</dd>
                            </dl>
                        }.into_any(),
                    }}
                </section>
                <section aria-labelledby="rec">
                    <h2 id="rec">"Recommended next"</h2>
                    <p class="muted">"Computed in this browser from the chain; your history stays here."</p>
                    {move || match recommended.get().flatten() {
                        None | Some(Ok(None)) => view! { <p>"Computing…"</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                        Some(Ok(Some(list))) if list.is_empty() => view! { <p>"No courses to recommend yet."</p> }.into_any(),
                        Some(Ok(Some(list))) => view! {
                            <ol class="recs">{list.into_iter().map(|r| view! {
                                <li>
                                    <A href=format!("/tokens/{}", r.item)>{r.title}</A>
                                    <span class="why">{r.why}</span>
                                </li>
                            }).collect_view()}</ol>
                        }.into_any(),
                    }}
                </section>
                <section aria-labelledby="esc">
                    <h2 id="esc">"Escrows"</h2>
                    <EscrowTable escrows=escrows/>
                </section>
                <section aria-labelledby="own">
                    <h2 id="own">"Content owned"</h2>
                    <TokenList tokens=owned/>
                </section>
                <section aria-labelledby="cre">
                    <h2 id="cre">"Content created"</h2>
                    <TokenList tokens=created/>
                    {move || (me() == Some(who)).then(|| view! {
                        <p><A href="/mint">"Mint a new course"</A></p>
                    })}
                </section>
                <section aria-labelledby="cmp">
                    <h2 id="cmp">"Course completions"</h2>
                    {if completions.is_empty() {
                        view! { <p>"None yet."</p> }.into_any()
                    } else {
                        view! { <ul>{completions.into_iter().map(|c| view! {
                            <li>"Course " {c.course_id} " · score " {c.score_pct} "% · "
                                {time(c.stamp.at)}</li>
                        }).collect_view()}</ul> }.into_any()
                    }}
                </section>
                <section aria-labelledby="rew">
                    <h2 id="rew">"Rewards"</h2>
                    {match rewards {
                        None => view! { <p>"No rewards yet."</p> }.into_any(),
                        Some(r) => view! {
                            <dl class="facts">
                                <dt>"Unclaimed"</dt><dd>{amount(r.unclaimed)}</dd>
                                <dt>"Claimed"</dt><dd>{amount(r.claimed)}</dd>
                            </dl>
                        }.into_any(),
                    }}
                </section>
            }.into_any(),
        }}
        <ClaimRewards unclaimed=unclaimed/>
    }
}

#[component]
fn EscrowTable(escrows: Vec<Escrow>) -> impl IntoView {
    if escrows.is_empty() {
        return view! { <p>"None."</p> }.into_any();
    }
    view! {
        <table>
            <thead><tr>
                <th scope="col">"Escrow"</th><th scope="col">"Course"</th>
                <th scope="col">"Amount"</th><th scope="col">"Approvals"</th>
                <th scope="col">"Status"</th>
            </tr></thead>
            <tbody>
                {escrows.into_iter().map(|e| {
                    let (course, amt, threshold) = e.terms.as_ref().map_or(
                        (String::from("?"), String::from("?"), 0),
                        |t| (t.course_id.to_string(), amount(t.amount), t.threshold),
                    );
                    view! {
                        <tr>
                            <td><A href=format!("/escrows/{}", e.id)>"#" {e.id}</A></td>
                            <td>{course}</td>
                            <td>{amt}</td>
                            <td>{e.approved_weight} " / " {threshold}</td>
                            <td class=format!("status {}", e.status.as_str())>{e.status.as_str()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn TokenList(tokens: Vec<ContentToken>) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p>"None."</p> }.into_any();
    }
    view! {
        <ul class="tokens">
            {tokens.into_iter().map(|t| {
                let title = t.mint.as_ref().map_or_else(|| format!("Token {}", t.id), |m| m.title.clone());
                view! { <li><A href=format!("/tokens/{}", t.id)>{title}</A></li> }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn EscrowPage() -> impl IntoView {
    let id = param("id");
    let escrow = from_store(move |s| {
        let id = id().and_then(|i| i.parse::<u64>().ok());
        async move {
            let Some(id) = id else {
                return Err("not an escrow number".to_string());
            };
            s.escrow(id).await.map_err(|e| e.to_string())
        }
    });
    let current = Memo::new(move |_| escrow.get().flatten().and_then(Result::ok).flatten());
    view! {
        {move || match escrow.get().flatten() {
            None => view! { <p>"Reading the local database…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Some(Ok(None)) => view! {
                <p>"This escrow is not indexed (yet): it may not exist, or syncing has not reached it."</p>
            }.into_any(),
            Some(Ok(Some(e))) => view! {
                <h1>"Escrow #" {e.id} " · " {e.status.as_str()}</h1>
                {e.terms.clone().map(|t| view! {
                    <dl class="facts">
                        <dt>"Course"</dt><dd>{t.course_id}</dd>
                        <dt>"Amount"</dt><dd>{amount(t.amount)}</dd>
                        <dt>"Approvals needed"</dt><dd>{e.approved_weight} " of " {t.threshold}</dd>
                        <dt>"Release after"</dt><dd>{t.release_after.map_or_else(|| "—".into(), time)}</dd>
                        <dt>"Refund after"</dt><dd>{t.refund_after.map_or_else(|| "—".into(), time)}</dd>
                    </dl>
                    <h2>"Signers"</h2>
                    <ul>{t.signers.into_iter().map(|s| {
                        let approved = e.approvals.iter().any(|a| a.signer == s.address);
                        view! { <li><AddressLink address=s.address/> " · weight " {s.weight}
                            {if approved { " · approved" } else { " · not yet" }}</li> }
                    }).collect_view()}</ul>
                })}
                <h2>"Parties"</h2>
                <dl class="facts">
                    <dt>"Learner (depositor)"</dt>
                    <dd>{e.depositor.map(|a| view! { <AddressLink address=a/> })}</dd>
                    <dt>"Teacher (beneficiary)"</dt>
                    <dd>{e.beneficiary.map(|a| view! { <AddressLink address=a/> })}</dd>
                    <dt>"Arbitrator"</dt>
                    <dd>{match e.terms.as_ref().and_then(|t| t.arbitrator) {
                        Some(a) => view! { <AddressLink address=a/> }.into_any(),
                        None => view! { "none" }.into_any(),
                    }}</dd>
                    {e.dispute_reason.clone().map(|r| view! {
                        <dt>"Dispute reason"</dt><dd>{r}</dd>
                    })}
                    {e.dispute_deadline.map(|at| view! {
                        <dt>"Dispute deadline"</dt>
                        <dd>{time(at)}
                            <span class="hint">" · then either side may settle: the teacher is paid if the signers had approved, otherwise the learner is refunded"</span>
                        </dd>
                    })}
                    {e.resolution.map(|r| view! {
                        <dt>"Resolution"</dt><dd>{format!("{r:?}")}</dd>
                    })}
                </dl>
                <h2>"History"</h2>
                <ol>{e.history.iter().map(|h| view! {
                    <li>{h.status.as_str()} " · ledger " {h.stamp.ledger} " · " {time(h.stamp.at)}</li>
                }).collect_view()}</ol>
            }.into_any(),
        }}
        <Show when=move || current.with(Option::is_some)>
            <EscrowActions escrow=current/>
        </Show>
    }
}

#[component]
pub fn TokenPage() -> impl IntoView {
    let id = param("id");
    let token = from_store(move |s| {
        let id = id().and_then(|i| i.parse::<u64>().ok());
        async move {
            let Some(id) = id else {
                return Err("not a token number".to_string());
            };
            s.token(id).await.map_err(|e| e.to_string())
        }
    });
    let creator = Memo::new(move |_| {
        token
            .get()
            .flatten()
            .and_then(Result::ok)
            .flatten()
            .and_then(|t| t.creator)
    });
    let token_id = Memo::new(move |_| id().and_then(|i| i.parse::<u64>().ok()));
    view! {
        {move || match token.get().flatten() {
            None => view! { <p>"Reading the local database…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Some(Ok(None)) => view! { <p>"This token is not indexed (yet)."</p> }.into_any(),
            Some(Ok(Some(t))) => {
                let title = t.mint.as_ref().map_or_else(|| format!("Token {}", t.id), |m| m.title.clone());
                view! {
                    <h1>{title}</h1>
                    {t.mint.clone().map(|m| view! {
                        <dl class="facts">
                            <dt>"Licence"</dt><dd>{m.licence}</dd>
                            <dt>"Tags"</dt><dd>{m.tags.join(", ")}</dd>
                            <dt>"Transferable"</dt><dd>{if m.transferable { "yes" } else { "no" }}</dd>
                            <dt>"Royalty"</dt><dd>{format!("{}.{:02} %", m.royalty_bps / 100, m.royalty_bps % 100)}</dd>
                            <dt>"Minted"</dt><dd>{time(m.stamp.at)}</dd>
                        </dl>
                    })}
                    <dl class="facts">
                        <dt>"Creator"</dt><dd>{t.creator.map(|a| view! { <AddressLink address=a/> })}</dd>
                        <dt>"Owner"</dt><dd>{t.owner.map(|a| view! { <AddressLink address=a/> })}</dd>
                    </dl>
                    <h2>"Provenance"</h2>
                    <ol>{t.provenance.iter().map(|p| view! {
                        <li>{format!("{:?}", p.kind)} " · ledger " {p.stamp.ledger} " · " {time(p.stamp.at)}</li>
                    }).collect_view()}</ol>
                }.into_any()
            }
        }}
        <Show when=move || creator.with(Option::is_some)>
            <PayForCourse token_id=token_id creator=creator/>
        </Show>
    }
}

/// Courses and material shown per catalogue page.
const CATALOGUE_PAGE: usize = 24;

/// The content catalogue: every tokenized course and material, a page at a time, with
/// its title, creator, licence and tags (provenance on the token's own page).
#[component]
pub fn ContentPage() -> impl IntoView {
    // The last id of each earlier page: "Previous" pops, "Next" pushes.
    let (pages, set_pages) = signal(Vec::<u64>::new());
    let tokens = from_store(move |s| {
        let after = pages.with(|p| p.last().copied());
        async move {
            // One more than shown, to know whether a next page exists.
            s.tokens(after, CATALOGUE_PAGE + 1)
                .await
                .map_err(|e| e.to_string())
        }
    });
    view! {
        <h1>"Courses and material"</h1>
        {move || match tokens.get().flatten() {
            None => view! { <p>"Reading the local database…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() && pages.with(Vec::is_empty) => {
                view! { <p>"No content is indexed yet."</p> }.into_any()
            }
            Some(Ok(mut list)) => {
                let more = list.len() > CATALOGUE_PAGE;
                list.truncate(CATALOGUE_PAGE);
                let last = list.last().map(|t| t.id);
                view! {
                    <table class="catalogue">
                        <caption class="visually-hidden">"Tokenized content"</caption>
                        <thead><tr>
                            <th scope="col">"Title"</th><th scope="col">"Creator"</th>
                            <th scope="col">"Licence"</th><th scope="col">"Tags"</th>
                        </tr></thead>
                        <tbody>{list.into_iter().map(|t| {
                            let (title, licence, tags) = t.mint.as_ref().map_or_else(
                                || (format!("Token {}", t.id), String::new(), String::new()),
                                |m| (m.title.clone(), m.licence.clone(), m.tags.join(", ")),
                            );
                            view! { <tr>
                                <td><A href=format!("/tokens/{}", t.id)>{title}</A></td>
                                <td>{t.creator.map(|a| view! { <AddressLink address=a/> })}</td>
                                <td>{licence}</td>
                                <td>{tags}</td>
                            </tr> }
                        }).collect_view()}</tbody>
                    </table>
                    <nav class="pager" aria-label="Catalogue pages">
                        <button type="button" disabled=move || pages.with(Vec::is_empty)
                            on:click=move |_| set_pages.update(|p| { p.pop(); })>"Previous"</button>
                        <button type="button" disabled=!more
                            on:click=move |_| if let Some(id) = last {
                                set_pages.update(|p| p.push(id));
                            }>"Next"</button>
                    </nav>
                }.into_any()
            }
        }}
    }
}
