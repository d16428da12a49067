//! Property tests: over random sequences of calls by random callers, the
//! contract's balance equals the sum of its open escrows, no token is created
//! or lost, and a terminal state never changes.
use proptest::prelude::*;
use soroban_sdk::String;

use super::*;
use crate::{EscrowStatus, Resolution};

#[derive(Clone, Debug)]
enum Step {
    Create { amount: i128, threshold: u32 },
    Approve { escrow: u64, signer: usize },
    Release { escrow: u64, caller: usize },
    Refund { escrow: u64, caller: usize },
    Cancel { escrow: u64 },
    Dispute { escrow: u64, by_teacher: bool },
    Resolve { escrow: u64, bps: u32 },
    Wait { seconds: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (-5i128..3 * AMOUNT, 0u32..6)
            .prop_map(|(amount, threshold)| Step::Create { amount, threshold }),
        (1u64..6, 0usize..4).prop_map(|(escrow, signer)| Step::Approve { escrow, signer }),
        (1u64..6, 0usize..6).prop_map(|(escrow, caller)| Step::Release { escrow, caller }),
        (1u64..6, 0usize..6).prop_map(|(escrow, caller)| Step::Refund { escrow, caller }),
        (1u64..6).prop_map(|escrow| Step::Cancel { escrow }),
        (1u64..6, any::<bool>())
            .prop_map(|(escrow, by_teacher)| Step::Dispute { escrow, by_teacher }),
        (1u64..6, 0u32..12_000).prop_map(|(escrow, bps)| Step::Resolve { escrow, bps }),
        (0u64..5 * 86_400).prop_map(|seconds| Step::Wait { seconds }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn funds_are_conserved_and_terminal_states_are_final(steps in prop::collection::vec(step(), 1..30)) {
        let s = Setup::new();
        let supply = s.token.balance(&s.learner);
        // Callers by index: the three signers, the teacher, the learner, a stranger.
        let callers = [
            s.signers[0].clone(), s.signers[1].clone(), s.signers[2].clone(),
            s.teacher.clone(), s.learner.clone(), s.stranger.clone(),
        ];
        let mut finished: std::collections::BTreeMap<u64, EscrowStatus> = Default::default();
        let reason = String::from_str(&s.env, "dispute");
        let mut now = START;

        for step in steps {
            // Results are ignored: refusals are part of the sequence; the
            // invariants below must hold whatever succeeded.
            match step {
                Step::Create { amount, threshold } => {
                    let mut terms = s.terms();
                    terms.amount = amount;
                    terms.threshold = threshold;
                    let _ = s.client.try_create(&s.learner, &terms);
                }
                Step::Approve { escrow, signer } => {
                    let who = s.signers.get(signer).unwrap_or(&s.stranger);
                    let _ = s.client.try_approve(who, &escrow);
                }
                Step::Release { escrow, caller } => {
                    let _ = s.client.try_release(&callers[caller], &escrow);
                }
                Step::Refund { escrow, caller } => {
                    let _ = s.client.try_refund(&callers[caller], &escrow);
                }
                Step::Cancel { escrow } => {
                    let _ = s.client.try_cancel(&escrow);
                }
                Step::Dispute { escrow, by_teacher } => {
                    let by = if by_teacher { &s.teacher } else { &s.learner };
                    let _ = s.client.try_dispute(by, &escrow, &reason);
                }
                Step::Resolve { escrow, bps } => {
                    let _ = s.client.try_resolve(&escrow, &Resolution::Split(bps));
                }
                Step::Wait { seconds } => {
                    now += seconds;
                    s.advance_to(now);
                }
            }

            let mut held = 0i128;
            for id in 1..=s.client.escrow_count() {
                let escrow = s.client.escrow(&id);
                if let Some(status) = finished.get(&id) {
                    prop_assert_eq!(*status, escrow.status, "terminal state changed");
                } else if escrow.status.is_terminal() {
                    finished.insert(id, escrow.status);
                } else {
                    held += escrow.amount;
                }
            }
            prop_assert_eq!(s.contract_balance(), held);
            prop_assert_eq!(
                s.token.balance(&s.learner) + s.token.balance(&s.teacher) + s.contract_balance(),
                supply
            );
        }
    }
}
