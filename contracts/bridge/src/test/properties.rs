//! Property test: two bridges (chains 1 and 2) in one test host, sharing one
//! token, served by four validators of equal stake of which validator 3 is
//! Byzantine (signs anything). Honest validators sign a release only for a
//! real lock on the source chain, and a completion only for a release that
//! happened; a relayer posts the honest confirmation right after each
//! release (the liveness the refund grace period assumes).
//!
//! Over random sequences of locks, relays (any signer subset, optionally
//! tampered amounts), confirmations, refunds and waiting: no transfer is both
//! released and refunded, releases never exceed what was locked on the other
//! side, each bridge's balance is exactly stakes + liquidity + pending locks,
//! and no token is created or lost.
use ed25519_dalek::{Signer as _, SigningKey};
use proptest::prelude::*;
use soroban_sdk::testutils::Address as _;

use super::*;

const BYZANTINE: usize = 3;

#[derive(Clone, Debug)]
enum Step {
    Lock {
        on_b: bool,
        amount: i128,
    },
    Relay {
        from_b: bool,
        nonce: u64,
        mask: u8,
        tamper: bool,
    },
    Confirm {
        on_b: bool,
        nonce: u64,
        mask: u8,
    },
    Refund {
        on_b: bool,
        nonce: u64,
    },
    Wait {
        seconds: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (any::<bool>(), -10i128..6_000).prop_map(|(on_b, amount)| Step::Lock { on_b, amount }),
        (any::<bool>(), 1u64..6, 0u8..16, any::<bool>()).prop_map(
            |(from_b, nonce, mask, tamper)| {
                Step::Relay {
                    from_b,
                    nonce,
                    mask,
                    tamper,
                }
            }
        ),
        (any::<bool>(), 1u64..6, 0u8..16).prop_map(|(on_b, nonce, mask)| Step::Confirm {
            on_b,
            nonce,
            mask
        }),
        (any::<bool>(), 1u64..6).prop_map(|(on_b, nonce)| Step::Refund { on_b, nonce }),
        (0u64..3 * TIMEOUT).prop_map(|seconds| Step::Wait { seconds }),
    ]
}

struct Side<'a> {
    client: BridgeContractClient<'a>,
    chain: u32,
    sender: Address,
    recipient: Address,
}

struct World<'a> {
    env: Env,
    token: token::TokenClient<'a>,
    sides: [Side<'a>; 2],
    validators: std::vec::Vec<Address>,
    keys: std::vec::Vec<SigningKey>,
}

impl<'a> World<'a> {
    fn new() -> Self {
        let env = teachlink_common::testutils::env();
        env.ledger().set_timestamp(START);
        env.mock_all_auths();
        let admin = Address::generate(&env);
        let sac = env.register_stellar_asset_contract_v2(Address::generate(&env));
        let token = token::TokenClient::new(&env, &sac.address());
        let minter = token::StellarAssetClient::new(&env, &sac.address());
        minter.mint(&admin, &(2 * LIQUIDITY));
        let validators: std::vec::Vec<Address> = (0..4).map(|_| Address::generate(&env)).collect();
        let keys: std::vec::Vec<SigningKey> = (0..4u8)
            .map(|i| SigningKey::from_bytes(&[i + 1; 32]))
            .collect();
        for v in &validators {
            minter.mint(v, &(2 * STAKE));
        }
        let side = |chain: u32, other: u32| {
            let config = Config {
                token: sac.address(),
                local_chain: chain,
                min_stake: STAKE,
                unbonding_period: UNBONDING,
                max_validators: 4,
                min_active_validators: 3,
                min_active_stake: 3 * STAKE,
                transfer_timeout: TIMEOUT,
            };
            let id = env.register(BridgeContract, (admin.clone(), TIMELOCK_DELAY, config));
            let client = BridgeContractClient::new(&env, &id);
            for (i, v) in validators.iter().enumerate() {
                let digest = crate::registration_digest(&env, &id, v);
                let proof = sign(&env, &keys[i], &digest);
                let key = BytesN::from_array(&env, &keys[i].verifying_key().to_bytes());
                client.register_validator(v, &key, &STAKE, &proof);
                after_delay(
                    &env,
                    &client,
                    "activate_validator",
                    args(&env, (v.clone(),)),
                    || client.activate_validator(v),
                );
            }
            after_delay(
                &env,
                &client,
                "set_chain_limits",
                args(&env, (other, bridge_id(&env, other), PER_TRANSFER, PER_DAY)),
                || {
                    client.set_chain_limits(
                        &other,
                        &bridge_id(&env, other),
                        &PER_TRANSFER,
                        &PER_DAY,
                    )
                },
            );
            client.fund(&admin, &LIQUIDITY);
            let sender = Address::generate(&env);
            minter.mint(&sender, &LIQUIDITY);
            Side {
                client,
                chain,
                sender,
                recipient: Address::generate(&env),
            }
        };
        let sides = [side(1, 2), side(2, 1)];
        World {
            env,
            token,
            sides,
            validators,
            keys,
        }
    }

    /// Whether `on` released transfer `nonce` of chain `from`.
    fn completed(&self, on: &Side, from: u32, nonce: u64) -> bool {
        self.env.as_contract(&on.client.address, || {
            storage::is_completed(&self.env, from, &bridge_id(&self.env, from), nonce)
        })
    }

