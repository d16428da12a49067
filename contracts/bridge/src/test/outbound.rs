//! `lock`, `confirm_completed`, `refund`, and the outbound circuit breakers.
use super::*;
use crate::{events, MAX_RECIPIENT_LEN};

#[test]
fn lock_moves_tokens_in_and_numbers_transfers() {
    let s = Setup::new();
    let before = s.balance();
    let nonce = s.lock(1_500);
    assert_eq!(nonce, 1);
    s.assert_authorized_by(&s.user, "lock");
    s.assert_emitted(&events::Locked {
        nonce: 1,
        dest_chain: REMOTE,
        sender: s.user.clone(),
        amount: 1_500,
        recipient: s.recipient_bytes(),
        expires_at: START + TIMEOUT,
    });
    assert_eq!(s.balance(), before + 1_500);
    assert_eq!(s.token.balance(&s.user), 10 * LIQUIDITY - 1_500);
    assert_eq!(
        s.transfer(1),
        Ok(OutboundTransfer {
            sender: s.user.clone(),
            amount: 1_500,
            dest_chain: REMOTE,
            expires_at: START + TIMEOUT,
            status: TransferStatus::Pending,
        })
    );
    // Locked tokens are not liquidity until the completion is confirmed.
    assert_eq!(s.totals().liquidity, LIQUIDITY);
    assert_eq!(s.lock(1), 2);
    assert_eq!(s.totals().last_nonce, 2);
}

#[test]
fn lock_validation() {
    let s = Setup::new();
    let to = s.recipient_bytes();
    let lock = |amount: i128, chain: u32, recipient: &Bytes| {
        s.client.try_lock(&s.user, &amount, &chain, recipient)
    };
    assert_eq!(lock(0, REMOTE, &to), Err(Ok(Error::InvalidAmount)));
    assert_eq!(lock(-1, REMOTE, &to), Err(Ok(Error::InvalidAmount)));
    assert_eq!(
        lock(1, REMOTE, &Bytes::new(&s.env)),
        Err(Ok(Error::InvalidRecipient))
    );
    let long = Bytes::from_slice(&s.env, &[b'x'; MAX_RECIPIENT_LEN as usize + 1]);
    assert_eq!(lock(1, REMOTE, &long), Err(Ok(Error::InvalidRecipient)));
    let longest = Bytes::from_slice(&s.env, &[b'x'; MAX_RECIPIENT_LEN as usize]);
    assert_eq!(lock(1, REMOTE, &longest), Ok(Ok(1)));
    assert_eq!(lock(1, LOCAL, &to), Err(Ok(Error::UnsupportedChain)));
    assert_eq!(lock(1, 77, &to), Err(Ok(Error::UnsupportedChain)));
    assert_eq!(
        lock(PER_TRANSFER + 1, REMOTE, &to),
        Err(Ok(Error::TransferLimitExceeded))
    );
    assert_eq!(s.totals().last_nonce, 1);
}

#[test]
fn outbound_daily_limit_is_a_rolling_window() {
    let s = Setup::new();
    let lock = |amount: i128| {
        s.client
            .try_lock(&s.user, &amount, &REMOTE, &s.recipient_bytes())
    };
    // 10:00 on some day: 5_000; 20:00: 5_000; total 10_000 of 12_000.
    s.env
        .ledger()
        .set_timestamp(START - START % 86_400 + 10 * 3_600);
    let t0 = s.now();
    assert!(lock(PER_TRANSFER).is_ok());
    s.advance(10 * 3_600);
    assert!(lock(PER_TRANSFER).is_ok());
    assert_eq!(lock(2_001), Err(Ok(Error::DailyLimitExceeded)));
    assert!(lock(2_000).is_ok());
    assert_eq!(lock(1), Err(Ok(Error::DailyLimitExceeded)));
    // Next day 09:00: the 10:00 transfer is less than 24h old, still counted.
    s.env.ledger().set_timestamp(t0 + 23 * 3_600);
    assert_eq!(lock(1), Err(Ok(Error::DailyLimitExceeded)));
    // Next day 11:00 (25h later): the 10:00 transfer left the window.
    s.env.ledger().set_timestamp(t0 + 25 * 3_600);
    assert!(lock(PER_TRANSFER).is_ok());
    assert_eq!(lock(1), Err(Ok(Error::DailyLimitExceeded)));
    // Two days of quiet: everything left the window.
    s.advance(3 * 86_400);
    assert!(lock(PER_TRANSFER).is_ok());
    assert!(lock(PER_TRANSFER).is_ok());
    // Limits per chain and direction: inbound from REMOTE is unaffected.
    let recipient = Address::generate(&s.env);
    let message = s.message(1, PER_TRANSFER, &recipient);
    s.client
        .complete(&message, &s.attest_message(&message, &[0, 1, 2]));
}

