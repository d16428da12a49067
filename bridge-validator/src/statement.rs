//! Owns attestations: what a validator states about the source chain, its signature on it,
//! and who signs ([`Attester`]). The wire form (JSON) is what peers exchange.

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use stellar_xdr::ScAddress;

use crate::digest::{completion_digest, message_digest, InboundMessage};
use crate::error::Result;

/// What a validator attests to the destination bridge.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Statement {
    /// "This transfer was locked on the source chain": release it (`complete`).
    Inbound { message: InboundMessage },
    /// "The transfer the destination bridge locked under `nonce` was completed on the
    /// source chain": it can no longer be refunded (`confirm_completed`).
    Completion { nonce: u64 },
}

/// Which attestations belong together: those about one transfer. Two different inbound
/// statements by one validator under one key are equivocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferKey {
    Inbound { source_chain: u32, nonce: u64 },
    Completion { nonce: u64 },
}

impl Statement {
    pub fn key(&self) -> TransferKey {
        match self {
            Statement::Inbound { message } => TransferKey::Inbound {
                source_chain: message.source_chain,
                nonce: message.nonce,
            },
            Statement::Completion { nonce } => TransferKey::Completion { nonce: *nonce },
        }
    }

    /// The 32 bytes a validator signs for the destination bridge `bridge`.
    pub fn digest(&self, bridge: &ScAddress) -> Result<[u8; 32]> {
        match self {
            Statement::Inbound { message } => message_digest(bridge, message),
            Statement::Completion { nonce } => completion_digest(bridge, *nonce),
        }
    }
}

/// A statement with one validator's signature over its digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Signed {
    pub statement: Statement,
    /// The validator's address on the destination bridge (G…).
    pub validator: String,
    /// ed25519 signature over the statement's digest, hex.
    #[serde(with = "hex_sig")]
    pub signature: [u8; 64],
}

impl Signed {
    /// Whether the signature verifies under `key` for the destination bridge `bridge`.
    pub fn verifies(&self, bridge: &ScAddress, key: &[u8; 32]) -> bool {
        let Ok(digest) = self.statement.digest(bridge) else {
            return false;
        };
        let Ok(key) = VerifyingKey::from_bytes(key) else {
            return false;
        };
        key.verify(&digest, &Signature::from_bytes(&self.signature))
            .is_ok()
    }
}

/// Who signs: the honest [`KeyAttester`], or in tests a faulty one.
pub trait Attester {
    /// The validator's address (G…) on the destination bridge.
    fn validator(&self) -> &str;
    /// The signed statements this validator publishes for `statement`, which the daemon
    /// derived from the source chain.
    fn attest(&self, bridge: &ScAddress, statement: &Statement) -> Result<Vec<Signed>>;
}

/// Signs exactly what the source chain shows, with the validator's ed25519 key.
pub struct KeyAttester {
    validator: String,
    key: SigningKey,
}

impl KeyAttester {
    pub fn new(validator: String, key: SigningKey) -> Self {
        KeyAttester { validator, key }
    }

    /// One signature by this key over `statement`.
    pub fn sign(&self, bridge: &ScAddress, statement: &Statement) -> Result<Signed> {
        let digest = statement.digest(bridge)?;
        Ok(Signed {
            statement: statement.clone(),
            validator: self.validator.clone(),
            signature: self.key.sign(&digest).to_bytes(),
        })
    }
}

impl Attester for KeyAttester {
    fn validator(&self) -> &str {
        &self.validator
    }

    fn attest(&self, bridge: &ScAddress, statement: &Statement) -> Result<Vec<Signed>> {
        Ok(vec![self.sign(bridge, statement)?])
    }
}

mod hex_sig {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 64], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 64], D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 64];
        hex::decode_to_slice(&s, &mut out)
            .map_err(|e| D::Error::custom(format!("signature: {e}")))?;
        Ok(out)
    }
}
