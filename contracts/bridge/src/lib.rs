//! Cross-chain bridge for one token: owns the tokens locked for other chains,
//! the liquidity released to inbound recipients, and the stakes of the
//! validators whose signatures authorize every release.
//!
//! **Validators** bond at least `min_stake` of the bridge token
//! (`register_validator`, with a signature proving they hold their ed25519
//! key), are admitted to the active set by the admin through the timelock
//! and removed by it at once (at most `max_validators` active), and leave with `begin_unbonding`, which removes
//! them from the quorum at once, then `withdraw_stake` after the unbonding
//! period. Until the stake is withdrawn it can be slashed.
//!
//! **Quorum**: a set of signatures by distinct active validators whose stake
//! is strictly more than two thirds of the active stake, counted only while
//! the active set has at least `min_active_validators` validators and
//! `min_active_stake` stake (else `ActiveSetTooSmall`): validators unbond
//! without permission, and the last one left must not be a quorum alone.
//! Signatures are over the domain-separated digests documented in [`digest`].
//!
//! One bad attestation cannot be skipped in-contract: `ed25519_verify` aborts
//! the whole invocation on a signature that does not verify. So everything
//! checkable without the signatures (floor, unknown, inactive or duplicate
//! validators, too little stake) is refused with a typed error before any
//! signature is verified, and the validator daemon verifies every peer's
//! signature itself before including it, so one bad peer's attestation never
//! reaches `complete`.
//!
//! **Outbound**: `lock` takes the tokens in and gives the transfer a nonce and
//! an expiry (`now + transfer_timeout`) that the destination bridge enforces.
//! Validators that saw the completion on the destination attest it
//! (`confirm_completed`); the locked tokens then back inbound releases here.
//! From one more timeout after expiry, an unconfirmed transfer can be
//! refunded to its sender. The destination refuses it from the expiry on,
//! so the two outcomes exclude each other as long as an honest quorum posts
//! the confirmation within that grace timeout (and chain clocks differ by
//! less than it).
//!
//! **Inbound**: `complete` releases a quorum-attested message's amount from
//! the liquidity counter (funded via `fund`, plus confirmed outbound
//! transfers), never from stakes or pending locks, once per (source chain,
//! source bridge, nonce). The message must name the bridge the admin
//! configured for its source chain: a redeployed source bridge restarts its
//! nonces, and its transfers must neither collide with the old ones nor make
//! honest validators' signatures look like equivocation.
//!
//! **Slashing**: anyone may prove that a validator signed two different
//! messages for the same (source chain, source bridge, nonce); its whole stake goes to the
//! admin and it leaves the set for good. Nothing else slashes.
//!
//! **Circuit breakers**: per remote chain, a per-transfer and a rolling
//! 24-hour maximum, each direction, raised only through the timelock. The
//! emergency role (or the admin) pauses the whole bridge or one chain; only
//! the admin resumes. A global pause refuses `lock`, `complete`,
//! `refund` and `withdraw_stake`; a chain pause refuses `lock` to, `complete`
//! from and `refund` of transfers to that chain. Confirmations, slashing,
//! registration, unbonding and funding stay open: they release nothing, and
//! slashing is what an incident needs.
//!
//! Size budget (48 KiB, with room kept for the shared admin timelock):
//! entry points are documented with `//` comments, not `///`, because doc
//! comments are copied into the Wasm's contract spec; storage-only types are
//! not exported to the spec and their status enums are integers, not
//! symbols; and the bridge has no views beyond the common ones. Every record
//! is announced by an event, and readers (the validator daemon) read the
//! configuration (instance storage, `DataKey::Config`) and completion markers
//! (`DataKey::Completed`) as ledger entries, as they read validator records.
#![no_std]

pub mod digest;
mod error;
mod events;
mod limits;
mod storage;
mod types;

#[cfg(test)]
mod test;

