//! Decoding edge cases (everything malformed becomes a counted unknown, never a panic),
//! encode/decode round trips, and idempotent projection into the memory store.
// Native only (tokio); tests/browser.rs runs the IndexedDB store in the browser.
#![cfg(not(target_arch = "wasm32"))]

use teachlink_indexer::decode::{
    ContractKind, DecodeError, Decoded, Decoder, Event, RawEvent, TeachLinkEvent as E,
};
use teachlink_indexer::encode::{b64, to_raw};
use teachlink_indexer::project::{OutboundStatus, ValidatorStatus};
use teachlink_indexer::store::{Checkpoint, MemoryStore, Queries, Store};
use teachlink_indexer::{Address, Hash32, HexBytes};

mod fixtures;
use fixtures::*;

#[test]
fn every_bridge_event_is_covered_once() {
    let names: Vec<&str> = bridge_bodies().iter().map(E::name).collect();
    for name in [
        "validator_registered",
        "validator_activated",
        "validator_deactivated",
        "chain_limits_set",
        "chain_paused",
        "chain_resumed",
        "funded",
        "locked",
        "completed",
        "outbound_confirmed",
        "refunded",
        "slashed",
        "unbonding_started",
        "stake_withdrawn",
    ] {
        assert!(names.contains(&name), "{name} is not exercised");
    }
    assert!(bridge_bodies()
        .iter()
        .all(|b| b.contract_kind() == Some(ContractKind::Bridge)));
}

#[test]
fn funded_is_decoded_by_contract_not_by_name() {
    let mut d = decoder();
    let all = every_event();
    let rewards_funded = all
        .iter()
        .find(|e| matches!(e.body, E::Funded { .. }))
        .unwrap()
        .clone();
    let bridge_funded = all
        .iter()
        .find(|e| matches!(e.body, E::BridgeFunded { .. }))
        .unwrap()
        .clone();
    assert_eq!(rewards_funded.body.name(), bridge_funded.body.name());

    // Each from its own contract decodes to its own event.
    for e in [&rewards_funded, &bridge_funded] {
        assert_eq!(d.decode(to_raw(e).unwrap()), Decoded::Event(e.clone()));
    }
    // The bridge's `funded` from the rewards contract lacks `balance`: not a rewards event.
    let mut x = to_raw(&bridge_funded).unwrap();
    x.contract_id = REWARDS.to_string();
    assert_eq!(
        reason(d.decode(x)),
        DecodeError::MissingField {
            event: "funded",
            field: "balance"
        }
    );
    // The rewards `funded` from the bridge is the bridge's event (its extra key ignored).
    let mut x = to_raw(&rewards_funded).unwrap();
    x.contract_id = BRIDGE.to_string();
    let Decoded::Event(e) = d.decode(x) else {
        panic!("a bridge funded")
    };
    assert!(matches!(e.body, E::BridgeFunded { amount: 1_000, .. }));
    // Other bridge events are refused from other contracts.
    let locked = all
        .iter()
        .find(|e| matches!(e.body, E::BridgeLocked { .. }))
        .unwrap();
    let mut x = to_raw(locked).unwrap();
    x.contract_id = ESCROW.to_string();
    assert_eq!(
        reason(d.decode(x)),
        DecodeError::WrongContract {
            event: "locked",
            contract: "escrow"
        }
    );

    // Without the contract ids, `funded` is ambiguous and kept raw; unique names decode.
    let mut any = Decoder::new();
    for e in [&rewards_funded, &bridge_funded] {
        assert_eq!(
            reason(any.decode(to_raw(e).unwrap())),
            DecodeError::AmbiguousName("funded")
        );
    }
    assert!(matches!(
        any.decode(to_raw(locked).unwrap()),
        Decoded::Event(_)
    ));
}

#[test]
fn bridge_events_have_their_chain_names_as_json_tags() {
    for e in every_event() {
        let json = serde_json::to_value(&e.body).unwrap();
        let tag = json["event"].as_str().unwrap().to_string();
        match e.body {
            // The one name two contracts share.
            E::BridgeFunded { .. } => assert_eq!(tag, "bridge_funded"),
            _ => assert_eq!(tag, e.body.name()),
        }
    }
    let locked = serde_json::to_value(&bridge_bodies()[11]).unwrap();
    assert_eq!(
        locked["recipient"],
        "abababababababababababababababababababab"
    );
    assert_eq!(locked["amount"], "300");
}

