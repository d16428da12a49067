//! TTL policy: how long instance and persistent entries are kept alive, and
//! the helpers that extend them whenever a contract touches them.
use soroban_sdk::{Env, IntoVal, Val};

/// Ledgers per day at the network's 5-second close time.
pub const DAY_IN_LEDGERS: u32 = 17_280;
/// Entries touched are extended to live at least this long...
pub const BUMP_AMOUNT: u32 = 30 * DAY_IN_LEDGERS;
/// ...whenever their remaining TTL has fallen below this, so a busy entry is
/// not re-extended (and re-charged rent) on every call.
pub const BUMP_THRESHOLD: u32 = BUMP_AMOUNT - DAY_IN_LEDGERS;

/// Extends the contract instance (code reference and instance storage).
pub fn extend_instance(env: &Env) {
    env.storage()
        .instance()
        .extend_ttl(BUMP_THRESHOLD, BUMP_AMOUNT);
}

/// Extends one persistent entry that the caller knows exists.
pub fn extend_persistent<K: IntoVal<Env, Val>>(env: &Env, key: &K) {
    env.storage()
        .persistent()
        .extend_ttl(key, BUMP_THRESHOLD, BUMP_AMOUNT);
}