use soroban_sdk::{
    contract, contractimpl, symbol_short, vec, Address, Bytes, BytesN, Env, IntoVal, Symbol, Val,
    Vec,
};
use teachlink_common::{access, events::Emit as _, pause, time, timelock, ttl};

pub use digest::{completion_digest, message_digest, registration_digest};
pub use error::Error;
pub use types::{
    Attestation, ChainConfig, Config, InboundMessage, OutboundTransfer, SignedMessage, Totals,
    TransferStatus, Validator, ValidatorStatus, BUCKET_SECONDS, MAX_RECIPIENT_LEN, MAX_VALIDATORS,
    UNBONDING_MARGIN, WINDOW_BUCKETS,
};

#[contract]
pub struct BridgeContract;

#[contractimpl]
impl BridgeContract {
    // `config.max_validators` is 1 to `MAX_VALIDATORS`,
    // `min_active_validators` 1 to `max_validators`; `min_stake`,
    // `min_active_stake` and `transfer_timeout` (seconds) are positive, and
    // `unbonding_period >= 2 * transfer_timeout + UNBONDING_MARGIN`.
    // `timelock_delay`: seconds between proposing and running an upgrade,
    // a validator activation or a limit raise (at most 30 days).
    pub fn __constructor(
        env: Env,
        admin: Address,
        timelock_delay: u64,
        config: Config,
    ) -> Result<(), Error> {
        let least_unbonding = config
            .transfer_timeout
            .checked_mul(2)
            .and_then(|t| t.checked_add(UNBONDING_MARGIN));
        if config.min_stake <= 0
            || config.min_active_stake <= 0
            || config.transfer_timeout == 0
            || least_unbonding.is_none_or(|least| config.unbonding_period < least)
            || config.min_active_validators == 0
            || config.min_active_validators > config.max_validators
            || config.max_validators > MAX_VALIDATORS
        {
            return Err(Error::InvalidConfig);
        }
        timelock::set_delay(&env, timelock_delay)?;
        access::set_initial_admin(&env, &admin);
        storage::set_config(&env, &config);
        storage::set_totals(
            &env,
            &Totals {
                last_nonce: 0,
                slots: 0,
                active_stake: 0,
                liquidity: 0,
            },
        );
        ttl::extend_instance(&env);
        Ok(())
    }

    // --- validators ---

    // Bonds `stake` (moved from `validator` into the bridge) and registers
    // `signing_key`. `proof` is the key's signature over
    // [`registration_digest`], so nobody can register someone else's key.
    // The validator attests only once the admin activates it.
    pub fn register_validator(
        env: Env,
        validator: Address,
        signing_key: BytesN<32>,
        stake: i128,
        proof: BytesN<64>,
    ) -> Result<(), Error> {
        validator.require_auth();
        let config = storage::config(&env);
        if stake < config.min_stake {
            return Err(Error::StakeTooLow);
        }
        if storage::has_validator(&env, &validator) {
            return Err(Error::ValidatorExists);
        }
        let digest = registration_digest(&env, &env.current_contract_address(), &validator);
        env.crypto()
            .ed25519_verify(&signing_key, &digest.into(), &proof);

        storage::save_validator(
            &env,
            &validator,
            &Validator {
                signing_key: signing_key.clone(),
                stake,
                status: ValidatorStatus::Inactive,
                slot: 0,
                unbonding_ends: 0,
            },
        );
        move_tokens(
            &env,
            &config.token,
            &validator,
            &env.current_contract_address(),
            stake,
        );
        ttl::extend_instance(&env);
        events::ValidatorRegistered {
            validator,
            signing_key,
            stake,
        }
        .emit(&env);
        Ok(())
    }

