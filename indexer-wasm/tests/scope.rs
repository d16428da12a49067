//! The scope's correctness core: for random traffic (the synthetic generator's cycles with
//! random extra events: tokens resold by their buyers, approvals by outside reviewers,
//! ratings between learners) and every account taking part, a scoped store synced page by
//! page through the scope's `getEvents` filters (as an RPC answers them, over the events'
//! real topics) holds that account's entities field for field as the full indexer does;
//! every entity it holds at all equals the full indexer's (nothing partial); adding an
//! account half-way through backfills it completely.
// Native only: proptest is a native dev-dependency (the browser tests are tests/browser.rs).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use proptest::prelude::*;
use teachlink_indexer::decode::{Decoded, Event, RawEvent, Signer, TeachLinkEvent as E};
use teachlink_indexer::encode;
use teachlink_indexer::scope::{
    apply_scoped, select, AccountView, Contracts, Entering, Following, Scope,
};
use teachlink_indexer::traffic::{self, account, BRIDGE, CONTENT, ESCROW, REPUTATION, REWARDS};
use teachlink_indexer::{decode::ContractKind, Address, State};

fn contracts() -> Contracts {
    Contracts::new(&[
        (ESCROW, ContractKind::Escrow),
        (CONTENT, ContractKind::Content),
        (REPUTATION, ContractKind::Reputation),
        (REWARDS, ContractKind::Rewards),
        (BRIDGE, ContractKind::Bridge),
    ])
}

/// A small deterministic generator (the test's randomness comes from proptest's seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// `cycles` cycles of traffic for `learners` learners, with random extra events mixed in,
/// each with its RPC form.
fn traffic(cycles: u32, learners: u32, seed: u64) -> Vec<(Decoded, RawEvent)> {
    let mut rng = Rng(seed | 1);
    let mut bodies = Vec::new();
    let mut owners: Vec<(u64, Address)> = Vec::new();
    let outsider = |rng: &mut Rng| account(60_000 + rng.below(4) as u32);
    for n in 0..cycles {
        let mut cycle = Vec::new();
        traffic::cycle(n, learners, &mut cycle);
        for (contract, body) in cycle {
            match &body {
                E::Minted {
                    token_id, creator, ..
                } => owners.push((*token_id, *creator)),
                E::Transferred { token_id, to, .. } => {
                    if let Some(o) = owners.iter_mut().find(|(t, _)| t == token_id) {
                        o.1 = *to;
                    }
                }
                _ => {}
            }
            let escrow = match &body {
                E::EscrowCreated { escrow_id, .. } => Some(*escrow_id),
                _ => None,
            };
            bodies.push((contract, body));
            // Now and then an outside reviewer approves the escrow just created (weight 1 of
            // a third signer the learner never names).
            if let Some(escrow_id) = escrow {
                if rng.below(4) == 0 {
                    bodies.push((
                        ESCROW,
                        E::EscrowApproved {
                            escrow_id,
                            signer: outsider(&mut rng),
                            weight: 1,
                            approved_weight: 2,
                            threshold: 3,
                        },
                    ));
                }
            }
        }
        // A token changes hands again (it leaves the learner who bought it), or its owner
        // approves a spender.
        if !owners.is_empty() && rng.below(3) == 0 {
            let i = rng.below(owners.len() as u64) as usize;
            let (token_id, from) = owners[i];
            if rng.below(2) == 0 {
                let to = account(rng.below(u64::from(learners) + 3) as u32);
                owners[i].1 = to;
                bodies.push((CONTENT, E::Transferred { token_id, from, to }));
            } else {
                bodies.push((
                    CONTENT,
                    E::Approved {
                        token_id,
                        owner: from,
                        spender: Some(outsider(&mut rng)),
                        live_until: 5_000,
                    },
                ));
            }
        }
        // A learner rates another learner's contribution.
        if n >= 3 && rng.below(3) == 0 {
            let c = n - n % 3;
            bodies.push((
                REPUTATION,
                E::ContributionRated {
                    contribution_id: traffic::FIRST_ID + u64::from(c / 3),
                    rater: account((n + 1) % learners),
                    author: account(c % learners),
                    rating: 4,
                    weight: 2,
                    author_reputation: 10,
                    author_credit_score: 600,
                },
            ));
        }
        // An escrow whose only tie to an account is in its data: a signer who never acts.
        if rng.below(5) == 0 {
            bodies.push((
                ESCROW,
                E::EscrowCreated {
                    escrow_id: 1_000_000 + u64::from(n),
                    depositor: outsider(&mut rng),
                    beneficiary: account(10_000 + n % 300),
                    token: Address::Contract([9; 32]),
                    amount: 10,
                    signers: vec![Signer {
                        address: account(n % learners),
                        weight: 1,
                    }],
                    threshold: 1,
                    release_after: None,
                    refund_after: None,
                    arbitrator: Some(account(30_000)),
                    dispute_timeout: 0,
                    course_id: 1,
                },
            ));
        }
    }
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, (contract, body))| {
            let meta = traffic::meta(i, contract);
            if i % 211 == 105 {
                let d = traffic::unknown(&meta, i);
                let Decoded::Unknown(raw, _) = &d else {
                    unreachable!()
                };
                let raw = raw.clone();
                (d, raw)
            } else {
                let e = Event { meta, body };
                let raw = encode::to_raw(&e).expect("encodes");
                (Decoded::Event(e), raw)
            }
        })
        .collect()
}

