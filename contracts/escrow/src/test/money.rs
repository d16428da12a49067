//! Who gets paid: refunds refused once approvals reach the threshold, the
//! dispute deadline and its default outcome, splits of amounts near
//! `i128::MAX`, fee-charging tokens, and escrows that outlive the 30-day TTL.
use soroban_sdk::{
    contract, contractimpl, contracttype,
    testutils::{Ledger as _, MockAuth, MockAuthInvoke},
    Event, InvokeError, MuxedAddress, String,
};

use super::*;
use crate::{events, EscrowStatus, Resolution, MAX_DISPUTE_TIMEOUT};
use teachlink_common::ttl::DAY_IN_LEDGERS;

const DAY: u64 = 86_400;

fn assert_emitted(s: &Setup, event: &impl Event) {
    teachlink_common::testutils::assert_emitted(&s.env, &s.client.address, event);
}

fn reason(s: &Setup) -> String {
    String::from_str(&s.env, "course never delivered")
}

#[test]
fn refund_is_refused_once_approvals_reach_the_threshold() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[2], &id);
    s.advance_to(START + 7 * DAY);
    // Neither the depositor nor anyone else can take approved funds back,
    // even after the refund time.
    for caller in [&s.learner, &s.teacher, &s.signers[0]] {
        assert_eq!(
            s.client.try_refund(caller, &id),
            Err(Ok(Error::ThresholdReached))
        );
    }
    assert_eq!(s.contract_balance(), AMOUNT);
    s.client.release(&s.signers[0], &id);
    assert_eq!(s.token.balance(&s.teacher), AMOUNT);
    assert_eq!(s.token.balance(&s.learner), 9 * AMOUNT);
}

#[test]
fn refund_below_the_threshold_still_pays_the_depositor_whoever_triggers_it() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[0], &id);
    s.advance_to(START + 7 * DAY);
    s.client.refund(&s.teacher, &id);
    s.assert_authorized_by(&s.teacher, "refund");
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
    assert_eq!(s.token.balance(&s.teacher), 0);
}

#[test]
fn dispute_records_its_deadline_and_the_arbitrator_decides_before_it() {
    let s = Setup::new();
    let id = s.create();
    s.advance_to(START + 100);
    s.client.dispute(&s.teacher, &id, &reason(&s));
    let deadline = START + 100 + DISPUTE_TIMEOUT;
    assert_emitted(
        &s,
        &events::EscrowDisputed {
            escrow_id: id,
            by: s.teacher.clone(),
            reason: reason(&s),
            deadline,
        },
    );
    assert_eq!(s.client.escrow(&id).dispute_deadline, Some(deadline));
    s.advance_to(deadline - 1);
    for party in [&s.learner, &s.teacher] {
        assert_eq!(
            s.client.try_settle_dispute(party, &id),
            Err(Ok(Error::DisputeNotExpired))
        );
    }
    s.client.resolve(&id, &Resolution::ToDepositor);
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
    assert_eq!(
        s.client.try_settle_dispute(&s.learner, &id),
        Err(Ok(Error::NotDisputed))
    );
}

#[test]
fn after_the_deadline_the_arbitrator_is_refused_and_the_default_pays_the_approved_beneficiary() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[2], &id);
    s.client.dispute(&s.learner, &id, &reason(&s));
    s.advance_to(START + DISPUTE_TIMEOUT);
    assert_eq!(
        s.client.try_resolve(&id, &Resolution::ToDepositor),
        Err(Ok(Error::DisputeExpired))
    );
    for outsider in [&s.arbitrator, &s.signers[2], &s.stranger] {
        assert_eq!(
            s.client.try_settle_dispute(outsider, &id),
            Err(Ok(Error::Unauthorized))
        );
    }
    // The depositor who opened the dispute cannot escape the approvals.
    s.client.settle_dispute(&s.learner, &id);
    s.assert_authorized_by(&s.learner, "settle_dispute");
    assert_emitted(
        &s,
        &events::EscrowSettled {
            escrow_id: id,
            by: s.learner.clone(),
            to_beneficiary: AMOUNT,
            to_depositor: 0,
        },
    );
    assert_eq!(s.token.balance(&s.teacher), AMOUNT);
    assert_eq!(s.token.balance(&s.learner), 9 * AMOUNT);
    assert_eq!(s.contract_balance(), 0);
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Released);
    assert_eq!(
        s.client.try_settle_dispute(&s.teacher, &id),
        Err(Ok(Error::NotDisputed))
    );
}

#[test]
fn after_the_deadline_the_default_returns_unapproved_funds_to_the_depositor() {
    let s = Setup::new();
    let id = s.create();
    s.client.approve(&s.signers[0], &id);
    s.client.dispute(&s.teacher, &id, &reason(&s));
    s.advance_to(START + DISPUTE_TIMEOUT + 5 * DAY);
    s.client.settle_dispute(&s.teacher, &id);
    s.assert_authorized_by(&s.teacher, "settle_dispute");
    assert_emitted(
        &s,
        &events::EscrowSettled {
            escrow_id: id,
            by: s.teacher.clone(),
            to_beneficiary: 0,
            to_depositor: AMOUNT,
        },
    );
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
    assert_eq!(s.token.balance(&s.teacher), 0);
    assert_eq!(s.client.escrow(&id).status, EscrowStatus::Refunded);
}

