//! Native tests of the bridge against the real Stellar Asset Contract, with
//! validators signing real ed25519 attestations (keys from fixed seeds).
extern crate std;

mod admin;
mod inbound;
mod keys;
mod outbound;
mod properties;
mod slashing;
mod validators;

use ed25519_dalek::{Signer as _, SigningKey};
use soroban_sdk::{
    testutils::{Address as _, Ledger},
    token, Address, Bytes, BytesN, Env, Event, IntoVal, Symbol, Val, Vec,
};

pub(crate) use crate::storage;
pub use crate::{
    Attestation, BridgeContract, BridgeContractClient, Config, Error, InboundMessage,
    OutboundTransfer, SignedMessage, Totals, TransferStatus, Validator, ValidatorStatus,
};
pub use teachlink_common::testutils::TIMELOCK_DELAY;

pub const START: u64 = 1_700_000_000;
pub const LOCAL: u32 = 1;
pub const REMOTE: u32 = 2;
pub const STAKE: i128 = 1_000;
pub const UNBONDING: u64 = 7 * 86_400;
pub const TIMEOUT: u64 = 86_400;
pub const PER_TRANSFER: i128 = 5_000;
pub const PER_DAY: i128 = 12_000;
pub const LIQUIDITY: i128 = 100_000;
/// The remote chain's bridge id, as configured for `REMOTE`.
pub const SOURCE_BRIDGE: [u8; 32] = [0xB2; 32];

pub struct Setup<'a> {
    pub env: Env,
    pub client: BridgeContractClient<'a>,
    pub token: token::TokenClient<'a>,
    pub admin: Address,
    pub user: Address,
    pub stranger: Address,
    /// Four registered and active validators of equal stake.
    pub validators: std::vec::Vec<Address>,
    pub keys: std::vec::Vec<SigningKey>,
}

impl<'a> Setup<'a> {
    /// A bridge on chain `LOCAL` with four active validators, chain `REMOTE`
    /// enabled, and `LIQUIDITY` funded.
    pub fn new() -> Self {
        let s = Self::bare();
        for i in 0..4 {
            s.add_validator(i);
        }
        s.set_limits(REMOTE, PER_TRANSFER, PER_DAY);
        s.client.fund(&s.admin, &LIQUIDITY);
        s
    }

    /// A bridge with nothing registered; keys for eight validators exist.
    pub fn bare() -> Self {
        Self::bare_with(|_| {})
    }

    /// `bare`, with `change` applied to the configuration first.
    pub fn bare_with(change: impl FnOnce(&mut Config)) -> Self {
        let env = teachlink_common::testutils::env();
        env.ledger().set_timestamp(START);
        env.mock_all_auths();
        let admin = Address::generate(&env);
        let sac = env.register_stellar_asset_contract_v2(Address::generate(&env));
        let token = token::TokenClient::new(&env, &sac.address());
        let mut config = Config {
            token: sac.address(),
            local_chain: LOCAL,
            min_stake: STAKE,
            unbonding_period: UNBONDING,
            max_validators: 5,
            min_active_validators: 3,
            min_active_stake: 3 * STAKE,
            transfer_timeout: TIMEOUT,
        };
        change(&mut config);
        let id = env.register(BridgeContract, (admin.clone(), TIMELOCK_DELAY, config));
        let client = BridgeContractClient::new(&env, &id);
        let user = Address::generate(&env);
        let minter = token::StellarAssetClient::new(&env, &sac.address());
        minter.mint(&admin, &(10 * LIQUIDITY));
        minter.mint(&user, &(10 * LIQUIDITY));
        let validators: std::vec::Vec<Address> = (0..8).map(|_| Address::generate(&env)).collect();
        for v in &validators {
            minter.mint(v, &(10 * STAKE));
        }
        let stranger = Address::generate(&env);
        let keys = (0..8u8)
            .map(|i| SigningKey::from_bytes(&[i + 1; 32]))
            .collect();
        Setup {
            env,
            client,
            token,
            admin,
            user,
            stranger,
            validators,
            keys,
        }
    }