    // Admits a registered validator to the active set: admin only, as
    // proposed `activate_validator([validator])` once the timelock passed.
    pub fn activate_validator(env: Env, validator: Address) -> Result<(), Error> {
        timelock::execute(
            &env,
            Symbol::new(&env, "activate_validator"),
            vec![&env, validator.to_val()],
        )?;
        let mut record = storage::validator(&env, &validator)?;
        match record.status {
            ValidatorStatus::Inactive => {}
            ValidatorStatus::Active => return Err(Error::ValidatorAlreadyActive),
            ValidatorStatus::Unbonding | ValidatorStatus::Slashed => {
                return Err(Error::ValidatorLeaving)
            }
        }
        let config = storage::config(&env);
        let mut set = storage::totals(&env);
        if set.slots.count_ones() >= config.max_validators {
            return Err(Error::TooManyValidators);
        }
        // Slots are always taken lowest first, so with fewer than
        // `max_validators` active a free slot lies below it.
        record.slot = (!set.slots).trailing_zeros();
        record.status = ValidatorStatus::Active;
        set.slots |= slot_bit(record.slot);
        set.active_stake = set
            .active_stake
            .checked_add(record.stake)
            .ok_or(Error::Overflow)?;
        storage::set_totals(&env, &set);
        storage::save_validator(&env, &validator, &record);
        ttl::extend_instance(&env);
        events::ValidatorActivated { validator }.emit(&env);
        Ok(())
    }

    // Removes an active validator from the quorum without unbonding it;
    // admin only, immediate (a leaked key must go now). It can be activated
    // again, through the timelock.
    pub fn deactivate_validator(env: Env, validator: Address) -> Result<(), Error> {
        access::require_admin(&env);
        let mut record = storage::validator(&env, &validator)?;
        if record.status != ValidatorStatus::Active {
            return Err(Error::ValidatorNotActive);
        }
        let mut set = storage::totals(&env);
        leave_active_set(&mut set, &record)?;
        storage::set_totals(&env, &set);
        record.status = ValidatorStatus::Inactive;
        storage::save_validator(&env, &validator, &record);
        ttl::extend_instance(&env);
        events::ValidatorDeactivated { validator }.emit(&env);
        Ok(())
    }

    // The validator starts leaving: it stops counting toward quorum now and
    // may withdraw its stake after the unbonding period.
    pub fn begin_unbonding(env: Env, validator: Address) -> Result<(), Error> {
        validator.require_auth();
        let mut record = storage::validator(&env, &validator)?;
        let mut set = storage::totals(&env);
        match record.status {
            ValidatorStatus::Active => {
                leave_active_set(&mut set, &record)?;
                storage::set_totals(&env, &set);
            }
            ValidatorStatus::Inactive => {}
            ValidatorStatus::Unbonding | ValidatorStatus::Slashed => {
                return Err(Error::ValidatorLeaving)
            }
        }
        let config = storage::config(&env);
        record.status = ValidatorStatus::Unbonding;
        record.unbonding_ends = time::now(&env)
            .checked_add(config.unbonding_period)
            .ok_or(Error::Overflow)?;
        storage::save_validator(&env, &validator, &record);
        ttl::extend_instance(&env);
        events::UnbondingStarted {
            validator,
            unbonding_ends: record.unbonding_ends,
        }
        .emit(&env);
        Ok(())
    }

    // Pays an unbonded stake back and forgets the validator. Returns the
    // amount.
    pub fn withdraw_stake(env: Env, validator: Address) -> Result<i128, Error> {
        validator.require_auth();
        pause::require_not_paused(&env)?;
        let record = storage::validator(&env, &validator)?;
        if record.status != ValidatorStatus::Unbonding {
            return Err(Error::NotUnbonding);
        }
        if time::now(&env) < record.unbonding_ends {
            return Err(Error::UnbondingNotOver);
        }
        storage::remove_validator(&env, &validator);
        pay(&env, &storage::config(&env).token, &validator, record.stake);
        ttl::extend_instance(&env);
        events::StakeWithdrawn {
            validator,
            amount: record.stake,
        }
        .emit(&env);
        Ok(record.stake)
    }

