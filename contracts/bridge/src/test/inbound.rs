//! `complete`: quorum, signatures, replay, message checks, liquidity.
use super::*;
use crate::events;

#[test]
fn quorum_of_three_of_four_releases_to_recipient() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(7, 3_000, &recipient);
    let attestations = s.attest_message(&message, &[0, 1, 2]);
    let before = s.balance();
    s.client.complete(&message, &attestations);
    // Anyone may relay: the signatures are the authorization.
    s.assert_no_auths();
    s.assert_emitted(&events::Completed {
        nonce: 7,
        source_chain: REMOTE,
        recipient: recipient.clone(),
        amount: 3_000,
        attested_stake: 3 * STAKE,
    });
    assert_eq!(s.token.balance(&recipient), 3_000);
    assert_eq!(s.balance(), before - 3_000);
    assert_eq!(s.totals().liquidity, LIQUIDITY - 3_000);
    assert!(s.completed(7));
    assert!(!s.completed(8));
}

#[test]
fn all_four_may_attest() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    s.client
        .complete(&message, &s.attest_message(&message, &[3, 1, 0, 2]));
    assert_eq!(s.token.balance(&recipient), 10);
}

#[test]
fn two_thirds_exactly_is_not_a_quorum() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    for signers in [&[][..], &[0][..], &[0, 1][..], &[2, 3][..]] {
        assert_eq!(
            s.client
                .try_complete(&message, &s.attest_message(&message, signers)),
            Err(Ok(Error::QuorumNotReached))
        );
    }
    // With validator 3 gone, 2 of 3 is exactly two thirds: still refused.
    s.client.deactivate_validator(&s.validators[3]);
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1])),
        Err(Ok(Error::QuorumNotReached))
    );
    assert_eq!(s.token.balance(&recipient), 0);
    assert!(!s.completed(1));
}

#[test]
fn unequal_stakes_count_by_stake_not_heads() {
    let s = Setup::bare();
    // Validator 0 bonds 5x; validators 1..=3 the minimum: total 8.
    let proof = s.proof(0, 0);
    s.client
        .register_validator(&s.validators[0], &s.public_key(0), &(5 * STAKE), &proof);
    s.activate(0);
    for i in 1..4 {
        s.add_validator(i);
    }
    s.set_limits(REMOTE, PER_TRANSFER, PER_DAY);
    s.client.fund(&s.admin, &LIQUIDITY);
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    // Three small validators: 3 of 8, refused.
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[1, 2, 3])),
        Err(Ok(Error::QuorumNotReached))
    );
    // The big one alone: 5 of 8 = 62.5%, refused; with one more: 6 of 8.
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0])),
        Err(Ok(Error::QuorumNotReached))
    );
    s.client
        .complete(&message, &s.attest_message(&message, &[0, 2]));
    assert_eq!(s.token.balance(&recipient), 10);
}

#[test]
fn signature_by_a_key_that_is_not_the_validators_aborts() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    let digest = s.digest(&message);
    let mut attestations = s.attest(&digest, &[0, 1]);
    // Claims to be validator 2, but signed with an unregistered key.
    attestations.push_back(Attestation {
        validator: s.validators[2].clone(),
        signature: s.sign(6, &digest),
    });
    assert!(matches!(
        s.client.try_complete(&message, &attestations),
        Err(Err(_))
    ));
    assert_eq!(s.token.balance(&recipient), 0);
    assert!(!s.completed(1));
}

#[test]
fn signatures_over_other_bytes_abort() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    // Signed for 10, submitted for 4_000.
    let attestations = s.attest_message(&message, &[0, 1, 2]);
    let mut inflated = message.clone();
    inflated.amount = 4_000;
    assert!(matches!(
        s.client.try_complete(&inflated, &attestations),
        Err(Err(_))
    ));
    // Signed for another bridge deployment (the digest binds the address).
    let other = Address::generate(&s.env);
    let foreign = crate::message_digest(&s.env, &other, &message);
    assert!(matches!(
        s.client
            .try_complete(&message, &s.attest(&foreign, &[0, 1, 2])),
        Err(Err(_))
    ));
    // A completion attestation is not a release attestation.
    assert!(matches!(
        s.client
            .try_complete(&message, &s.attest_completion(1, &[0, 1, 2])),
        Err(Err(_))
    ));
    assert_eq!(s.token.balance(&recipient), 0);
}

