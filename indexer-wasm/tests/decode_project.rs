//! Decoding edge cases (everything malformed becomes a counted unknown, never a panic),
//! encode/decode round trips, and idempotent projection into the memory store.

use teachlink_indexer::decode::{
    ContractKind, DecodeError, Decoded, Decoder, Event, EventMeta, RawEvent, Resolution, Signer,
    TeachLinkEvent as E,
};
use teachlink_indexer::encode::{b64, to_raw};
use teachlink_indexer::project::EscrowStatus;
use teachlink_indexer::store::{Checkpoint, MemoryStore, Queries, Store};
use teachlink_indexer::{Address, EventId, Hash32};

const ESCROW: Address = Address::Contract([1; 32]);
const CONTENT: Address = Address::Contract([2; 32]);
const REPUTATION: Address = Address::Contract([3; 32]);
const REWARDS: Address = Address::Contract([4; 32]);

fn acct(b: u8) -> Address {
    Address::Account([b; 32])
}

fn contract_of(body: &E) -> Address {
    match body.name() {
        n if n.starts_with("escrow_") => ESCROW,
        "minted" | "approved" | "transferred" | "metadata_updated" => CONTENT,
        "completion_recorded" | "contribution_recorded" | "contribution_rated" => REPUTATION,
        "funded" | "reward_issued" | "reward_claimed" | "withdrawn" => REWARDS,
        _ => ESCROW,
    }
}

fn event(seq: u32, body: E) -> Event {
    let ledger = 10 + seq;
    Event {
        meta: EventMeta {
            id: EventId {
                toid: (u64::from(ledger) << 32) | (1 << 12),
                index: 0,
            },
            ledger,
            closed_at: 1_700_000_000 + u64::from(seq) * 5,
            contract: contract_of(&body),
            tx_hash: Hash32([seq as u8; 32]),
        },
        body,
    }
}

/// One of every event, in an order the contracts could emit them.
fn every_event() -> Vec<Event> {
    let (alice, bob, carol, erin, admin) = (acct(10), acct(11), acct(12), acct(14), acct(1));
    let bodies = vec![
        E::AdminChanged {
            previous: admin,
            admin: acct(2),
        },
        E::RoleGranted {
            role: "issuer".into(),
            account: admin,
        },
        E::RoleRevoked {
            role: "issuer".into(),
            account: admin,
        },
        E::Paused { by: admin },
        E::Unpaused { by: admin },
        E::Upgraded {
            wasm_hash: Hash32([3; 32]),
        },
        E::EscrowCreated {
            escrow_id: 1,
            depositor: alice,
            beneficiary: bob,
            token: Address::Contract([8; 32]),
            amount: 5_000_000_000,
            signers: vec![Signer {
                address: carol,
                weight: 2,
            }],
            threshold: 2,
            release_after: None,
            refund_after: Some(1_800_000_000),
            arbitrator: Some(erin),
            course_id: 42,
        },
        E::EscrowApproved {
            escrow_id: 1,
            signer: carol,
            weight: 2,
            approved_weight: 2,
            threshold: 2,
        },
        E::EscrowDisputed {
            escrow_id: 1,
            by: alice,
            reason: "no show".into(),
        },
        E::EscrowResolved {
            escrow_id: 1,
            arbitrator: erin,
            resolution: Resolution::Split(2_500),
            to_beneficiary: 1_250_000_000,
            to_depositor: 3_750_000_000,
        },
        E::EscrowReleased {
            escrow_id: 2,
            beneficiary: bob,
            amount: 7,
            by: carol,
        },
        E::EscrowRefunded {
            escrow_id: 3,
            depositor: alice,
            amount: 8,
            by: alice,
        },
        E::EscrowCancelled {
            escrow_id: 4,
            depositor: alice,
            amount: 9,
        },
        E::Minted {
            token_id: 1,
            creator: bob,
            title: "Rust for learners — ünïcode".into(),
            content_hash: Hash32([4; 32]),
            uri: "ipfs://course".into(),
            licence: "cc_by".into(),
            tags: vec!["rust".into(), "beginner".into()],
            transferable: true,
            royalty_bps: 500,
        },
        E::Approved {
            token_id: 1,
            owner: bob,
            spender: Some(carol),
            live_until: 1_000,
        },
        E::MetadataUpdated {
            token_id: 1,
            creator: bob,
            uri: "ipfs://v2".into(),
            content_hash: Hash32([5; 32]),
        },
        E::Transferred {
            token_id: 1,
            from: bob,
            to: alice,
        },
        E::CompletionRecorded {
            learner: alice,
            course_id: 42,
            issuer: admin,
            score_pct: 90,
            credit_score: 610,
            reputation: 120,
        },
        E::ContributionRecorded {
            contribution_id: 1,
            learner: alice,
            kind: "tutorial".into(),
            reference: Hash32([6; 32]),
        },
        E::ContributionRated {
            contribution_id: 1,
            rater: bob,
            author: alice,
            rating: 5,
            author_reputation: 150,
            author_credit_score: 620,
        },
        E::Funded {
            funder: admin,
            amount: 1_000,
            balance: 1_000,
        },
        E::RewardIssued {
            learner: alice,
            issuer: admin,
            amount: 100,
            reason: "course".into(),
            unclaimed: 100,
        },
        E::RewardClaimed {
            learner: alice,
            amount: 100,
        },
        E::Withdrawn {
            to: admin,
            amount: 50,
        },
    ];
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, b)| event(i as u32, b))
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