#[test]
fn malformed_bridge_events_are_kept_raw() {
    let mut d = decoder();
    let locked = every_event()
        .into_iter()
        .find(|e| matches!(e.body, E::BridgeLocked { .. }))
        .unwrap();
    let good = to_raw(&locked).unwrap();
    // The chain is a u32 topic, not a u64.
    let mut x = good.clone();
    x.topic[2] = b64(&stellar_xdr::ScVal::U64(2)).unwrap();
    assert!(matches!(
        reason(d.decode(x)),
        DecodeError::FieldType {
            event: "locked",
            field: "dest_chain",
            ..
        }
    ));
    // A `refunded` has no recipient: its data in a `locked` misses fields.
    let refunded = every_event()
        .into_iter()
        .find(|e| matches!(e.body, E::BridgeRefunded { .. }))
        .unwrap();
    let mut x = good;
    x.value = to_raw(&refunded).unwrap().value;
    assert!(matches!(
        reason(d.decode(x)),
        DecodeError::MissingField {
            event: "locked",
            ..
        }
    ));
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
    let n = decoded.len();
    assert_eq!(n, 25 + 19);
    assert!(decoded.iter().all(|d| matches!(d, Decoded::Event(_))));
    let first = store.apply_batch(&decoded, &cp).await.unwrap();
    assert_eq!((first.new, first.duplicates), (n, 0));
    let once = store.snapshot().unwrap();

    let again = store.apply_batch(&decoded, &cp).await.unwrap();
    assert_eq!((again.new, again.duplicates), (0, n));
    assert_eq!(store.snapshot().unwrap(), once);
    // Replaying only the bridge's events, in pages, changes nothing either.
    for page in decoded[25..].chunks(4) {
        let r = store.apply_batch(page, &cp).await.unwrap();
        assert_eq!((r.new, r.duplicates), (0, page.len()));
    }
    assert_eq!(store.snapshot().unwrap(), once);

    // Escrows 2-5 were never created in this batch: orphans, counted. Every bridge
    // entity was seen from its start.
    assert_every_event_projected(&store, n as u64, &cp).await;
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

/// The bridge's projections after every event, through the memory store's queries.
#[tokio::test]
async fn bridge_projections_and_queries() {
    let mut d = decoder();
    let all = every_event();
    let decoded: Vec<Decoded> = all.iter().map(|e| d.decode(to_raw(e).unwrap())).collect();
    let store = MemoryStore::new();
    store
        .apply_batch(&decoded, &Checkpoint::default())
        .await
        .unwrap();
    let (alice, bob, admin) = (acct(10), acct(11), acct(1));
    let stamp_of = |pred: &dyn Fn(&E) -> bool| {
        all.iter()
            .find(|e| pred(&e.body))
            .map(|e| e.meta.id)
            .unwrap()
    };

    let t1 = store.outbound_transfer(1).await.unwrap().unwrap();
    assert_eq!(t1.status, OutboundStatus::Confirmed);
    assert_eq!((t1.dest_chain, t1.sender, t1.amount), (2, alice, 300));
    assert_eq!(t1.recipient, Some(HexBytes(EVM_RECIPIENT.to_vec())));
    assert_eq!(t1.expires_at, Some(1_700_003_600));
    assert_eq!(t1.attested_stake, Some(1_000));
    assert_eq!(
        t1.settled.unwrap().event,
        stamp_of(&|b| matches!(b, E::OutboundConfirmed { .. }))
    );
    let json = serde_json::to_value(&t1).unwrap();
    assert_eq!(json["recipient"], hex::encode(EVM_RECIPIENT));
    assert_eq!(json["attested_stake"], "1000");
    let t2 = store.outbound_transfer(2).await.unwrap().unwrap();
    assert_eq!(t2.status, OutboundStatus::Refunded);
    assert_eq!(t2.attested_stake, None);
    assert!(store.outbound_transfer(3).await.unwrap().is_none());
    let mine = store.outbound_transfers_by_sender(&alice).await.unwrap();
    assert_eq!(mine.iter().map(|t| t.nonce).collect::<Vec<_>>(), [1, 2]);
    assert!(store
        .outbound_transfers_by_sender(&bob)
        .await
        .unwrap()
        .is_empty());

    let i = store.inbound_transfer(2, 7).await.unwrap().unwrap();
    assert_eq!((i.recipient, i.amount, i.attested_stake), (bob, 400, 1_000));
    assert!(store.inbound_transfer(3, 7).await.unwrap().is_none());
    assert_eq!(
        store.inbound_transfers_by_recipient(&bob).await.unwrap(),
        [i]
    );
    assert!(store
        .inbound_transfers_by_recipient(&alice)
        .await
        .unwrap()
        .is_empty());

    let vs = store.validators().await.unwrap();
    assert_eq!(vs.iter().map(|v| v.address).collect::<Vec<_>>(), [V1, V2]);
    let v1 = store.validator(&V1).await.unwrap().unwrap();
    assert_eq!(v1.status, ValidatorStatus::Withdrawn);
    assert_eq!((v1.stake, v1.withdrawn, v1.slashed), (0, 1_000, 0));
    assert_eq!(v1.unbonding_ends, Some(1_800_000_000));
    assert_eq!(v1.signing_key, Some(Hash32([30; 32])));
    let v2 = store.validator(&V2).await.unwrap().unwrap();
    assert_eq!(v2.status, ValidatorStatus::Slashed);
    assert_eq!((v2.stake, v2.slashed), (0, 2_000));
    let slash = v2.slash.unwrap();
    assert_eq!(
        (slash.source_chain, slash.nonce, slash.amount, slash.to),
        (2, 7, 2_000, admin)
    );
    assert!(store.validator(&alice).await.unwrap().is_none());

    let chains = store.chains().await.unwrap();
    assert_eq!(chains.len(), 2);
    assert_eq!(
        (chains[0].chain, chains[0].per_transfer, chains[0].per_day),
        (2, Some(500), Some(5_000))
    );
    assert!(!chains[0].paused && chains[0].paused_by.is_none());
    assert_eq!(
        (chains[1].chain, chains[1].paused, chains[1].paused_by),
        (3, true, Some(admin))
    );

    let b = store.bridge().await.unwrap().unwrap();
    assert_eq!(b.contract, BRIDGE);
    // funded 10,000 + confirmed 300 - released 400, as the contract counts it.
    assert_eq!(b.liquidity, 9_900);
    assert_eq!(
        (b.funded, b.released, b.confirmed, b.locked, b.refunded),
        (10_000, 400, 300, 500, 200)
    );
    assert_eq!((b.pending, b.staked, b.slashed), (0, 0, 2_000));
    // The rewards pool is untouched by the bridge's `funded`.
    assert_eq!(store.pool().await.unwrap().unwrap().funded, 1_000);
}

/// Bridge events whose start was missed (a retention gap) still project, as orphans.
#[tokio::test]
async fn bridge_events_after_a_gap_are_orphans() {
    let mut d = decoder();
    let all = every_event();
    let batch: Vec<Decoded> = all
        .iter()
        .filter(|e| {
            matches!(
                e.body,
                E::OutboundConfirmed { .. } | E::ValidatorActivated { .. } | E::ChainPaused { .. }
            )
        })
        .map(|e| d.decode(to_raw(e).unwrap()))
        .collect();
    assert_eq!(batch.len(), 5);
    let store = MemoryStore::new();
    let cp = Checkpoint::default();
    store.apply_batch(&batch, &cp).await.unwrap();
    // The confirmation and both activations refer to entities never seen.
    assert_eq!(store.stats().await.unwrap().orphans, 3);
    let t = store.outbound_transfer(1).await.unwrap().unwrap();
    assert_eq!(t.status, OutboundStatus::Confirmed);
    assert_eq!((t.recipient, t.expires_at, t.locked), (None, None, None));
    assert_eq!(
        store
            .outbound_transfers_by_sender(&acct(10))
            .await
            .unwrap()
            .len(),
        1
    );
    let b = store.bridge().await.unwrap().unwrap();
    assert_eq!((b.confirmed, b.pending, b.liquidity), (300, 0, 300));
    let v = store.validator(&V1).await.unwrap().unwrap();
    assert_eq!((v.status, v.signing_key), (ValidatorStatus::Active, None));
    let c = store.chains().await.unwrap();
    assert_eq!((c[0].paused, c[0].per_transfer), (true, None));
    let once = store.snapshot().unwrap();
    store.apply_batch(&batch, &cp).await.unwrap();
    assert_eq!(store.snapshot().unwrap(), once);
}

/// A validator that withdrew may register again: a fresh, inactive bond.
#[tokio::test]
async fn a_withdrawn_validator_can_register_again() {
    let mut d = decoder();
    let mut bodies = bridge_bodies();
    bodies.push(E::ValidatorRegistered {
        validator: V1,
        signing_key: Hash32([40; 32]),
        stake: 1_500,
    });
    let decoded: Vec<Decoded> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, b)| d.decode(to_raw(&event(100 + i as u32, b)).unwrap()))
        .collect();
    let store = MemoryStore::new();
    store
        .apply_batch(&decoded, &Checkpoint::default())
        .await
        .unwrap();
    let v = store.validator(&V1).await.unwrap().unwrap();
    assert_eq!(v.status, ValidatorStatus::Inactive);
    assert_eq!((v.stake, v.withdrawn), (1_500, 1_000));
    assert_eq!(v.signing_key, Some(Hash32([40; 32])));
    assert_eq!(v.unbonding_ends, None);
    assert_eq!(store.bridge().await.unwrap().unwrap().staked, 1_500);
}

