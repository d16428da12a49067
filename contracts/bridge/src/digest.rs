//! What validators sign. Every digest is
//!
//! ```text
//! sha256( "teachlink-bridge-v1"            19 ASCII bytes
//!      || kind                             1 byte
//!      || XDR(ScVal::Address(bridge))      the verifying bridge contract
//!      || XDR(ScVal(payload)) )
//! ```
//!
//! where `kind` and `payload` are
//! - `0x01`, the [`InboundMessage`] (an `ScVal::Map` keyed by field name in
//!   symbol order, as `#[contracttype]` encodes it), which names its source
//!   chain and the source chain's bridge (`source_bridge`, 32 bytes): release
//!   on this bridge;
//! - `0x02`, the outbound nonce as `ScVal::U64`: the transfer this bridge
//!   locked under that nonce was completed on its destination chain;
//! - `0x03`, the validator's `ScVal::Address`: proof that the registrant holds
//!   the signing key.
//!
//! The tag and kind keep the three meanings apart; the bridge address binds a
//! signature to one deployment on one network. The 32-byte digest itself is
//! the ed25519 message.
use soroban_sdk::{xdr::ToXdr, Address, Bytes, BytesN, Env, IntoVal, Val};

use crate::types::InboundMessage;

pub const DOMAIN_TAG: &[u8; 19] = b"teachlink-bridge-v1";
pub const KIND_INBOUND: u8 = 0x01;
pub const KIND_COMPLETED: u8 = 0x02;
pub const KIND_REGISTRATION: u8 = 0x03;

/// Digest validators sign to release `message` on `bridge`.
pub fn message_digest(env: &Env, bridge: &Address, message: &InboundMessage) -> BytesN<32> {
    digest(env, KIND_INBOUND, bridge, message.into_val(env))
}

/// Digest validators sign to confirm that the transfer `bridge` locked under
/// `nonce` was completed on its destination chain.
pub fn completion_digest(env: &Env, bridge: &Address, nonce: u64) -> BytesN<32> {
    digest(env, KIND_COMPLETED, bridge, nonce.into_val(env))
}

/// Digest a validator signs to register `validator` on `bridge`.
pub fn registration_digest(env: &Env, bridge: &Address, validator: &Address) -> BytesN<32> {
    digest(env, KIND_REGISTRATION, bridge, validator.into_val(env))
}

fn digest(env: &Env, kind: u8, bridge: &Address, payload: Val) -> BytesN<32> {
    let mut preimage = Bytes::from_array(env, DOMAIN_TAG);
    preimage.push_back(kind);
    preimage.append(&bridge.clone().to_xdr(env));
    preimage.append(&payload.to_xdr(env));
    env.crypto().sha256(&preimage).into()
}
