//! Circuit breakers: a per-transfer maximum and a rolling 24-hour maximum per
//! chain and direction.
//!
//! The rolling window is kept as hourly buckets. The daily total sums the
//! current hour and the 24 before it, a span that always contains the whole
//! trailing 24 hours: the limit is never exceeded over any 24-hour period,
//! at the price of counting an amount for up to 25 hours.
//!
//! Stored per chain and direction as one `Vec<i128>`: element 0 is the hour
//! (timestamp / `BUCKET_SECONDS`) of the latest transfer, element
//! `1 + h % WINDOW_BUCKETS` the amount moved in hour `h`. (A plain vector,
//! not a struct, because every `#[contracttype]` costs Wasm bytes.)
use soroban_sdk::{Env, Vec};

use crate::{
    error::Error,
    storage,
    types::{ChainConfig, BUCKET_SECONDS, WINDOW_BUCKETS},
};

/// Checks `amount` against `limits` and records it in the chain's window.
pub fn charge(
    env: &Env,
    chain: u32,
    outbound: bool,
    limits: &ChainConfig,
    amount: i128,
) -> Result<(), Error> {
    if amount > limits.per_transfer {
        return Err(Error::TransferLimitExceeded);
    }
    let mut flow = storage::flow(env, chain, outbound).unwrap_or_else(|| {
        let mut fresh = Vec::new(env);
        for _ in 0..=WINDOW_BUCKETS {
            fresh.push_back(0i128);
        }
        fresh
    });
    let last = flow.get_unchecked(0) as u64;
    let hour = (teachlink_common::time::now(env) / BUCKET_SECONDS).max(last);
    // Clear the buckets of the hours since the latest transfer: they still
    // hold amounts from a day ago (at most one full turn of the ring).
    let mut h = last;
    while h < hour && h - last < WINDOW_BUCKETS as u64 {
        h += 1;
        flow.set(bucket(h), 0);
    }
    flow.set(0, hour as i128);
    let index = bucket(hour);
    let used = flow.get_unchecked(index);
    flow.set(index, used.checked_add(amount).ok_or(Error::Overflow)?);

    let mut total = 0i128;
    for i in 1..=WINDOW_BUCKETS {
        total = total
            .checked_add(flow.get_unchecked(i))
            .ok_or(Error::Overflow)?;
    }
    if total > limits.per_day {
        return Err(Error::DailyLimitExceeded);
    }
    storage::save_flow(env, chain, outbound, &flow);
    Ok(())
}

fn bucket(hour: u64) -> u32 {
    1 + (hour % WINDOW_BUCKETS as u64) as u32
}
