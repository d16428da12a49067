//! Who may call what: every guarded entry point refuses a wrong signer, and
//! the admin, role, pause and constructor rules.
use soroban_sdk::testutils::{MockAuth, MockAuthInvoke};
use teachlink_common::access::EMERGENCY;

use super::*;
use crate::MAX_VALIDATORS;

/// Calls with only `who`'s authorization available, asserts the call failed,
/// then restores mocked auth for the rest of the test.
macro_rules! refused_when_signed_by {
    ($s:expr, $who:expr, $fn_name:literal, $args:expr, $($call:tt)*) => {{
        let invoke = MockAuthInvoke {
            contract: &$s.client.address,
            fn_name: $fn_name,
            args: $args,
            sub_invokes: &[],
        };
        let auths = [MockAuth { address: $who, invoke: &invoke }];
        let client = $s.client.mock_auths(&auths);
        assert!(client.$($call)*.is_err(), "{} accepted a wrong signer", $fn_name);
        $s.env.mock_all_auths();
    }};
}

#[test]
fn validator_entry_points_need_the_validators_signature() {
    let s = Setup::new();
    let v = s.validators[5].clone();
    let key = s.public_key(5);
    let proof = s.proof(5, 5);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "register_validator",
        args(&s.env, (v.clone(), key.clone(), STAKE, proof.clone())),
        try_register_validator(&v, &key, &STAKE, &proof)
    );
    assert_eq!(s.validator(5), Err(Error::ValidatorNotFound));

    let v0 = s.validators[0].clone();
    refused_when_signed_by!(
        s,
        &s.admin,
        "begin_unbonding",
        args(&s.env, (v0.clone(),)),
        try_begin_unbonding(&v0)
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Active);

    s.client.begin_unbonding(&v0);
    s.advance(UNBONDING);
    refused_when_signed_by!(
        s,
        &s.admin,
        "withdraw_stake",
        args(&s.env, (v0.clone(),)),
        try_withdraw_stake(&v0)
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Unbonding);
}

#[test]
fn rotation_and_limits_need_the_admin() {
    let s = Setup::new();
    s.register(5);
    let v = s.validators[5].clone();
    refused_when_signed_by!(
        s,
        &v,
        "activate_validator",
        args(&s.env, (v.clone(),)),
        try_activate_validator(&v)
    );
    assert_eq!(s.validator(5).unwrap().status, ValidatorStatus::Inactive);
    let v0 = s.validators[0].clone();
    refused_when_signed_by!(
        s,
        &s.stranger,
        "deactivate_validator",
        args(&s.env, (v0.clone(),)),
        try_deactivate_validator(&v0)
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Active);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "set_chain_limits",
        args(&s.env, (REMOTE, s.source_bridge(), 1i128, 1i128)),
        try_set_chain_limits(&REMOTE, &s.source_bridge(), &1, &1)
    );
    let chain = s
        .env
        .as_contract(&s.client.address, || storage::chain(&s.env, REMOTE))
        .unwrap();
    assert_eq!(chain.per_transfer, PER_TRANSFER);
    let hash = BytesN::from_array(&s.env, &[1; 32]);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "upgrade",
        args(&s.env, (hash.clone(),)),
        try_upgrade(&hash)
    );
}

#[test]
fn transfers_need_the_senders_signature() {
    let s = Setup::new();
    let to = s.recipient_bytes();
    refused_when_signed_by!(
        s,
        &s.stranger,
        "lock",
        args(&s.env, (s.user.clone(), 10i128, REMOTE, to.clone())),
        try_lock(&s.user, &10, &REMOTE, &to)
    );
    assert_eq!(s.totals().last_nonce, 0);
    let nonce = s.lock(10);
    s.advance(2 * TIMEOUT);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "refund",
        args(&s.env, (s.user.clone(), nonce)),
        try_refund(&s.user, &nonce)
    );
    assert_eq!(s.transfer(nonce).unwrap().status, TransferStatus::Pending);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "fund",
        args(&s.env, (s.user.clone(), 10i128)),
        try_fund(&s.user, &10)
    );
    assert_eq!(s.totals().liquidity, LIQUIDITY);
}

#[test]
fn only_the_emergency_role_or_admin_pauses() {
    let s = Setup::new();
    // A stranger signing for itself lacks the role.
    assert_eq!(
        s.client.try_pause_chain(&s.stranger, &REMOTE),
        Err(Ok(Error::Unauthorized))
    );
    assert_eq!(
        s.client.try_pause(&s.stranger),
        Err(Ok(Error::Unauthorized))
    );
    // Someone signing for the admin is refused.
    refused_when_signed_by!(
        s,
        &s.stranger,
        "pause_chain",
        args(&s.env, (s.admin.clone(), REMOTE)),
        try_pause_chain(&s.admin, &REMOTE)
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "pause",
        args(&s.env, (s.admin.clone(),)),
        try_pause(&s.admin)
    );
    assert!(!s.client.is_paused());
    assert!(s
        .client
        .try_lock(&s.user, &1, &REMOTE, &s.recipient_bytes())
        .is_ok());

    let guard = Address::generate(&s.env);
    s.client.grant_role(&EMERGENCY, &guard);
    s.client.pause_chain(&guard, &REMOTE);
    s.assert_authorized_by(&guard, "pause_chain");
    assert_eq!(
        s.client.try_resume_chain(&s.stranger, &REMOTE),
        Err(Ok(Error::Unauthorized))
    );
    s.client.resume_chain(&guard, &REMOTE);
    s.client.pause(&guard);
    assert!(s.client.is_paused());
    s.client.unpause(&guard);
    assert!(!s.client.is_paused());
    s.client.revoke_role(&EMERGENCY, &guard);
    assert_eq!(
        s.client.try_pause_chain(&guard, &REMOTE),
        Err(Ok(Error::Unauthorized))
    );
}