    pub fn source_bridge(&self) -> BytesN<32> {
        BytesN::from_array(&self.env, &SOURCE_BRIDGE)
    }

    /// Whether `(REMOTE, SOURCE_BRIDGE, nonce)` was completed.
    pub fn completed(&self, nonce: u64) -> bool {
        self.completed_from(&self.source_bridge(), nonce)
    }

    /// Whether `(REMOTE, bridge, nonce)` was completed (its marker is stored).
    pub fn completed_from(&self, bridge: &BytesN<32>, nonce: u64) -> bool {
        self.env.as_contract(&self.client.address, || {
            storage::is_completed(&self.env, REMOTE, bridge, nonce)
        })
    }

    pub fn config(&self) -> Config {
        self.env
            .as_contract(&self.client.address, || storage::config(&self.env))
    }

    pub fn public_key(&self, i: usize) -> BytesN<32> {
        BytesN::from_array(&self.env, &self.keys[i].verifying_key().to_bytes())
    }

    pub fn sign(&self, i: usize, digest: &BytesN<32>) -> BytesN<64> {
        BytesN::from_array(&self.env, &self.keys[i].sign(&digest.to_array()).to_bytes())
    }

    /// Registers validator `i` with its own key and proof, and activates it.
    pub fn add_validator(&self, i: usize) {
        self.register(i);
        self.activate(i);
    }

    /// Activates validator `i` through the timelock.
    pub fn activate(&self, i: usize) {
        let v = &self.validators[i];
        after_delay(
            &self.env,
            &self.client,
            "activate_validator",
            args(&self.env, (v.clone(),)),
            || self.client.activate_validator(v),
        )
    }

    /// `activate_validator` of validator `i` once proposed and due.
    pub fn try_activate(&self, i: usize) -> Result<(), Error> {
        let v = &self.validators[i];
        after_delay(
            &self.env,
            &self.client,
            "activate_validator",
            args(&self.env, (v.clone(),)),
            || match self.client.try_activate_validator(v) {
                Ok(Ok(())) => Ok(()),
                Err(Ok(e)) => Err(e),
                other => panic!("activate_validator failed outside the contract: {other:?}"),
            },
        )
    }

    /// Enables `chain` or raises its limits through the timelock.
    /// Enables `chain` from the test's source bridge, or raises its limits,
    /// through the timelock.
    pub fn set_limits(&self, chain: u32, per_transfer: i128, per_day: i128) {
        self.set_limits_from(chain, &self.source_bridge(), per_transfer, per_day)
    }

    /// [`Self::set_limits`] naming `bridge` as the chain's source bridge.
    pub fn set_limits_from(
        &self,
        chain: u32,
        bridge: &BytesN<32>,
        per_transfer: i128,
        per_day: i128,
    ) {
        after_delay(
            &self.env,
            &self.client,
            "set_chain_limits",
            args(&self.env, (chain, bridge.clone(), per_transfer, per_day)),
            || {
                self.client
                    .set_chain_limits(&chain, bridge, &per_transfer, &per_day)
            },
        )
    }

    pub fn register(&self, i: usize) {
        let proof = self.proof(i, i);
        self.client
            .register_validator(&self.validators[i], &self.public_key(i), &STAKE, &proof);
    }

    /// Key `key` signing the registration of validator `i`.
    pub fn proof(&self, i: usize, key: usize) -> BytesN<64> {
        let digest =
            crate::registration_digest(&self.env, &self.client.address, &self.validators[i]);
        self.sign(key, &digest)
    }

    pub fn message(&self, nonce: u64, amount: i128, recipient: &Address) -> InboundMessage {
        InboundMessage {
            source_chain: REMOTE,
            source_bridge: self.source_bridge(),
            dest_chain: LOCAL,
            nonce,
            token: self.token.address.clone(),
            amount,
            recipient: recipient.clone(),
            expires_at: self.now() + TIMEOUT,
        }
    }

