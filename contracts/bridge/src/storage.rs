//! Bridge storage. Instance: the config, the nonce counter, the active set
//! and the reserve totals (small, needed by most calls). Persistent: one
//! entry per validator, per outbound transfer, per completed inbound
//! transfer (by source chain, source bridge and nonce), per chain, and per
//! chain and direction for the rolling limit.
//!
//! Completion markers are persistent, never temporary: an archived
//! persistent entry must be restored before use and cannot read as absent,
//! so a replay can never pass because a marker expired.
//!
//! Keys are built by `teachlink_common::key`: they encode exactly as the
//! `#[contracttype]` enum variants they replaced (`Config`,
//! `Validator(Address)`, `Completed(u32, BytesN<32>, u64)`, …), which readers
//! outside the contract (the validator daemon) build.
use soroban_sdk::{symbol_short, unwrap::UnwrapOptimized, Address, BytesN, Env, IntoVal, Val, Vec};
use teachlink_common::{key::key, ttl};

use crate::{
    error::Error,
    types::{ChainConfig, Config, OutboundTransfer, Totals, Validator},
};

type Key = Vec<Val>;

fn config_key(env: &Env) -> Key {
    key(env, symbol_short!("Config"), &[])
}

fn totals_key(env: &Env) -> Key {
    key(env, symbol_short!("Totals"), &[])
}

fn validator_key(env: &Env, address: &Address) -> Key {
    key(env, symbol_short!("Validator"), &[address.to_val()])
}

fn outbound_key(env: &Env, nonce: u64) -> Key {
    key(env, symbol_short!("Outbound"), &[nonce.into_val(env)])
}

fn completed_key(env: &Env, chain: u32, bridge: &BytesN<32>, nonce: u64) -> Key {
    let fields = [chain.into(), bridge.to_val(), nonce.into_val(env)];
    key(env, symbol_short!("Completed"), &fields)
}

fn chain_key(env: &Env, chain: u32) -> Key {
    key(env, symbol_short!("Chain"), &[chain.into()])
}

pub fn set_config(env: &Env, config: &Config) {
    env.storage().instance().set(&config_key(env), config);
}

pub fn config(env: &Env) -> Config {
    // Set by the constructor, which always runs first.
    env.storage()
        .instance()
        .get(&config_key(env))
        .unwrap_optimized()
}

pub fn totals(env: &Env) -> Totals {
    // Set by the constructor.
    env.storage()
        .instance()
        .get(&totals_key(env))
        .unwrap_optimized()
}

pub fn set_totals(env: &Env, totals: &Totals) {
    env.storage().instance().set(&totals_key(env), totals);
}

pub fn validator(env: &Env, address: &Address) -> Result<Validator, Error> {
    env.storage()
        .persistent()
        .get(&validator_key(env, address))
        .ok_or(Error::ValidatorNotFound)
}

pub fn has_validator(env: &Env, address: &Address) -> bool {
    env.storage().persistent().has(&validator_key(env, address))
}

pub fn save_validator(env: &Env, address: &Address, validator: &Validator) {
    let key = validator_key(env, address);
    env.storage().persistent().set(&key, validator);
    ttl::extend_persistent(env, &key);
}

pub fn remove_validator(env: &Env, address: &Address) {
    env.storage()
        .persistent()
        .remove(&validator_key(env, address));
}

pub fn outbound(env: &Env, nonce: u64) -> Result<OutboundTransfer, Error> {
    env.storage()
        .persistent()
        .get(&outbound_key(env, nonce))
        .ok_or(Error::TransferNotFound)
}

pub fn save_outbound(env: &Env, nonce: u64, transfer: &OutboundTransfer) {
    let key = outbound_key(env, nonce);
    env.storage().persistent().set(&key, transfer);
    ttl::extend_persistent(env, &key);
}

pub fn is_completed(env: &Env, source_chain: u32, source_bridge: &BytesN<32>, nonce: u64) -> bool {
    env.storage()
        .persistent()
        .has(&completed_key(env, source_chain, source_bridge, nonce))
}

pub fn mark_completed(env: &Env, source_chain: u32, source_bridge: &BytesN<32>, nonce: u64) {
    let key = completed_key(env, source_chain, source_bridge, nonce);
    env.storage().persistent().set(&key, &());
    ttl::extend_persistent(env, &key);
}

pub fn chain(env: &Env, chain: u32) -> Result<ChainConfig, Error> {
    env.storage()
        .persistent()
        .get(&chain_key(env, chain))
        .ok_or(Error::UnsupportedChain)
}

pub fn save_chain(env: &Env, chain: u32, config: &ChainConfig) {
    let key = chain_key(env, chain);
    env.storage().persistent().set(&key, config);
    ttl::extend_persistent(env, &key);
}

fn flow_key(env: &Env, chain: u32, outbound: bool) -> Key {
    let name = if outbound {
        symbol_short!("OutFlow")
    } else {
        symbol_short!("InFlow")
    };
    key(env, name, &[chain.into()])
}

pub fn flow(env: &Env, chain: u32, outbound: bool) -> Option<Vec<i128>> {
    env.storage()
        .persistent()
        .get(&flow_key(env, chain, outbound))
}

pub fn save_flow(env: &Env, chain: u32, outbound: bool, flow: &Vec<i128>) {
    let key = flow_key(env, chain, outbound);
    env.storage().persistent().set(&key, flow);
    ttl::extend_persistent(env, &key);
}
