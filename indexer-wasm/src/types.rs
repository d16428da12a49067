//! Owns the small value types every layer shares: addresses, event ids, hashes and the
//! JSON forms (strkeys, hex, decimal strings) they take in stores and in the browser.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use stellar_xdr::{AccountId, ContractId, Hash, PublicKey, ScAddress, Uint256};

use crate::error::ParseError;
use crate::strkey;

/// A Soroban `Address` as TeachLink contracts emit it: an account (G…) or a contract (C…).
///
/// Kept as raw bytes rather than a strkey `String` so decoding and indexing never allocate
/// or run the base32/CRC encoding; the strkey is produced only when displayed or serialized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Address {
    Account([u8; 32]),
    Contract([u8; 32]),
}

impl Address {
    /// Converts an XDR address; muxed, claimable-balance and pool addresses are never
    /// stored in a TeachLink `Address` field, so they are refused.
    pub fn from_sc(a: &ScAddress) -> Option<Address> {
        match a {
            ScAddress::Account(AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(k)))) => {
                Some(Address::Account(*k))
            }
            ScAddress::Contract(ContractId(Hash(h))) => Some(Address::Contract(*h)),
            _ => None,
        }
    }

    /// The XDR form, e.g. to build a topic filter.
    pub fn to_sc(&self) -> ScAddress {
        match self {
            Address::Account(k) => {
                ScAddress::Account(AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(*k))))
            }
            Address::Contract(h) => ScAddress::Contract(ContractId(Hash(*h))),
        }
    }
}

impl Address {
    /// The strkey (`G…` or `C…`) into a fixed buffer: no allocation, no formatter.
    pub fn strkey_into(&self, out: &mut [u8; strkey::LEN]) {
        match self {
            Address::Account(k) => strkey::encode_into(strkey::Kind::Account, k, out),
            Address::Contract(h) => strkey::encode_into(strkey::Kind::Contract, h, out),
        }
    }