fn full(events: &[(Decoded, RawEvent)]) -> State {
    let mut s = State::default();
    for (d, _) in events {
        s.apply(d);
    }
    s
}

/// Brings `account` into `scope` over `state`, which holds the scope's slice of
/// `events[..through]`: its own events, then the complete histories of the escrows and
/// tokens they name.
fn add_account(
    state: &mut State,
    scope: &mut Scope,
    account: Address,
    events: &[(Decoded, RawEvent)],
    through: usize,
) {
    let alone = Scope {
        accounts: [account].into(),
        catalogue: scope.catalogue,
    };
    let before = &events[..through];
    let own: Vec<Decoded> = select(&alone.account_filters(&contracts()).unwrap(), before)
        .into_iter()
        .filter(|d| match d {
            Decoded::Event(e) => alone.names(&e.body),
            Decoded::Unknown(..) => false,
        })
        .collect();
    let mut entering = alone.entering(state, &own);
    entering.accounts.insert(account);
    let mut history = own;
    history.extend(select(
        &alone.history_filters(&contracts(), &entering).unwrap(),
        before,
    ));
    scope.accounts.insert(account);
    apply_scoped(state, scope, &entering, history, &[]);
}

/// Syncs `scope` over `events` in pages (sizes from `pages`, cycling), the way the scoped
/// syncer does: each page through the head filters of the moment, kept by `wants`, the
/// entering escrows' and tokens' histories fetched by id through the page's end. `late`:
/// an account added once `late.1` events are behind.
fn sync(
    mut scope: Scope,
    events: &[(Decoded, RawEvent)],
    pages: &[usize],
    late: Option<(Address, usize)>,
) -> (State, Scope) {
    let mut state = State::default();
    let mut at = 0;
    let mut p = 0;
    let mut late = late;
    while at < events.len() {
        if let Some((a, when)) = late {
            if at >= when {
                add_account(&mut state, &mut scope, a, events, at);
                late = None;
            }
        }
        let size = pages[p % pages.len()].max(1);
        p += 1;
        let end = (at + size).min(events.len());
        let following = Following::of(&scope, &state);
        let filters = scope.head_filters(&contracts(), &following).unwrap();
        for r in teachlink_indexer::scope::requests(&filters) {
            assert!(r.len() <= 5);
            for f in &r {
                assert!(f.contract_ids.len() <= 5 && f.topics.len() <= 5, "{f:?}");
            }
        }
        let returned = select(&filters, &events[at..end]);
        let none = Entering::default();
        let page: Vec<Decoded> = returned
            .into_iter()
            .filter(|d| scope.wants(d, &state, &none))
            .collect();
        let entering = scope.entering(&state, &page);
        let history = if entering.is_empty() {
            Vec::new()
        } else {
            select(
                &scope.history_filters(&contracts(), &entering).unwrap(),
                &events[..end],
            )
        };
        apply_scoped(&mut state, &scope, &entering, history, &page);
        at = end;
    }
    if let Some((a, _)) = late {
        add_account(&mut state, &mut scope, a, events, events.len());
    }
    (state, scope)
}

/// Every entity the scoped state holds equals the full state's (no partial ones), and each
/// scope account's view is the full one's.
fn check(full: &State, scoped: &State, scope: &Scope) -> usize {
    for a in &scope.accounts {
        let want = AccountView::of(full, a);
        let got = AccountView::of(scoped, a);
        assert_eq!(got, want, "account {a}");
    }
    for (id, x) in &scoped.escrows {
        assert_eq!(Some(x), full.escrows.get(id), "escrow {id}");
    }
    for (id, t) in &scoped.tokens {
        assert_eq!(Some(t), full.tokens.get(id), "token {id}");
    }
    if scope.catalogue {
        assert_eq!(scoped.tokens, full.tokens, "the catalogue is every token");
    }
    for (k, v) in &scoped.profiles {
        assert_eq!(Some(v), full.profiles.get(k), "profile {k}");
    }
    for (k, v) in &scoped.completions {
        assert_eq!(Some(v), full.completions.get(k));
    }
    for (k, v) in &scoped.contributions {
        assert_eq!(Some(v), full.contributions.get(k), "contribution {k}");
    }
    for (k, v) in &scoped.rewards {
        assert_eq!(Some(v), full.rewards.get(k));
    }
    for (k, v) in &scoped.outbound {
        assert_eq!(Some(v), full.outbound.get(k));
    }
    for (k, v) in &scoped.inbound {
        assert_eq!(Some(v), full.inbound.get(k));
    }
    for (k, v) in &scoped.validators {
        assert_eq!(Some(v), full.validators.get(k));
    }
    assert!(scoped.pools.is_empty() && scoped.contracts.is_empty() && scoped.bridges.is_empty());
    scope
        .accounts
        .iter()
        .map(|a| AccountView::of(scoped, a).len())
        .sum()
}