#[test]
fn settle_needs_a_dispute_and_the_callers_own_signature() {
    let s = Setup::new();
    let id = s.create();
    assert_eq!(
        s.client.try_settle_dispute(&s.learner, &id),
        Err(Ok(Error::NotDisputed))
    );
    s.client.dispute(&s.teacher, &id, &reason(&s));
    s.advance_to(START + DISPUTE_TIMEOUT);
    // The teacher signs a settlement in the learner's name.
    let invoke = MockAuthInvoke {
        contract: &s.client.address,
        fn_name: "settle_dispute",
        args: args(&s.env, (s.learner.clone(), id)),
        sub_invokes: &[],
    };
    let auths = [MockAuth {
        address: &s.teacher,
        invoke: &invoke,
    }];
    let forged = s.client.mock_auths(&auths);
    assert_eq!(
        forged.try_settle_dispute(&s.learner, &id),
        Err(Err(InvokeError::Abort))
    );
    assert!(teachlink_common::testutils::refused_for_missing_auth(
        &s.env
    ));
    assert_eq!(s.contract_balance(), AMOUNT);
    s.env.mock_all_auths();
    s.client.settle_dispute(&s.learner, &id);
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
}

/// A fresh setup whose learner holds `i128::MAX` in one disputed escrow of
/// that amount.
fn disputed_max() -> (Setup<'static>, u64) {
    let s = Setup::new();
    let rich = Address::generate(&s.env);
    token::StellarAssetClient::new(&s.env, &s.token.address).mint(&rich, &i128::MAX);
    let mut terms = s.terms();
    terms.amount = i128::MAX;
    let id = s.client.create(&rich, &terms);
    s.client.dispute(&s.teacher, &id, &reason(&s));
    (s, id)
}

#[test]
fn resolve_pays_amounts_near_i128_max_without_overflow() {
    let (s, id) = disputed_max();
    s.client.resolve(&id, &Resolution::ToBeneficiary);
    assert_eq!(s.token.balance(&s.teacher), i128::MAX);
    assert_eq!(s.contract_balance(), 0);

    // floor(MAX * 3333 / 10000), worked out outside the contract.
    let (s, id) = disputed_max();
    s.client.resolve(&id, &Resolution::Split(3_333));
    let to_teacher: i128 = 56_708_056_447_374_394_936_171_378_328_504_172_438;
    assert_emitted(
        &s,
        &events::EscrowResolved {
            escrow_id: id,
            arbitrator: s.arbitrator.clone(),
            resolution: Resolution::Split(3_333),
            to_beneficiary: to_teacher,
            to_depositor: 113_433_127_013_094_836_795_515_925_387_379_933_289,
        },
    );
    assert_eq!(s.token.balance(&s.teacher), to_teacher);
    assert_eq!(s.contract_balance(), 0);
}

/// A token that burns a fee (basis points, set at deploy) of every
/// transfer: the recipient gets less than the sender sends.
#[contract]
pub struct FeeToken;

#[contracttype]
enum FeeKey {
    FeeBps,
    Balance(Address),
}

#[contractimpl]
impl FeeToken {
    pub fn __constructor(env: Env, fee_bps: i128) {
        env.storage().instance().set(&FeeKey::FeeBps, &fee_bps);
    }

    pub fn mint(env: Env, to: Address, amount: i128) {
        let balance = Self::balance(env.clone(), to.clone());
        env.storage()
            .persistent()
            .set(&FeeKey::Balance(to), &(balance + amount));
    }

    pub fn balance(env: Env, id: Address) -> i128 {
        env.storage()
            .persistent()
            .get(&FeeKey::Balance(id))
            .unwrap_or(0)
    }

    pub fn transfer(env: Env, from: Address, to: MuxedAddress, amount: i128) {
        from.require_auth();
        let to = to.address();
        let from_balance = Self::balance(env.clone(), from.clone());
        assert!(
            amount >= 0 && from_balance >= amount,
            "insufficient balance"
        );
        let fee_bps: i128 = env.storage().instance().get(&FeeKey::FeeBps).unwrap_or(0);
        let received = amount - amount * fee_bps / 10_000;
        env.storage()
            .persistent()
            .set(&FeeKey::Balance(from), &(from_balance - amount));
        let to_balance = Self::balance(env.clone(), to.clone());
        env.storage()
            .persistent()
            .set(&FeeKey::Balance(to), &(to_balance + received));
    }
}