    /// The strkey (`G…` or `C…`).
    pub fn strkey(&self) -> String {
        let mut out = [0u8; strkey::LEN];
        self.strkey_into(&mut out);
        out.iter().map(|&b| char::from(b)).collect()
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = [0u8; strkey::LEN];
        self.strkey_into(&mut out);
        // The alphabet is ASCII, so this never fails.
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for Address {
    type Err = ParseError;
    /// A `G…` or `C…` strkey (surrounding whitespace is not trimmed).
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match strkey::decode(s) {
            Some((strkey::Kind::Account, k)) => Ok(Address::Account(k)),
            Some((strkey::Kind::Contract, h)) => Ok(Address::Contract(h)),
            _ => Err(ParseError::Address(s.to_string())),
        }
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = [0u8; strkey::LEN];
        self.strkey_into(&mut out);
        s.serialize_str(std::str::from_utf8(&out).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Bits of a TOID given to the transaction's application order and the operation index,
/// as in stellar-core and stellar-rpc.
const TX_BITS: u32 = 20;
const OP_BITS: u32 = 12;
const TX_MASK: u64 = (1 << TX_BITS) - 1;
const OP_MASK: u64 = (1 << OP_BITS) - 1;

/// A Stellar RPC event id / paging cursor: the TOID (ledger << 32 | tx << 12 | op) and the
/// event's index in its transaction. Ordered like the chain, so it is both the idempotency
/// key of an event and a position to resume from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct EventId {
    pub toid: u64,
    pub index: u32,
}

impl EventId {
    /// The ledger this id points into.
    pub fn ledger(&self) -> u32 {
        (self.toid >> 32) as u32
    }

    /// The last position inside `ledger`: stellar-rpc's "end of the scanned window" cursor,
    /// which a server of events hands out when a page ends at a ledger's end.
    pub fn end_of_ledger(ledger: u32) -> EventId {
        EventId {
            toid: (u64::from(ledger) << 32) | (TX_MASK << OP_BITS) | OP_MASK,
            index: u32::MAX,
        }
    }

    /// The transaction's application order in its ledger (from 1), as in the TOID.
    pub fn transaction_index(&self) -> u32 {
        ((self.toid >> OP_BITS) & TX_MASK) as u32
    }

    /// The operation's index in its transaction, as in the TOID.
    pub fn operation_index(&self) -> u32 {
        (self.toid & OP_MASK) as u32
    }

    /// Whether this is stellar-rpc's "end of the scanned window" cursor: the largest
    /// position inside its ledger, so that ledger is fully covered.
    pub fn is_end_of_ledger(&self) -> bool {
        (self.toid >> OP_BITS) & TX_MASK == TX_MASK && self.toid & OP_MASK == OP_MASK
    }

    /// The last ledger entirely covered once everything up to this position is indexed.
    pub fn covered_through(&self) -> u32 {
        if self.is_end_of_ledger() {
            self.ledger()
        } else {
            self.ledger().saturating_sub(1)
        }
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:019}-{:010}", self.toid, self.index)
    }
}

impl FromStr for EventId {
    type Err = ParseError;
    /// Parses `TOID-INDEX` (or a bare TOID, index 0), as stellar-rpc accepts, without
    /// allocating: ids are parsed once per event on the hot path.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let bad = || ParseError::EventId(s.to_string());
        let (toid, index) = match s.split_once('-') {
            Some((t, i)) => (t, i.parse::<u32>().map_err(|_| bad())?),
            None => (s, 0),
        };
        // stellar-rpc's TOIDs are non-negative i64s; any u64 is accepted so that every id
        // this type displays parses back (entities store their events' ids as text).
        let toid: u64 = toid.parse().map_err(|_| bad())?;
        Ok(EventId { toid, index })
    }
}

impl EventId {
    /// `TOID-INDEX` as stellar-rpc writes it (at least 19 and 10 digits, zero-padded) into
    /// a fixed buffer, and its length: serialized once per decoded event, so no formatter.
    fn text(&self) -> ([u8; 31], usize) {
        let mut out = [b'0'; 31];
        // u64 has up to 20 digits; stellar-rpc's TOIDs (i64) at most 19.
        let width = if self.toid >= 10_000_000_000_000_000_000 {
            20
        } else {
            19
        };
        write_digits(&mut out[..width], self.toid);
        out[width] = b'-';
        write_digits(&mut out[width + 1..width + 11], u64::from(self.index));
        (out, width + 11)
    }
}

/// `v` in decimal, right-aligned in `out` (which is pre-filled with zeros and wide enough).
fn write_digits(out: &mut [u8], mut v: u64) {
    for d in out.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
}

impl Serialize for EventId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (text, len) = self.text();
        s.serialize_str(std::str::from_utf8(&text[..len]).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// 32 bytes (a content hash, a wasm hash, a transaction hash), hex in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash32(pub [u8; 32]);

impl fmt::Debug for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash32({})", hex::encode(self.0))
    }
}

impl fmt::Display for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl FromStr for Hash32 {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| ParseError::Hash(s.to_string()))?;
        Ok(Hash32(out))
    }
}

impl Serialize for Hash32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = [0u8; 64];
        hex::encode_to_slice(self.0, &mut out).map_err(serde::ser::Error::custom)?;
        s.serialize_str(std::str::from_utf8(&out).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for Hash32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Variable-length bytes (a Soroban `Bytes`, e.g. a bridge recipient on another chain),
/// hex in JSON and when displayed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct HexBytes(pub Vec<u8>);

impl fmt::Debug for HexBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HexBytes({})", hex::encode(&self.0))
    }
}

impl fmt::Display for HexBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl FromStr for HexBytes {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        hex::decode(s)
            .map(HexBytes)
            .map_err(|_| ParseError::Hex(s.to_string()))
    }
}