/// Every kind of account taking part in `events` (any event names it, in topics or data):
/// each learner, reviewer (signer), arbitrator, outsider, validator and admin, and the first
/// teachers (the others are alike).
fn participants(events: &[(Decoded, RawEvent)], learners: u32) -> BTreeSet<Address> {
    let kinds: BTreeSet<Address> = (0..learners)
        .chain(10_000..10_004)
        .chain(20_000..20_007)
        .chain(20_100..20_105)
        .chain([30_000])
        .chain(40_000..40_003)
        .chain(50_000..50_004)
        .chain(60_000..60_004)
        .map(account)
        .collect();
    named(events).intersection(&kinds).copied().collect()
}

fn named(events: &[(Decoded, RawEvent)]) -> BTreeSet<Address> {
    let mut out = BTreeSet::new();
    for (d, _) in events {
        if let Decoded::Event(e) = d {
            out.extend(teachlink_indexer::scope::topic_accounts(&e.body));
            if let E::EscrowCreated {
                signers,
                arbitrator,
                ..
            } = &e.body
            {
                out.extend(signers.iter().map(|s| s.address));
                out.extend(*arbitrator);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_account_sees_what_the_full_indexer_sees(
        cycles in 40u32..160,
        learners in 3u32..12,
        seed in any::<u64>(),
        pages in prop::collection::vec(1usize..60, 1..5),
        catalogue in any::<bool>(),
    ) {
        let events = traffic(cycles, learners, seed);
        let full = full(&events);
        let mut checked = 0;
        for a in participants(&events, learners) {
            let scope = Scope { accounts: [a].into(), catalogue };
            let (scoped, scope) = sync(scope, &events, &pages, None);
            checked += check(&full, &scoped, &scope);
        }
        prop_assert!(checked > 0);
    }

    #[test]
    fn an_account_added_half_way_is_backfilled_completely(
        cycles in 40u32..120,
        learners in 3u32..8,
        seed in any::<u64>(),
        pages in prop::collection::vec(1usize..60, 1..4),
        first in 0u32..8,
        second in 0u32..8,
        cut in 0.0f64..1.0,
    ) {
        let events = traffic(cycles, learners, seed);
        let full = full(&events);
        let when = (events.len() as f64 * cut) as usize;
        // A learner, then a teacher or a reviewer half-way.
        let a = account(first % learners);
        let b = [account(10_000 + second % 300), account(20_000 + second % 7), account(30_000)]
            [(second % 3) as usize];
        let (scoped, scope) = sync(Scope::accounts([a]), &events, &pages, Some((b, when)));
        prop_assert!(scope.accounts.contains(&b));
        check(&full, &scoped, &scope);
    }
}

/// The check itself can fail: a scope that forgets the escrows named only in
/// `escrow_created`'s data (its signers) misses the reviewer's escrows.
#[test]
fn a_scope_blind_to_signers_is_caught() {
    let events = traffic(60, 5, 7);
    let full = full(&events);
    let reviewer = account(20_100);
    let scope = Scope::accounts([reviewer]);
    let (scoped, _) = sync(scope.clone(), &events, &[17], None);
    assert_eq!(
        AccountView::of(&scoped, &reviewer),
        AccountView::of(&full, &reviewer)
    );
    // Without the escrow_created filter (the last account filter), the reviewer's escrows
    // awaiting its approval are missing.
    let mut state = State::default();
    let none = Entering::default();
    for chunk in events.chunks(17) {
        let mut filters = scope
            .head_filters(&contracts(), &Following::of(&scope, &state))
            .unwrap();
        filters.remove(1);
        let page: Vec<Decoded> = select(&filters, chunk)
            .into_iter()
            .filter(|d| scope.wants(d, &state, &none))
            .collect();
        let entering = scope.entering(&state, &page);
        let end = chunk_end(&events, chunk);
        let history = select(
            &scope.history_filters(&contracts(), &entering).unwrap(),
            &events[..end],
        );
        apply_scoped(&mut state, &scope, &entering, history, &page);
    }
    assert_ne!(
        AccountView::of(&state, &reviewer).escrows,
        AccountView::of(&full, &reviewer).escrows
    );
}

fn chunk_end(events: &[(Decoded, RawEvent)], chunk: &[(Decoded, RawEvent)]) -> usize {
    let start = (chunk.as_ptr() as usize - events.as_ptr() as usize)
        / std::mem::size_of::<(Decoded, RawEvent)>();
    start + chunk.len()
}