    fn transfer(&self, side: &Side, nonce: u64) -> Option<OutboundTransfer> {
        self.env
            .as_contract(&side.client.address, || storage::outbound(&self.env, nonce))
            .ok()
    }

    fn attest(&self, digest: &BytesN<32>, signers: &[usize]) -> Vec<Attestation> {
        let mut out = Vec::new(&self.env);
        for &i in signers {
            out.push_back(Attestation {
                validator: self.validators[i].clone(),
                signature: sign(&self.env, &self.keys[i], digest),
            });
        }
        out
    }

    /// Validators in `mask` who are willing: the honest ones only if
    /// `honest_ok`, the Byzantine one always.
    fn signers(mask: u8, honest_ok: bool) -> std::vec::Vec<usize> {
        (0..4)
            .filter(|&i| mask & (1 << i) != 0 && (honest_ok || i == BYZANTINE))
            .collect()
    }
}

/// The bridge id each side's peer has configured for chain `chain`.
fn bridge_id(env: &Env, chain: u32) -> BytesN<32> {
    BytesN::from_array(env, &[chain as u8; 32])
}

fn sign(env: &Env, key: &SigningKey, digest: &BytesN<32>) -> BytesN<64> {
    BytesN::from_array(env, &key.sign(&digest.to_array()).to_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn releases_never_exceed_locks_and_funds_are_conserved(
        steps in prop::collection::vec(step(), 1..30)
    ) {
        let w = World::new();
        let holders: std::vec::Vec<Address> = w.sides.iter()
            .flat_map(|s| [s.client.address.clone(), s.sender.clone(), s.recipient.clone()])
            .collect();
        let supply: i128 = holders.iter().map(|h| w.token.balance(h)).sum();

        for step in steps {
            match step {
                Step::Lock { on_b, amount } => {
                    let side = &w.sides[on_b as usize];
                    let other = &w.sides[!on_b as usize];
                    let to = Bytes::from_slice(&w.env, b"recipient");
                    let _ = side.client.try_lock(&side.sender, &amount, &other.chain, &to);
                }
                Step::Relay { from_b, nonce, mask, tamper } => {
                    let source = &w.sides[from_b as usize];
                    let dest = &w.sides[!from_b as usize];
                    let lock = w.transfer(source, nonce);
                    let mut message = InboundMessage {
                        source_chain: source.chain,
                        source_bridge: bridge_id(&w.env, source.chain),
                        dest_chain: dest.chain,
                        nonce,
                        token: w.token.address.clone(),
                        amount: lock.as_ref().map_or(1_000, |t| t.amount),
                        recipient: dest.recipient.clone(),
                        expires_at: lock.as_ref().map_or(u64::MAX, |t| t.expires_at),
                    };
                    if tamper {
                        message.amount += 1;
                    }
                    // Honest validators sign only what was really locked.
                    let honest_ok = lock.is_some() && !tamper;
                    let digest = crate::message_digest(&w.env, &dest.client.address, &message);
                    let attestations = w.attest(&digest, &World::signers(mask, honest_ok));
                    if dest.client.try_complete(&message, &attestations).is_ok() {
                        let digest = crate::completion_digest(&w.env, &source.client.address, nonce);
                        source.client.confirm_completed(&nonce, &w.attest(&digest, &[0, 1, 2]));
                    }
                }
                Step::Confirm { on_b, nonce, mask } => {
                    let side = &w.sides[on_b as usize];
                    let other = &w.sides[!on_b as usize];
                    let happened = w.completed(other, side.chain, nonce);
                    let digest = crate::completion_digest(&w.env, &side.client.address, nonce);
                    let attestations = w.attest(&digest, &World::signers(mask, happened));
                    let _ = side.client.try_confirm_completed(&nonce, &attestations);
                }
                Step::Refund { on_b, nonce } => {
                    let side = &w.sides[on_b as usize];
                    let _ = side.client.try_refund(&side.sender, &nonce);
                }
                Step::Wait { seconds } => {
                    let now = w.env.ledger().timestamp();
                    w.env.ledger().set_timestamp(now + seconds);
                }
            }

            for (index, side) in w.sides.iter().enumerate() {
                let other = &w.sides[1 - index];
                let mut locked_not_refunded = 0i128;
                let mut pending = 0i128;
                let locks = w.env.as_contract(&side.client.address, || {
                    storage::totals(&w.env).last_nonce
                });
                for nonce in 1..=locks {
                    let t = w.transfer(side, nonce).unwrap();
                    let released = w.completed(other, side.chain, nonce);
                    prop_assert!(
                        !(released && t.status == TransferStatus::Refunded),
                        "nonce {} of chain {} both released and refunded", nonce, side.chain
                    );
                    if t.status != TransferStatus::Refunded {
                        locked_not_refunded += t.amount;
                    }
                    if t.status == TransferStatus::Pending {
                        pending += t.amount;
                    }
                }
                // Everything `other.recipient` got came from releases of this
                // side's locks.
                prop_assert!(w.token.balance(&other.recipient) <= locked_not_refunded);
                let totals = w.env.as_contract(&side.client.address, || storage::totals(&w.env));
                prop_assert!(totals.liquidity >= 0);
                prop_assert_eq!(
                    w.token.balance(&side.client.address),
                    4 * STAKE + totals.liquidity + pending
                );
            }
            let now: i128 = holders.iter().map(|h| w.token.balance(h)).sum();
            prop_assert_eq!(now, supply);
        }
    }
}
