//! Test support shared by the contract crates.
extern crate std;
use soroban_sdk::{testutils::EnvTestConfig, Env};

/// The timelock delay the contract tests deploy with (an hour): long
/// enough that a test must move the clock, as a real deployment must wait.
pub const TIMELOCK_DELAY: u64 = 3_600;

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

/// Whether the last call failed because an address did not authorize it
/// (the host's `Error(Auth, InvalidAction)`), rather than for any other
/// reason, which `is_err()` alone would accept.
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

/// Asserts that `result`, a `try_` call's, is a refusal for a missing
/// authorization and nothing else: an entry point returning `Result` aborts
/// (`Err(Err(InvokeError::Abort))`), one returning nothing fails with the
/// host's `Error(Context, InvalidAction)`, and either way the host logged
/// `Error(Auth, InvalidAction)` for this call.
pub fn assert_auth_refused<T, E>(env: &Env, result: Result<T, Result<E, soroban_sdk::InvokeError>>)
where
    T: core::fmt::Debug,
    E: core::fmt::Debug + Into<soroban_sdk::Error>,
{
    use soroban_sdk::xdr::{ScErrorCode, ScErrorType};
    let shape = std::format!("{result:?}");
    let refused = match result {
        Err(Err(soroban_sdk::InvokeError::Abort)) => true,
        Err(Ok(e)) => {
            e.into()
                == soroban_sdk::Error::from_type_and_code(
                    ScErrorType::Context,
                    ScErrorCode::InvalidAction,
                )
        }
        _ => false,
    };
    assert!(refused, "expected an authorization refusal, got {shape}");
    assert!(
        refused_for_missing_auth(env),
        "{shape} was not an authorization refusal"
    );
}

/// `signer` authorizes exactly `fn_name(args)` on `contract`, nothing else:
/// pass to a client's `mock_auths`.
pub fn signed_by<'a>(
    signer: &'a soroban_sdk::Address,
    invoke: &'a soroban_sdk::testutils::MockAuthInvoke<'a>,
) -> [soroban_sdk::testutils::MockAuth<'a>; 1] {
    [soroban_sdk::testutils::MockAuth {
        address: signer,
        invoke,
    }]
}

/// Calls `$s.client.$call` with only `$who`'s authorization of exactly this
/// call (`$fn_name` with `$args`) available, asserts the host refused it for
/// that missing authorization (not for any other reason), then restores
/// mocked auth. `$s` has `env` and `client` fields.
#[macro_export]
macro_rules! refused_when_signed_by {
    ($s:expr, $who:expr, $fn_name:literal, $args:expr, $($call:tt)*) => {{
        let invoke = ::soroban_sdk::testutils::MockAuthInvoke {
            contract: &$s.client.address,
            fn_name: $fn_name,
            args: $args,
            sub_invokes: &[],
        };
        let auths = $crate::testutils::signed_by($who, &invoke);
        let client = $s.client.mock_auths(&auths);
        $crate::testutils::assert_auth_refused(&$s.env, client.$($call)*);
        $s.env.mock_all_auths();
    }};
}

/// The positive control of [`refused_when_signed_by!`]: the same call with
/// only `$who`'s authorization of exactly it (and of `$sub`, the calls it
/// signs for inside) succeeds. Restores mocked auth.
#[macro_export]
macro_rules! accepted_when_signed_by {
    ($s:expr, $who:expr, $fn_name:literal, $args:expr, $sub:expr, $($call:tt)*) => {{
        let invoke = ::soroban_sdk::testutils::MockAuthInvoke {
            contract: &$s.client.address,
            fn_name: $fn_name,
            args: $args,
            sub_invokes: $sub,
        };
        let auths = $crate::testutils::signed_by($who, &invoke);
        let client = $s.client.mock_auths(&auths);
        let result = client.$($call)*;
        assert!(matches!(result, Ok(Ok(_))), "{} refused its party: {result:?}", $fn_name);
        $s.env.mock_all_auths();
    }};
}
