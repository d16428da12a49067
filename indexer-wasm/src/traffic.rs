//! Owns synthetic TeachLink traffic: event streams shaped like the contracts' real ones
//! (escrow purchases with approvals and disputes, NFT mints and sales, completions,
//! contributions and ratings, rewards, bridge transfers and validators, admin events, and
//! now and then an event that does not decode), in chain order, for benchmarks, load
//! tests and store conformance tests that need many more events than a local network
//! produces quickly. Deterministic: the same count gives the same events.

use crate::decode::{
    DecodeError, Decoded, Event, EventMeta, RawEvent, Resolution, Signer, TeachLinkEvent as E,
};
use crate::types::{Address, EventId, Hash32, HexBytes};

pub const ESCROW: Address = Address::Contract([0x11; 32]);
pub const CONTENT: Address = Address::Contract([0x12; 32]);
pub const REPUTATION: Address = Address::Contract([0x13; 32]);
pub const REWARDS: Address = Address::Contract([0x14; 32]);
pub const BRIDGE: Address = Address::Contract([0x15; 32]);

/// The first escrow, token, contribution and transfer id: clear of the ids the indexer's
/// catalogue of events (its test fixtures) uses, so the two can be indexed together.
pub const FIRST_ID: u64 = 101;

/// Account number `i`: distinct keys whose strkeys do not sort like their numbers.
pub fn account(i: u32) -> Address {
    let mut k = [0u8; 32];
    k[..4].copy_from_slice(&i.wrapping_mul(2_654_435_761).to_be_bytes());
    k[4..8].copy_from_slice(&i.to_be_bytes());
    k[8] = 0xA5;
    Address::Account(k)
}

