//! Escrow storage: one persistent entry per escrow, and the id counter in
//! instance storage.
use soroban_sdk::{contracttype, Env};
use teachlink_common::ttl;

use crate::{error::Error, types::Escrow};

#[contracttype]
#[derive(Clone)]
enum DataKey {
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

/// Writes the escrow and keeps it alive for another TTL period.
pub fn save(env: &Env, id: u64, escrow: &Escrow) {
    let key = DataKey::Escrow(id);
    env.storage().persistent().set(&key, escrow);
    ttl::extend_persistent(env, &key);
}
