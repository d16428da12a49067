//! Owns what validators sign: the bridge contract's domain-separated digests, computed
//! natively from plain Rust values. They must equal `teachlink_bridge::digest` byte for byte
//! (a test holds them equal), or every attestation would be refused on chain.
//!
//! ```text
//! sha256("teachlink-bridge-v1" || kind || XDR(ScVal::Address(bridge)) || XDR(payload))
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use stellar_xdr::{Limits, ScAddress, ScVal, WriteXdr};
use teachlink_sdk::tx;

use crate::error::{Error, Result};

const DOMAIN_TAG: &[u8; 19] = b"teachlink-bridge-v1";
const KIND_INBOUND: u8 = 0x01;
const KIND_COMPLETED: u8 = 0x02;
const KIND_REGISTRATION: u8 = 0x03;

/// A transfer to release on the destination bridge: the contract's `InboundMessage`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InboundMessage {
    pub source_chain: u32,
    /// The source chain's bridge: its 32-byte contract id (hex in JSON). A redeployed source
    /// bridge restarts its nonces; the destination accepts only the bridge it has configured
    /// for `source_chain`.
    #[serde(with = "hex32")]
    pub source_bridge: [u8; 32],
    pub dest_chain: u32,
    /// The nonce `lock` returned on the source chain.
    pub nonce: u64,
    /// The destination bridge's token (C…).
    pub token: String,
    /// Token units, as a decimal string in JSON (i128 does not fit a JSON number).
    #[serde(with = "decimal")]
    pub amount: i128,
    /// The recipient on the destination chain (G… or C…).
    pub recipient: String,
    /// The source transfer's expiry (UNIX seconds); the destination refuses it from then.
    pub expires_at: u64,
}

impl InboundMessage {
    /// The message as the contract receives it: a `#[contracttype]` struct.
    pub fn to_scval(&self) -> Result<ScVal> {
        Ok(tx::struct_val(vec![
            ("amount", tx::i128_val(self.amount)),
            ("dest_chain", ScVal::U32(self.dest_chain)),
            ("expires_at", ScVal::U64(self.expires_at)),
            ("nonce", ScVal::U64(self.nonce)),
            (
                "recipient",
                ScVal::Address(tx::parse_address(&self.recipient, "recipient")?),
            ),
            (
                "source_bridge",
                ScVal::Bytes(
                    self.source_bridge
                        .to_vec()
                        .try_into()
                        .map_err(|_| Error::Invalid("source_bridge".into()))?,
                ),
            ),
            ("source_chain", ScVal::U32(self.source_chain)),
            (
                "token",
                ScVal::Address(tx::parse_address(&self.token, "token")?),
            ),
        ])?)
    }
}

/// Digest validators sign to release `message` on `bridge`.
pub fn message_digest(bridge: &ScAddress, message: &InboundMessage) -> Result<[u8; 32]> {
    digest(KIND_INBOUND, bridge, &message.to_scval()?)
}

/// Digest validators sign to confirm that the transfer `bridge` locked under `nonce` was
/// completed on its destination chain.
pub fn completion_digest(bridge: &ScAddress, nonce: u64) -> Result<[u8; 32]> {
    digest(KIND_COMPLETED, bridge, &ScVal::U64(nonce))
}

/// Digest a validator's signing key signs to register `validator` on `bridge`.
pub fn registration_digest(bridge: &ScAddress, validator: &ScAddress) -> Result<[u8; 32]> {
    digest(
        KIND_REGISTRATION,
        bridge,
        &ScVal::Address(validator.clone()),
    )
}

fn digest(kind: u8, bridge: &ScAddress, payload: &ScVal) -> Result<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(DOMAIN_TAG);
    h.update([kind]);
    h.update(xdr(&ScVal::Address(bridge.clone()))?);
    h.update(xdr(payload)?);
    Ok(h.finalize().into())
}

fn xdr(v: &ScVal) -> Result<Vec<u8>> {
    v.to_xdr(Limits::none())
        .map_err(|e| Error::Invalid(format!("XDR of a digest field: {e}")))
}

/// The 32-byte contract id of a bridge (C…), as messages name it.
pub fn bridge_id(bridge: &ScAddress) -> Result<[u8; 32]> {
    match bridge {
        ScAddress::Contract(stellar_xdr::ContractId(stellar_xdr::Hash(id))) => Ok(*id),
        other => Err(Error::Misconfigured(format!(
            "a bridge is a contract, not {other:?}"
        ))),
    }
}

/// 32 bytes as hex in JSON.
mod hex32 {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out).map_err(D::Error::custom)?;
        Ok(out)
    }
}

/// i128 as a decimal string in JSON.
mod decimal {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(D::Error::custom)
    }
}