/// The events of cycle `n`: one learner buying and finishing one course, and its side
/// effects; every few cycles a bridge transfer or an admin event. `learners` bounds the
/// distinct learners (fewer learners: more escrows and completions per learner).
pub fn cycle(n: u32, learners: u32, out: &mut Vec<(Address, E)>) {
    let learner = account(n % learners);
    let teacher = account(10_000 + n % 300);
    let (s1, s2, arb) = (
        account(20_000 + n % 7),
        account(20_100 + n % 5),
        account(30_000),
    );
    let escrow_id = FIRST_ID + u64::from(n);
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
    match n % 10 {
        0 => {
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
        }
        // Left open (awaiting the second signer) or disputed and not yet resolved.
        3 => {}
        7 => out.push((
            ESCROW,
            E::EscrowDisputed {
                escrow_id,
                by: learner,
                reason: "late".into(),
            },
        )),
        9 => out.push((
            ESCROW,
            E::EscrowRefunded {
                escrow_id,
                depositor: learner,
                amount,
                by: arb,
            },
        )),
        _ => {
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
    }
    if n.is_multiple_of(4) {
        let token_id = FIRST_ID + u64::from(n / 4);
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
        if !n.is_multiple_of(8) {
            out.push((
                CONTENT,
                E::Transferred {
                    token_id,
                    from: teacher,
                    to: learner,
                },
            ));
        }
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
        let contribution_id = FIRST_ID + u64::from(n / 3);
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
                weight: 1 + n % 5,
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
    if !n.is_multiple_of(5) {
        out.push((
            REWARDS,
            E::RewardClaimed {
                learner,
                amount: 1_000_000,
            },
        ));
    }
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
    bridge(n, learner, out);
    if n.is_multiple_of(97) {
        let admin = account(40_000 + n % 3);
        out.push((
            [ESCROW, CONTENT, REPUTATION, REWARDS, BRIDGE][(n % 5) as usize],
            E::RoleGranted {
                role: "issuer".into(),
                account: admin,
            },
        ));
    }
}

/// Bridge traffic of cycle `n`: validators come and go, learners send and receive.
fn bridge(n: u32, learner: Address, out: &mut Vec<(Address, E)>) {
    let validator = account(50_000 + n / 40);
    if n.is_multiple_of(40) {
        out.push((
            BRIDGE,
            E::ValidatorRegistered {
                validator,
                signing_key: Hash32([(n / 40) as u8; 32]),
                stake: 1_000_000,
            },
        ));
        out.push((BRIDGE, E::ValidatorActivated { validator }));
        out.push((
            BRIDGE,
            E::ChainLimitsSet {
                chain: 1 + n % 3,
                per_transfer: 1_000_000_000,
                per_day: 10_000_000_000,
            },
        ));
    }
    if n % 40 == 20 && n >= 80 {
        out.push((
            BRIDGE,
            E::UnbondingStarted {
                validator: account(50_000 + n / 40 - 1),
                unbonding_ends: 1_800_000_000 + u64::from(n),
            },
        ));
    }
    if n.is_multiple_of(6) {
        let nonce = FIRST_ID + u64::from(n / 6);
        let amount = 10_000 + i128::from(n);
        out.push((
            BRIDGE,
            E::BridgeLocked {
                nonce,
                dest_chain: 1 + n % 3,
                sender: learner,
                amount,
                recipient: HexBytes(vec![(n % 251) as u8; 20]),
                expires_at: 1_800_000_000,
            },
        ));
        if n.is_multiple_of(12) {
            out.push((
                BRIDGE,
                E::OutboundConfirmed {
                    nonce,
                    dest_chain: 1 + n % 3,
                    sender: learner,
                    amount,
                    attested_stake: 3_000_000,
                },
            ));
        } else if n.is_multiple_of(18) {
            out.push((
                BRIDGE,
                E::BridgeRefunded {
                    nonce,
                    dest_chain: 1 + n % 3,
                    sender: learner,
                    amount,
                },
            ));
        }
    }
    if n % 6 == 3 {
        out.push((
            BRIDGE,
            E::BridgeCompleted {
                nonce: FIRST_ID + u64::from(n / 6),
                source_chain: 1 + (n / 6) % 3,
                recipient: learner,
                amount: 5_000,
                attested_stake: 3_000_000,
            },
        ));
    }
}

/// Where event number `i` of a stream is: 20 transactions per ledger, one event each.
pub fn meta(i: usize, contract: Address) -> EventMeta {
    let ledger = 1_000 + (i / 20) as u32;
    let tx = (i % 20) as u64 + 1;
    EventMeta {
        id: EventId {
            toid: (u64::from(ledger) << 32) | (tx << 12),
            index: 0,
        },
        ledger,
        closed_at: 1_750_000_000 + u64::from(ledger) * 5,
        contract,
        tx_hash: Hash32([(i % 251) as u8; 32]),
    }
}

/// An event that did not decode, at `meta`'s position.
pub fn unknown(meta: &EventMeta, n: usize) -> Decoded {
    let raw = RawEvent {
        kind: Some("contract".into()),
        id: meta.id.to_string(),
        ledger: meta.ledger,
        ledger_closed_at: "2025-06-15T12:00:00Z".into(),
        contract_id: meta.contract.to_string(),
        tx_hash: meta.tx_hash.to_string(),
        topic: vec![format!("AAAADwAAAAdteXN0ZXJ5{n}")],
        value: "AAAAAQ==".into(),
        in_successful_contract_call: None,
    };
    Decoded::Unknown(raw, DecodeError::UnknownName(format!("mystery_{n}")))
}

/// `count` events in chain order; one in 211 did not decode. `learners` as in [`cycle`].
pub fn stream_with(count: usize, learners: u32) -> Vec<Decoded> {
    pages(count, learners, count).flatten().collect()
}

/// [`stream_with`] in pages of `page` events, made as they are taken: a million events
/// without holding them all.
pub fn pages(count: usize, learners: u32, page: usize) -> impl Iterator<Item = Vec<Decoded>> {
    let page = page.max(1);
    let mut bodies = std::collections::VecDeque::new();
    let (mut n, mut i) = (0, 0);
    std::iter::from_fn(move || {
        if i >= count {
            return None;
        }
        let take = page.min(count - i);
        while bodies.len() < take {
            let mut more = Vec::new();
            cycle(n, learners, &mut more);
            n += 1;
            bodies.extend(more);
        }
        let out = bodies
            .drain(..take)
            .map(|(contract, body)| {
                let meta = meta(i, contract);
                let event = if i % 211 == 105 {
                    unknown(&meta, i)
                } else {
                    Decoded::Event(Event { meta, body })
                };
                i += 1;
                event
            })
            .collect();
        Some(out)
    })
}

/// [`stream_with`] 5,000 learners.
pub fn stream(count: usize) -> Vec<Decoded> {
    stream_with(count, 5_000)
}
