//! The timelock and the pause rules on a minimal contract that embeds the
//! shared admin entry points, in the real Soroban test host.
extern crate std;

use soroban_sdk::{
    contract, contracterror, contractimpl, symbol_short,
    testutils::{Address as _, Ledger, MockAuthInvoke},
    vec, Address, Env, IntoVal, Symbol, Val, Vec,
};

use crate::{
    access, events,
    testutils::{
        assert_auth_refused, assert_authorized_only, assert_emitted, refused_for_missing_auth,
        signed_by,
    },
    timelock,
};

const START: u64 = 1_700_000_000;
const DELAY: u64 = crate::testutils::TIMELOCK_DELAY;

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum Error {
    Unauthorized = 101,
    Paused = 102,
    NotProposed = 103,
    TimelockNotReady = 104,
    AlreadyProposed = 105,
    InvalidDelay = 106,
}
crate::impl_from_common_error!(Error);

/// Stores one number, raised only through the timelock, like a bridge limit.
#[contract]
pub struct Gated;

#[contractimpl]
impl Gated {
    pub fn __constructor(env: Env, admin: Address, timelock_delay: u64) -> Result<(), Error> {
        timelock::set_delay(&env, timelock_delay)?;
        access::set_initial_admin(&env, &admin);
        Ok(())
    }

    pub fn raise(env: Env, to: u32) -> Result<(), Error> {
        timelock::execute(&env, symbol_short!("raise"), vec![&env, to.into_val(&env)])?;
        env.storage().instance().set(&symbol_short!("level"), &to);
        Ok(())
    }

    pub fn level(env: Env) -> u32 {
        env.storage()
            .instance()
            .get(&symbol_short!("level"))
            .unwrap_or(0)
    }
}

crate::admin_entry_points!(Gated, Error);

struct Setup<'a> {
    env: Env,
    client: GatedClient<'a>,
    admin: Address,
    stranger: Address,
}

fn setup() -> Setup<'static> {
    let env = crate::testutils::env();
    env.ledger().set_timestamp(START);
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let id = env.register(Gated, (admin.clone(), DELAY));
    Setup {
        client: GatedClient::new(&env, &id),
        stranger: Address::generate(&env),
        env,
        admin,
    }
}

fn raise_op() -> Symbol {
    symbol_short!("raise")
}

fn raise_args(env: &Env, to: u32) -> Vec<Val> {
    vec![env, to.into_val(env)]
}

impl Setup<'_> {
    fn at(&self, timestamp: u64) {
        self.env.ledger().set_timestamp(timestamp);
    }

    fn pending(&self, to: u32) -> Option<u64> {
        self.env.as_contract(&self.client.address, || {
            timelock::proposal(&self.env, &raise_op(), &raise_args(&self.env, to))
        })
    }
}

#[test]
fn only_the_admin_proposes_and_cancels() {
    let s = setup();
    let args = raise_args(&s.env, 5);
    let invoke = MockAuthInvoke {
        contract: &s.client.address,
        fn_name: "propose",
        args: (raise_op(), args.clone()).into_val(&s.env),
        sub_invokes: &[],
    };
    let result = s
        .client
        .mock_auths(&signed_by(&s.stranger, &invoke))
        .try_propose(&raise_op(), &args);
    assert_auth_refused(&s.env, result);
    assert_eq!(s.pending(5), None);

    // Positive control: the admin's signature.
    s.env.mock_all_auths();
    assert_eq!(s.client.propose(&raise_op(), &args), START + DELAY);
    assert_authorized_only(&s.env, &s.admin, &s.client.address, "propose");
    assert_eq!(s.pending(5), Some(START + DELAY));
    // The refusal logged above belongs to the earlier call only.
    assert!(!refused_for_missing_auth(&s.env));

    let invoke = MockAuthInvoke {
        contract: &s.client.address,
        fn_name: "cancel_proposal",
        args: (raise_op(), args.clone()).into_val(&s.env),
        sub_invokes: &[],
    };
    let result = s
        .client
        .mock_auths(&signed_by(&s.stranger, &invoke))
        .try_cancel_proposal(&raise_op(), &args);
    assert_auth_refused(&s.env, result);
    assert_eq!(s.pending(5), Some(START + DELAY));

    s.env.mock_all_auths();
    s.client.cancel_proposal(&raise_op(), &args);
    assert_authorized_only(&s.env, &s.admin, &s.client.address, "cancel_proposal");
    assert_eq!(s.pending(5), None);
}

#[test]
fn a_proposal_runs_once_after_its_delay() {
    let s = setup();
    let args = raise_args(&s.env, 5);
    // Nothing proposed: refused, at any time.
    assert_eq!(s.client.try_raise(&5), Err(Ok(Error::NotProposed)));

    let ready_at = s.client.propose(&raise_op(), &args);
    assert_emitted(
        &s.env,
        &s.client.address,
        &events::Proposed {
            op: raise_op(),
            args: args.clone(),
            ready_at,
        },
    );
    // Already pending: refused, and the time does not move.
    s.at(START + 10);
    assert_eq!(
        s.client.try_propose(&raise_op(), &args),
        Err(Ok(Error::AlreadyProposed))
    );
    assert_eq!(s.pending(5), Some(ready_at));

    s.at(ready_at - 1);
    assert_eq!(s.client.try_raise(&5), Err(Ok(Error::TimelockNotReady)));
    // The refusal leaves the proposal pending.
    assert_eq!(s.pending(5), Some(ready_at));
    // Other arguments were not proposed.
    s.at(ready_at);
    assert_eq!(s.client.try_raise(&6), Err(Ok(Error::NotProposed)));

    s.client.raise(&5);
    assert_authorized_only(&s.env, &s.admin, &s.client.address, "raise");
    assert_emitted(
        &s.env,
        &s.client.address,
        &events::Executed {
            op: raise_op(),
            args: args.clone(),
        },
    );
    assert_eq!(s.client.level(), 5);
    assert_eq!(s.pending(5), None);
    // Consumed: a second run needs a new proposal.
    assert_eq!(s.client.try_raise(&5), Err(Ok(Error::NotProposed)));
}

