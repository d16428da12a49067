//! Owns XDR encoding helpers: bounded decoding of untrusted input, base64, hashes of keys.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use soroban_env_host::xdr::{Limits, ReadXdr, WriteXdr};

use crate::error::{LocalnetError, Result};

/// Limits for anything that comes from a client: deep enough for real transactions, bounded
/// so a hostile payload cannot exhaust the stack or memory.
pub fn limits() -> Limits {
    Limits {
        depth: 500,
        len: 16 * 1024 * 1024,
    }
}

/// Encodes a value as XDR bytes.
pub fn to_xdr<T: WriteXdr>(v: &T) -> Result<Vec<u8>> {
    Ok(v.to_xdr(limits())?)
}

/// Encodes a value as base64 XDR.
pub fn to_b64<T: WriteXdr>(v: &T) -> Result<String> {
    Ok(STANDARD.encode(to_xdr(v)?))
}

/// Decodes base64 XDR from a client; any error is an invalid-input error.
pub fn from_b64<T: ReadXdr>(s: &str) -> Result<T> {
    let bytes = STANDARD
        .decode(s.trim())
        .map_err(|e| LocalnetError::Invalid(format!("invalid base64: {e}")))?;
    T::from_xdr(bytes, limits()).map_err(|e| LocalnetError::Invalid(format!("invalid XDR: {e}")))
}

/// Decodes XDR bytes produced by the host (trusted, but still fallible).
pub fn from_xdr<T: ReadXdr>(bytes: &[u8]) -> Result<T> {
    Ok(T::from_xdr(bytes, limits())?)
}

/// Base64 of raw bytes.
pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}