#[test]
fn unknown_validator_is_refused() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    // Validator 5 was never registered.
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1, 5])),
        Err(Ok(Error::ValidatorNotFound))
    );
    // Registered but not activated.
    s.register(5);
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1, 5])),
        Err(Ok(Error::ValidatorNotActive))
    );
}

#[test]
fn duplicate_attestation_is_refused() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    // Validator 0 three times would be 3 of 4 if counted.
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1, 0])),
        Err(Ok(Error::DuplicateAttestation))
    );
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 0, 0, 0])),
        Err(Ok(Error::DuplicateAttestation))
    );
    assert_eq!(s.token.balance(&recipient), 0);
}

#[test]
fn replay_of_a_completed_nonce_is_refused() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    let attestations = s.attest_message(&message, &[0, 1, 2]);
    s.client.complete(&message, &attestations);
    assert_eq!(
        s.client.try_complete(&message, &attestations),
        Err(Ok(Error::AlreadyCompleted))
    );
    // Same (source chain, nonce), different content, fully signed: still once.
    let mut other = message.clone();
    other.amount = 20;
    assert_eq!(
        s.client
            .try_complete(&other, &s.attest_message(&other, &[0, 1, 2])),
        Err(Ok(Error::AlreadyCompleted))
    );
    assert_eq!(s.token.balance(&recipient), 10);
}

#[test]
fn message_checks() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let good = s.message(1, 10, &recipient);
    let check = |message: &InboundMessage, error: Error| {
        let attestations = s.attest_message(message, &[0, 1, 2]);
        assert_eq!(
            s.client.try_complete(message, &attestations),
            Err(Ok(error))
        );
    };
    let mut m = good.clone();
    m.dest_chain = 3;
    check(&m, Error::WrongDestination);
    let mut m = good.clone();
    m.token = Address::generate(&s.env);
    check(&m, Error::WrongToken);
    let mut m = good.clone();
    m.amount = 0;
    check(&m, Error::InvalidAmount);
    let mut m = good.clone();
    m.amount = -5;
    check(&m, Error::InvalidAmount);
    let mut m = good.clone();
    m.source_chain = 9;
    check(&m, Error::UnsupportedChain);
    let mut m = good.clone();
    m.source_chain = LOCAL;
    check(&m, Error::UnsupportedChain);
    let mut m = good.clone();
    m.amount = PER_TRANSFER + 1;
    check(&m, Error::TransferLimitExceeded);
    let mut m = good.clone();
    m.expires_at = s.now();
    check(&m, Error::MessageExpired);
    assert_eq!(s.token.balance(&recipient), 0);
}

#[test]
fn release_is_limited_to_free_liquidity() {
    let s = Setup::bare();
    for i in 0..4 {
        s.add_validator(i);
    }
    s.set_limits(REMOTE, PER_TRANSFER, PER_DAY);
    // Stakes (4_000) and a pending lock (2_000) are in the contract, but are
    // not liquidity.
    s.lock(2_000);
    assert_eq!(s.balance(), 4 * STAKE + 2_000);
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 100, &recipient);
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1, 2])),
        Err(Ok(Error::InsufficientLiquidity))
    );
    s.client.fund(&s.user, &100);
    s.client
        .complete(&message, &s.attest_message(&message, &[0, 1, 2]));
    assert_eq!(s.token.balance(&recipient), 100);
    assert_eq!(s.balance(), 4 * STAKE + 2_000);
    assert_eq!(s.totals().liquidity, 0);
}