#[test]
fn what_a_pause_leaves_open() {
    let s = Setup::new();
    s.client.pause(&s.admin);
    // Registration, unbonding and funding move nothing out.
    s.register(5);
    s.client.begin_unbonding(&s.validators[3]);
    s.client.fund(&s.user, &1);
    assert!(s.client.is_paused());
    s.client.unpause(&s.admin);
    let nonce = s.lock(10);
    s.client.pause(&s.admin);
    // A confirmation ends the sender's refund right for good: it waits for
    // the pause to end, as the refund does.
    let attestations = s.attest_completion(nonce, &[0, 1, 2]);
    assert_eq!(
        s.client.try_confirm_completed(&nonce, &attestations),
        Err(Ok(Error::Paused))
    );
    assert_eq!(s.transfer(nonce).unwrap().status, TransferStatus::Pending);
    s.client.unpause(&s.admin);
    s.client.confirm_completed(&nonce, &attestations);
    assert_eq!(s.transfer(nonce).unwrap().status, TransferStatus::Completed);
}

#[test]
fn admin_handover_and_roles_are_the_common_ones() {
    let s = Setup::new();
    let next = Address::generate(&s.env);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "transfer_admin",
        args(&s.env, (next.clone(),)),
        try_transfer_admin(&next)
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "grant_role",
        args(&s.env, (EMERGENCY, s.stranger.clone())),
        try_grant_role(&EMERGENCY, &s.stranger)
    );
    assert!(!s.client.has_role(&EMERGENCY, &s.stranger));
    assert_eq!(s.client.admin(), s.admin);
    s.client.transfer_admin(&next);
    assert_eq!(s.client.admin(), next);
    // Slashed stake follows the admin.
    let recipient = Address::generate(&s.env);
    let a = s.message(1, 1, &recipient);
    let mut b = a.clone();
    b.amount = 2;
    s.client.slash(&s.signed(1, &a), &s.signed(1, &b));
    assert_eq!(s.token.balance(&next), STAKE);
}

/// A valid configuration with the shortest unbonding period allowed.
fn least_config(env: &Env) -> Config {
    Config {
        token: Address::generate(env),
        local_chain: LOCAL,
        min_stake: STAKE,
        unbonding_period: 2 * TIMEOUT + crate::UNBONDING_MARGIN,
        max_validators: 4,
        min_active_validators: 4,
        min_active_stake: 1,
        transfer_timeout: TIMEOUT,
    }
}

/// Runs the constructor with `config`: `Ok` if the bridge was created, else
/// the panic message of the failed `register`, which carries the host error.
fn construct(change: impl FnOnce(&mut Config)) -> Result<(), std::string::String> {
    let env = teachlink_common::testutils::env();
    let mut config = least_config(&env);
    change(&mut config);
    let admin = Address::generate(&env);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        env.register(BridgeContract, (admin, config));
    }))
    .map_err(|panic| {
        panic
            .downcast_ref::<std::string::String>()
            .cloned()
            .or_else(|| {
                panic
                    .downcast_ref::<&str>()
                    .map(|s| std::string::String::from(*s))
            })
            .unwrap_or_default()
    })
}

/// One change to a valid configuration.
type Change = fn(&mut Config);

#[test]
fn constructor_refuses_each_invalid_setting_with_invalid_config() {
    // The contract error the constructor's failure carries, as the host
    // prints it: exactly `InvalidConfig`, not any failure.
    let invalid = std::format!("Error(Contract, #{})", Error::InvalidConfig as u32);
    assert_eq!(construct(|_| {}), Ok(()));
    let cases: [(&str, Change); 11] = [
        ("zero min_stake", |c| c.min_stake = 0),
        ("zero min_active_stake", |c| c.min_active_stake = 0),
        ("zero transfer_timeout", |c| c.transfer_timeout = 0),
        ("zero unbonding_period", |c| c.unbonding_period = 0),
        ("unbonding one second short", |c| c.unbonding_period -= 1),
        ("timeout whose double overflows", |c| {
            c.transfer_timeout = u64::MAX / 2 + 1;
            c.unbonding_period = u64::MAX;
        }),
        ("margin that overflows", |c| {
            c.transfer_timeout = u64::MAX / 2;
            c.unbonding_period = u64::MAX;
        }),
        ("zero max_validators", |c| c.max_validators = 0),
        ("too many validators", |c| {
            c.max_validators = MAX_VALIDATORS + 1;
            c.min_active_validators = 1;
        }),
        ("zero min_active_validators", |c| {
            c.min_active_validators = 0
        }),
        ("floor above the set's size", |c| {
            c.min_active_validators = 5
        }),
    ];
    for (what, change) in cases {
        let refused = construct(change).expect_err(what);
        assert!(refused.contains(&invalid), "{what}: {refused}");
    }
    // The limits themselves are accepted.
    assert_eq!(
        construct(|c| {
            c.max_validators = MAX_VALIDATORS;
            c.min_active_validators = MAX_VALIDATORS;
        }),
        Ok(())
    );
}

#[test]
fn constructor_stores_the_config() {
    let s = Setup::new();
    let config = s.config();
    assert_eq!(config.local_chain, LOCAL);
    assert_eq!(config.token, s.token.address);
    assert_eq!(config.max_validators, 5);
    assert_eq!(s.client.admin(), s.admin);
}
