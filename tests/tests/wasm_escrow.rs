//! The escrow contract's release Wasm on the real Soroban host: whole
//! lifecycles, typed errors crossing the VM boundary, and an upgrade.
use teachlink_escrow::{Error, EscrowStatus, Resolution};
use teachlink_tests::{
    fixtures::{
        escrow::{EscrowWorld, AMOUNT, REFUND_AFTER},
        START_TIME, TIMELOCK_DELAY,
    },
    wasm, Build,
};

#[test]
fn pay_approve_release() {
    let w = EscrowWorld::new(Build::Wasm);
    let id = w.create();
    assert_eq!(w.contract_balance(), AMOUNT);
    w.client.approve(&w.signers[0], &id);
    assert_eq!(
        w.client.try_release(&w.teacher, &id),
        Err(Ok(Error::ThresholdNotMet))
    );
    w.client.approve(&w.signers[1], &id);
    assert_eq!(
        w.client.try_release(&w.teacher, &id),
        Err(Ok(Error::ReleaseTooEarly))
    );
    w.world
        .set_time(teachlink_tests::fixtures::escrow::RELEASE_AFTER);
    w.client.release(&w.signers[1], &id);
    assert_eq!(w.world.token.balance(&w.teacher), AMOUNT);
    assert_eq!(w.contract_balance(), 0);
    assert_eq!(w.client.escrow(&id).status, EscrowStatus::Released);
}

#[test]
fn dispute_then_split() {
    let w = EscrowWorld::new(Build::Wasm);
    let id = w.disputed();
    assert_eq!(
        w.client.try_resolve(&id, &Resolution::Split(10_001)),
        Err(Ok(Error::InvalidSplit))
    );
    w.client.resolve(&id, &Resolution::Split(2_000));
    assert_eq!(w.world.token.balance(&w.teacher), AMOUNT / 5);
    assert_eq!(w.world.token.balance(&w.learner), 10 * AMOUNT - AMOUNT / 5);
    assert_eq!(w.contract_balance(), 0);
}

#[test]
fn cancel_and_refund_return_funds() {
    let w = EscrowWorld::new(Build::Wasm);
    let cancelled = w.create();
    let refunded = w.create();
    w.client.cancel(&cancelled);
    assert_eq!(
        w.client.try_refund(&w.learner, &refunded),
        Err(Ok(Error::RefundTooEarly))
    );
    w.world.set_time(REFUND_AFTER);
    w.client.refund(&w.learner, &refunded);
    assert_eq!(w.world.token.balance(&w.learner), 10 * AMOUNT);
    assert_eq!(w.contract_balance(), 0);
}

#[test]
fn outsiders_are_refused_with_typed_errors() {
    let w = EscrowWorld::new(Build::Wasm);
    let id = w.create();
    let outsider = w.world.account();
    assert_eq!(
        w.client.try_approve(&outsider, &id),
        Err(Ok(Error::NotSigner))
    );
    assert_eq!(
        w.client.try_dispute(&outsider, &id, &w.reason()),
        Err(Ok(Error::Unauthorized))
    );
    assert_eq!(w.client.try_pause(&outsider), Err(Ok(Error::Unauthorized)));
}

#[test]
fn admin_upgrades_code_in_place_keeping_storage() {
    let w = EscrowWorld::new(Build::Wasm);
    w.create();
    // Swap in another contract's code, through the timelock: the escrow
    // entry points disappear, while the shared admin entry points read the
    // same instance storage.
    let env = &w.world.env;
    let hash = env
        .deployer()
        .upload_contract_wasm(wasm("reputation").as_slice());
    w.client.propose(
        &soroban_sdk::Symbol::new(env, "upgrade"),
        &soroban_sdk::vec![env, hash.to_val()],
    );
    w.world.set_time(START_TIME + TIMELOCK_DELAY);
    w.client.upgrade(&hash);
    let auths = env.auths();
    assert_eq!(auths.len(), 1);
    assert_eq!(auths[0].0, w.world.admin);
    assert!(w.client.try_escrow_count().is_err());
    assert_eq!(w.client.admin(), w.world.admin);
}