#[test]
fn chain_limits_are_admin_set_and_validated() {
    let s = Setup::new();
    assert_eq!(
        s.client
            .try_set_chain_limits(&LOCAL, &s.source_bridge(), &1, &1),
        Err(Ok(Error::UnsupportedChain))
    );
    assert_eq!(
        s.client
            .try_set_chain_limits(&3, &s.source_bridge(), &0, &10),
        Err(Ok(Error::InvalidLimits))
    );
    assert_eq!(
        s.client
            .try_set_chain_limits(&3, &s.source_bridge(), &11, &10),
        Err(Ok(Error::InvalidLimits))
    );
    s.set_limits(3, 10, 10);
    s.assert_authorized_by(&s.admin, "set_chain_limits");
    s.assert_emitted(&events::ChainLimitsSet {
        chain: 3,
        per_transfer: 10,
        per_day: 10,
    });
    assert_eq!(
        s.client.try_lock(&s.user, &11, &3, &s.recipient_bytes()),
        Err(Ok(Error::TransferLimitExceeded))
    );
    assert!(s
        .client
        .try_lock(&s.user, &10, &3, &s.recipient_bytes())
        .is_ok());
    // Changing limits keeps a chain's pause.
    s.client.pause_chain(&s.admin, &3);
    s.set_limits(3, 100, 100);
    assert_eq!(
        s.client.try_lock(&s.user, &1, &3, &s.recipient_bytes()),
        Err(Ok(Error::ChainPaused))
    );
}

#[test]
fn confirmed_transfers_become_liquidity_and_cannot_be_refunded() {
    let s = Setup::new();
    let nonce = s.lock(2_000);
    assert_eq!(
        s.client
            .try_confirm_completed(&nonce, &s.attest_completion(nonce, &[0, 1])),
        Err(Ok(Error::QuorumNotReached))
    );
    assert_eq!(
        s.client
            .try_confirm_completed(&9, &s.attest_completion(9, &[0, 1, 2])),
        Err(Ok(Error::TransferNotFound))
    );
    // A release attestation for the same nonce is not a confirmation.
    let other = s.message(nonce, 2_000, &s.user);
    assert!(matches!(
        s.client
            .try_confirm_completed(&nonce, &s.attest_message(&other, &[0, 1, 2])),
        Err(Err(_))
    ));
    s.client
        .confirm_completed(&nonce, &s.attest_completion(nonce, &[0, 1, 2]));
    s.assert_no_auths();
    s.assert_emitted(&events::OutboundConfirmed {
        nonce,
        dest_chain: REMOTE,
        sender: s.user.clone(),
        amount: 2_000,
        attested_stake: 3 * STAKE,
    });
    assert_eq!(s.transfer(nonce).unwrap().status, TransferStatus::Completed);
    assert_eq!(s.totals().liquidity, LIQUIDITY + 2_000);
    assert_eq!(
        s.client
            .try_confirm_completed(&nonce, &s.attest_completion(nonce, &[0, 1, 2])),
        Err(Ok(Error::TransferNotPending))
    );
    s.advance(3 * TIMEOUT);
    assert_eq!(
        s.client.try_refund(&s.user, &nonce),
        Err(Ok(Error::TransferNotPending))
    );
}

