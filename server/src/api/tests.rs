//! The OpenAPI document against the entities it documents: every entity type, built here
//! with every field (so a field added to or renamed in the indexer breaks this build) and
//! every variant, serialized and checked against its schema, undocumented fields included.
//! The integration tests check real responses the same way.

use serde::Serialize;
use serde_json::Value;
use teachlink_indexer::decode::{RawEvent, Resolution, Signer};
use teachlink_indexer::project::{
    Allowance, Approval, BridgeChain, BridgeTotals, Completion, ContentToken, Contribution, Escrow,
    EscrowStatus, EscrowTerms, InboundTransfer, LearnerRewards, MintInfo, OutboundStatus,
    OutboundTransfer, Pool, Profile, Provenance, ProvenanceKind, Rating, RewardEntry, Slash, Stamp,
    StatusChange, TokenApproval, UnknownEvent, Validator, ValidatorStatus,
};
use teachlink_indexer::{Address, EventId, Hash32, HexBytes};

#[path = "../../tests/support/schema_check.rs"]
mod schema_check;

const A: Address = Address::Account([7; 32]);
const C: Address = Address::Contract([9; 32]);

fn stamp() -> Stamp {
    Stamp {
        event: EventId {
            toid: 7 << 32,
            index: 1,
        },
        ledger: 7,
        at: 1_700_000_000,
        tx_hash: Hash32([1; 32]),
    }
}

fn doc() -> Value {
    serde_json::from_str(super::openapi_json()).expect("the document is JSON")
}

fn check<T: Serialize>(doc: &Value, name: &str, entity: &T) {
    let value = serde_json::to_value(entity).expect("serializes");
    let schema = doc
        .pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("no schema {name}"));
    if let Err(e) = schema_check::check(doc, schema, &value, name) {
        panic!("{e}\n{value:#}");
    }
}

fn escrow(status: EscrowStatus, resolution: Option<Resolution>, terms: bool) -> Escrow {
    Escrow {
        id: 3,
        contract: C,
        depositor: Some(A),
        beneficiary: None,
        terms: terms.then(|| EscrowTerms {
            token: C,
            amount: -170_141_183_460_469_231_731_687_303_715_884_105_728,
            signers: vec![Signer {
                address: A,
                weight: 2,
            }],
            threshold: 2,
            release_after: Some(5),
            refund_after: None,
            arbitrator: Some(A),
            course_id: u64::MAX,
        }),
        approvals: vec![Approval {
            signer: A,
            weight: 2,
            approved_weight: 2,
            stamp: stamp(),
        }],
        approved_weight: 2,
        status,
        history: vec![StatusChange {
            status,
            by: None,
            stamp: stamp(),
        }],
        dispute_reason: Some("late".into()),
        resolution,
        paid_to_beneficiary: 10,
        returned_to_depositor: 0,
    }
}