#[test]
fn a_fee_charging_token_pays_out_every_escrow_in_it() {
    let s = Setup::new();
    let fee_token = s.env.register(FeeToken, (100_i128,));
    let fee = FeeTokenClient::new(&s.env, &fee_token);
    fee.mint(&s.learner, &2_000);
    let mut terms = s.terms();
    terms.token = fee_token.clone();
    terms.amount = 1_000;
    terms.release_after = None;
    let first = s.client.create(&s.learner, &terms);
    let second = s.client.create(&s.learner, &terms);
    // 1% of each transfer in is burnt: each escrow holds what arrived.
    assert_emitted(
        &s,
        &events::EscrowCreated {
            escrow_id: second,
            depositor: s.learner.clone(),
            beneficiary: s.teacher.clone(),
            token: fee_token.clone(),
            amount: 990,
            signers: terms.signers.clone(),
            threshold: 2,
            release_after: None,
            refund_after: terms.refund_after,
            arbitrator: terms.arbitrator.clone(),
            dispute_timeout: DISPUTE_TIMEOUT,
            course_id: 42,
        },
    );
    assert_eq!(s.client.escrow(&first).amount, 990);
    assert_eq!(fee.balance(&s.client.address), 1_980);
    for id in [first, second] {
        s.client.approve(&s.signers[2], &id);
        s.client.release(&s.teacher, &id);
    }
    // 990 sent out of each, 1% of that burnt again on the way to the teacher.
    assert_eq!(fee.balance(&s.teacher), 2 * (990 - 9));
    assert_eq!(fee.balance(&s.client.address), 0);
}

#[test]
fn create_refuses_a_transfer_that_delivers_nothing() {
    let s = Setup::new();
    let all_fee = s.env.register(FeeToken, (10_000_i128,));
    FeeTokenClient::new(&s.env, &all_fee).mint(&s.learner, &1_000);
    let mut terms = s.terms();
    terms.token = all_fee;
    terms.amount = 1_000;
    assert_eq!(
        s.client.try_create(&s.learner, &terms),
        Err(Ok(Error::NothingReceived))
    );
    assert_eq!(s.client.escrow_count(), 0);
}

/// Ledgers left before the escrow's entry and the contract instance are
/// archived (the SDK's test host restores archived entries on access, so
/// liveness is read from the TTLs).
fn ttls(s: &Setup, id: u64) -> (u32, u32) {
    use soroban_sdk::testutils::storage::{Instance as _, Persistent as _};
    s.env.as_contract(&s.client.address, || {
        (
            s.env
                .storage()
                .persistent()
                .get_ttl(&crate::storage::DataKey::Escrow(id)),
            s.env.storage().instance().get_ttl(),
        )
    })
}

/// Moves the ledger `days` forward in both sequence and time.
fn skip_days(s: &Setup, days: u32) {
    s.env.ledger().with_mut(|l| {
        l.sequence_number += days * DAY_IN_LEDGERS;
        l.timestamp += days as u64 * DAY;
    });
}

#[test]
fn an_escrow_outlives_the_thirty_day_ttl_until_its_refund_date() {
    let s = Setup::new();
    let mut terms = s.terms();
    terms.refund_after = Some(START + 60 * DAY);
    let id = s.client.create(&s.learner, &terms);
    // Both live to a day past the refund date, not just the usual 30 days.
    assert_eq!(ttls(&s, id), (61 * DAY_IN_LEDGERS, 61 * DAY_IN_LEDGERS));
    // Nobody touches it for 59 days: still live, with two days to spare.
    skip_days(&s, 59);
    assert_eq!(ttls(&s, id), (2 * DAY_IN_LEDGERS, 2 * DAY_IN_LEDGERS));
    skip_days(&s, 1);
    s.client.refund(&s.learner, &id);
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
}

#[test]
fn a_dispute_stays_live_until_its_deadline() {
    let s = Setup::new();
    let mut terms = s.terms();
    terms.dispute_timeout = MAX_DISPUTE_TIMEOUT;
    let id = s.client.create(&s.learner, &terms);
    s.client.dispute(&s.learner, &id, &reason(&s));
    let days = (MAX_DISPUTE_TIMEOUT / DAY) as u32;
    assert_eq!(
        ttls(&s, id),
        ((days + 1) * DAY_IN_LEDGERS, (days + 1) * DAY_IN_LEDGERS)
    );
    skip_days(&s, days - 1);
    assert_eq!(ttls(&s, id), (2 * DAY_IN_LEDGERS, 2 * DAY_IN_LEDGERS));
    skip_days(&s, 1);
    s.client.settle_dispute(&s.teacher, &id);
    assert_eq!(s.token.balance(&s.learner), 10 * AMOUNT);
}

#[test]
fn long_deadlines_are_bounded_by_the_networks_maximum_ttl() {
    let s = Setup::new();
    let mut terms = s.terms();
    terms.refund_after = Some(START + 10 * 365 * DAY);
    let id = s.client.create(&s.learner, &terms);
    let max = s
        .env
        .as_contract(&s.client.address, || s.env.storage().max_ttl());
    assert_eq!(ttls(&s, id), (max, max));
}
