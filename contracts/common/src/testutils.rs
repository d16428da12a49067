//! Test support shared by the contract crates.
extern crate std;
use soroban_sdk::{testutils::EnvTestConfig, Env};

/// A test `Env` that does not write a ledger snapshot file per test into
/// the source tree (the SDK's default).
pub fn env() -> Env {
    Env::new_with_config(EnvTestConfig {
        capture_snapshot_at_drop: false,
    })
}

/// Asserts that the last top-level call emitted `event` from `contract`.
pub fn assert_emitted(env: &Env, contract: &soroban_sdk::Address, event: &impl soroban_sdk::Event) {
    use soroban_sdk::testutils::Events as _;
    let expected = event.to_xdr(env, contract);
    let all = env.events().all();
    assert!(
        all.events().contains(&expected),
        "event not emitted: {expected:?}\nemitted: {:?}",
        all.events()
    );
}

/// Asserts that the last call required exactly `who`'s authorization, for
/// `fn_name` on `contract`, and nobody else's.
pub fn assert_authorized_only(
    env: &Env,
    who: &soroban_sdk::Address,
    contract: &soroban_sdk::Address,
    fn_name: &str,
) {
    let auths = env.auths();
    assert_eq!(auths.len(), 1, "expected one authorizer, got {auths:?}");
    let (address, invocation) = &auths[0];
    assert_eq!(address, who);
    match &invocation.function {
        soroban_sdk::testutils::AuthorizedFunction::Contract((called, name, _)) => {
            assert_eq!(called, contract);
            assert_eq!(name, &soroban_sdk::Symbol::new(env, fn_name));
        }
        other => panic!("unexpected authorized function {other:?}"),
    }
}

/// Whether a call in this `env` failed because an address did not authorize
/// it (the host's `Error(Auth, InvalidAction)`), rather than for any other
/// reason, which a bare `is_err()` would accept too.
pub fn refused_for_missing_auth(env: &Env) -> bool {
    use soroban_sdk::xdr::{ContractEventBody, ScError, ScErrorCode, ScVal};
    let auth_error = ScVal::Error(ScError::Auth(ScErrorCode::InvalidAction));
    let events = env
        .host()
        .get_diagnostic_events()
        .expect("diagnostic events are recorded in tests");
    events.0.iter().any(|e| match &e.event.body {
        ContractEventBody::V0(body) => body.topics.contains(&auth_error),
    })
}