#[test]
fn every_entity_matches_its_documented_schema() {
    let doc = doc();
    for (status, resolution) in [
        (EscrowStatus::Open, None),
        (EscrowStatus::Disputed, None),
        (EscrowStatus::Released, None),
        (EscrowStatus::Refunded, None),
        (EscrowStatus::Cancelled, None),
        (EscrowStatus::Resolved, Some(Resolution::ToBeneficiary)),
        (EscrowStatus::Resolved, Some(Resolution::ToDepositor)),
        (EscrowStatus::Resolved, Some(Resolution::Split(2_500))),
    ] {
        check(&doc, "Escrow", &escrow(status, resolution, true));
    }
    check(&doc, "Escrow", &escrow(EscrowStatus::Open, None, false));

    for kind in [
        ProvenanceKind::Mint,
        ProvenanceKind::Transfer,
        ProvenanceKind::MetadataUpdate,
    ] {
        check(
            &doc,
            "ContentToken",
            &ContentToken {
                id: 1,
                contract: C,
                creator: Some(A),
                owner: Some(A),
                mint: Some(MintInfo {
                    title: "t".into(),
                    licence: "cc_by".into(),
                    tags: vec!["rust".into()],
                    transferable: true,
                    royalty_bps: 500,
                    stamp: stamp(),
                }),
                uri: Some("ipfs://x".into()),
                content_hash: Some(Hash32([2; 32])),
                approval: Some(TokenApproval {
                    spender: C,
                    live_until: 99,
                }),
                provenance: vec![Provenance {
                    kind,
                    from: None,
                    to: Some(A),
                    stamp: stamp(),
                }],
            },
        );
    }
    check(
        &doc,
        "ContentToken",
        &ContentToken {
            id: 2,
            contract: C,
            creator: None,
            owner: None,
            mint: None,
            uri: None,
            content_hash: None,
            approval: None,
            provenance: vec![],
        },
    );
    check(
        &doc,
        "Profile",
        &Profile {
            learner: A,
            completions: 1,
            completion_score_sum: 92,
            contributions: 1,
            ratings_received: 1,
            rating_sum: 5,
            rating_weight: 3,
            weighted_rating_sum: 15,
            ratings_given: 0,
            reputation: 10,
            credit_score: 700,
            scores_stamp: Some(stamp()),
        },
    );
    check(
        &doc,
        "Completion",
        &Completion {
            learner: A,
            course_id: 1,
            issuer: C,
            score_pct: 92,
            stamp: stamp(),
        },
    );
    check(
        &doc,
        "Contribution",
        &Contribution {
            id: 1,
            author: A,
            kind: Some("tutorial".into()),
            reference: Some(Hash32([3; 32])),
            recorded: Some(stamp()),
            ratings: vec![Rating {
                rater: A,
                rating: 5,
                weight: 3,
                stamp: stamp(),
            }],
            rating_sum: 5,
        },
    );
    check(
        &doc,
        "LearnerRewards",
        &LearnerRewards {
            learner: A,
            unclaimed: 5,
            claimed: 10,
            issued: 15,
            history: vec![
                RewardEntry::Issued {
                    issuer: A,
                    amount: 15,
                    reason: "course".into(),
                    stamp: stamp(),
                },
                RewardEntry::Claimed {
                    amount: 10,
                    stamp: stamp(),
                },
                RewardEntry::Revoked {
                    amount: 1,
                    stamp: stamp(),
                },
            ],
        },
    );
    check(
        &doc,
        "Pool",
        &Pool {
            contract: C,
            balance: 1,
            funded: 2,
            issued: 3,
            claimed: 4,
            withdrawn: 5,
            unclaimed: 6,
            revoked: 7,
            allowances: vec![Allowance {
                issuer: A,
                remaining: 8,
            }],
            updated: None,
        },
    );
    for status in [
        OutboundStatus::Locked,
        OutboundStatus::Confirmed,
        OutboundStatus::Refunded,
    ] {
        check(
            &doc,
            "OutboundTransfer",
            &OutboundTransfer {
                nonce: 1,
                contract: C,
                dest_chain: 2,
                sender: A,
                amount: 100,
                recipient: Some(HexBytes(vec![0xde, 0xad])),
                expires_at: Some(1_700_000_000),
                status,
                locked: Some(stamp()),
                attested_stake: Some(7),
                settled: None,
            },
        );
    }
    check(
        &doc,
        "InboundTransfer",
        &InboundTransfer {
            source_chain: 2,
            nonce: 1,
            contract: C,
            recipient: A,
            amount: 100,
            attested_stake: 50,
            stamp: stamp(),
        },
    );
    for status in [
        ValidatorStatus::Inactive,
        ValidatorStatus::Active,
        ValidatorStatus::Unbonding,
        ValidatorStatus::Withdrawn,
        ValidatorStatus::Slashed,
    ] {
        check(
            &doc,
            "Validator",
            &Validator {
                address: A,
                contract: C,
                signing_key: Some(Hash32([4; 32])),
                stake: 1_000,
                status,
                unbonding_ends: Some(9),
                slashed: 0,
                slash: Some(Slash {
                    source_chain: 2,
                    nonce: 1,
                    amount: 1_000,
                    to: A,
                    stamp: stamp(),
                }),
                withdrawn: 0,
                registered: Some(stamp()),
                updated: stamp(),
            },
        );
    }
    check(
        &doc,
        "BridgeChain",
        &BridgeChain {
            chain: 2,
            contract: C,
            per_transfer: Some(10),
            per_day: None,
            paused: true,
            paused_by: Some(A),
            updated: stamp(),
        },
    );
    check(
        &doc,
        "BridgeTotals",
        &BridgeTotals {
            contract: C,
            liquidity: 1,
            funded: 2,
            released: 3,
            confirmed: 4,
            locked: 5,
            refunded: 6,
            pending: 7,
            staked: 8,
            slashed: 9,
            updated: Some(stamp()),
        },
    );
    let raw = RawEvent {
        kind: Some("contract".into()),
        id: "0000000030064783360-0000000002".into(),
        ledger: 7,
        ledger_closed_at: "2024-05-01T12:00:00Z".into(),
        contract_id: C.to_string(),
        tx_hash: "00".repeat(32),
        topic: vec!["AAAADwAAAAR0ZXN0".into()],
        value: "AAAAAQ==".into(),
        in_successful_contract_call: Some(true),
    };
    check(
        &doc,
        "UnknownEvent",
        &UnknownEvent {
            raw: raw.clone(),
            reason: "unknown event name".into(),
        },
    );
    check(
        &doc,
        "UnknownEvent",
        &UnknownEvent {
            raw: RawEvent {
                kind: None,
                in_successful_contract_call: None,
                ..raw
            },
            reason: "x".into(),
        },
    );
}