    pub fn digest(&self, message: &InboundMessage) -> BytesN<32> {
        crate::message_digest(&self.env, &self.client.address, message)
    }

    /// Attestations over `digest` by the validators `signers` (by index).
    pub fn attest(&self, digest: &BytesN<32>, signers: &[usize]) -> Vec<Attestation> {
        let mut out = Vec::new(&self.env);
        for &i in signers {
            out.push_back(Attestation {
                validator: self.validators[i].clone(),
                signature: self.sign(i, digest),
            });
        }
        out
    }

    pub fn attest_message(&self, message: &InboundMessage, signers: &[usize]) -> Vec<Attestation> {
        self.attest(&self.digest(message), signers)
    }

    pub fn attest_completion(&self, nonce: u64, signers: &[usize]) -> Vec<Attestation> {
        let digest = crate::completion_digest(&self.env, &self.client.address, nonce);
        self.attest(&digest, signers)
    }

    pub fn signed(&self, i: usize, message: &InboundMessage) -> SignedMessage {
        SignedMessage {
            message: message.clone(),
            validator: self.validators[i].clone(),
            signature: self.sign(i, &self.digest(message)),
        }
    }

    pub fn recipient_bytes(&self) -> Bytes {
        Bytes::from_slice(&self.env, b"GDESTINATIONADDRESSONTHEOTHERCHAIN")
    }

    pub fn lock(&self, amount: i128) -> u64 {
        self.client
            .lock(&self.user, &amount, &REMOTE, &self.recipient_bytes())
    }

    pub fn now(&self) -> u64 {
        self.env.ledger().timestamp()
    }

    pub fn advance(&self, seconds: u64) {
        self.env.ledger().set_timestamp(self.now() + seconds);
    }

    pub fn balance(&self) -> i128 {
        self.token.balance(&self.client.address)
    }

    pub fn totals(&self) -> Totals {
        self.env
            .as_contract(&self.client.address, || storage::totals(&self.env))
    }

    pub fn validator(&self, i: usize) -> Result<Validator, Error> {
        self.env.as_contract(&self.client.address, || {
            storage::validator(&self.env, &self.validators[i])
        })
    }

    pub fn transfer(&self, nonce: u64) -> Result<OutboundTransfer, Error> {
        self.env
            .as_contract(&self.client.address, || storage::outbound(&self.env, nonce))
    }
    pub fn assert_emitted(&self, event: &impl Event) {
        teachlink_common::testutils::assert_emitted(&self.env, &self.client.address, event);
    }
    /// Asserts that the last call required exactly `who`'s authorization
    /// for `fn_name` on the bridge, and nobody else's.
    pub fn assert_authorized_by(&self, who: &Address, fn_name: &str) {
        teachlink_common::testutils::assert_authorized_only(
            &self.env,
            who,
            &self.client.address,
            fn_name,
        );
    }

    pub fn assert_no_auths(&self) {
        assert!(self.env.auths().is_empty(), "{:?}", self.env.auths());
    }
}

pub fn args(env: &Env, values: impl IntoVal<Env, Vec<Val>>) -> Vec<Val> {
    values.into_val(env)
}

/// Runs `call`, a timelocked admin action, as the admin must: proposes
/// `op(args)` unless it is pending, moves the clock past the delay for the
/// call, then puts it back, so each test's timeline stays the one it states
/// (the delay itself is tested in `admin.rs`).
pub fn after_delay<T>(
    env: &Env,
    client: &BridgeContractClient,
    op: &str,
    args: Vec<Val>,
    call: impl FnOnce() -> T,
) -> T {
    let op = Symbol::new(env, op);
    let pending = env.as_contract(&client.address, || {
        teachlink_common::timelock::proposal(env, &op, &args)
    });
    if pending.is_none() {
        client.propose(&op, &args);
    }
    let now = env.ledger().timestamp();
    env.ledger().set_timestamp(now + TIMELOCK_DELAY);
    let result = call();
    env.ledger().set_timestamp(now);
    result
}
