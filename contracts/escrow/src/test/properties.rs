//! Property test: random sequences of calls (valid and invalid) by every
//! party, checked step by step against a model written apart from the
//! contract: each call's exact outcome (which typed refusal, or success),
//! each escrow's status and approvals, and the token balance of every party
//! (learner, teacher, each signer, arbitrator, stranger, contract). A refund
//! paid to the wrong side or swapped resolve shares fail here even though
//! the total would still add up.
use proptest::prelude::*;
use soroban_sdk::{InvokeError, String};
use std::{fmt::Debug, vec::Vec as StdVec};

use super::*;
use crate::{EscrowStatus, Resolution, MIN_DISPUTE_TIMEOUT};

/// Signer weights of `Setup::terms`.
const WEIGHTS: [u32; 3] = [1, 1, 2];
const DAY: u64 = 86_400;

/// Parties by index: the three signers, teacher, learner, stranger, arbitrator.
const TEACHER: usize = 3;
const LEARNER: usize = 4;
const STRANGER: usize = 5;
const ARBITRATOR: usize = 6;
const PARTIES: usize = 7;

#[derive(Clone, Debug)]
enum Step {
    Create {
        amount: i128,
        threshold: u32,
        release_in: Option<u64>,
        refund_in: Option<u64>,
    },
    Approve {
        escrow: u64,
        signer: usize,
    },
    Release {
        escrow: u64,
        caller: usize,
    },
    Refund {
        escrow: u64,
        caller: usize,
    },
    Cancel {
        escrow: u64,
    },
    Dispute {
        escrow: u64,
        by: usize,
    },
    Resolve {
        escrow: u64,
        resolution: Resolution,
    },
    Settle {
        escrow: u64,
        caller: usize,
    },
    Wait {
        seconds: u64,
    },
}

