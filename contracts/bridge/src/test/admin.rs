//! Who may call what: every guarded entry point refuses a wrong signer, and
//! the admin, role, pause and constructor rules.
use soroban_sdk::testutils::MockAuthInvoke;
use teachlink_common::{
    access::EMERGENCY,
    events::{Executed, Proposed},
};

use super::*;
use crate::MAX_VALIDATORS;
use teachlink_common::{accepted_when_signed_by, refused_when_signed_by};

/// The bridge-token `transfer` that `from` signs for inside a call.
fn token_move<'a>(s: &'a Setup, from: &Address, amount: i128) -> MockAuthInvoke<'a> {
    MockAuthInvoke {
        contract: &s.token.address,
        fn_name: "transfer",
        args: args(&s.env, (from.clone(), s.client.address.clone(), amount)),
        sub_invokes: &[],
    }
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
    accepted_when_signed_by!(
        s,
        &v,
        "register_validator",
        args(&s.env, (v.clone(), key.clone(), STAKE, proof.clone())),
        &[token_move(&s, &v, STAKE)],
        try_register_validator(&v, &key, &STAKE, &proof)
    );
    assert_eq!(s.validator(5).unwrap().status, ValidatorStatus::Inactive);

    let v0 = s.validators[0].clone();
    refused_when_signed_by!(
        s,
        &s.admin,
        "begin_unbonding",
        args(&s.env, (v0.clone(),)),
        try_begin_unbonding(&v0)
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Active);
    accepted_when_signed_by!(
        s,
        &v0,
        "begin_unbonding",
        args(&s.env, (v0.clone(),)),
        &[],
        try_begin_unbonding(&v0)
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Unbonding);

    s.advance(UNBONDING);
    refused_when_signed_by!(
        s,
        &s.admin,
        "withdraw_stake",
        args(&s.env, (v0.clone(),)),
        try_withdraw_stake(&v0)
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Unbonding);
    accepted_when_signed_by!(
        s,
        &v0,
        "withdraw_stake",
        args(&s.env, (v0.clone(),)),
        &[],
        try_withdraw_stake(&v0)
    );
    assert_eq!(s.validator(0), Err(Error::ValidatorNotFound));
}

#[test]
fn rotation_and_limits_need_the_admin() {
    let s = Setup::new();
    s.register(5);
    let v = s.validators[5].clone();
    after_delay(
        &s.env,
        &s.client,
        "activate_validator",
        args(&s.env, (v.clone(),)),
        || {
            refused_when_signed_by!(
                s,
                &v,
                "activate_validator",
                args(&s.env, (v.clone(),)),
                try_activate_validator(&v)
            );
            assert_eq!(s.validator(5).unwrap().status, ValidatorStatus::Inactive);
            accepted_when_signed_by!(
                s,
                &s.admin,
                "activate_validator",
                args(&s.env, (v.clone(),)),
                &[],
                try_activate_validator(&v)
            );
        },
    );
    assert_eq!(s.validator(5).unwrap().status, ValidatorStatus::Active);

    let v0 = s.validators[0].clone();
    refused_when_signed_by!(
        s,
        &s.stranger,
        "deactivate_validator",
        args(&s.env, (v0.clone(),)),
        try_deactivate_validator(&v0)
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Active);
    accepted_when_signed_by!(
        s,
        &s.admin,
        "deactivate_validator",
        args(&s.env, (v0.clone(),)),
        &[],
        try_deactivate_validator(&v0)
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Inactive);

    let remote = || {
        s.env
            .as_contract(&s.client.address, || storage::chain(&s.env, REMOTE))
            .unwrap()
    };
    refused_when_signed_by!(
        s,
        &s.stranger,
        "set_chain_limits",
        args(&s.env, (REMOTE, s.source_bridge(), 1i128, 1i128)),
        try_set_chain_limits(&REMOTE, &s.source_bridge(), &1, &1)
    );
    assert_eq!(remote().per_transfer, PER_TRANSFER);
    accepted_when_signed_by!(
        s,
        &s.admin,
        "set_chain_limits",
        args(&s.env, (REMOTE, s.source_bridge(), 1i128, 1i128)),
        &[],
        try_set_chain_limits(&REMOTE, &s.source_bridge(), &1, &1)
    );
    assert_eq!(remote().per_transfer, 1);

    // The auth check comes before the timelock and the hash (never uploaded:
    // the real upgrade is in tests/tests/wasm_bridge.rs).
    let hash = BytesN::from_array(&s.env, &[1; 32]);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "upgrade",
        args(&s.env, (hash.clone(),)),
        try_upgrade(&hash)
    );
    assert_eq!(s.client.try_upgrade(&hash), Err(Ok(Error::NotProposed)));
}

