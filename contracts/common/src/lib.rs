//! Shared building blocks of the TeachLink contracts: admin and roles, the
//! emergency pause, upgrades and TTL policy.
//!
//! Every contract embeds these as plain functions over its own storage, so
//! the rules (one `require_auth` per admin action, roles granted only by the
//! admin, pause checked at the risky entry points) are written once.
#![no_std]

pub mod access;
mod entry_points;
pub mod events;
pub mod pause;
pub mod time;
pub mod ttl;
pub mod upgrade;

/// Failures of the shared checks. Each contract maps these onto the first
/// codes of its own `#[contracterror]` enum, so the numbers agree everywhere:
/// `Unauthorized = 101`, `Paused = 102`, and the contract's own codes from
/// 110. TeachLink codes start above 100 because a failing Stellar Asset
/// Contract call aborts with the token's own codes (1 to 13), which reach the
/// client unchanged: the ranges must not overlap.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum CommonError {
    /// The caller authorized, but lacks the role the entry point needs.
    Unauthorized,
    /// The contract is paused by its emergency role.
    Paused,
}

/// Implements `From<CommonError>` for a contract's error enum, whose
/// `Unauthorized` and `Paused` variants must carry codes 101 and 102.
#[macro_export]
macro_rules! impl_from_common_error {
    ($error:ty) => {
        impl From<$crate::CommonError> for $error {
            fn from(e: $crate::CommonError) -> Self {
                match e {
                    $crate::CommonError::Unauthorized => <$error>::Unauthorized,
                    $crate::CommonError::Paused => <$error>::Paused,
                }
            }
        }
    };
}

#[cfg(any(test, feature = "testutils"))]
pub mod testutils;
