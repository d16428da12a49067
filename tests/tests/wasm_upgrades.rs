//! Upgrades through the admin timelock, on each contract's release Wasm:
//! refused for a stranger by the host's auth check, refused before the delay
//! and without a proposal, then a real uploaded Wasm replaces the code in
//! place (the contract's own entry points disappear, the shared admin ones
//! read the same storage) and the proposal is consumed.
use soroban_sdk::{
    testutils::{Address as _, Ledger as _, MockAuthInvoke},
    vec, Address, BytesN, Env, IntoVal, InvokeError, Symbol, TryFromVal, Val, Vec,
};
use teachlink_common::testutils::{assert_auth_refused, signed_by};
use teachlink_tests::{
    fixtures::{
        bridge::{BridgeWorld, REMOTE},
        content::ContentWorld,
        escrow::EscrowWorld,
        reputation::ReputationWorld,
        rewards::RewardsWorld,
        START_TIME, TIMELOCK_DELAY,
    },
    wasm, Build,
};

/// The shared codes every contract's error enum carries.
const NOT_PROPOSED: u32 = 103;
const TIMELOCK_NOT_READY: u32 = 104;

type Outcome<T> = Result<T, Result<soroban_sdk::Error, InvokeError>>;

fn call<T: TryFromVal<Env, Val>>(
    env: &Env,
    id: &Address,
    name: &str,
    args: Vec<Val>,
) -> Outcome<T> {
    env.try_invoke_contract::<T, soroban_sdk::Error>(id, &Symbol::new(env, name), args)
        .map(|ok| ok.unwrap_or_else(|_| panic!("{name} returned another type")))
}

fn contract_error<T>(code: u32) -> Outcome<T> {
    Err(Ok(soroban_sdk::Error::from_contract_error(code)))
}

/// Asserts that the last call failed because the contract has no such
/// function (the host's `Error(WasmVm, MissingValue)`), nothing else.
fn assert_missing_function(env: &Env, outcome: Outcome<Val>) {
    use soroban_sdk::xdr::{ContractEventBody, ScError, ScErrorCode, ScVal};
    assert!(outcome.is_err(), "the old entry point still answers");
    let missing = ScVal::Error(ScError::WasmVm(ScErrorCode::MissingValue));
    let events = env.host().get_diagnostic_events().unwrap();
    assert!(
        events.0.iter().any(|e| match &e.event.body {
            ContractEventBody::V0(body) => body.topics.contains(&missing),
        }),
        "{outcome:?} {events:?}"
    );
}

/// Upgrades `id` (admin `admin`) to the rewards contract's Wasm; `own` is
/// an entry point (called with `own_args`, by the admin) only the original code
/// has.
fn upgrade_through_the_timelock(
    env: &Env,
    id: &Address,
    admin: &Address,
    own: &str,
    own_args: Vec<Val>,
) {
    let hash: BytesN<32> = env
        .deployer()
        .upload_contract_wasm(wasm("rewards").as_slice());
    let op = Symbol::new(env, "upgrade");
    let op_args: Vec<Val> = vec![env, hash.to_val()];
    let upgrade_args: Vec<Val> = (hash.clone(),).into_val(env);
    assert!(call::<Val>(env, id, own, own_args.clone()).is_ok());

    assert_eq!(
        call::<()>(env, id, "upgrade", upgrade_args.clone()),
        contract_error(NOT_PROPOSED)
    );
    let proposed = call(
        env,
        id,
        "propose",
        (op.clone(), op_args.clone()).into_val(env),
    );
    let ready_at = START_TIME + TIMELOCK_DELAY;
    assert_eq!(proposed, Ok(ready_at));
    env.ledger().set_timestamp(ready_at - 1);
    assert_eq!(
        call::<()>(env, id, "upgrade", upgrade_args.clone()),
        contract_error(TIMELOCK_NOT_READY)
    );

    env.ledger().set_timestamp(ready_at);
    let stranger = Address::generate(env);
    let invoke = MockAuthInvoke {
        contract: id,
        fn_name: "upgrade",
        args: upgrade_args.clone(),
        sub_invokes: &[],
    };
    env.mock_auths(&signed_by(&stranger, &invoke));
    assert_auth_refused(env, call::<()>(env, id, "upgrade", upgrade_args.clone()));

    env.mock_auths(&signed_by(admin, &invoke));
    assert!(call::<()>(env, id, "upgrade", upgrade_args.clone()).is_ok());
    env.mock_all_auths();
    // The rewards code runs now: the original's own view is gone, the
    // shared admin view reads the same instance storage.
    let gone = call::<Val>(env, id, own, own_args);
    assert_missing_function(env, gone);
    assert_eq!(
        call::<Address>(env, id, "admin", Vec::new(env)),
        Ok(admin.clone())
    );
    // Consumed: running it again needs a new proposal.
    assert_eq!(
        call::<()>(env, id, "upgrade", upgrade_args),
        contract_error(NOT_PROPOSED)
    );
}

#[test]
fn escrow_upgrades_through_the_timelock() {
    let w = EscrowWorld::new(Build::Wasm);
    upgrade_through_the_timelock(
        &w.world.env,
        &w.client.address,
        &w.world.admin,
        "escrow_count",
        Vec::new(&w.world.env),
    );
}

#[test]
fn content_upgrades_through_the_timelock() {
    let w = ContentWorld::new(Build::Wasm);
    upgrade_through_the_timelock(
        &w.world.env,
        &w.client.address,
        &w.world.admin,
        "balance",
        (w.world.admin.clone(),).into_val(&w.world.env),
    );
}

#[test]
fn reputation_upgrades_through_the_timelock() {
    let w = ReputationWorld::new(Build::Wasm);
    upgrade_through_the_timelock(
        &w.world.env,
        &w.client.address,
        &w.world.admin,
        "profile",
        (w.world.admin.clone(),).into_val(&w.world.env),
    );
}

#[test]
fn bridge_upgrades_through_the_timelock() {
    let w = BridgeWorld::new(Build::Wasm, 4);
    upgrade_through_the_timelock(
        &w.world.env,
        &w.client.address,
        &w.world.admin,
        "pause_chain",
        (w.world.admin.clone(), REMOTE).into_val(&w.world.env),
    );
}

#[test]
fn rewards_upgrades_through_the_timelock() {
    let w = RewardsWorld::new(Build::Wasm);
    // To the escrow's code this time: the rewards' own `pool` disappears.
    let env = &w.world.env;
    let hash: BytesN<32> = env
        .deployer()
        .upload_contract_wasm(wasm("escrow").as_slice());
    let op_args: Vec<Val> = vec![env, hash.to_val()];
    w.client.propose(&Symbol::new(env, "upgrade"), &op_args);
    env.ledger().set_timestamp(START_TIME + TIMELOCK_DELAY);
    w.client.upgrade(&hash);
    let gone = call::<Val>(env, &w.client.address, "pool", Vec::new(env));
    assert_missing_function(env, gone);
    assert_eq!(w.client.admin(), w.world.admin);
}
