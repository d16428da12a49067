//! The bridge's release Wasm on the real Soroban host: ed25519 attestations
//! verified inside the VM, quorum, replay and slashing.
use teachlink_bridge::Error;
use teachlink_tests::{
    fixtures::bridge::{BridgeWorld, AMOUNT},
    Build,
};

#[test]
fn quorum_of_signatures_releases_once() {
    let w = BridgeWorld::new(Build::Wasm, 4);
    let message = w.inbound(1);
    let before = w.world.token.balance(&w.user);
    // 2 of 4 equal stakes is not more than two thirds.
    assert_eq!(
        w.client
            .try_complete(&message, &w.attest_inbound(&message, &[0, 1])),
        Err(Ok(Error::QuorumNotReached))
    );
    w.client
        .complete(&message, &w.attest_inbound(&message, &[0, 1, 2]));
    assert_eq!(w.world.token.balance(&w.user), before + AMOUNT);
    assert_eq!(
        w.client
            .try_complete(&message, &w.attest_inbound(&message, &[0, 1, 2, 3])),
        Err(Ok(Error::AlreadyCompleted))
    );
}

#[test]
fn a_forged_signature_is_refused_and_equivocation_is_slashed() {
    let w = BridgeWorld::new(Build::Wasm, 4);
    let message = w.inbound(2);
    let mut attestations = w.attest_inbound(&message, &[0, 1]);
    // Validator 2's slot carries validator 3's signature.
    let mut forged = w.attest_inbound(&message, &[3]).get(0).unwrap();
    forged.validator = w.validators[2].clone();
    attestations.push_back(forged);
    // The bad signature aborts the call inside the VM (a host error, not a contract code).
    assert!(matches!(
        w.client.try_complete(&message, &attestations),
        Err(Err(_))
    ));
    // Nothing was marked completed: the honest quorum still releases it.
    w.client
        .complete(&message, &w.attest_inbound(&message, &[0, 1, 2]));

    let mut conflicting = message.clone();
    conflicting.amount += 1;
    let slashed = w
        .client
        .slash(&w.signed(3, &message), &w.signed(3, &conflicting));
    assert!(slashed > 0);
    assert_eq!(
        w.client
            .try_slash(&w.signed(3, &message), &w.signed(3, &conflicting)),
        Err(Ok(Error::AlreadySlashed))
    );
}