#[test]
fn recommendations_match_their_documented_schema() {
    use teachlink_recommend::{Reason, Recommendation};
    let doc = doc();
    let reasons = vec![
        Reason::TakenAfter {
            because: 1,
            because_title: "Rust".into(),
            completed: true,
        },
        Reason::SameTags {
            because: 2,
            because_title: "Web".into(),
            tags: vec!["rust".into()],
        },
        Reason::SimilarTo {
            because: 3,
            because_title: "Soroban".into(),
        },
        Reason::Popular { learners: 4 },
        Reason::HighlyRated {
            mean: 4.5,
            ratings: 10,
        },
        Reason::After {
            prerequisites: vec![1, 2],
        },
    ];
    for r in &reasons {
        check(&doc, "Reason", r);
    }
    check(
        &doc,
        "Recommendation",
        &Recommendation {
            item: 9,
            title: "Stellar assets".into(),
            score: 0.5,
            reasons,
        },
    );
}

#[test]
fn the_checker_catches_drift() {
    let doc = doc();
    let mut value = serde_json::to_value(Completion {
        learner: A,
        course_id: 1,
        issuer: C,
        score_pct: 92,
        stamp: stamp(),
    })
    .expect("serializes");
    let schema = doc
        .pointer("/components/schemas/Completion")
        .expect("schema");
    if let Some(o) = value.as_object_mut() {
        o.insert("new_field".into(), Value::Bool(true));
    }
    assert!(schema_check::check(&doc, schema, &value, "Completion").is_err());
    if let Some(o) = value.as_object_mut() {
        o.remove("new_field");
        o.remove("issuer");
    }
    assert!(schema_check::check(&doc, schema, &value, "Completion").is_err());
}

#[test]
fn the_document_is_openapi_3_1_and_every_ref_resolves() {
    let doc = doc();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["version"], crate::VERSION);
    let mut refs = Vec::new();
    schema_check::refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        schema_check::resolve(&doc, &r).unwrap_or_else(|e| panic!("{e}"));
    }
}
