//! Property test: random sequences of fund / issue / claim / withdraw /
//! set_allowance / revoke (valid and invalid) by several parties. After every
//! step the pool can pay every promise, the per-learner records add up to the
//! pool total, no issuer has promised more than its allowances, and no token
//! is created or lost.
use proptest::prelude::*;
use soroban_sdk::{
    testutils::{Address as _, EnvTestConfig},
    token::{StellarAssetClient, TokenClient},
    Address, Env, Symbol,
};
use std::vec::Vec;

use crate::{Error, RewardsContract, RewardsContractClient, ISSUER};
use teachlink_common::testutils::TIMELOCK_DELAY;

const ISSUERS: usize = 2;
const FUNDERS: usize = 2;
const LEARNERS: usize = 3;
/// admin, issuers, funders, learners.
const PARTIES: usize = 1 + ISSUERS + FUNDERS + LEARNERS;
const FIRST_FUNDER: usize = 1 + ISSUERS;
const FIRST_LEARNER: usize = FIRST_FUNDER + FUNDERS;
const FUNDER_START: i128 = 5_000;
/// Each issuer's allowance at the start: less than the funders hold, so
/// both the allowance and the pool refuse in some runs.
const START_ALLOWANCE: i128 = 3_000;

#[derive(Clone, Debug)]
enum Op {
    Fund {
        funder: usize,
        amount: i128,
    },
    /// Tokens sent to the pool without `fund`: the pool must count them too.
    Donate {
        funder: usize,
        amount: i128,
    },
    /// `learner == LEARNERS` means the issuer names itself.
    Issue {
        issuer: usize,
        learner: usize,
        amount: i128,
    },
    SetAllowance {
        issuer: usize,
        amount: i128,
    },
    Revoke {
        learner: usize,
        amount: i128,
    },
    Claim {
        learner: usize,
    },
    /// `to` indexes all parties (admin, issuers, funders, learners).
    Withdraw {
        to: usize,
        amount: i128,
    },
}

fn amount() -> impl Strategy<Value = i128> {
    prop_oneof![
        1 => -3_i128..=0,
        6 => 1_i128..=1_500,
        1 => 4_000_i128..=6_000,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..FUNDERS, amount()).prop_map(|(funder, amount)| Op::Fund { funder, amount }),
        1 => (0..FUNDERS, 1_i128..=500).prop_map(|(funder, amount)| Op::Donate { funder, amount }),
        5 => (0..ISSUERS, 0..=LEARNERS, amount())
            .prop_map(|(issuer, learner, amount)| Op::Issue { issuer, learner, amount }),
        2 => (0..ISSUERS, prop_oneof![1 => -3_i128..0, 4 => 0_i128..=3_000])
            .prop_map(|(issuer, amount)| Op::SetAllowance { issuer, amount }),
        2 => (0..LEARNERS, amount()).prop_map(|(learner, amount)| Op::Revoke { learner, amount }),
        3 => (0..LEARNERS).prop_map(|learner| Op::Claim { learner }),
        2 => (0..PARTIES, amount()).prop_map(|(to, amount)| Op::Withdraw { to, amount }),
    ]
}

/// What the contract and the token should hold, computed independently.
struct Model {
    /// Token balances of admin, issuers, funders, learners (in that order).
    balances: Vec<i128>,
    pool: i128,
    unclaimed: Vec<i128>,
    /// Per learner, paid out so far.
    claimed_by: Vec<i128>,
    /// Per issuer, what it may still promise, and all it was ever allowed.
    allowance: Vec<i128>,
    allowed: Vec<i128>,
    /// Per issuer, everything it promised.
    issued_by: Vec<i128>,
    issued: i128,
    claimed: i128,
    revoked: i128,
}

impl Model {
    fn total_unclaimed(&self) -> i128 {
        self.unclaimed.iter().sum()
    }
}

struct World {
    env: Env,
    id: Address,
    client: RewardsContractClient<'static>,
    token: TokenClient<'static>,
    /// admin, issuers, funders, learners.
    parties: Vec<Address>,
}

