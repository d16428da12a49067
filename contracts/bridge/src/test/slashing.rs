//! Slashing: only proven equivocation, by anyone.
use super::*;
use crate::events;

fn conflicting(s: &Setup) -> (InboundMessage, InboundMessage) {
    let recipient = Address::generate(&s.env);
    let a = s.message(5, 100, &recipient);
    let mut b = a.clone();
    b.recipient = Address::generate(&s.env);
    (a, b)
}

#[test]
fn equivocation_takes_the_whole_stake_to_the_admin() {
    let s = Setup::new();
    let (a, b) = conflicting(&s);
    let admin_before = s.token.balance(&s.admin);
    assert_eq!(s.client.slash(&s.signed(0, &a), &s.signed(0, &b)), STAKE);
    s.assert_no_auths();
    s.assert_emitted(&events::Slashed {
        nonce: 5,
        source_chain: REMOTE,
        validator: s.validators[0].clone(),
        amount: STAKE,
        to: s.admin.clone(),
    });
    assert_eq!(s.token.balance(&s.admin), admin_before + STAKE);
    let record = s.validator(0).unwrap();
    assert_eq!(record.status, ValidatorStatus::Slashed);
    assert_eq!(record.stake, 0);
    assert_eq!(s.totals().active_stake, 3 * STAKE);
    assert_eq!(s.totals().slots, 0b1110);
    // Liquidity is untouched.
    assert_eq!(s.totals().liquidity, LIQUIDITY);
    assert_eq!(s.balance(), LIQUIDITY + 3 * STAKE);
    // Once only; and never active again, nor able to leave with anything.
    assert_eq!(
        s.client.try_slash(&s.signed(0, &a), &s.signed(0, &b)),
        Err(Ok(Error::AlreadySlashed))
    );
    assert_eq!(s.try_activate(0), Err(Error::ValidatorLeaving));
    assert_eq!(
        s.client.try_begin_unbonding(&s.validators[0]),
        Err(Ok(Error::ValidatorLeaving))
    );
    assert_eq!(
        s.client
            .try_register_validator(&s.validators[0], &s.public_key(0), &STAKE, &s.proof(0, 0)),
        Err(Ok(Error::ValidatorExists))
    );
    // Its signatures no longer count.
    assert_eq!(
        s.client.try_complete(&a, &s.attest_message(&a, &[0, 1, 2])),
        Err(Ok(Error::ValidatorNotActive))
    );
}

#[test]
fn unbonding_validators_and_paused_bridges_can_still_be_slashed() {
    let s = Setup::new();
    let (a, b) = conflicting(&s);
    s.client.begin_unbonding(&s.validators[2]);
    s.client.pause(&s.admin);
    assert_eq!(s.client.slash(&s.signed(2, &a), &s.signed(2, &b)), STAKE);
    assert_eq!(s.totals().active_stake, 3 * STAKE);
    s.advance(UNBONDING);
    s.client.unpause(&s.admin);
    assert_eq!(
        s.client.try_withdraw_stake(&s.validators[2]),
        Err(Ok(Error::NotUnbonding))
    );
}

#[test]
fn the_same_message_twice_is_not_equivocation() {
    let s = Setup::new();
    let (a, _) = conflicting(&s);
    assert_eq!(
        s.client.try_slash(&s.signed(0, &a), &s.signed(0, &a)),
        Err(Ok(Error::NotConflicting))
    );
    // Different nonces may carry different content.
    let mut c = a.clone();
    c.nonce = 6;
    c.amount = 1;
    assert_eq!(
        s.client.try_slash(&s.signed(0, &a), &s.signed(0, &c)),
        Err(Ok(Error::NotConflicting))
    );
    let mut d = a.clone();
    d.source_chain = 3;
    d.amount = 1;
    assert_eq!(
        s.client.try_slash(&s.signed(0, &a), &s.signed(0, &d)),
        Err(Ok(Error::NotConflicting))
    );
    // The same nonce of another (a redeployed) source bridge is another
    // transfer: honest validators sign both.
    let mut e = a.clone();
    e.source_bridge = BytesN::from_array(&s.env, &[0xC3; 32]);
    e.amount = 1;
    assert_eq!(
        s.client.try_slash(&s.signed(0, &a), &s.signed(0, &e)),
        Err(Ok(Error::NotConflicting))
    );
    assert_eq!(s.validator(0).unwrap().stake, STAKE);
}

#[test]
fn evidence_from_two_validators_is_refused() {
    let s = Setup::new();
    let (a, b) = conflicting(&s);
    assert_eq!(
        s.client.try_slash(&s.signed(0, &a), &s.signed(1, &b)),
        Err(Ok(Error::EvidenceValidatorMismatch))
    );
    // Relabelled: validator 1's signature presented as validator 0's.
    let mut forged = s.signed(1, &b);
    forged.validator = s.validators[0].clone();
    assert!(matches!(
        s.client.try_slash(&s.signed(0, &a), &forged),
        Err(Err(_))
    ));
    assert_eq!(s.validator(0).unwrap().stake, STAKE);
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Active);
}

#[test]
fn badly_signed_evidence_is_refused() {
    let s = Setup::new();
    let (a, b) = conflicting(&s);
    // Signature over `a` presented with `b`.
    let mut wrong = s.signed(0, &a);
    wrong.message = b.clone();
    assert!(matches!(
        s.client.try_slash(&s.signed(0, &a), &wrong),
        Err(Err(_))
    ));
    // Signed by a key that is not the validator's.
    let mut outsider = s.signed(0, &b);
    outsider.signature = s.sign(7, &s.digest(&b));
    assert!(matches!(
        s.client.try_slash(&s.signed(0, &a), &outsider),
        Err(Err(_))
    ));
    assert_eq!(
        s.client.try_slash(&s.signed(6, &a), &s.signed(6, &b)),
        Err(Ok(Error::ValidatorNotFound))
    );
    assert_eq!(s.validator(0).unwrap().stake, STAKE);
    assert_eq!(s.balance(), LIQUIDITY + 4 * STAKE);
}