    // Punishes equivocation: `evidence_a` and `evidence_b` are two different
    // messages for the same (source chain, source bridge, nonce), both signed by the same
    // validator for this bridge. Anyone may submit. The validator's whole
    // stake goes to the admin and it is never active again. Returns the
    // amount slashed.
    pub fn slash(
        env: Env,
        evidence_a: SignedMessage,
        evidence_b: SignedMessage,
    ) -> Result<i128, Error> {
        if evidence_a.validator != evidence_b.validator {
            return Err(Error::EvidenceValidatorMismatch);
        }
        let (a, b) = (&evidence_a.message, &evidence_b.message);
        if a.source_chain != b.source_chain
            || a.source_bridge != b.source_bridge
            || a.nonce != b.nonce
        {
            return Err(Error::NotConflicting);
        }
        // Equal digests mean equal messages (sha256 is collision resistant).
        let bridge = env.current_contract_address();
        let digest_a = message_digest(&env, &bridge, a);
        let digest_b = message_digest(&env, &bridge, b);
        if digest_a == digest_b {
            return Err(Error::NotConflicting);
        }
        let validator = evidence_a.validator;
        let mut record = storage::validator(&env, &validator)?;
        if record.status == ValidatorStatus::Slashed {
            return Err(Error::AlreadySlashed);
        }
        let key = &record.signing_key;
        env.crypto()
            .ed25519_verify(key, &digest_a.into(), &evidence_a.signature);
        env.crypto()
            .ed25519_verify(key, &digest_b.into(), &evidence_b.signature);

        if record.status == ValidatorStatus::Active {
            let mut set = storage::totals(&env);
            leave_active_set(&mut set, &record)?;
            storage::set_totals(&env, &set);
        }
        let amount = record.stake;
        record.stake = 0;
        record.status = ValidatorStatus::Slashed;
        storage::save_validator(&env, &validator, &record);
        let to = access::admin(&env);
        pay(&env, &storage::config(&env).token, &to, amount);
        ttl::extend_instance(&env);
        events::Slashed {
            nonce: a.nonce,
            source_chain: a.source_chain,
            validator,
            amount,
            to,
        }
        .emit(&env);
        Ok(amount)
    }

    // --- outbound ---

    // Moves `amount` from `sender` into the bridge for `recipient` on
    // `dest_chain`. Returns the transfer's nonce (1, 2, ...).
    pub fn lock(
        env: Env,
        sender: Address,
        amount: i128,
        dest_chain: u32,
        recipient: Bytes,
    ) -> Result<u64, Error> {
        sender.require_auth();
        pause::require_not_paused(&env)?;
        if amount <= 0 {
            return Err(Error::InvalidAmount);
        }
        if recipient.is_empty() || recipient.len() > MAX_RECIPIENT_LEN {
            return Err(Error::InvalidRecipient);
        }
        let config = storage::config(&env);
        let chain = remote_chain(&env, &config, dest_chain)?;
        limits::charge(&env, dest_chain, true, &chain, amount)?;

        let mut totals = storage::totals(&env);
        let nonce = totals.last_nonce.checked_add(1).ok_or(Error::Overflow)?;
        totals.last_nonce = nonce;
        let expires_at = time::now(&env)
            .checked_add(config.transfer_timeout)
            .ok_or(Error::Overflow)?;
        storage::set_totals(&env, &totals);
        storage::save_outbound(
            &env,
            nonce,
            &OutboundTransfer {
                sender: sender.clone(),
                amount,
                dest_chain,
                expires_at,
                status: TransferStatus::Pending,
            },
        );
        move_tokens(
            &env,
            &config.token,
            &sender,
            &env.current_contract_address(),
            amount,
        );
        ttl::extend_instance(&env);
        events::Locked {
            nonce,
            dest_chain,
            sender,
            amount,
            recipient,
            expires_at,
        }
        .emit(&env);
        Ok(nonce)
    }

