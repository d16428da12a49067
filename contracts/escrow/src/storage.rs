//! Escrow storage: one persistent entry per escrow, and the id counter in
//! instance storage.
//!
//! Every write extends the escrow's entry and the contract instance to live
//! past the escrow's own next deadline (the later of its release and refund
//! times while open, the dispute deadline while disputed) plus a day, and at
//! least 30 days, bounded by the network's maximum TTL (`ttl` in
//! teachlink-common has the policy and its rent): an escrow nobody touches
//! stays live until its parties can act on it. Reads do not extend.
use soroban_sdk::{contracttype, Env};
use teachlink_common::ttl;

use crate::{
    error::Error,
    types::{Escrow, EscrowStatus},
};

#[contracttype]
#[derive(Clone)]
pub(crate) enum DataKey {
    NextId,
    Escrow(u64),
}

/// Takes the next escrow id (ids start at 1).
pub fn next_escrow_id(env: &Env) -> Result<u64, Error> {
    let id: u64 = env.storage().instance().get(&DataKey::NextId).unwrap_or(1);
    let next = id.checked_add(1).ok_or(Error::Overflow)?;
    env.storage().instance().set(&DataKey::NextId, &next);
    Ok(id)
}

/// How many escrows were ever created.
pub fn escrow_count(env: &Env) -> u64 {
    env.storage()
        .instance()
        .get::<_, u64>(&DataKey::NextId)
        .unwrap_or(1)
        - 1
}

pub fn load(env: &Env, id: u64) -> Result<Escrow, Error> {
    env.storage()
        .persistent()
        .get(&DataKey::Escrow(id))
        .ok_or(Error::EscrowNotFound)
}

/// Writes the escrow and keeps it, and the instance, alive past its deadlines.
pub fn save(env: &Env, id: u64, escrow: &Escrow) {
    let key = DataKey::Escrow(id);
    env.storage().persistent().set(&key, escrow);
    let until = match escrow.status {
        EscrowStatus::Open => escrow.refund_after.max(escrow.release_after).unwrap_or(0),
        EscrowStatus::Disputed => escrow.dispute_deadline.unwrap_or(0),
        _ => 0,
    };
    ttl::extend_persistent_until(env, &key, until);
    ttl::extend_instance_until(env, until);
}
