//! Registration, rotation by the admin, unbonding and withdrawal.
use super::*;
use crate::events;

#[test]
fn register_bonds_stake_and_waits_for_activation() {
    let s = Setup::bare();
    let before = s.token.balance(&s.validators[0]);
    s.register(0);
    s.assert_authorized_by(&s.validators[0], "register_validator");
    s.assert_emitted(&events::ValidatorRegistered {
        validator: s.validators[0].clone(),
        signing_key: s.public_key(0),
        stake: STAKE,
    });
    assert_eq!(s.token.balance(&s.validators[0]), before - STAKE);
    assert_eq!(s.balance(), STAKE);
    let record = s.validator(0).unwrap();
    assert_eq!(record.status, ValidatorStatus::Inactive);
    assert_eq!(record.stake, STAKE);
    assert_eq!(record.signing_key, s.public_key(0));
    assert_eq!(s.totals().active_stake, 0);
    assert_eq!(s.totals().liquidity, 0);
}

#[test]
fn register_validation() {
    let s = Setup::bare();
    let proof = s.proof(0, 0);
    assert_eq!(
        s.client
            .try_register_validator(&s.validators[0], &s.public_key(0), &(STAKE - 1), &proof),
        Err(Ok(Error::StakeTooLow))
    );
    s.register(0);
    assert_eq!(
        s.client
            .try_register_validator(&s.validators[0], &s.public_key(0), &STAKE, &proof),
        Err(Ok(Error::ValidatorExists))
    );
    // Someone else's key: the proof must be signed by the registered key.
    let stolen = s.proof(1, 1);
    assert!(matches!(
        s.client
            .try_register_validator(&s.validators[1], &s.public_key(0), &STAKE, &stolen),
        Err(Err(_))
    ));
    // A proof made for another validator address does not transfer.
    let replayed = s.proof(2, 1);
    assert!(matches!(
        s.client
            .try_register_validator(&s.validators[1], &s.public_key(1), &STAKE, &replayed),
        Err(Err(_))
    ));
    assert_eq!(s.validator(1), Err(Error::ValidatorNotFound));
    assert_eq!(s.balance(), STAKE);
}

#[test]
fn admin_activates_within_the_bound_and_deactivates() {
    let s = Setup::bare();
    for i in 0..6 {
        s.register(i);
    }
    s.activate(0);
    s.assert_authorized_by(&s.admin, "activate_validator");
    s.assert_emitted(&events::ValidatorActivated {
        validator: s.validators[0].clone(),
    });
    assert_eq!(s.try_activate(0), Err(Error::ValidatorAlreadyActive));
    for i in 1..5 {
        s.activate(i);
    }
    assert_eq!(s.totals().slots, 0b11111);
    assert_eq!(s.totals().active_stake, 5 * STAKE);
    // max_validators is 5.
    assert_eq!(s.try_activate(5), Err(Error::TooManyValidators));
    assert_eq!(s.try_activate(7), Err(Error::ValidatorNotFound));

    s.client.deactivate_validator(&s.validators[2]);
    s.assert_authorized_by(&s.admin, "deactivate_validator");
    s.assert_emitted(&events::ValidatorDeactivated {
        validator: s.validators[2].clone(),
    });
    assert_eq!(s.validator(2).unwrap().status, ValidatorStatus::Inactive);
    assert_eq!(s.totals().slots, 0b11011);
    assert_eq!(s.totals().active_stake, 4 * STAKE);
    assert_eq!(
        s.client.try_deactivate_validator(&s.validators[2]),
        Err(Ok(Error::ValidatorNotActive))
    );
    // The freed slot is reused.
    s.activate(5);
    assert_eq!(s.validator(5).unwrap().slot, 2);
    assert_eq!(s.totals().slots, 0b11111);
    // Deactivation keeps the stake bonded.
    assert_eq!(s.balance(), 6 * STAKE);
}

#[test]
fn unbonding_then_withdrawal_after_the_period() {
    let s = Setup::new();
    let v = s.validators[1].clone();
    let before = s.token.balance(&v);
    s.client.begin_unbonding(&v);
    s.assert_authorized_by(&v, "begin_unbonding");
    s.assert_emitted(&events::UnbondingStarted {
        validator: v.clone(),
        unbonding_ends: START + UNBONDING,
    });
    assert_eq!(s.totals().active_stake, 3 * STAKE);
    assert_eq!(s.totals().slots, 0b1101);
    assert_eq!(
        s.client.try_begin_unbonding(&v),
        Err(Ok(Error::ValidatorLeaving))
    );
    assert_eq!(s.try_activate(1), Err(Error::ValidatorLeaving));
    assert_eq!(
        s.client.try_withdraw_stake(&v),
        Err(Ok(Error::UnbondingNotOver))
    );
    s.advance(UNBONDING - 1);
    assert_eq!(
        s.client.try_withdraw_stake(&v),
        Err(Ok(Error::UnbondingNotOver))
    );
    s.advance(1);
    s.client.pause(&s.admin);
    assert_eq!(s.client.try_withdraw_stake(&v), Err(Ok(Error::Paused)));
    s.client.unpause(&s.admin);
    assert_eq!(s.client.withdraw_stake(&v), STAKE);
    s.assert_authorized_by(&v, "withdraw_stake");
    s.assert_emitted(&events::StakeWithdrawn {
        validator: v.clone(),
        amount: STAKE,
    });
    assert_eq!(s.token.balance(&v), before + STAKE);
    assert_eq!(s.validator(1), Err(Error::ValidatorNotFound));
    assert_eq!(s.totals().liquidity, LIQUIDITY);
    // Gone: may register afresh.
    s.register(1);
    assert_eq!(s.validator(1).unwrap().status, ValidatorStatus::Inactive);
}

#[test]
fn withdraw_needs_unbonding_first() {
    let s = Setup::new();
    assert_eq!(
        s.client.try_withdraw_stake(&s.validators[0]),
        Err(Ok(Error::NotUnbonding))
    );
    assert_eq!(
        s.client.try_withdraw_stake(&s.validators[6]),
        Err(Ok(Error::ValidatorNotFound))
    );
    // An inactive validator may unbond too.
    s.register(5);
    s.client.begin_unbonding(&s.validators[5]);
    assert_eq!(s.totals().active_stake, 4 * STAKE);
    s.advance(UNBONDING);
    assert_eq!(s.client.withdraw_stake(&s.validators[5]), STAKE);
}