#[test]
fn unbonding_validators_do_not_count() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    s.client.begin_unbonding(&s.validators[3]);
    assert_eq!(s.totals().active_stake, 3 * STAKE);
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1, 3])),
        Err(Ok(Error::ValidatorNotActive))
    );
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1])),
        Err(Ok(Error::QuorumNotReached))
    );
    s.client
        .complete(&message, &s.attest_message(&message, &[0, 1, 2]));
    assert_eq!(s.token.balance(&recipient), 10);
}

#[test]
fn pause_and_chain_pause_stop_completion() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    let attestations = s.attest_message(&message, &[0, 1, 2]);
    s.client.pause(&s.admin);
    assert_eq!(
        s.client.try_complete(&message, &attestations),
        Err(Ok(Error::Paused))
    );
    s.client.unpause(&s.admin);
    s.client.pause_chain(&s.admin, &REMOTE);
    assert_eq!(
        s.client.try_complete(&message, &attestations),
        Err(Ok(Error::ChainPaused))
    );
    s.client.resume_chain(&s.admin, &REMOTE);
    s.client.complete(&message, &attestations);
    assert_eq!(s.token.balance(&recipient), 10);
}

#[test]
fn inbound_daily_limit_rolls_over() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let mut nonce = 0;
    let mut complete = |amount: i128| {
        nonce += 1;
        let message = s.message(nonce, amount, &recipient);
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1, 2]))
    };
    assert_eq!(complete(PER_TRANSFER), Ok(Ok(())));
    assert_eq!(complete(PER_TRANSFER), Ok(Ok(())));
    assert_eq!(complete(PER_TRANSFER), Err(Ok(Error::DailyLimitExceeded)));
    assert_eq!(complete(PER_DAY - 2 * PER_TRANSFER), Ok(Ok(())));
    s.advance(25 * 3_600);
    assert_eq!(complete(PER_TRANSFER), Ok(Ok(())));
    assert_eq!(s.token.balance(&recipient), PER_DAY + PER_TRANSFER);
}

#[test]
fn digest_format_is_tag_kind_bridge_payload() {
    use soroban_sdk::xdr::ToXdr;
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    let mut preimage = Bytes::from_slice(&s.env, b"teachlink-bridge-v1");
    preimage.push_back(0x01);
    preimage.append(&s.client.address.clone().to_xdr(&s.env));
    preimage.append(&message.clone().to_xdr(&s.env));
    let expected: BytesN<32> = s.env.crypto().sha256(&preimage).into();
    assert_eq!(s.digest(&message), expected);

    let mut preimage = Bytes::from_slice(&s.env, b"teachlink-bridge-v1");
    preimage.push_back(0x02);
    preimage.append(&s.client.address.clone().to_xdr(&s.env));
    preimage.append(&7u64.to_xdr(&s.env));
    let expected: BytesN<32> = s.env.crypto().sha256(&preimage).into();
    assert_eq!(
        crate::completion_digest(&s.env, &s.client.address, 7),
        expected
    );
    // The payload is the ScVal map XDR: it starts with SCV_MAP (17).
    let xdr = message.to_xdr(&s.env);
    assert_eq!(xdr.slice(0..4), Bytes::from_array(&s.env, &[0, 0, 0, 17]));
}

#[test]
fn below_the_active_floor_nothing_is_a_quorum() {
    // Floor: three validators and 3 * STAKE. Validators unbond without
    // anyone's permission; the ones left must not become a quorum alone.
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    let nonce = s.lock(10);
    s.client.begin_unbonding(&s.validators[3]);
    s.client.begin_unbonding(&s.validators[2]);
    // Both left are all the active stake, yet below the floor.
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1])),
        Err(Ok(Error::ActiveSetTooSmall))
    );
    assert_eq!(
        s.client
            .try_confirm_completed(&nonce, &s.attest_completion(nonce, &[0, 1])),
        Err(Ok(Error::ActiveSetTooSmall))
    );
    assert_eq!(s.token.balance(&recipient), 0);
    // Back at the floor, the same two of three are still not a quorum, and
    // three are.
    s.add_validator(4);
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1])),
        Err(Ok(Error::QuorumNotReached))
    );
    s.client
        .complete(&message, &s.attest_message(&message, &[0, 1, 4]));
    assert_eq!(s.token.balance(&recipient), 10);
}