#[test]
fn activation_waits_for_the_timelock_and_deactivation_does_not() {
    let s = Setup::bare();
    s.register(0);
    let v = s.validators[0].clone();
    let op = Symbol::new(&s.env, "activate_validator");
    let op_args = args(&s.env, (v.clone(),));
    assert_eq!(
        s.client.try_activate_validator(&v),
        Err(Ok(Error::NotProposed))
    );
    let ready_at = s.client.propose(&op, &op_args);
    s.assert_authorized_by(&s.admin, "propose");
    assert_eq!(ready_at, START + TIMELOCK_DELAY);
    s.assert_emitted(&Proposed {
        op: op.clone(),
        args: op_args.clone(),
        ready_at,
    });
    s.advance(TIMELOCK_DELAY - 1);
    assert_eq!(
        s.client.try_activate_validator(&v),
        Err(Ok(Error::TimelockNotReady))
    );
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Inactive);
    s.advance(1);
    s.client.activate_validator(&v);
    s.assert_authorized_by(&s.admin, "activate_validator");
    s.assert_emitted(&Executed {
        op: op.clone(),
        args: op_args.clone(),
    });
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Active);

    // Removing a validator (say its key leaked) is immediate...
    s.client.deactivate_validator(&v);
    assert_eq!(s.validator(0).unwrap().status, ValidatorStatus::Inactive);
    // ...bringing it back is a new proposal.
    assert_eq!(
        s.client.try_activate_validator(&v),
        Err(Ok(Error::NotProposed))
    );
    // A pending activation can be withdrawn before it runs.
    s.client.propose(&op, &op_args);
    s.client.cancel_proposal(&op, &op_args);
    s.advance(TIMELOCK_DELAY);
    assert_eq!(
        s.client.try_activate_validator(&v),
        Err(Ok(Error::NotProposed))
    );
}

#[test]
fn raising_limits_waits_for_the_timelock_and_lowering_does_not() {
    let s = Setup::new();
    let op = Symbol::new(&s.env, "set_chain_limits");
    let limits = |chain: u32| {
        s.env
            .as_contract(&s.client.address, || storage::chain(&s.env, chain))
            .map(|c| (c.per_transfer, c.per_day))
    };
    // Raising either limit, or both, or enabling a new chain: proposed first.
    for (chain, per_transfer, per_day) in [
        (REMOTE, PER_TRANSFER + 1, PER_DAY),
        (REMOTE, PER_TRANSFER, PER_DAY + 1),
        (REMOTE, PER_TRANSFER - 1, PER_DAY + 1),
        (3, 1, 1),
    ] {
        assert_eq!(
            s.client
                .try_set_chain_limits(&chain, &s.source_bridge(), &per_transfer, &per_day),
            Err(Ok(Error::NotProposed))
        );
    }
    assert_eq!(limits(3), Err(Error::UnsupportedChain));
    // So is naming another source bridge, even with the same limits.
    let other = BytesN::from_array(&s.env, &[0xEE; 32]);
    assert_eq!(
        s.client
            .try_set_chain_limits(&REMOTE, &other, &PER_TRANSFER, &PER_DAY),
        Err(Ok(Error::NotProposed))
    );

    let raise = args(
        &s.env,
        (REMOTE, s.source_bridge(), 2 * PER_TRANSFER, 2 * PER_DAY),
    );
    s.client.propose(&op, &raise);
    assert_eq!(
        s.client.try_set_chain_limits(
            &REMOTE,
            &s.source_bridge(),
            &(2 * PER_TRANSFER),
            &(2 * PER_DAY)
        ),
        Err(Ok(Error::TimelockNotReady))
    );
    assert_eq!(limits(REMOTE), Ok((PER_TRANSFER, PER_DAY)));
    s.advance(TIMELOCK_DELAY);
    s.client.set_chain_limits(
        &REMOTE,
        &s.source_bridge(),
        &(2 * PER_TRANSFER),
        &(2 * PER_DAY),
    );
    s.assert_authorized_by(&s.admin, "set_chain_limits");
    s.assert_emitted(&Executed {
        op: op.clone(),
        args: raise,
    });
    assert_eq!(limits(REMOTE), Ok((2 * PER_TRANSFER, 2 * PER_DAY)));

    // Lowering (or keeping) both is immediate and needs no proposal.
    s.client
        .set_chain_limits(&REMOTE, &s.source_bridge(), &PER_TRANSFER, &PER_DAY);
    s.assert_authorized_by(&s.admin, "set_chain_limits");
    assert_eq!(limits(REMOTE), Ok((PER_TRANSFER, PER_DAY)));
    s.client
        .set_chain_limits(&REMOTE, &s.source_bridge(), &PER_TRANSFER, &PER_DAY);
    assert_eq!(limits(REMOTE), Ok((PER_TRANSFER, PER_DAY)));
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
    accepted_when_signed_by!(
        s,
        &s.user,
        "lock",
        args(&s.env, (s.user.clone(), 10i128, REMOTE, to.clone())),
        &[token_move(&s, &s.user, 10)],
        try_lock(&s.user, &10, &REMOTE, &to)
    );
    let nonce = s.totals().last_nonce;
    assert_eq!(nonce, 1);
    s.advance(2 * TIMEOUT);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "refund",
        args(&s.env, (s.user.clone(), nonce)),
        try_refund(&s.user, &nonce)
    );
    assert_eq!(s.transfer(nonce).unwrap().status, TransferStatus::Pending);
    accepted_when_signed_by!(
        s,
        &s.user,
        "refund",
        args(&s.env, (s.user.clone(), nonce)),
        &[],
        try_refund(&s.user, &nonce)
    );
    assert_eq!(s.transfer(nonce).unwrap().status, TransferStatus::Refunded);
    refused_when_signed_by!(
        s,
        &s.stranger,
        "fund",
        args(&s.env, (s.user.clone(), 10i128)),
        try_fund(&s.user, &10)
    );
    assert_eq!(s.totals().liquidity, LIQUIDITY);
    accepted_when_signed_by!(
        s,
        &s.user,
        "fund",
        args(&s.env, (s.user.clone(), 10i128)),
        &[token_move(&s, &s.user, 10)],
        try_fund(&s.user, &10)
    );
    assert_eq!(s.totals().liquidity, LIQUIDITY + 10);
}