#[test]
fn execution_needs_the_admin() {
    let s = setup();
    s.client.propose(&raise_op(), &raise_args(&s.env, 5));
    s.at(START + DELAY);
    let invoke = MockAuthInvoke {
        contract: &s.client.address,
        fn_name: "raise",
        args: (5u32,).into_val(&s.env),
        sub_invokes: &[],
    };
    let result = s
        .client
        .mock_auths(&signed_by(&s.stranger, &invoke))
        .try_raise(&5);
    assert_auth_refused(&s.env, result);
    assert_eq!(s.client.level(), 0);
    assert_eq!(s.pending(5), Some(START + DELAY));
}

#[test]
fn a_cancelled_proposal_cannot_run_and_can_be_proposed_again() {
    let s = setup();
    let args = raise_args(&s.env, 5);
    assert_eq!(
        s.client.try_cancel_proposal(&raise_op(), &args),
        Err(Ok(Error::NotProposed))
    );
    s.client.propose(&raise_op(), &args);
    s.client.cancel_proposal(&raise_op(), &args);
    assert_emitted(
        &s.env,
        &s.client.address,
        &events::Cancelled {
            op: raise_op(),
            args: args.clone(),
        },
    );
    s.at(START + DELAY);
    assert_eq!(s.client.try_raise(&5), Err(Ok(Error::NotProposed)));

    // Proposed again, it waits a full delay from the new proposal.
    let ready_at = s.client.propose(&raise_op(), &args);
    assert_eq!(ready_at, START + 2 * DELAY);
    assert_eq!(s.client.try_raise(&5), Err(Ok(Error::TimelockNotReady)));
    s.at(ready_at);
    s.client.raise(&5);
    assert_eq!(s.client.level(), 5);
}

#[test]
fn an_upgrade_runs_only_as_proposed() {
    let s = setup();
    let hash = soroban_sdk::BytesN::from_array(&s.env, &[7; 32]);
    // A hash never uploaded: every refusal here comes before the host
    // looks at it, so each is the timelock's own.
    assert_eq!(s.client.try_upgrade(&hash), Err(Ok(Error::NotProposed)));
    s.client
        .propose(&symbol_short!("upgrade"), &vec![&s.env, hash.to_val()]);
    assert_eq!(
        s.client.try_upgrade(&hash),
        Err(Ok(Error::TimelockNotReady))
    );
    let invoke = MockAuthInvoke {
        contract: &s.client.address,
        fn_name: "upgrade",
        args: (hash.clone(),).into_val(&s.env),
        sub_invokes: &[],
    };
    s.at(START + DELAY);
    let result = s
        .client
        .mock_auths(&signed_by(&s.stranger, &invoke))
        .try_upgrade(&hash);
    assert_auth_refused(&s.env, result);
}

#[test]
fn the_delay_is_fixed_at_deployment_and_bounded() {
    let env = crate::testutils::env();
    let admin = Address::generate(&env);
    let id = env.register(Gated, (admin.clone(), timelock::MAX_DELAY));
    env.as_contract(&id, || {
        assert_eq!(timelock::delay(&env), timelock::MAX_DELAY)
    });
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        env.register(Gated, (admin, timelock::MAX_DELAY + 1))
    }));
    let message = *refused
        .expect_err("a delay over MAX_DELAY was accepted")
        .downcast::<std::string::String>()
        .expect("the host's panic message");
    assert!(message.contains("Error(Contract, #106)"), "{message}");
}

#[test]
fn the_emergency_role_pauses_but_only_the_admin_resumes() {
    let s = setup();
    let guard = Address::generate(&s.env);
    s.client.grant_role(&access::EMERGENCY, &guard);
    assert_eq!(
        s.client.try_pause(&s.stranger),
        Err(Ok(Error::Unauthorized))
    );
    s.client.pause(&guard);
    assert_authorized_only(&s.env, &guard, &s.client.address, "pause");
    assert!(s.client.is_paused());

    assert_eq!(s.client.try_unpause(&guard), Err(Ok(Error::Unauthorized)));
    assert_eq!(
        s.client.try_unpause(&s.stranger),
        Err(Ok(Error::Unauthorized))
    );
    assert!(s.client.is_paused());

    // Someone signing for the admin is refused.
    let invoke = MockAuthInvoke {
        contract: &s.client.address,
        fn_name: "unpause",
        args: (s.admin.clone(),).into_val(&s.env),
        sub_invokes: &[],
    };
    let result = s
        .client
        .mock_auths(&signed_by(&s.stranger, &invoke))
        .try_unpause(&s.admin);
    assert_auth_refused(&s.env, result);
    assert!(s.client.is_paused());

    s.env.mock_all_auths();
    s.client.unpause(&s.admin);
    assert_authorized_only(&s.env, &s.admin, &s.client.address, "unpause");
    assert!(!s.client.is_paused());
}
