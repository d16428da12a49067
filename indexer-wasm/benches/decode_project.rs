//! Decode + project throughput: 100,000 events shaped like TeachLink's real traffic
//! (escrow purchases with approvals, NFT mints and sales, completions, contributions and
//! ratings, rewards), encoded as the contracts emit them and as `getEvents` returns them,
//! decoded and projected into the memory store in pages of 1,000.
//!
//! `cargo bench -p teachlink-indexer --bench decode_project`

use std::time::Instant;

use teachlink_indexer::decode::{
    ContractKind, Decoded, Decoder, Event, EventMeta, RawEvent, Resolution, Signer,
    TeachLinkEvent as E,
};
use teachlink_indexer::encode::to_raw;
use teachlink_indexer::store::{Checkpoint, MemoryStore};
use teachlink_indexer::{Address, EventId, Hash32};

const EVENTS: usize = 100_000;
const PAGE: usize = 1_000;
const ESCROW: Address = Address::Contract([1; 32]);
const CONTENT: Address = Address::Contract([2; 32]);
const REPUTATION: Address = Address::Contract([3; 32]);
const REWARDS: Address = Address::Contract([4; 32]);

fn account(i: u32) -> Address {
    let mut k = [0u8; 32];
    k[..4].copy_from_slice(&i.to_be_bytes());
    k[4] = 0xA5;
    Address::Account(k)
}

/// The events of one learner buying and finishing one course, and its side effects.
fn cycle(n: u32, out: &mut Vec<(Address, E)>) {
    let learner = account(n % 5_000);
    let teacher = account(10_000 + n % 300);
    let (s1, s2, arb) = (
        account(20_000 + n % 7),
        account(20_100 + n % 5),
        account(30_000),
    );
    let escrow_id = u64::from(n) + 1;
    let course_id = u64::from(n % 800);
    let amount = 50_000_000 + i128::from(n % 1_000) * 10_000;
    out.push((
        ESCROW,
        E::EscrowCreated {
            escrow_id,
            depositor: learner,
            beneficiary: teacher,
            token: Address::Contract([9; 32]),
            amount,
            signers: vec![
                Signer {
                    address: s1,
                    weight: 1,
                },
                Signer {
                    address: s2,
                    weight: 2,
                },
            ],
            threshold: 3,
            release_after: None,
            refund_after: Some(1_800_000_000),
            arbitrator: Some(arb),
            course_id,
        },
    ));
    out.push((
        ESCROW,
        E::EscrowApproved {
            escrow_id,
            signer: s1,
            weight: 1,
            approved_weight: 1,
            threshold: 3,
        },
    ));
    if n.is_multiple_of(10) {
        out.push((
            ESCROW,
            E::EscrowDisputed {
                escrow_id,
                by: learner,
                reason: "the course was not delivered as described".into(),
            },
        ));
        out.push((
            ESCROW,
            E::EscrowResolved {
                escrow_id,
                arbitrator: arb,
                resolution: Resolution::Split(5_000),
                to_beneficiary: amount / 2,
                to_depositor: amount - amount / 2,
            },
        ));
    } else {
        out.push((
            ESCROW,
            E::EscrowApproved {
                escrow_id,
                signer: s2,
                weight: 2,
                approved_weight: 3,
                threshold: 3,
            },
        ));
        out.push((
            ESCROW,
            E::EscrowReleased {
                escrow_id,
                beneficiary: teacher,
                amount,
                by: teacher,
            },
        ));
    }
    if n.is_multiple_of(4) {
        let token_id = u64::from(n / 4) + 1;
        out.push((
            CONTENT,
            E::Minted {
                token_id,
                creator: teacher,
                title: format!("Course {course_id}: smart contracts on Stellar"),
                content_hash: Hash32([n as u8; 32]),
                uri: format!(
                    "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/{token_id}"
                ),
                licence: "cc_by_sa".into(),
                tags: vec!["soroban".into(), "rust".into(), "beginner".into()],
                transferable: true,
                royalty_bps: 500,
            },
        ));
        out.push((
            CONTENT,
            E::Transferred {
                token_id,
                from: teacher,
                to: learner,
            },
        ));
    }
    out.push((
        REPUTATION,
        E::CompletionRecorded {
            learner,
            course_id,
            issuer: arb,
            score_pct: 60 + n % 40,
            credit_score: 500 + n % 300,
            reputation: n % 1_000,
        },
    ));
    if n.is_multiple_of(3) {
        let contribution_id = u64::from(n / 3) + 1;
        out.push((
            REPUTATION,
            E::ContributionRecorded {
                contribution_id,
                learner,
                kind: "tutorial".into(),
                reference: Hash32([7; 32]),
            },
        ));
        out.push((
            REPUTATION,
            E::ContributionRated {
                contribution_id,
                rater: teacher,
                author: learner,
                rating: 1 + n % 5,
                author_reputation: n % 1_000,
                author_credit_score: 500 + n % 300,
            },
        ));
    }
    out.push((
        REWARDS,
        E::RewardIssued {
            learner,
            issuer: arb,
            amount: 1_000_000,
            reason: "course".into(),
            unclaimed: 1_000_000,
        },
    ));
    out.push((
        REWARDS,
        E::RewardClaimed {
            learner,
            amount: 1_000_000,
        },
    ));
    if n.is_multiple_of(50) {
        out.push((
            REWARDS,
            E::Funded {
                funder: arb,
                amount: 100_000_000,
                balance: 100_000_000,
            },
        ));
    }
}