    // Records a quorum's attestation (over [`completion_digest`]) that the
    // pending transfer `nonce` was completed on its destination chain. It
    // can no longer be refunded. Anyone may submit; refused while paused.
    pub fn confirm_completed(
        env: Env,
        nonce: u64,
        attestations: Vec<Attestation>,
    ) -> Result<(), Error> {
        pause::require_not_paused(&env)?;
        let mut transfer = storage::outbound(&env, nonce)?;
        if transfer.status != TransferStatus::Pending {
            return Err(Error::TransferNotPending);
        }
        let digest = completion_digest(&env, &env.current_contract_address(), nonce);
        let attested_stake = require_quorum(&env, &storage::config(&env), &digest, &attestations)?;

        transfer.status = TransferStatus::Completed;
        storage::save_outbound(&env, nonce, &transfer);
        let mut totals = storage::totals(&env);
        totals.liquidity = totals
            .liquidity
            .checked_add(transfer.amount)
            .ok_or(Error::Overflow)?;
        storage::set_totals(&env, &totals);
        ttl::extend_instance(&env);
        events::OutboundConfirmed {
            nonce,
            dest_chain: transfer.dest_chain,
            sender: transfer.sender,
            amount: transfer.amount,
            attested_stake,
        }
        .emit(&env);
        Ok(())
    }

    // Returns an unconfirmed transfer to its sender, from one
    // `transfer_timeout` after its expiry.
    pub fn refund(env: Env, sender: Address, nonce: u64) -> Result<(), Error> {
        sender.require_auth();
        pause::require_not_paused(&env)?;
        let mut transfer = storage::outbound(&env, nonce)?;
        if transfer.sender != sender {
            return Err(Error::Unauthorized);
        }
        if transfer.status != TransferStatus::Pending {
            return Err(Error::TransferNotPending);
        }
        if storage::chain(&env, transfer.dest_chain)?.paused {
            return Err(Error::ChainPaused);
        }
        let config = storage::config(&env);
        let refund_at = transfer
            .expires_at
            .checked_add(config.transfer_timeout)
            .ok_or(Error::Overflow)?;
        if time::now(&env) < refund_at {
            return Err(Error::RefundTooEarly);
        }
        transfer.status = TransferStatus::Refunded;
        storage::save_outbound(&env, nonce, &transfer);
        pay(&env, &config.token, &sender, transfer.amount);
        ttl::extend_instance(&env);
        events::Refunded {
            nonce,
            dest_chain: transfer.dest_chain,
            sender,
            amount: transfer.amount,
        }
        .emit(&env);
        Ok(())
    }

    // --- inbound ---

    // Releases an inbound transfer attested by a quorum (signatures over
    // [`message_digest`]) to its recipient. Anyone may submit.
    pub fn complete(
        env: Env,
        message: InboundMessage,
        attestations: Vec<Attestation>,
    ) -> Result<(), Error> {
        pause::require_not_paused(&env)?;
        let config = storage::config(&env);
        if message.dest_chain != config.local_chain {
            return Err(Error::WrongDestination);
        }
        if message.token != config.token {
            return Err(Error::WrongToken);
        }
        if message.amount <= 0 {
            return Err(Error::InvalidAmount);
        }
        if time::now(&env) >= message.expires_at {
            return Err(Error::MessageExpired);
        }
        let chain = remote_chain(&env, &config, message.source_chain)?;
        if message.source_bridge != chain.bridge {
            return Err(Error::WrongSourceBridge);
        }
        let (source, bridge, nonce) = (message.source_chain, &message.source_bridge, message.nonce);
        if storage::is_completed(&env, source, bridge, nonce) {
            return Err(Error::AlreadyCompleted);
        }
        limits::charge(&env, message.source_chain, false, &chain, message.amount)?;
        let mut totals = storage::totals(&env);
        totals.liquidity = totals
            .liquidity
            .checked_sub(message.amount)
            .filter(|left| *left >= 0)
            .ok_or(Error::InsufficientLiquidity)?;
        let digest = message_digest(&env, &env.current_contract_address(), &message);
        let attested_stake = require_quorum(&env, &config, &digest, &attestations)?;

        storage::set_totals(&env, &totals);
        storage::mark_completed(&env, source, bridge, nonce);
        pay(&env, &config.token, &message.recipient, message.amount);
        ttl::extend_instance(&env);
        events::Completed {
            nonce: message.nonce,
            source_chain: message.source_chain,
            recipient: message.recipient,
            amount: message.amount,
            attested_stake,
        }
        .emit(&env);
        Ok(())
    }