#[test]
fn the_stake_floor_counts_too() {
    // One validator would do by count, but not by stake.
    let s = Setup::bare_with(|c| {
        c.min_active_validators = 1;
        c.min_active_stake = 2 * STAKE;
    });
    s.add_validator(0);
    s.set_limits(REMOTE, PER_TRANSFER, PER_DAY);
    s.client.fund(&s.admin, &LIQUIDITY);
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0])),
        Err(Ok(Error::ActiveSetTooSmall))
    );
    s.add_validator(1);
    s.client
        .complete(&message, &s.attest_message(&message, &[0, 1]));
    assert_eq!(s.token.balance(&recipient), 10);
}

#[test]
fn what_is_wrong_without_signatures_is_refused_before_any_is_verified() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let message = s.message(1, 10, &recipient);
    let digest = s.digest(&message);
    // A garbage signature first: verifying it would abort the call.
    let garbage = Attestation {
        validator: s.validators[0].clone(),
        signature: BytesN::from_array(&s.env, &[7; 64]),
    };
    let with_garbage = |rest: Vec<Attestation>| {
        let mut all = Vec::from_array(&s.env, [garbage.clone()]);
        all.append(&rest);
        all
    };
    s.register(5);
    assert_eq!(
        s.client
            .try_complete(&message, &with_garbage(s.attest(&digest, &[1, 5]))),
        Err(Ok(Error::ValidatorNotActive))
    );
    assert_eq!(
        s.client
            .try_complete(&message, &with_garbage(s.attest(&digest, &[1, 0]))),
        Err(Ok(Error::DuplicateAttestation))
    );
    assert_eq!(
        s.client
            .try_complete(&message, &with_garbage(s.attest(&digest, &[1]))),
        Err(Ok(Error::QuorumNotReached))
    );
    assert_eq!(
        s.client
            .try_complete(&message, &with_garbage(s.attest(&digest, &[6]))),
        Err(Ok(Error::ValidatorNotFound))
    );
    assert!(!s.completed(1));
}

#[test]
fn only_the_configured_source_bridge_is_accepted() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let mut message = s.message(1, 10, &recipient);
    message.source_bridge = BytesN::from_array(&s.env, &[0xEE; 32]);
    assert_eq!(
        s.client
            .try_complete(&message, &s.attest_message(&message, &[0, 1, 2])),
        Err(Ok(Error::WrongSourceBridge))
    );
    assert_eq!(s.token.balance(&recipient), 0);
}

#[test]
fn a_redeployed_source_bridge_starts_its_nonces_afresh() {
    let s = Setup::new();
    let recipient = Address::generate(&s.env);
    let old = s.message(1, 10, &recipient);
    s.client.complete(&old, &s.attest_message(&old, &[0, 1, 2]));
    // The remote chain redeploys its bridge, whose first nonce is 1 again.
    let redeployed = BytesN::from_array(&s.env, &[0xC3; 32]);
    s.set_limits_from(REMOTE, &redeployed, PER_TRANSFER, PER_DAY);
    assert_eq!(
        s.client
            .try_complete(&old, &s.attest_message(&old, &[0, 1, 2])),
        Err(Ok(Error::WrongSourceBridge))
    );
    let mut new = s.message(1, 20, &recipient);
    new.source_bridge = redeployed.clone();
    s.client.complete(&new, &s.attest_message(&new, &[0, 1, 2]));
    assert_eq!(s.token.balance(&recipient), 30);
    assert!(s.completed_from(&redeployed, 1));
    assert!(s.completed(1));
    assert_eq!(
        s.client
            .try_complete(&new, &s.attest_message(&new, &[0, 1, 2])),
        Err(Ok(Error::AlreadyCompleted))
    );
}