impl World {
    fn new() -> Self {
        // Random cases would rewrite dozens of snapshot files on every run.
        let env = Env::new_with_config(EnvTestConfig {
            capture_snapshot_at_drop: false,
        });
        env.mock_all_auths();
        let parties: Vec<Address> = (0..PARTIES).map(|_| Address::generate(&env)).collect();
        let sac = env.register_stellar_asset_contract_v2(Address::generate(&env));
        let token = TokenClient::new(&env, &sac.address());
        let minter = StellarAssetClient::new(&env, &sac.address());
        for funder in 0..FUNDERS {
            minter.mint(&parties[FIRST_FUNDER + funder], &FUNDER_START);
        }
        let id = env.register(
            RewardsContract,
            (parties[0].clone(), TIMELOCK_DELAY, sac.address()),
        );
        let client = RewardsContractClient::new(&env, &id);
        for issuer in 0..ISSUERS {
            client.grant_role(&ISSUER, &parties[1 + issuer]);
            client.set_allowance(&parties[1 + issuer], &START_ALLOWANCE);
        }
        World {
            env,
            id,
            client,
            token,
            parties,
        }
    }

    fn issuer(&self, i: usize) -> &Address {
        &self.parties[1 + i]
    }
    fn funder(&self, i: usize) -> &Address {
        &self.parties[FIRST_FUNDER + i]
    }
    fn learner(&self, i: usize) -> &Address {
        &self.parties[FIRST_LEARNER + i]
    }
}

/// Applies `op` to the world and the model; checks the contract's answer
/// against the model's prediction.
fn step(w: &World, m: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let reason = Symbol::new(&w.env, "prop");
    match *op {
        Op::Fund { funder, amount } => {
            let result = w.client.try_fund(w.funder(funder), &amount);
            let index = FIRST_FUNDER + funder;
            if amount <= 0 {
                prop_assert_eq!(result, Err(Ok(Error::InvalidAmount)));
            } else if amount > m.balances[index] {
                prop_assert_eq!(result, Err(Ok(Error::InsufficientFunds)));
            } else {
                prop_assert_eq!(result, Ok(Ok(())));
                m.balances[index] -= amount;
                m.pool += amount;
            }
        }
        Op::Donate { funder, amount } => {
            let index = FIRST_FUNDER + funder;
            if amount <= m.balances[index] {
                w.token.transfer(w.funder(funder), &w.id, &amount);
                m.balances[index] -= amount;
                m.pool += amount;
            }
        }
        Op::Issue {
            issuer,
            learner,
            amount,
        } => {
            let (target, slot) = if learner == LEARNERS {
                (w.issuer(issuer).clone(), None)
            } else {
                (w.learner(learner).clone(), Some(learner))
            };
            let result = w
                .client
                .try_issue(w.issuer(issuer), &target, &amount, &reason);
            match slot {
                None => prop_assert_eq!(result, Err(Ok(Error::InvalidLearner))),
                Some(_) if amount <= 0 => {
                    prop_assert_eq!(result, Err(Ok(Error::InvalidAmount)))
                }
                Some(_) if amount > m.allowance[issuer] => {
                    prop_assert_eq!(result, Err(Ok(Error::AllowanceExceeded)))
                }
                Some(_) if m.total_unclaimed() + amount > m.pool => {
                    prop_assert_eq!(result, Err(Ok(Error::InsufficientPool)))
                }
                Some(slot) => {
                    prop_assert_eq!(result, Ok(Ok(())));
                    m.unclaimed[slot] += amount;
                    m.allowance[issuer] -= amount;
                    m.issued_by[issuer] += amount;
                    m.issued += amount;
                }
            }
        }
        Op::SetAllowance { issuer, amount } => {
            let result = w.client.try_set_allowance(w.issuer(issuer), &amount);
            if amount < 0 {
                prop_assert_eq!(result, Err(Ok(Error::InvalidAmount)));
            } else {
                prop_assert_eq!(result, Ok(Ok(())));
                m.allowance[issuer] = amount;
                m.allowed[issuer] = m.issued_by[issuer] + amount;
            }
        }
        Op::Revoke { learner, amount } => {
            let result = w.client.try_revoke(w.learner(learner), &amount);
            if amount <= 0 {
                prop_assert_eq!(result, Err(Ok(Error::InvalidAmount)));
            } else if amount > m.unclaimed[learner] {
                prop_assert_eq!(result, Err(Ok(Error::RevokeExceedsUnclaimed)));
            } else {
                prop_assert_eq!(result, Ok(Ok(())));
                m.unclaimed[learner] -= amount;
                m.revoked += amount;
            }
        }
        Op::Claim { learner } => {
            let result = w.client.try_claim(w.learner(learner));
            let owed = m.unclaimed[learner];
            if owed == 0 {
                prop_assert_eq!(result, Err(Ok(Error::NothingToClaim)));
            } else {
                prop_assert_eq!(result, Ok(Ok(owed)));
                m.unclaimed[learner] = 0;
                m.claimed_by[learner] += owed;
                m.claimed += owed;
                m.pool -= owed;
                m.balances[FIRST_LEARNER + learner] += owed;
            }
        }
        Op::Withdraw { to, amount } => {
            let result = w.client.try_withdraw(&w.parties[to], &amount);
            if amount <= 0 {
                prop_assert_eq!(result, Err(Ok(Error::InvalidAmount)));
            } else if amount > m.pool - m.total_unclaimed() {
                prop_assert_eq!(result, Err(Ok(Error::InsufficientPool)));
            } else {
                prop_assert_eq!(result, Ok(Ok(())));
                m.pool -= amount;
                m.balances[to] += amount;
            }
        }
    }
    Ok(())
}

