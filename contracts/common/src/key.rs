//! Storage keys as plain vectors: a symbol naming the key, then its fields.
//! They encode exactly as a `#[contracttype]` enum variant of that name
//! (`Admin`, `Role(Symbol, Address)`, …), which readers outside a contract
//! build, but every key of a contract is the one type `Vec<Val>`, built by
//! one function: each storage accessor has one copy in the Wasm instead of
//! one per key type, and no enum conversion is linked in.
use soroban_sdk::{Env, Symbol, Val, Vec};

/// The storage key `name(fields...)`.
pub fn key(env: &Env, name: Symbol, fields: &[Val]) -> Vec<Val> {
    let mut key = Vec::from_array(env, [name.to_val()]);
    for field in fields {
        key.push_back(*field);
    }
    key
}
