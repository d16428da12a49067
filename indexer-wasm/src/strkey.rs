//! Owns the strkey text form of 32-byte keys (SEP-23): `G…` accounts, `C…` contracts and
//! `S…` secret seeds, as base32 (RFC 4648, no padding) of a version byte, the key and a
//! CRC16-XModem checksum.
//!
//! Written here rather than taken from stellar-strkey because that crate encodes through
//! data_encoding, whose generic base32 is about 150 monomorphised functions (≈ 74 KB of
//! the browser's Wasm) and ≈ 5 % of event decoding time; a fixed 35-byte payload needs
//! none of that generality. The tests check it against stellar-strkey on every kind.

/// The kinds of strkey this crate reads and writes (each a 32-byte payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `G…`: an ed25519 public key (an account).
    Account,
    /// `C…`: a contract id.
    Contract,
    /// `S…`: an ed25519 secret seed.
    Seed,
}

impl Kind {
    /// The version byte: the kind's 5-bit index shifted into the first base32 character.
    const fn version(self) -> u8 {
        match self {
            Kind::Account => 6 << 3,
            Kind::Contract => 2 << 3,
            Kind::Seed => 18 << 3,
        }
    }

    fn from_version(v: u8) -> Option<Kind> {
        [Kind::Account, Kind::Contract, Kind::Seed]
            .into_iter()
            .find(|k| k.version() == v)
    }
}

/// Version byte + 32-byte key + 2-byte checksum.
const PAYLOAD: usize = 35;
/// 35 bytes are 280 bits: exactly 56 base32 characters, no padding and no spare bits.
pub const LEN: usize = 56;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// CRC16-XModem (polynomial 0x1021, initial 0), as SEP-23 specifies.
fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The strkey of `key` as `kind`, written into a fixed buffer (all ASCII).
pub fn encode_into(kind: Kind, key: &[u8; 32], out: &mut [u8; LEN]) {
    let mut payload = [0u8; PAYLOAD];
    payload[0] = kind.version();
    payload[1..33].copy_from_slice(key);
    let crc = crc16(&payload[..33]);
    payload[33..].copy_from_slice(&crc.to_le_bytes());
    // Five bytes are eight characters: 7 groups of 40 bits.
    for (chunk, chars) in payload.chunks_exact(5).zip(out.chunks_exact_mut(8)) {
        let bits = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        for (i, c) in chars.iter_mut().enumerate() {
            *c = ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize];
        }
    }
}

/// The strkey of `key` as `kind`.
pub fn encode(kind: Kind, key: &[u8; 32]) -> String {
    let mut out = [0u8; LEN];
    encode_into(kind, key, &mut out);
    out.iter().map(|&b| char::from(b)).collect()
}

/// The kind and key of a strkey; `None` unless it is exactly 56 upper-case base32
/// characters of a known kind whose checksum matches.
pub fn decode(s: &str) -> Option<(Kind, [u8; 32])> {
    let s = s.as_bytes();
    if s.len() != LEN {
        return None;
    }
    let mut payload = [0u8; PAYLOAD];
    for (chars, chunk) in s.chunks_exact(8).zip(payload.chunks_exact_mut(5)) {
        let mut bits = 0u64;
        for &c in chars {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'2'..=b'7' => c - b'2' + 26,
                _ => return None,
            };
            bits = (bits << 5) | u64::from(v);
        }
        for (i, b) in chunk.iter_mut().enumerate() {
            *b = (bits >> (32 - 8 * i)) as u8;
        }
    }
    let kind = Kind::from_version(payload[0])?;
    let crc = u16::from_le_bytes([payload[33], payload[34]]);
    if crc16(&payload[..33]) != crc {
        return None;
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&payload[1..33]);
    Some((kind, key))
}

/// The key of a strkey of exactly this kind.
pub fn decode_kind(s: &str, kind: Kind) -> Option<[u8; 32]> {
    match decode(s) {
        Some((k, key)) if k == kind => Some(key),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<[u8; 32]> {
        let mut v = vec![[0u8; 32], [0xff; 32]];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200 {
            let mut k = [0u8; 32];
            for b in &mut k {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            v.push(k);
        }
        v
    }

    /// The same text as stellar-strkey (the reference implementation's port) for every
    /// kind, and back.
    #[test]
    fn matches_stellar_strkey_both_ways() {
        use stellar_strkey::{ed25519, Contract};
        for k in keys() {
            let g = ed25519::PublicKey(k).to_string();
            let c = Contract(k).to_string();
            let s = ed25519::PrivateKey(k).to_string();
            assert_eq!(encode(Kind::Account, &k), g);
            assert_eq!(encode(Kind::Contract, &k), c);
            assert_eq!(encode(Kind::Seed, &k), s);
            assert_eq!(decode(&g), Some((Kind::Account, k)));
            assert_eq!(decode(&c), Some((Kind::Contract, k)));
            assert_eq!(decode(&s), Some((Kind::Seed, k)));
            assert_eq!(decode_kind(&g, Kind::Contract), None);
        }
    }

    /// SEP-23's own examples.
    #[test]
    fn sep23_vectors() {
        let g = "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ";
        let (kind, key) = decode(g).unwrap();
        assert_eq!(kind, Kind::Account);
        assert_eq!(encode(Kind::Account, &key), g);
        let c = "CA3D5KRYM6CB7OWQ6TWYRR3Z4T7GNZLKERYNZGGA5SOAOPIFY6YQGAXE";
        assert_eq!(decode(c).map(|(k, _)| k), Some(Kind::Contract));
        let s = "SBU2RRGLXH3E5CQHTD3ODLDF2BWDCYUSSBLLZ5GNW7JXHDIYKXZWHOKR";
        assert_eq!(decode(s).map(|(k, _)| k), Some(Kind::Seed));
    }

    /// Each way a strkey can be wrong is refused, never decoded to another key.
    #[test]
    fn bad_strkeys_are_refused() {
        let g = "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ";
        // Lower case, a changed character (checksum), too short, too long, padding,
        // a character outside the alphabet, a muxed account (M…), a pre-auth transaction (T…)
        // and a hash-x signer (X…): valid strkeys of kinds that are not read here.
        let mut changed = g.to_string().into_bytes();
        changed[10] = if changed[10] == b'A' { b'B' } else { b'A' };
        let bad = [
            g.to_lowercase(),
            String::from_utf8(changed).unwrap(),
            g[..55].to_string(),
            format!("{g}A"),
            format!("{}=", &g[..55]),
            format!("{}1", &g[..55]),
            "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAAGZFQ".to_string(),
            stellar_strkey::PreAuthTx([7; 32]).to_string(),
            stellar_strkey::HashX([7; 32]).to_string(),
            String::new(),
            "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGé".to_string(),
        ];
        for s in &bad {
            assert_eq!(decode(s), None, "{s:?} decoded");
        }
    }
}
