//! Owns synthetic TeachLink traffic: events shaped like the contracts' real ones (escrow
//! purchases with approvals, disputes, NFT mints and sales, completions, contributions
//! and ratings, rewards), in chain order, for benchmarks and load tests that need many
//! more events than a local network produces quickly.

use crate::decode::{Event, EventMeta, Resolution, Signer, TeachLinkEvent as E};
use crate::types::{Address, EventId, Hash32};

/// The contracts the traffic's events come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contracts {
    pub escrow: Address,
    pub content: Address,
    pub reputation: Address,
    pub rewards: Address,
}

impl Default for Contracts {
    fn default() -> Self {
        Contracts {
            escrow: Address::Contract([1; 32]),
            content: Address::Contract([2; 32]),
            reputation: Address::Contract([3; 32]),
            rewards: Address::Contract([4; 32]),
        }
    }
}

pub fn account(i: u32) -> Address {
    let mut k = [0u8; 32];
    k[..4].copy_from_slice(&i.to_be_bytes());
    k[4] = 0xA5;
    Address::Account(k)
}

/// The events of one learner buying and finishing one course, and its side effects.
fn cycle(c: &Contracts, n: u32, out: &mut Vec<(Address, E)>) {
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
        c.escrow,
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
        c.escrow,
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
            c.escrow,
            E::EscrowDisputed {
                escrow_id,
                by: learner,
                reason: "the course was not delivered as described".into(),
            },
        ));
        out.push((
            c.escrow,
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
            c.escrow,
            E::EscrowApproved {
                escrow_id,
                signer: s2,
                weight: 2,
                approved_weight: 3,
                threshold: 3,
            },
        ));
        out.push((
            c.escrow,
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
            c.content,
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
            c.content,
            E::Transferred {
                token_id,
                from: teacher,
                to: learner,
            },
        ));
    }
    out.push((
        c.reputation,
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
            c.reputation,
            E::ContributionRecorded {
                contribution_id,
                learner,
                kind: "tutorial".into(),
                reference: Hash32([7; 32]),
            },
        ));
        out.push((
            c.reputation,
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
        c.rewards,
        E::RewardIssued {
            learner,
            issuer: arb,
            amount: 1_000_000,
            reason: "course".into(),
            unclaimed: 1_000_000,
        },
    ));
    out.push((
        c.rewards,
        E::RewardClaimed {
            learner,
            amount: 1_000_000,
        },
    ));
    if n.is_multiple_of(50) {
        out.push((
            c.rewards,
            E::Funded {
                funder: arb,
                amount: 100_000_000,
                balance: 100_000_000,
            },
        ));
    }
}

/// `count` events of `contracts`, 20 transactions of one event per ledger from ledger
/// 1,000 on: about 5,000 learners, 300 teachers, 800 courses.
pub fn events(contracts: &Contracts, count: usize) -> Vec<Event> {
    let mut bodies = Vec::with_capacity(count + 16);
    let mut n = 0;
    while bodies.len() < count {
        cycle(contracts, n, &mut bodies);
        n += 1;
    }
    bodies.truncate(count);
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, (contract, body))| {
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
            Event { meta, body }
        })
        .collect()
}
