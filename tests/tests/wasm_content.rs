//! The content contract's release Wasm on the real Soroban host: mint,
//! approve, transfer by the approved spender, provenance and royalties.
use teachlink_content::{Error, ProvenanceKind};
use teachlink_tests::{fixtures::content::ContentWorld, Build};

#[test]
fn mint_transfer_and_provenance() {
    let w = ContentWorld::new(Build::Wasm);
    let id = w.mint();
    assert_eq!(w.client.owner_of(&id), w.creator);
    assert_eq!(w.client.balance(&w.creator), 1);

    let spender = w.world.account();
    let until = w.world.env.ledger().sequence() + 100;
    w.client
        .approve(&w.creator, &Some(spender.clone()), &id, &until);
    w.client.transfer_from(&spender, &w.creator, &w.buyer, &id);
    assert_eq!(w.client.owner_of(&id), w.buyer);
    assert_eq!(w.client.balance(&w.creator), 0);
    assert_eq!(w.client.balance(&w.buyer), 1);
    assert_eq!(w.client.approved(&id), None);
    assert_eq!(
        w.client.try_transfer(&w.creator, &w.buyer, &id),
        Err(Ok(Error::NotOwner))
    );

    let trail = w.client.provenance(&id, &0, &10);
    let kinds: Vec<ProvenanceKind> = trail.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [ProvenanceKind::Mint, ProvenanceKind::Transfer]);
    assert_eq!(trail.get(1).unwrap().to, Some(w.buyer.clone()));

    // 5% royalty to the creator, whoever owns the token now.
    assert_eq!(w.client.royalty_info(&id, &1_000), (w.creator.clone(), 50));
}