/// The keys whose values differ between two maps (added, removed or changed).
fn changed_keys<K: Ord + Clone, V: PartialEq>(
    before: &std::collections::BTreeMap<K, V>,
    after: &std::collections::BTreeMap<K, V>,
) -> std::collections::BTreeSet<K> {
    let keys = before.keys().chain(after.keys());
    keys.filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// `Changes` is what persistent stores write back, so an entity the projection changes
/// but `Changes` misses would be lost on disk: for every catalogued event (and again
/// after a gap, when entities are created by a later event), the changed keys are exactly
/// the ones `Changes` names.
#[test]
fn changes_name_exactly_the_entities_each_event_writes() {
    use teachlink_indexer::project::{Changes, State};
    let events = every_event();
    // From the start, and from half-way (earlier events "lost" to a gap).
    for skip in [0, events.len() / 2] {
        let mut state = State::default();
        for e in &events[skip..] {
            let before = state.clone();
            let (outcome, c) = state.apply_batch(&[Decoded::Event(e.clone())]);
            assert_eq!(outcome.new, 1);
            let expected = Changes {
                escrows: changed_keys(&before.escrows, &state.escrows),
                tokens: changed_keys(&before.tokens, &state.tokens),
                profiles: changed_keys(&before.profiles, &state.profiles),
                completions: changed_keys(&before.completions, &state.completions),
                contributions: changed_keys(&before.contributions, &state.contributions),
                rewards: changed_keys(&before.rewards, &state.rewards),
                pools: changed_keys(&before.pools, &state.pools),
                contracts: changed_keys(&before.contracts, &state.contracts),
                outbound: changed_keys(&before.outbound, &state.outbound),
                inbound: changed_keys(&before.inbound, &state.inbound),
                validators: changed_keys(&before.validators, &state.validators),
                chains: changed_keys(&before.chains, &state.chains),
                bridges: changed_keys(&before.bridges, &state.bridges),
                unknown: changed_keys(&before.unknown, &state.unknown),
            };
            // `Changes` may name an entity the event left equal (e.g. a role granted
            // twice); it must never miss one.
            for (name, missed) in [
                ("escrows", expected.escrows.difference(&c.escrows).count()),
                ("tokens", expected.tokens.difference(&c.tokens).count()),
                (
                    "profiles",
                    expected.profiles.difference(&c.profiles).count(),
                ),
                (
                    "completions",
                    expected.completions.difference(&c.completions).count(),
                ),
                (
                    "contributions",
                    expected.contributions.difference(&c.contributions).count(),
                ),
                ("rewards", expected.rewards.difference(&c.rewards).count()),
                ("pools", expected.pools.difference(&c.pools).count()),
                (
                    "contracts",
                    expected.contracts.difference(&c.contracts).count(),
                ),
                (
                    "outbound",
                    expected.outbound.difference(&c.outbound).count(),
                ),
                ("inbound", expected.inbound.difference(&c.inbound).count()),
                (
                    "validators",
                    expected.validators.difference(&c.validators).count(),
                ),
                ("chains", expected.chains.difference(&c.chains).count()),
                ("bridges", expected.bridges.difference(&c.bridges).count()),
            ] {
                assert_eq!(
                    missed,
                    0,
                    "{} misses a changed {name} entity",
                    e.body.name()
                );
            }
            // And it names nothing the state does not hold.
            assert!(c.escrows.iter().all(|k| state.escrows.contains_key(k)));
            assert!(c.tokens.iter().all(|k| state.tokens.contains_key(k)));
            assert!(c
                .completions
                .iter()
                .all(|k| state.completions.contains_key(k)));
            assert!(c.inbound.iter().all(|k| state.inbound.contains_key(k)));
            // A replay changes nothing and names nothing.
            let again = state.clone();
            let (outcome, c) = state.apply_batch(&[Decoded::Event(e.clone())]);
            assert_eq!((outcome.new, outcome.duplicates), (0, 1));
            assert!(c.is_empty());
            assert_eq!(state, again);
        }
    }
}

/// A store rebuilt from a loaded state (as the browser store does on reload) has the same
/// query indexes as the one that applied the events.
#[test]
fn a_store_rebuilt_from_its_state_has_the_same_indexes() {
    let decoded: Vec<Decoded> = every_event().into_iter().map(Decoded::Event).collect();
    let cp = Checkpoint {
        cursor: None,
        ledger: 7,
        gaps: Vec::new(),
    };
    let applied = MemoryStore::new();
    let (outcome, changes) = applied.apply_batch_tracked(&decoded, &cp).unwrap();
    assert_eq!(outcome.new, decoded.len());
    assert!(!changes.is_empty());
    let before = applied.snapshot().unwrap();
    let rebuilt = MemoryStore::from_state(before.state.clone(), before.checkpoint.clone());
    assert_eq!(rebuilt.snapshot().unwrap(), before);
}