fn resolution() -> impl Strategy<Value = Resolution> {
    prop_oneof![
        Just(Resolution::ToBeneficiary),
        Just(Resolution::ToDepositor),
        (0u32..12_000).prop_map(Resolution::Split),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let escrow = 1u64..6;
    let caller = 0usize..PARTIES;
    prop_oneof![
        3 => (
            -5i128..3 * AMOUNT,
            0u32..6,
            prop::option::of(0u64..2 * DAY),
            prop::option::of(0u64..4 * DAY),
        )
            .prop_map(|(amount, threshold, release_in, refund_in)| Step::Create {
                amount,
                threshold,
                release_in,
                refund_in,
            }),
        3 => (escrow.clone(), 0usize..4).prop_map(|(escrow, signer)| Step::Approve { escrow, signer }),
        2 => (escrow.clone(), caller.clone()).prop_map(|(escrow, caller)| Step::Release { escrow, caller }),
        2 => (escrow.clone(), caller.clone()).prop_map(|(escrow, caller)| Step::Refund { escrow, caller }),
        1 => escrow.clone().prop_map(|escrow| Step::Cancel { escrow }),
        2 => (escrow.clone(), caller.clone()).prop_map(|(escrow, by)| Step::Dispute { escrow, by }),
        2 => (escrow.clone(), resolution()).prop_map(|(escrow, resolution)| Step::Resolve { escrow, resolution }),
        2 => (escrow, caller).prop_map(|(escrow, caller)| Step::Settle { escrow, caller }),
        2 => (0u64..2 * DAY).prop_map(|seconds| Step::Wait { seconds }),
    ]
}

/// One escrow as the model sees it.
#[derive(Clone, Debug)]
struct Held {
    amount: i128,
    threshold: u32,
    approvals: [bool; 3],
    release_after: Option<u64>,
    refund_after: Option<u64>,
    status: EscrowStatus,
    dispute_deadline: u64,
}

impl Held {
    fn approved_weight(&self) -> u32 {
        (0..3)
            .filter(|&i| self.approvals[i])
            .map(|i| WEIGHTS[i])
            .sum()
    }
    fn approved(&self) -> bool {
        self.approved_weight() >= self.threshold
    }
}

/// What the contract and the token should hold.
struct Model {
    escrows: StdVec<Held>,
    /// Balances by party index, then the contract's.
    balances: [i128; PARTIES + 1],
}

/// A call's outcome: success, a typed refusal, or a failure of the token.
type Outcome = Result<(), Option<Error>>;

fn outcome<T, C: Debug>(result: Result<Result<T, C>, Result<Error, InvokeError>>) -> Outcome {
    match result {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => panic!("result did not convert: {e:?}"),
        Err(Ok(error)) => Err(Some(error)),
        Err(Err(_)) => Err(None),
    }
}

impl Model {
    fn pay(&mut self, to: usize, amount: i128) {
        self.balances[PARTIES] -= amount;
        self.balances[to] += amount;
    }

    /// The escrow `id` if it exists, for the checks every entry point starts with.
    fn get(&self, id: u64) -> Result<Held, Option<Error>> {
        let index = (id as usize)
            .checked_sub(1)
            .ok_or(Some(Error::EscrowNotFound))?;
        self.escrows
            .get(index)
            .cloned()
            .ok_or(Some(Error::EscrowNotFound))
    }

    fn set(&mut self, id: u64, held: Held) {
        self.escrows[id as usize - 1] = held;
    }

    fn create(
        &mut self,
        now: u64,
        amount: i128,
        threshold: u32,
        release: Option<u64>,
        refund: Option<u64>,
    ) -> Outcome {
        if amount <= 0 {
            return Err(Some(Error::InvalidAmount));
        }
        if threshold == 0 || threshold > WEIGHTS.iter().sum() {
            return Err(Some(Error::InvalidThreshold));
        }
        if let Some(refund) = refund {
            if refund <= now || release.is_some_and(|r| refund <= r) {
                return Err(Some(Error::InvalidDeadlines));
            }
        }
        if amount > self.balances[LEARNER] {
            return Err(None);
        }
        self.balances[LEARNER] -= amount;
        self.balances[PARTIES] += amount;
        self.escrows.push(Held {
            amount,
            threshold,
            approvals: [false; 3],
            release_after: release,
            refund_after: refund,
            status: EscrowStatus::Open,
            dispute_deadline: 0,
        });
        Ok(())
    }

    fn approve(&mut self, id: u64, signer: usize) -> Outcome {
        let mut held = self.get(id)?;
        if held.status != EscrowStatus::Open {
            return Err(Some(Error::NotOpen));
        }
        if signer >= 3 {
            return Err(Some(Error::NotSigner));
        }
        if held.approvals[signer] {
            return Err(Some(Error::AlreadyApproved));
        }
        held.approvals[signer] = true;
        self.set(id, held);
        Ok(())
    }

    fn is_party(caller: usize) -> bool {
        caller != STRANGER && caller != ARBITRATOR
    }

    fn release(&mut self, now: u64, id: u64, caller: usize) -> Outcome {
        let mut held = self.get(id)?;
        if !Self::is_party(caller) {
            return Err(Some(Error::Unauthorized));
        }
        if held.status != EscrowStatus::Open {
            return Err(Some(Error::NotOpen));
        }
        if !held.approved() {
            return Err(Some(Error::ThresholdNotMet));
        }
        if held.release_after.is_some_and(|r| now < r) {
            return Err(Some(Error::ReleaseTooEarly));
        }
        held.status = EscrowStatus::Released;
        self.pay(TEACHER, held.amount);
        self.set(id, held);
        Ok(())
    }

    fn refund(&mut self, now: u64, id: u64, caller: usize) -> Outcome {
        let mut held = self.get(id)?;
        if !Self::is_party(caller) {
            return Err(Some(Error::Unauthorized));
        }
        if held.status != EscrowStatus::Open {
            return Err(Some(Error::NotOpen));
        }
        if held.approved() {
            return Err(Some(Error::ThresholdReached));
        }
        if held.refund_after.is_none_or(|r| now < r) {
            return Err(Some(Error::RefundTooEarly));
        }
        held.status = EscrowStatus::Refunded;
        self.pay(LEARNER, held.amount);
        self.set(id, held);
        Ok(())
    }

    fn cancel(&mut self, id: u64) -> Outcome {
        let mut held = self.get(id)?;
        if held.status != EscrowStatus::Open {
            return Err(Some(Error::NotOpen));
        }
        if held.approvals.contains(&true) {
            return Err(Some(Error::AlreadyHasApprovals));
        }
        held.status = EscrowStatus::Cancelled;
        self.pay(LEARNER, held.amount);
        self.set(id, held);
        Ok(())
    }

    fn dispute(&mut self, now: u64, id: u64, by: usize) -> Outcome {
        let mut held = self.get(id)?;
        if by != LEARNER && by != TEACHER {
            return Err(Some(Error::Unauthorized));
        }
        if held.status != EscrowStatus::Open {
            return Err(Some(Error::NotOpen));
        }
        held.status = EscrowStatus::Disputed;
        held.dispute_deadline = now + MIN_DISPUTE_TIMEOUT;
        self.set(id, held);
        Ok(())
    }

    fn resolve(&mut self, now: u64, id: u64, resolution: Resolution) -> Outcome {
        let mut held = self.get(id)?;
        if held.status != EscrowStatus::Disputed {
            return Err(Some(Error::NotDisputed));
        }
        if now >= held.dispute_deadline {
            return Err(Some(Error::DisputeExpired));
        }
        let to_teacher = match resolution {
            Resolution::ToBeneficiary => held.amount,
            Resolution::ToDepositor => 0,
            Resolution::Split(bps) if bps <= 10_000 => held.amount * bps as i128 / 10_000,
            Resolution::Split(_) => return Err(Some(Error::InvalidSplit)),
        };
        held.status = EscrowStatus::Resolved;
        self.pay(TEACHER, to_teacher);
        self.pay(LEARNER, held.amount - to_teacher);
        self.set(id, held);
        Ok(())
    }

    fn settle(&mut self, now: u64, id: u64, caller: usize) -> Outcome {
        let mut held = self.get(id)?;
        if caller != LEARNER && caller != TEACHER {
            return Err(Some(Error::Unauthorized));
        }
        if held.status != EscrowStatus::Disputed {
            return Err(Some(Error::NotDisputed));
        }
        if now < held.dispute_deadline {
            return Err(Some(Error::DisputeNotExpired));
        }
        if held.approved() {
            held.status = EscrowStatus::Released;
            self.pay(TEACHER, held.amount);
        } else {
            held.status = EscrowStatus::Refunded;
            self.pay(LEARNER, held.amount);
        }
        self.set(id, held);
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_party_gets_exactly_what_the_model_says(steps in prop::collection::vec(step(), 1..40)) {
        let s = Setup::new();
        let parties = [
            s.signers[0].clone(), s.signers[1].clone(), s.signers[2].clone(),
            s.teacher.clone(), s.learner.clone(), s.stranger.clone(), s.arbitrator.clone(),
            s.client.address.clone(),
        ];
        let balance_of = |i: usize| s.token.balance(&parties[i]);
        let mut model = Model { escrows: StdVec::new(), balances: core::array::from_fn(balance_of) };
        let reason = String::from_str(&s.env, "dispute");
        let mut now = START;

        for step in steps {
            let (expected, actual) = match step.clone() {
                Step::Create { amount, threshold, release_in, refund_in } => {
                    let mut terms = s.terms();
                    terms.amount = amount;
                    terms.threshold = threshold;
                    terms.release_after = release_in.map(|t| now + t);
                    terms.refund_after = refund_in.map(|t| now + t);
                    terms.dispute_timeout = MIN_DISPUTE_TIMEOUT;
                    let expected = model.create(now, amount, threshold, terms.release_after, terms.refund_after);
                    (expected, outcome(s.client.try_create(&s.learner, &terms)))
                }
                Step::Approve { escrow, signer } => {
                    let who = s.signers.get(signer).unwrap_or(&s.stranger);
                    (model.approve(escrow, signer), outcome(s.client.try_approve(who, &escrow)))
                }
                Step::Release { escrow, caller } => (
                    model.release(now, escrow, caller),
                    outcome(s.client.try_release(&parties[caller], &escrow)),
                ),
                Step::Refund { escrow, caller } => (
                    model.refund(now, escrow, caller),
                    outcome(s.client.try_refund(&parties[caller], &escrow)),
                ),
                Step::Cancel { escrow } => (model.cancel(escrow), outcome(s.client.try_cancel(&escrow))),
                Step::Dispute { escrow, by } => (
                    model.dispute(now, escrow, by),
                    outcome(s.client.try_dispute(&parties[by], &escrow, &reason)),
                ),
                Step::Resolve { escrow, resolution } => (
                    model.resolve(now, escrow, resolution),
                    outcome(s.client.try_resolve(&escrow, &resolution)),
                ),
                Step::Settle { escrow, caller } => (
                    model.settle(now, escrow, caller),
                    outcome(s.client.try_settle_dispute(&parties[caller], &escrow)),
                ),
                Step::Wait { seconds } => {
                    now += seconds;
                    s.advance_to(now);
                    (Ok(()), Ok(()))
                }
            };
            prop_assert_eq!(actual, expected, "outcome of {:?}", step);

            for (i, expected) in model.balances.iter().enumerate() {
                prop_assert_eq!(balance_of(i), *expected, "balance of party {} after {:?}", i, step);
            }
            prop_assert_eq!(s.client.escrow_count(), model.escrows.len() as u64);
            for (i, held) in model.escrows.iter().enumerate() {
                let escrow = s.client.escrow(&(i as u64 + 1));
                prop_assert_eq!(escrow.status, held.status);
                prop_assert_eq!(escrow.amount, held.amount);
                prop_assert_eq!(escrow.approved_weight, held.approved_weight());
            }
        }
    }
}
