//! TTL policy: how long instance and persistent entries are kept alive, and
//! the helpers that extend them whenever a contract touches them.
//!
//! Every state-changing call extends what it touched to live at least
//! `BUMP_AMOUNT` (30 days). An entry that must outlive a deadline of its own
//! (an escrow's refund time, a dispute's deadline) is extended, with the
//! contract instance and its code, to that deadline plus a day
//! (`extend_persistent_until`, `extend_instance_until`), bounded by the
//! network's maximum TTL (`max_ttl`, about 180 days on mainnet today): it
//! stays live until its parties can act on it without anyone touching it.
//! Rent is paid by the transaction that extends, in proportion to entry size
//! times ledgers added: a deadline 180 days out costs about six times the
//! 30-day bump, once (later extensions only pay for ledgers not yet
//! covered). Beyond the maximum TTL, or after a long idle period, an entry is
//! archived, not lost: it is restored by a `RestoreFootprint` operation
//! before use.
use soroban_sdk::{Env, IntoVal, Val};

use crate::time;

/// Ledgers per day at the network's 5-second close time.
pub const DAY_IN_LEDGERS: u32 = 17_280;
/// Seconds per ledger assumed when a deadline is turned into ledgers; slower
/// ledgers only make the entry outlive its deadline by more.
pub const LEDGER_SECONDS: u64 = 5;
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

/// Ledgers from now until a day past the ledger timestamp `until`, at least
/// `BUMP_AMOUNT`, at most the network's maximum TTL.
pub fn ledgers_until(env: &Env, until: u64) -> u32 {
    let wanted = until.saturating_sub(time::now(env)) / LEDGER_SECONDS + DAY_IN_LEDGERS as u64;
    let max = env.storage().max_ttl();
    wanted.max(BUMP_AMOUNT as u64).min(max as u64) as u32
}

/// Extends the contract instance (and its code) to outlive `until`.
pub fn extend_instance_until(env: &Env, until: u64) {
    let ledgers = ledgers_until(env, until);
    env.storage()
        .instance()
        .extend_ttl(ledgers.saturating_sub(DAY_IN_LEDGERS), ledgers);
}

/// Extends one existing persistent entry to outlive `until`.
pub fn extend_persistent_until<K: IntoVal<Env, Val>>(env: &Env, key: &K, until: u64) {
    let ledgers = ledgers_until(env, until);
    env.storage()
        .persistent()
        .extend_ttl(key, ledgers.saturating_sub(DAY_IN_LEDGERS), ledgers);
}