    // Adds liquidity for inbound releases, moved from `from`. It is not
    // withdrawable: it becomes the bridge's float.
    pub fn fund(env: Env, from: Address, amount: i128) -> Result<(), Error> {
        from.require_auth();
        if amount <= 0 {
            return Err(Error::InvalidAmount);
        }
        let mut totals = storage::totals(&env);
        totals.liquidity = totals
            .liquidity
            .checked_add(amount)
            .ok_or(Error::Overflow)?;
        storage::set_totals(&env, &totals);
        let config = storage::config(&env);
        move_tokens(
            &env,
            &config.token,
            &from,
            &env.current_contract_address(),
            amount,
        );
        ttl::extend_instance(&env);
        events::Funded { from, amount }.emit(&env);
        Ok(())
    }

    // --- circuit breakers ---

    // Enables `chain` or changes its bridge (the 32-byte id of the only
    // source `complete` accepts from it) and limits (both directions); admin
    // only. Enabling a chain, changing its bridge or raising either limit
    // runs only as proposed `set_chain_limits([chain, bridge, per_transfer,
    // per_day])` once the timelock passed; lowering reduces risk and is
    // immediate.
    pub fn set_chain_limits(
        env: Env,
        chain: u32,
        bridge: BytesN<32>,
        per_transfer: i128,
        per_day: i128,
    ) -> Result<(), Error> {
        if chain == storage::config(&env).local_chain {
            return Err(Error::UnsupportedChain);
        }
        if per_transfer <= 0 || per_day < per_transfer {
            return Err(Error::InvalidLimits);
        }
        let current = storage::chain(&env, chain);
        match &current {
            Ok(c)
                if c.bridge == bridge && per_transfer <= c.per_transfer && per_day <= c.per_day =>
            {
                access::require_admin(&env);
            }
            _ => timelock::execute(
                &env,
                Symbol::new(&env, "set_chain_limits"),
                vec![
                    &env,
                    chain.into_val(&env),
                    bridge.into_val(&env),
                    per_transfer.into_val(&env),
                    per_day.into_val(&env),
                ],
            )?,
        }
        let paused = current.is_ok_and(|c| c.paused);
        storage::save_chain(
            &env,
            chain,
            &ChainConfig {
                bridge,
                per_transfer,
                per_day,
                paused,
            },
        );
        ttl::extend_instance(&env);
        events::ChainLimitsSet {
            chain,
            per_transfer,
            per_day,
        }
        .emit(&env);
        Ok(())
    }

    // Stops transfers with one chain; emergency role or admin.
    pub fn pause_chain(env: Env, by: Address, chain: u32) -> Result<(), Error> {
        set_chain_paused(&env, &by, chain, true)?;
        events::ChainPaused { chain, by }.emit(&env);
        Ok(())
    }

    // Resumes transfers with one chain; admin only (the emergency role only pauses).
    pub fn resume_chain(env: Env, by: Address, chain: u32) -> Result<(), Error> {
        set_chain_paused(&env, &by, chain, false)?;
        events::ChainResumed { chain, by }.emit(&env);
        Ok(())
    }
}

teachlink_common::admin_entry_points!(BridgeContract, Error);

/// A configured remote chain that is not paused.
fn remote_chain(env: &Env, config: &Config, chain: u32) -> Result<ChainConfig, Error> {
    if chain == config.local_chain {
        return Err(Error::UnsupportedChain);
    }
    let chain = storage::chain(env, chain)?;
    if chain.paused {
        return Err(Error::ChainPaused);
    }
    Ok(chain)
}