/// The invariants, read from the contract and the token only.
fn check_invariants(w: &World) -> Result<(), TestCaseError> {
    let pool = w.client.pool();
    let contract_balance = w.token.balance(&w.id);
    prop_assert_eq!(pool.balance, contract_balance);
    prop_assert!(
        contract_balance >= pool.total_unclaimed,
        "pool holds {} but owes {}",
        contract_balance,
        pool.total_unclaimed
    );
    prop_assert_eq!(pool.available, contract_balance - pool.total_unclaimed);

    let owed: i128 = (0..LEARNERS)
        .map(|i| w.client.unclaimed(w.learner(i)))
        .sum();
    prop_assert_eq!(owed, pool.total_unclaimed);
    let claimed: i128 = (0..LEARNERS)
        .map(|i| w.client.claimed_total(w.learner(i)))
        .sum();
    prop_assert_eq!(claimed, pool.total_claimed);
    prop_assert_eq!(
        pool.total_issued,
        pool.total_unclaimed + pool.total_claimed + pool.total_revoked
    );

    let held: i128 = w.parties.iter().map(|p| w.token.balance(p)).sum();
    prop_assert_eq!(held + contract_balance, FUNDER_START * FUNDERS as i128);
    Ok(())
}

fn check_against_model(w: &World, m: &Model) -> Result<(), TestCaseError> {
    let actual: Vec<i128> = w.parties.iter().map(|p| w.token.balance(p)).collect();
    prop_assert_eq!(&actual, &m.balances);
    prop_assert_eq!(w.token.balance(&w.id), m.pool);
    for i in 0..LEARNERS {
        prop_assert_eq!(w.client.unclaimed(w.learner(i)), m.unclaimed[i]);
        prop_assert_eq!(w.client.claimed_total(w.learner(i)), m.claimed_by[i]);
    }
    for i in 0..ISSUERS {
        prop_assert_eq!(w.client.allowance(w.issuer(i)), m.allowance[i]);
        // An issuer never promised more than the admin allowed it.
        prop_assert!(m.issued_by[i] <= m.allowed[i]);
    }
    let pool = w.client.pool();
    prop_assert_eq!(pool.total_issued, m.issued);
    prop_assert_eq!(pool.total_claimed, m.claimed);
    prop_assert_eq!(pool.total_revoked, m.revoked);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_pool_always_covers_its_promises_and_conserves_value(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        let w = World::new();
        let mut m = Model {
            balances: (0..PARTIES)
                .map(|i| if (FIRST_FUNDER..FIRST_LEARNER).contains(&i) { FUNDER_START } else { 0 })
                .collect(),
            pool: 0,
            unclaimed: std::vec![0; LEARNERS],
            claimed_by: std::vec![0; LEARNERS],
            allowance: std::vec![START_ALLOWANCE; ISSUERS],
            allowed: std::vec![START_ALLOWANCE; ISSUERS],
            issued_by: std::vec![0; ISSUERS],
            issued: 0,
            claimed: 0,
            revoked: 0,
        };
        check_invariants(&w)?;
        for op in &ops {
            step(&w, &mut m, op)?;
            check_invariants(&w)?;
            check_against_model(&w, &m)?;
        }
    }
}
