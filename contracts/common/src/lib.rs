//! Shared building blocks of the TeachLink contracts: admin and roles, the
//! emergency pause, the admin timelock, upgrades and TTL policy.
//!
//! Every contract embeds these as plain functions over its own storage, so
//! the rules (one `require_auth` per admin action, roles granted only by the
//! admin, pause checked at the risky entry points) are written once.
#![no_std]

pub mod access;
mod entry_points;
pub mod events;
pub mod key;
pub mod pause;
pub mod time;
pub mod timelock;
pub mod ttl;
pub mod upgrade;

/// Failures of the shared checks. Each contract maps these onto the first
/// codes of its own `#[contracterror]` enum, so the numbers agree everywhere:
/// `Unauthorized = 101` to `InvalidDelay = 106`, and the contract's own codes from
/// 110. TeachLink codes start above 100 because a failing Stellar Asset
/// Contract call aborts with the token's own codes (1 to 13), which reach the
/// client unchanged: the ranges must not overlap.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum CommonError {
    /// The caller authorized, but lacks the role the entry point needs.
    Unauthorized,
    /// The contract is paused by its emergency role.
    Paused,
    /// No pending proposal matches this operation and its arguments.
    NotProposed,
    /// The proposal's delay has not passed yet.
    TimelockNotReady,
    /// This operation with these arguments is already pending.
    AlreadyProposed,
    /// The timelock delay is over `timelock::MAX_DELAY`.
    InvalidDelay,
}

/// Implements `From<CommonError>` for a contract's error enum, whose
/// `Unauthorized`, `Paused`, `NotProposed`, `TimelockNotReady`,
/// `AlreadyProposed` and `InvalidDelay` variants must carry codes 101 to 106.
#[macro_export]
macro_rules! impl_from_common_error {
    ($error:ty) => {
        impl From<$crate::CommonError> for $error {
            fn from(e: $crate::CommonError) -> Self {
                match e {
                    $crate::CommonError::Unauthorized => <$error>::Unauthorized,
                    $crate::CommonError::Paused => <$error>::Paused,
                    $crate::CommonError::NotProposed => <$error>::NotProposed,
                    $crate::CommonError::TimelockNotReady => <$error>::TimelockNotReady,
                    $crate::CommonError::AlreadyProposed => <$error>::AlreadyProposed,
                    $crate::CommonError::InvalidDelay => <$error>::InvalidDelay,
                }
            }
        }
    };
}

#[cfg(any(test, feature = "testutils"))]
pub mod testutils;

#[cfg(test)]
mod test;
