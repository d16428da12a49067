//! Bridge storage. Instance: the config, the nonce counter, the active set
//! and the reserve totals (small, needed by most calls). Persistent: one
//! entry per validator, per outbound transfer, per completed inbound
//! transfer (by source chain, source bridge and nonce), per chain, and per
//! chain and direction for the rolling limit.
//!
//! Completion markers are persistent, never temporary: an archived
//! persistent entry must be restored before use and cannot read as absent,
//! so a replay can never pass because a marker expired.
use soroban_sdk::{contracttype, unwrap::UnwrapOptimized, Address, BytesN, Env, Vec};
use teachlink_common::ttl;

use crate::{
    error::Error,
    types::{ChainConfig, Config, OutboundTransfer, Totals, Validator},
};

#[contracttype(export = false)]
#[derive(Clone)]
enum DataKey {
    Config,
    Totals,
    Validator(Address),
    Outbound(u64),
    Completed(u32, BytesN<32>, u64),
    Chain(u32),
    OutFlow(u32),
    InFlow(u32),
}

pub fn set_config(env: &Env, config: &Config) {
    env.storage().instance().set(&DataKey::Config, config);
}

pub fn config(env: &Env) -> Config {
    // Set by the constructor, which always runs first.
    env.storage()
        .instance()
        .get(&DataKey::Config)
        .unwrap_optimized()
}

pub fn totals(env: &Env) -> Totals {
    // Set by the constructor.
    env.storage()
        .instance()
        .get(&DataKey::Totals)
        .unwrap_optimized()
}

pub fn set_totals(env: &Env, totals: &Totals) {
    env.storage().instance().set(&DataKey::Totals, totals);
}

pub fn validator(env: &Env, address: &Address) -> Result<Validator, Error> {
    env.storage()
        .persistent()
        .get(&DataKey::Validator(address.clone()))
        .ok_or(Error::ValidatorNotFound)
}

pub fn has_validator(env: &Env, address: &Address) -> bool {
    env.storage()
        .persistent()
        .has(&DataKey::Validator(address.clone()))
}

pub fn save_validator(env: &Env, address: &Address, validator: &Validator) {
    let key = DataKey::Validator(address.clone());
    env.storage().persistent().set(&key, validator);
    ttl::extend_persistent(env, &key);
}

pub fn remove_validator(env: &Env, address: &Address) {
    env.storage()
        .persistent()
        .remove(&DataKey::Validator(address.clone()));
}

pub fn outbound(env: &Env, nonce: u64) -> Result<OutboundTransfer, Error> {
    env.storage()
        .persistent()
        .get(&DataKey::Outbound(nonce))
        .ok_or(Error::TransferNotFound)
}

pub fn save_outbound(env: &Env, nonce: u64, transfer: &OutboundTransfer) {
    let key = DataKey::Outbound(nonce);
    env.storage().persistent().set(&key, transfer);
    ttl::extend_persistent(env, &key);
}

pub fn is_completed(env: &Env, source_chain: u32, source_bridge: &BytesN<32>, nonce: u64) -> bool {
    env.storage().persistent().has(&DataKey::Completed(
        source_chain,
        source_bridge.clone(),
        nonce,
    ))
}

pub fn mark_completed(env: &Env, source_chain: u32, source_bridge: &BytesN<32>, nonce: u64) {
    let key = DataKey::Completed(source_chain, source_bridge.clone(), nonce);
    env.storage().persistent().set(&key, &());
    ttl::extend_persistent(env, &key);
}

pub fn chain(env: &Env, chain: u32) -> Result<ChainConfig, Error> {
    env.storage()
        .persistent()
        .get(&DataKey::Chain(chain))
        .ok_or(Error::UnsupportedChain)
}

pub fn save_chain(env: &Env, chain: u32, config: &ChainConfig) {
    let key = DataKey::Chain(chain);
    env.storage().persistent().set(&key, config);
    ttl::extend_persistent(env, &key);
}

fn flow_key(chain: u32, outbound: bool) -> DataKey {
    if outbound {
        DataKey::OutFlow(chain)
    } else {
        DataKey::InFlow(chain)
    }
}

pub fn flow(env: &Env, chain: u32, outbound: bool) -> Option<Vec<i128>> {
    env.storage().persistent().get(&flow_key(chain, outbound))
}

pub fn save_flow(env: &Env, chain: u32, outbound: bool, flow: &Vec<i128>) {
    let key = flow_key(chain, outbound);
    env.storage().persistent().set(&key, flow);
    ttl::extend_persistent(env, &key);
}