/// 100,000 events in RPC form, several per transaction and ledger like the chain.
fn events() -> Vec<RawEvent> {
    let mut bodies = Vec::with_capacity(EVENTS + 16);
    let mut n = 0;
    while bodies.len() < EVENTS {
        cycle(n, &mut bodies);
        n += 1;
    }
    bodies.truncate(EVENTS);
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, (contract, body))| {
            // 20 transactions per ledger, one event each.
            let ledger = 1_000 + (i / 20) as u32;
            let tx = (i % 20) as u64 + 1;
            let meta = EventMeta {
                id: EventId {
                    toid: (u64::from(ledger) << 32) | (tx << 12),
                    index: 0,
                },
                ledger,
                closed_at: 1_750_000_000 + u64::from(ledger) * 5,
                contract,
                tx_hash: Hash32([(i % 251) as u8; 32]),
            };
            to_raw(&Event { meta, body }).expect("encodes")
        })
        .collect()
}

fn decoder() -> Decoder {
    Decoder::with_contracts([
        (ESCROW, ContractKind::Escrow),
        (CONTENT, ContractKind::Content),
        (REPUTATION, ContractKind::Reputation),
        (REWARDS, ContractKind::Rewards),
    ])
}

fn rate(label: &str, n: usize, start: Instant) -> f64 {
    let secs = start.elapsed().as_secs_f64();
    let per_sec = n as f64 / secs;
    println!(
        "{label:<44} {n} events in {:>7.1} ms  = {per_sec:>10.0} events/s",
        secs * 1e3
    );
    per_sec
}

fn main() {
    let raw = events();
    let json = serde_json::to_string(&raw).expect("json");
    println!(
        "{} events, {:.1} MB as getEvents JSON, pages of {PAGE}",
        raw.len(),
        json.len() as f64 / 1e6
    );

    let start = Instant::now();
    let parsed: Vec<RawEvent> = serde_json::from_str(&json).expect("parses");
    rate("parse getEvents JSON", parsed.len(), start);

    let mut best_decode = 0f64;
    let mut best_both = 0f64;
    for _ in 0..3 {
        let mut d = decoder();
        let start = Instant::now();
        let mut ok = 0;
        for r in &raw {
            ok += usize::from(d.decode_ref(r).is_ok());
        }
        assert_eq!(ok, EVENTS, "every event decodes");
        best_decode = best_decode.max(rate("decode", EVENTS, start));

        // Decode + project into the memory store, committing each page with its cursor,
        // as the syncer does (the events are moved in, as from a fetched page).
        let pages: Vec<Vec<RawEvent>> = raw.chunks(PAGE).map(<[_]>::to_vec).collect();
        let store = MemoryStore::new();
        let mut d = decoder();
        let start = Instant::now();
        for page in pages {
            let cursor = page.last().and_then(|e| e.id.parse::<EventId>().ok());
            let decoded: Vec<Decoded> = page.into_iter().map(|r| d.decode(r)).collect();
            let cp = Checkpoint {
                cursor,
                ledger: 0,
                gaps: Vec::new(),
            };
            store.apply_batch_sync(&decoded, &cp).expect("applies");
        }
        best_both = best_both.max(rate("decode + project into MemoryStore", EVENTS, start));
        let s = store.snapshot().expect("snapshot");
        assert_eq!(s.state.applied.len(), EVENTS);
        assert!(s.state.unknown.is_empty());
    }
    println!("best of 3: decode {best_decode:.0} events/s; decode + project {best_both:.0} events/s (target >= 200000)");
}