#[test]
fn every_event_round_trips_through_rpc_json() {
    let mut d = decoder();
    for e in every_event() {
        let raw = to_raw(&e).unwrap();
        // Through JSON, as the RPC sends it.
        let json = serde_json::to_string(&raw).unwrap();
        let raw: RawEvent = serde_json::from_str(&json).unwrap();
        assert_eq!(
            d.decode(raw),
            Decoded::Event(e.clone()),
            "{}",
            e.body.name()
        );
        // The typed event's own JSON (what the browser store keeps) round-trips too.
        let typed = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&typed).unwrap(), e);
    }
}

fn reason(d: Decoded) -> DecodeError {
    match d {
        Decoded::Unknown(_, r) => r,
        Decoded::Event(e) => panic!("decoded {e:?}"),
    }
}

#[test]
fn malformed_events_are_kept_raw_with_a_reason() {
    let mut d = decoder();
    let good = to_raw(&every_event()[6]).unwrap();

    let mut x = good.clone();
    x.topic[1] = "!!!".into();
    assert_eq!(reason(d.decode(x)), DecodeError::Base64("a topic"));

    let mut x = good.clone();
    x.value = "AAAA".into();
    assert!(matches!(reason(d.decode(x)), DecodeError::Xdr { .. }));

    let mut x = good.clone();
    x.topic.pop();
    assert!(matches!(
        reason(d.decode(x)),
        DecodeError::TopicCount {
            expected: 3,
            got: 2,
            ..
        }
    ));

    let mut x = good.clone();
    x.topic[0] = b64(&stellar_xdr::ScVal::Symbol("nope".try_into().unwrap())).unwrap();
    assert_eq!(reason(d.decode(x)), DecodeError::UnknownName("nope".into()));

    let mut x = good.clone();
    x.topic[0] = b64(&stellar_xdr::ScVal::U32(1)).unwrap();
    assert_eq!(reason(d.decode(x)), DecodeError::NameNotSymbol);

    let mut x = good.clone();
    x.topic.clear();
    assert_eq!(reason(d.decode(x)), DecodeError::NoTopics);

    // A field of the wrong type, and a missing field.
    let mut x = good.clone();
    x.topic[1] = b64(&stellar_xdr::ScVal::U32(1)).unwrap();
    assert!(matches!(
        reason(d.decode(x)),
        DecodeError::FieldType {
            field: "escrow_id",
            ..
        }
    ));
    let mut x = good.clone();
    x.value = to_raw(&every_event()[11]).unwrap().value;
    assert!(matches!(
        reason(d.decode(x)),
        DecodeError::MissingField { .. }
    ));

    // From the wrong contract, or not ours at all.
    let mut x = good.clone();
    x.contract_id = CONTENT.to_string();
    assert!(matches!(
        reason(d.decode(x)),
        DecodeError::WrongContract { .. }
    ));
    let mut x = good.clone();
    x.contract_id = Address::Contract([77; 32]).to_string();
    assert_eq!(reason(d.decode(x)), DecodeError::ForeignContract);

    let mut x = good.clone();
    x.id = "12-x".into();
    assert_eq!(reason(d.decode(x)), DecodeError::Meta("id"));
    let mut x = good.clone();
    x.kind = Some("diagnostic".into());
    assert!(matches!(reason(d.decode(x)), DecodeError::NotContract(_)));
    let mut x = good;
    x.in_successful_contract_call = Some(false);
    assert_eq!(reason(d.decode(x)), DecodeError::FailedCall);
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut d = Decoder::new();
    let good = to_raw(&every_event()[13]).unwrap();
    let value =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &good.value).unwrap();
    // Every truncation and a byte flipped at every position of a real payload.
    for cut in 0..value.len() {
        let mut x = good.clone();
        x.value = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &value[..cut]);
        assert!(matches!(d.decode(x), Decoded::Unknown(..)));
    }
    for i in 0..value.len() {
        let mut bytes = value.clone();
        bytes[i] ^= 0xff;
        let mut x = good.clone();
        x.value = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &bytes);
        let _ = d.decode(x);
    }
}

