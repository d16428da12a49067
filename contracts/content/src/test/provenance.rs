extern crate std;

use soroban_sdk::{
    testutils::{Address as _, Ledger as _},
    vec,
    xdr::{LedgerKey, ScAddress, ScVal},
    Address,
};

use super::{mint_one, setup_mocked, Setup, START_LEDGER, START_TIME};
use crate::{Error, ProvenanceKind, ProvenanceRecord, MAX_PAGE, MAX_PROVENANCE};

/// Provenance slots of this contract in storage (keys are i128 >= 2^64).
fn stored_records(s: &Setup) -> usize {
    let contract = ScAddress::from(&s.id);
    s.env
        .to_ledger_snapshot()
        .ledger_entries
        .iter()
        .filter(|(key, _)| match key.as_ref() {
            LedgerKey::ContractData(data) => {
                data.contract == contract && matches!(&data.key, ScVal::I128(v) if v.hi > 0)
            }
            _ => false,
        })
        .count()
}

#[test]
fn a_fresh_token_has_its_mint_record() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);

    assert_eq!(
        s.client.provenance(&id, &0, &MAX_PAGE),
        vec![
            &s.env,
            ProvenanceRecord {
                seq: 0,
                kind: ProvenanceKind::Mint,
                from: None,
                to: Some(creator),
                ledger: START_LEDGER,
                timestamp: START_TIME,
            }
        ]
    );
    assert_eq!(stored_records(&s), 0);
    assert_eq!(s.client.provenance(&id, &1, &MAX_PAGE).len(), 0);
    assert_eq!(s.client.provenance(&id, &0, &0).len(), 0);
}

#[test]
fn page_limit_is_bounded() {
    let s = setup_mocked();
    let (_, id) = mint_one(&s);
    assert_eq!(
        s.client.try_provenance(&id, &0, &(MAX_PAGE + 1)),
        Err(Ok(Error::InvalidLimit))
    );
}

#[test]
fn the_trail_keeps_the_mint_and_the_newest_records() {
    let s = setup_mocked();
    let (creator, id) = mint_one(&s);
    let other = Address::generate(&s.env);
    let transfers = MAX_PROVENANCE + 8;
    let holder = |seq: u32| {
        if seq.is_multiple_of(2) {
            &creator
        } else {
            &other
        }
    };
    for seq in 1..=transfers {
        s.env.ledger().set_sequence_number(START_LEDGER + seq);
        s.env
            .ledger()
            .set_timestamp(START_TIME + u64::from(seq) * 5);
        s.client.transfer(holder(seq - 1), holder(seq), &id);
    }

    // Storage stays bounded: one slot per kept record, the mint aside.
    assert_eq!(stored_records(&s), MAX_PROVENANCE as usize);

    let trail = s.client.provenance(&id, &0, &MAX_PAGE);
    assert_eq!(trail.len(), MAX_PROVENANCE + 1);
    assert_eq!(trail.get_unchecked(0).kind, ProvenanceKind::Mint);
    let oldest_kept = transfers - MAX_PROVENANCE + 1;
    for (i, record) in trail.iter().skip(1).enumerate() {
        let seq = oldest_kept + i as u32;
        assert_eq!(
            record,
            ProvenanceRecord {
                seq,
                kind: ProvenanceKind::Transfer,
                from: Some(holder(seq - 1).clone()),
                to: Some(holder(seq).clone()),
                ledger: START_LEDGER + seq,
                timestamp: START_TIME + u64::from(seq) * 5,
            }
        );
    }

    // Paging: a page starts at `start`, skipping records no longer kept.
    let page = s.client.provenance(&id, &0, &3);
    let seqs: std::vec::Vec<u32> = page.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [0, oldest_kept, oldest_kept + 1]);
    let page = s.client.provenance(&id, &2, &2);
    let seqs: std::vec::Vec<u32> = page.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [oldest_kept, oldest_kept + 1]);
    let page = s.client.provenance(&id, &transfers, &10);
    assert_eq!(page.len(), 1);
    assert_eq!(page.get_unchecked(0).seq, transfers);
    assert_eq!(s.client.provenance(&id, &(transfers + 1), &10).len(), 0);
    assert_eq!(s.client.provenance(&id, &u32::MAX, &MAX_PAGE).len(), 0);
}

#[test]
fn each_token_has_its_own_trail() {
    let s = setup_mocked();
    let (alice, first) = mint_one(&s);
    let (bob, second) = mint_one(&s);
    let carol = Address::generate(&s.env);

    s.client.transfer(&alice, &carol, &first);
    s.client.transfer(&bob, &alice, &second);
    s.client.transfer(&alice, &carol, &second);

    let first_trail = s.client.provenance(&first, &1, &MAX_PAGE);
    assert_eq!(first_trail.len(), 1);
    assert_eq!(first_trail.get_unchecked(0).from, Some(alice.clone()));
    assert_eq!(first_trail.get_unchecked(0).to, Some(carol.clone()));
    let second_trail = s.client.provenance(&second, &1, &MAX_PAGE);
    let hops: std::vec::Vec<(Option<Address>, Option<Address>)> =
        second_trail.iter().map(|r| (r.from, r.to)).collect();
    assert_eq!(
        hops,
        [
            (Some(bob.clone()), Some(alice.clone())),
            (Some(alice), Some(carol))
        ]
    );
    assert_eq!(stored_records(&s), 3);
}