impl Serialize for HexBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HexBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde for `i128` amounts as decimal strings: JavaScript numbers (and so IndexedDB
/// values read by the app) lose precision past 2^53, and token amounts exceed that.
pub mod amount {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Decimal digits into a fixed buffer (an i128 has at most 39 and a sign): amounts
    /// are serialized once per decoded event, so no formatter.
    pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 40];
        let mut i = buf.len();
        let mut n = v.unsigned_abs();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if *v < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        s.serialize_str(std::str::from_utf8(&buf[i..]).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// [`amount`] for optional amounts: a decimal string or `null`.
pub mod amount_opt {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<i128>, s: S) -> Result<S::Ok, S::Error> {
        v.map(|v| v.to_string()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i128>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Parses RFC 3339 timestamps as stellar-rpc writes them (`2024-05-01T12:00:00Z`,
/// optionally with fractional seconds) into UNIX seconds; `None` before 1970.
pub fn parse_rfc3339_utc(s: &str) -> Option<u64> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    u64::try_from(t.unix_timestamp()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_id_round_trips_and_knows_its_ledger() {
        let s = "0000000030064783360-0000000002";
        let id: EventId = s.parse().unwrap();
        assert_eq!(id.ledger(), 7);
        assert_eq!(id.to_string(), s);
        assert!(!id.is_end_of_ledger());
        assert_eq!(id.covered_through(), 6);
        let end = EventId {
            toid: (7u64 << 32) | (TX_MASK << OP_BITS) | OP_MASK,
            index: u32::MAX,
        };
        assert!(end.is_end_of_ledger());
        assert_eq!(end.covered_through(), 7);
        assert!("x-1".parse::<EventId>().is_err());
        assert!("-5".parse::<EventId>().is_err());
        // Every id displayed parses back, the largest too.
        let max = EventId {
            toid: u64::MAX,
            index: u32::MAX,
        };
        assert_eq!(max.to_string().parse::<EventId>().unwrap(), max);
    }

    #[test]
    fn rfc3339_parses_like_stellar_rpc_prints() {
        assert_eq!(parse_rfc3339_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_utc("2024-02-29T12:34:56Z"),
            Some(1_709_210_096)
        );
        assert_eq!(
            parse_rfc3339_utc("2024-02-29T12:34:56.250Z"),
            Some(1_709_210_096)
        );
        // RFC 3339 allows a space for the `T`; stellar-rpc never writes one.
        assert_eq!(
            parse_rfc3339_utc("2024-02-29 12:34:56Z"),
            Some(1_709_210_096)
        );
        assert_eq!(parse_rfc3339_utc("2024-02-30T12:34:56Z"), None);
        assert_eq!(parse_rfc3339_utc("2024-02-29T12:34:56"), None);
        assert_eq!(parse_rfc3339_utc("1969-12-31T23:59:59Z"), None);
        assert_eq!(parse_rfc3339_utc("garbage"), None);
    }

    #[test]
    fn addresses_print_and_parse_as_strkeys() {
        let a = Address::Account([7; 32]);
        let c = Address::Contract([9; 32]);
        for x in [a, c] {
            let s = x.to_string();
            assert_eq!(s.parse::<Address>().unwrap(), x);
            let json = serde_json::to_string(&x).unwrap();
            assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), x);
        }
        assert!(a.to_string().starts_with('G'));
        assert!(c.to_string().starts_with('C'));
        assert!("nope".parse::<Address>().is_err());
    }

    /// The formatter-free serializers write what the formatters did.
    #[test]
    fn serialized_forms_match_display() {
        for toid in [0, 1, 30_064_783_360, 9_999_999_999_999_999_999, u64::MAX] {
            for index in [0, 2, u32::MAX] {
                let id = EventId { toid, index };
                let json = serde_json::to_string(&id).unwrap();
                assert_eq!(json, format!("\"{toid:019}-{index:010}\""));
                assert_eq!(serde_json::from_str::<EventId>(&json).unwrap(), id);
            }
        }
        #[derive(Serialize, Deserialize)]
        struct A(#[serde(with = "amount")] i128);
        for v in [
            0,
            1,
            -1,
            10,
            -10,
            1_000_000_007,
            i128::MAX,
            i128::MIN,
            i128::MIN + 1,
        ] {
            let json = serde_json::to_string(&A(v)).unwrap();
            assert_eq!(json, format!("\"{v}\""));
            assert_eq!(serde_json::from_str::<A>(&json).unwrap().0, v);
        }
        let h = Hash32([0xab; 32]);
        assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{h}\""));
    }

    #[test]
    fn hex_bytes_are_hex_in_json() {
        let b = HexBytes(vec![0xde, 0xad, 0x01]);
        assert_eq!(b.to_string(), "dead01");
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, "\"dead01\"");
        assert_eq!(serde_json::from_str::<HexBytes>(&json).unwrap(), b);
        assert_eq!("".parse::<HexBytes>().unwrap(), HexBytes(vec![]));
        assert!("xyz".parse::<HexBytes>().is_err());
    }
}