#[tokio::test]
async fn projection_covers_every_entity_and_replay_changes_nothing() {
    let mut d = decoder();
    let decoded: Vec<Decoded> = every_event()
        .iter()
        .map(|e| d.decode(to_raw(e).unwrap()))
        .collect();
    let store = MemoryStore::new();
    let cp = Checkpoint {
        cursor: Some(every_event().last().unwrap().meta.id),
        ledger: 40,
        gaps: vec![],
    };
    let first = store.apply_batch(&decoded, &cp).await.unwrap();
    assert_eq!((first.new, first.duplicates), (24, 0));
    let once = store.snapshot().unwrap();

    let again = store.apply_batch(&decoded, &cp).await.unwrap();
    assert_eq!((again.new, again.duplicates), (0, 24));
    assert_eq!(store.snapshot().unwrap(), once);

    let (alice, bob, carol, erin) = (acct(10), acct(11), acct(12), acct(14));
    let x = store.escrow(1).await.unwrap().unwrap();
    assert_eq!(x.status, EscrowStatus::Resolved);
    assert_eq!(x.resolution, Some(Resolution::Split(2_500)));
    assert_eq!(x.approvals.len(), 1);
    assert_eq!(x.approved_weight, 2);
    assert_eq!(
        x.history.iter().map(|h| h.status).collect::<Vec<_>>(),
        [
            EscrowStatus::Open,
            EscrowStatus::Disputed,
            EscrowStatus::Resolved
        ]
    );
    assert_eq!(
        (x.paid_to_beneficiary, x.returned_to_depositor),
        (1_250_000_000, 3_750_000_000)
    );
    assert_eq!(store.escrows_by_party(&erin).await.unwrap().len(), 1);
    assert_eq!(store.escrows_by_party(&alice).await.unwrap().len(), 3);
    assert_eq!(
        store
            .escrows_by_status(EscrowStatus::Released)
            .await
            .unwrap()[0]
            .id,
        2
    );
    assert!(store
        .escrows_by_status(EscrowStatus::Open)
        .await
        .unwrap()
        .is_empty());

    let t = store.token(1).await.unwrap().unwrap();
    assert_eq!(t.owner, Some(alice));
    assert_eq!(t.approval, None, "a transfer clears the approval");
    assert_eq!(t.uri.as_deref(), Some("ipfs://v2"));
    assert_eq!(t.provenance.len(), 3);
    assert_eq!(store.tokens_by_owner(&alice).await.unwrap().len(), 1);
    assert!(store.tokens_by_owner(&bob).await.unwrap().is_empty());
    assert_eq!(store.tokens_by_creator(&bob).await.unwrap().len(), 1);

    let p = store.profile(&alice).await.unwrap().unwrap();
    assert_eq!(
        (p.completions, p.contributions, p.ratings_received),
        (1, 1, 1)
    );
    assert_eq!((p.reputation, p.credit_score), (150, 620));
    assert_eq!(store.profile(&bob).await.unwrap().unwrap().ratings_given, 1);
    assert_eq!(store.completions_by_course(42).await.unwrap().len(), 1);
    assert!(store.completions_by_course(41).await.unwrap().is_empty());
    assert_eq!(store.contribution(1).await.unwrap().unwrap().rating_sum, 5);

    let r = store.rewards(&alice).await.unwrap().unwrap();
    assert_eq!((r.issued, r.claimed, r.unclaimed), (100, 100, 0));
    let pool = store.pool().await.unwrap().unwrap();
    assert_eq!((pool.balance, pool.unclaimed, pool.withdrawn), (850, 0, 50));

    let admin = store.contract_admin(&ESCROW).await.unwrap().unwrap();
    assert_eq!(admin.admin, Some(acct(2)));
    assert!(admin.roles.is_empty() && !admin.paused && admin.upgrades == 1);
    let _ = carol;
    // Escrows 2-4 were never created in this batch: orphans, counted.
    assert_eq!(store.stats().await.unwrap().orphans, 3);
    assert_eq!(store.cursor().await.unwrap(), Some(cp));
}

#[tokio::test]
async fn unknown_events_are_stored_once_and_counted() {
    let mut d = Decoder::new();
    let mut raw = to_raw(&every_event()[0]).unwrap();
    raw.value = "garbage".into();
    let batch = vec![d.decode(raw)];
    let store = MemoryStore::new();
    let cp = Checkpoint::default();
    assert_eq!(store.apply_batch(&batch, &cp).await.unwrap().unknown, 1);
    assert_eq!(store.apply_batch(&batch, &cp).await.unwrap().duplicates, 1);
    assert_eq!(store.stats().await.unwrap().unknown, 1);
    assert_eq!(
        store.unknown_events().await.unwrap()[0].reason,
        "the value is not valid base64"
    );
}
