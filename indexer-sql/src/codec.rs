//! How values are stored: u64 with the top bit flipped, u32 as they are, escrow statuses
//! as their names, entities as JSON text. Decoding a stored value never panics: anything
//! unexpected is [`SqlError::Corrupt`].

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::SqlError;

const TOP_BIT: u64 = 1 << 63;

/// A u64 as a signed 64-bit column (SQLite INTEGER, PostgreSQL BIGINT): the top bit
/// flipped, so 0 is `i64::MIN`, 2^63 is 0 and `u64::MAX` is `i64::MAX`. Exact both ways,
/// and `a < b` as u64 exactly when `enc(a) < enc(b)` as i64, so SQL orders and compares
/// keys like Rust does.
pub fn u64_to_sql(v: u64) -> i64 {
    i64::from_ne_bytes((v ^ TOP_BIT).to_ne_bytes())
}

/// The inverse of [`u64_to_sql`]; every i64 is some u64, so it cannot fail.
pub fn u64_from_sql(v: i64) -> u64 {
    u64::from_ne_bytes(v.to_ne_bytes()) ^ TOP_BIT
}

/// A u32 as stored (as it is), checked on the way back.
pub(crate) fn u32_from_sql(v: i64, what: &'static str) -> Result<u32, SqlError> {
    u32::try_from(v).map_err(|_| SqlError::Corrupt {
        what,
        detail: format!("{v} is not a u32"),
    })
}

pub(crate) fn to_json<T: Serialize>(value: &T, what: &'static str) -> Result<String, SqlError> {
    serde_json::to_string(value).map_err(|e| SqlError::Encode {
        what,
        detail: e.to_string(),
    })
}

pub(crate) fn from_json<T: DeserializeOwned>(
    text: &str,
    what: &'static str,
) -> Result<T, SqlError> {
    serde_json::from_str(text).map_err(|e| SqlError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u64_round_trips_and_keeps_its_order() {
        let values = [
            0,
            1,
            2,
            u64::from(u32::MAX),
            (1 << 63) - 1,
            1 << 63,
            (1 << 63) + 1,
            u64::MAX - 1,
            u64::MAX,
        ];
        assert_eq!(u64_to_sql(0), i64::MIN);
        assert_eq!(u64_to_sql(1 << 63), 0);
        assert_eq!(u64_to_sql(u64::MAX), i64::MAX);
        for w in values.windows(2) {
            assert!(u64_to_sql(w[0]) < u64_to_sql(w[1]), "{} < {}", w[0], w[1]);
        }
        for v in values {
            assert_eq!(u64_from_sql(u64_to_sql(v)), v);
        }
        for v in [i64::MIN, -1, 0, 1, i64::MAX] {
            assert_eq!(u64_to_sql(u64_from_sql(v)), v);
        }
    }

    #[test]
    fn u32_out_of_range_is_corrupt_not_a_panic() {
        assert_eq!(u32_from_sql(7, "x").ok(), Some(7));
        assert!(matches!(
            u32_from_sql(-1, "x"),
            Err(SqlError::Corrupt { .. })
        ));
        assert!(matches!(
            u32_from_sql(1 << 40, "x"),
            Err(SqlError::Corrupt { .. })
        ));
    }
}