/// Verifies `attestations` over `digest` and returns the attested stake,
/// which must be strictly more than two thirds of the active stake, with the
/// active set at its configured floor. Every check that needs no signature
/// comes first, with its typed error: each attestation must come from a
/// distinct active validator and their stake must be a quorum. Only then are
/// the signatures verified, where a bad one aborts the invocation (host
/// `Error(Crypto, InvalidInput)`).
fn require_quorum(
    env: &Env,
    config: &Config,
    digest: &BytesN<32>,
    attestations: &Vec<Attestation>,
) -> Result<i128, Error> {
    let totals = storage::totals(env);
    if totals.slots.count_ones() < config.min_active_validators
        || totals.active_stake < config.min_active_stake
    {
        return Err(Error::ActiveSetTooSmall);
    }
    // No length check is needed: every attestation must name a distinct
    // active validator, so the loop fails by the (MAX_VALIDATORS + 1)th.
    let mut keys: Vec<BytesN<32>> = Vec::new(env);
    let mut seen = 0u32;
    let mut attested = 0i128;
    for i in 0..attestations.len() {
        let attestation = attestations.get_unchecked(i);
        let validator = storage::validator(env, &attestation.validator)?;
        if validator.status != ValidatorStatus::Active {
            return Err(Error::ValidatorNotActive);
        }
        let bit = slot_bit(validator.slot);
        if seen & bit != 0 {
            return Err(Error::DuplicateAttestation);
        }
        seen |= bit;
        keys.push_back(validator.signing_key);
        attested = attested
            .checked_add(validator.stake)
            .ok_or(Error::Overflow)?;
    }
    // attested > 2/3 active  <=>  attested > 2 * (active - attested).
    // Attesters are distinct active validators, so `absent` is not negative.
    let absent = totals
        .active_stake
        .checked_sub(attested)
        .ok_or(Error::Overflow)?;
    if attested <= absent.checked_add(absent).ok_or(Error::Overflow)? {
        return Err(Error::QuorumNotReached);
    }
    let message: Bytes = digest.clone().into();
    for i in 0..keys.len() {
        env.crypto().ed25519_verify(
            &keys.get_unchecked(i),
            &message,
            &attestations.get_unchecked(i).signature,
        );
    }
    Ok(attested)
}

/// The bitmap bit of an active validator's slot (always below 32).
fn slot_bit(slot: u32) -> u32 {
    1u32 << (slot & 31)
}

/// Frees an active validator's slot and stake from the quorum.
fn leave_active_set(totals: &mut Totals, validator: &Validator) -> Result<(), Error> {
    totals.slots &= !slot_bit(validator.slot);
    totals.active_stake = totals
        .active_stake
        .checked_sub(validator.stake)
        .ok_or(Error::Overflow)?;
    Ok(())
}

fn set_chain_paused(env: &Env, by: &Address, chain: u32, paused: bool) -> Result<(), Error> {
    pause::require_pauser(env, by, paused)?;
    let mut config = storage::chain(env, chain)?;
    config.paused = paused;
    storage::save_chain(env, chain, &config);
    ttl::extend_instance(env);
    Ok(())
}

fn pay(env: &Env, token: &Address, to: &Address, amount: i128) {
    if amount > 0 {
        move_tokens(env, token, &env.current_contract_address(), to, amount);
    }
}

/// `transfer` on the token contract. Called directly rather than through
/// `TokenClient`, whose result conversion pulls the panic formatting
/// machinery into the Wasm; `transfer` returns nothing and traps on failure.
fn move_tokens(env: &Env, token: &Address, from: &Address, to: &Address, amount: i128) {
    let args = vec![
        env,
        from.into_val(env),
        to.into_val(env),
        amount.into_val(env),
    ];
    env.invoke_contract::<Val>(token, &symbol_short!("transfer"), args);
}