#[test]
fn the_emergency_role_or_admin_pauses_and_only_the_admin_resumes() {
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
    // Someone signing for the admin is refused; the admin's own signature
    // is accepted.
    let admin_only = args(&s.env, (s.admin.clone(),));
    let admin_and_chain = args(&s.env, (s.admin.clone(), REMOTE));
    refused_when_signed_by!(
        s,
        &s.stranger,
        "pause_chain",
        admin_and_chain.clone(),
        try_pause_chain(&s.admin, &REMOTE)
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "pause",
        admin_only.clone(),
        try_pause(&s.admin)
    );
    assert!(!s.client.is_paused());
    assert!(s
        .client
        .try_lock(&s.user, &1, &REMOTE, &s.recipient_bytes())
        .is_ok());
    accepted_when_signed_by!(
        s,
        &s.admin,
        "pause_chain",
        admin_and_chain.clone(),
        &[],
        try_pause_chain(&s.admin, &REMOTE)
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "resume_chain",
        admin_and_chain.clone(),
        try_resume_chain(&s.admin, &REMOTE)
    );
    accepted_when_signed_by!(
        s,
        &s.admin,
        "resume_chain",
        admin_and_chain,
        &[],
        try_resume_chain(&s.admin, &REMOTE)
    );
    accepted_when_signed_by!(
        s,
        &s.admin,
        "pause",
        admin_only.clone(),
        &[],
        try_pause(&s.admin)
    );
    refused_when_signed_by!(
        s,
        &s.stranger,
        "unpause",
        admin_only.clone(),
        try_unpause(&s.admin)
    );
    assert!(s.client.is_paused());
    accepted_when_signed_by!(
        s,
        &s.admin,
        "unpause",
        admin_only,
        &[],
        try_unpause(&s.admin)
    );
    assert!(!s.client.is_paused());

    let guard = Address::generate(&s.env);
    s.client.grant_role(&EMERGENCY, &guard);
    s.client.pause_chain(&guard, &REMOTE);
    s.assert_authorized_by(&guard, "pause_chain");
    assert_eq!(
        s.client.try_resume_chain(&s.stranger, &REMOTE),
        Err(Ok(Error::Unauthorized))
    );
    // The emergency role stops things; only the admin restarts them.
    assert_eq!(
        s.client.try_resume_chain(&guard, &REMOTE),
        Err(Ok(Error::Unauthorized))
    );
    s.client.resume_chain(&s.admin, &REMOTE);
    s.client.pause(&guard);
    assert!(s.client.is_paused());
    assert_eq!(s.client.try_unpause(&guard), Err(Ok(Error::Unauthorized)));
    assert!(s.client.is_paused());
    s.client.unpause(&s.admin);
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
    accepted_when_signed_by!(
        s,
        &s.admin,
        "grant_role",
        args(&s.env, (EMERGENCY, s.stranger.clone())),
        &[],
        try_grant_role(&EMERGENCY, &s.stranger)
    );
    assert!(s.client.has_role(&EMERGENCY, &s.stranger));
    refused_when_signed_by!(
        s,
        &s.stranger,
        "revoke_role",
        args(&s.env, (EMERGENCY, s.stranger.clone())),
        try_revoke_role(&EMERGENCY, &s.stranger)
    );
    assert!(s.client.has_role(&EMERGENCY, &s.stranger));
    accepted_when_signed_by!(
        s,
        &s.admin,
        "revoke_role",
        args(&s.env, (EMERGENCY, s.stranger.clone())),
        &[],
        try_revoke_role(&EMERGENCY, &s.stranger)
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
        env.register(BridgeContract, (admin, TIMELOCK_DELAY, config));
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