#[test]
fn refund_after_expiry_plus_grace() {
    let s = Setup::new();
    let nonce = s.lock(2_000);
    let before = s.token.balance(&s.user);
    // Before expiry, and during the grace period after it: refused.
    assert_eq!(
        s.client.try_refund(&s.user, &nonce),
        Err(Ok(Error::RefundTooEarly))
    );
    s.advance(2 * TIMEOUT - 1);
    assert_eq!(
        s.client.try_refund(&s.user, &nonce),
        Err(Ok(Error::RefundTooEarly))
    );
    s.advance(1);
    // Not the sender: refused even with its own signature.
    assert_eq!(
        s.client.try_refund(&s.stranger, &nonce),
        Err(Ok(Error::Unauthorized))
    );
    assert_eq!(
        s.client.try_refund(&s.user, &99),
        Err(Ok(Error::TransferNotFound))
    );
    s.client.pause(&s.admin);
    assert_eq!(s.client.try_refund(&s.user, &nonce), Err(Ok(Error::Paused)));
    s.client.unpause(&s.admin);
    s.client.pause_chain(&s.admin, &REMOTE);
    assert_eq!(
        s.client.try_refund(&s.user, &nonce),
        Err(Ok(Error::ChainPaused))
    );
    s.client.resume_chain(&s.admin, &REMOTE);

    s.client.refund(&s.user, &nonce);
    s.assert_authorized_by(&s.user, "refund");
    s.assert_emitted(&events::Refunded {
        nonce,
        dest_chain: REMOTE,
        sender: s.user.clone(),
        amount: 2_000,
    });
    assert_eq!(s.token.balance(&s.user), before + 2_000);
    assert_eq!(s.transfer(nonce).unwrap().status, TransferStatus::Refunded);
    assert_eq!(s.totals().liquidity, LIQUIDITY);
    assert_eq!(
        s.client.try_refund(&s.user, &nonce),
        Err(Ok(Error::TransferNotPending))
    );
    // Nor can a late confirmation arrive after the refund.
    assert_eq!(
        s.client
            .try_confirm_completed(&nonce, &s.attest_completion(nonce, &[0, 1, 2])),
        Err(Ok(Error::TransferNotPending))
    );
}

#[test]
fn pause_and_chain_pause_stop_locks() {
    let s = Setup::new();
    s.client.pause(&s.admin);
    assert_eq!(
        s.client
            .try_lock(&s.user, &1, &REMOTE, &s.recipient_bytes()),
        Err(Ok(Error::Paused))
    );
    s.client.unpause(&s.admin);
    s.client.pause_chain(&s.admin, &REMOTE);
    s.assert_emitted(&events::ChainPaused {
        chain: REMOTE,
        by: s.admin.clone(),
    });
    assert_eq!(
        s.client
            .try_lock(&s.user, &1, &REMOTE, &s.recipient_bytes()),
        Err(Ok(Error::ChainPaused))
    );
    s.client.resume_chain(&s.admin, &REMOTE);
    s.assert_emitted(&events::ChainResumed {
        chain: REMOTE,
        by: s.admin.clone(),
    });
    assert_eq!(s.lock(1), 1);
    assert_eq!(
        s.client.try_pause_chain(&s.admin, &42),
        Err(Ok(Error::UnsupportedChain))
    );
}

#[test]
fn fund_adds_liquidity() {
    let s = Setup::new();
    assert_eq!(
        s.client.try_fund(&s.user, &0),
        Err(Ok(Error::InvalidAmount))
    );
    s.client.fund(&s.user, &500);
    s.assert_authorized_by(&s.user, "fund");
    s.assert_emitted(&events::Funded {
        from: s.user.clone(),
        amount: 500,
    });
    assert_eq!(s.totals().liquidity, LIQUIDITY + 500);
    assert_eq!(s.balance(), LIQUIDITY + 500 + 4 * STAKE);
}
