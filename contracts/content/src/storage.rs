//! Storage layout. Mint and transfer are priced per storage entry touched,
//! per XDR field of each entry and key (the network serializes every entry
//! a call touches), and per host object converted, so the layout is cut
//! for those two calls:
//!
//! - instance: the token id counter under [`NEXT_ID`], plus the admin and
//!   pause flag of `teachlink-common`;
//! - persistent `Meta(id)`: everything written at mint ([`Meta`]): the
//!   descriptive fields, royalty terms, and who minted when;
//! - persistent `Token(id)`: the fields every transfer and approval reads
//!   and writes ([`Token`]). Minting does not write it: until the token is
//!   first transferred, approved or updated it is implied by the metadata
//!   (the creator owns it, nobody is approved, the trail holds the mint),
//!   so a mint writes two persistent entries instead of three;
//! - persistent `Balance(owner)`: tokens held, removed when it drops to 0;
//! - persistent `Prov(id, slot)`: the provenance ring buffer, see
//!   [`write_provenance`].
//!
//! Keys are single primitive values ([`Key`]) rather than a
//! `#[contracttype]` enum, which is a vector of a symbol and the id and
//! costs about 6,000 CPU instructions more on every access. Records are
//! stored as tuples (vectors) rather than `#[contracttype]` structs, which
//! are maps that repeat every field name.
//!
//! TTL: a call that rewrites an entry extends it ([`update`]); an entry a
//! call creates starts at the network's minimum persistent TTL ([`create`]).
//! Metadata is extended when it is updated. The first transfer or approval
//! of a token reads it without extending it: the entry is then younger than
//! the minimum TTL minus `ttl::BUMP_THRESHOLD` (91 days on mainnet) in
//! nearly every case, when an extension changes nothing but still costs
//! about 4,000 instructions. Beyond that anyone may extend it, and an
//! archived persistent entry is restored, never lost.
use soroban_sdk::{
    symbol_short, Address, BytesN, ConversionError, Env, IntoVal, String, Symbol, TryFromVal, Val,
    Vec,
};
use teachlink_common::ttl;

use crate::{
    error::Error,
    types::{ProvenanceKind, ProvenanceRecord, MAX_PROVENANCE},
};

/// Instance key of the next token id.
const NEXT_ID: Symbol = symbol_short!("next_id");

/// Persistent keys. Kinds of entry are told apart by the key's primitive
/// type, or by range within one type, so they cannot collide:
/// - `Token(id)`: the `u64` `id`;
/// - `Meta(id)`: the `i128` `id`, below 2^64;
/// - `Prov(id, slot)`: the `i128` `(slot + 1) << 64 | id`, from 2^64 up;
/// - `Balance(owner)`: the address.
///
/// Only types the contract converts anyway are used: each further kind of
/// value the Wasm converts imports one more host function, and every call
/// of every entry point pays about 6,500 CPU instructions per import.
enum Key {
    Token(u64),
    Meta(u64),
    Prov(u64, u32),
    Balance(Address),
}

impl TryFromVal<Env, Key> for Val {
    type Error = ConversionError;

    fn try_from_val(env: &Env, key: &Key) -> Result<Val, ConversionError> {
        Ok(match key {
            Key::Token(id) => id.into_val(env),
            Key::Meta(id) => i128::from(*id).into_val(env),
            Key::Prov(id, slot) => ((i128::from(*slot) + 1) << 64 | i128::from(*id)).into_val(env),
            Key::Balance(owner) => owner.into_val(env),
        })
    }
}

/// Writes an entry that may already exist and keeps it alive for another
/// TTL period (a write alone keeps the entry's old expiry).
fn update<V: IntoVal<Env, Val>>(env: &Env, key: &Key, value: &V) {
    env.storage().persistent().set(key, value);
    ttl::extend_persistent(env, key);
}

/// Writes an entry that does not exist yet, without extending it: a new
/// persistent entry starts at the network's minimum persistent TTL (120
/// days on mainnet), above `ttl::BUMP_THRESHOLD`, so extending it in the
/// same call would be paid for and change nothing.
fn create<V: IntoVal<Env, Val>>(env: &Env, key: &Key, value: &V) {
    env.storage().persistent().set(key, value);
}

/// Takes the next token id (ids start at 1).
pub fn next_token_id(env: &Env) -> Result<u64, Error> {
    let id: u64 = env.storage().instance().get(&NEXT_ID).unwrap_or(1);
    let next = id.checked_add(1).ok_or(Error::Overflow)?;
    env.storage().instance().set(&NEXT_ID, &next);
    Ok(id)
}

/// Everything recorded at mint. Only `uri` and `content_hash` change later.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Meta {
    pub creator: Address,
    pub title: String,
    pub content_hash: BytesN<32>,
    pub uri: String,
    pub licence: Symbol,
    pub tags: Vec<Symbol>,
    pub transferable: bool,
    pub royalty_bps: u32,
    /// Ledger sequence and time of the mint: provenance record 0.
    pub minted_ledger: u32,
    pub minted_at: u64,
}

type MetaTuple = (
    Address,
    String,
    BytesN<32>,
    String,
    Symbol,
    Vec<Symbol>,
    bool,
    u32,
    u32,
    u64,
);

pub fn load_meta(env: &Env, id: u64) -> Result<Meta, Error> {
    let (
        creator,
        title,
        content_hash,
        uri,
        licence,
        tags,
        transferable,
        royalty_bps,
        minted_ledger,
        minted_at,
    ): MetaTuple = env
        .storage()
        .persistent()
        .get(&Key::Meta(id))
        .ok_or(Error::TokenNotFound)?;
    Ok(Meta {
        creator,
        title,
        content_hash,
        uri,
        licence,
        tags,
        transferable,
        royalty_bps,
        minted_ledger,
        minted_at,
    })
}

/// Stores the metadata of a new token (`is_new`) or replaces it.
pub fn save_meta(env: &Env, id: u64, meta: Meta, is_new: bool) {
    let tuple: MetaTuple = (
        meta.creator,
        meta.title,
        meta.content_hash,
        meta.uri,
        meta.licence,
        meta.tags,
        meta.transferable,
        meta.royalty_bps,
        meta.minted_ledger,
        meta.minted_at,
    );
    if is_new {
        create(env, &Key::Meta(id), &tuple);
    } else {
        update(env, &Key::Meta(id), &tuple);
    }
}

/// The fields every transfer and approval reads and writes.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Token {
    pub owner: Address,
    /// Copy of the metadata's flag, so transfers need not read metadata.
    pub transferable: bool,
    pub approved: Option<Address>,
    /// Last ledger on which `approved` may transfer.
    pub live_until: u32,
    /// Provenance records so far, the mint included: the next record's
    /// sequence number.
    pub prov_len: u32,
    /// Whether the record is in storage, or still implied by the metadata.
    stored: bool,
}

type TokenTuple = (Address, bool, Option<Address>, u32, u32);

impl Token {
    /// The record a token has from its mint until it is first saved.
    pub fn minted(meta: &Meta) -> Token {
        Token {
            owner: meta.creator.clone(),
            transferable: meta.transferable,
            approved: None,
            live_until: 0,
            prov_len: 1,
            stored: false,
        }
    }
}

/// The token's stored record, if it was ever saved.
pub fn stored_token(env: &Env, id: u64) -> Option<Token> {
    let (owner, transferable, approved, live_until, prov_len): TokenTuple =
        env.storage().persistent().get(&Key::Token(id))?;
    Some(Token {
        owner,
        transferable,
        approved,
        live_until,
        prov_len,
        stored: true,
    })
}

/// The token's record, stored or implied by its metadata.
pub fn load_token(env: &Env, id: u64) -> Result<Token, Error> {
    match stored_token(env, id) {
        Some(token) => Ok(token),
        None => Ok(Token::minted(&load_meta(env, id)?)),
    }
}

pub fn save_token(env: &Env, id: u64, token: &Token) {
    let tuple: TokenTuple = (
        token.owner.clone(),
        token.transferable,
        token.approved.clone(),
        token.live_until,
        token.prov_len,
    );
    if token.stored {
        update(env, &Key::Token(id), &tuple);
    } else {
        create(env, &Key::Token(id), &tuple);
    }
}

pub fn balance(env: &Env, owner: &Address) -> u32 {
    env.storage()
        .persistent()
        .get(&Key::Balance(owner.clone()))
        .unwrap_or(0)
}

pub fn increase_balance(env: &Env, owner: &Address) -> Result<(), Error> {
    let key = Key::Balance(owner.clone());
    match env.storage().persistent().get::<_, u32>(&key) {
        Some(held) => update(env, &key, &held.checked_add(1).ok_or(Error::Overflow)?),
        None => create(env, &key, &1u32),
    }
    Ok(())
}

/// Called for the owner of an existing token, whose balance is at least 1.
pub fn decrease_balance(env: &Env, owner: &Address) -> Result<(), Error> {
    let key = Key::Balance(owner.clone());
    let held: u32 = env.storage().persistent().get(&key).unwrap_or(0);
    let held = held.checked_sub(1).ok_or(Error::Overflow)?;
    if held == 0 {
        // Zero balances are not kept: they would only cost rent.
        env.storage().persistent().remove(&key);
    } else {
        update(env, &key, &held);
    }
    Ok(())
}

/// A stored provenance record; its sequence number follows from its slot.
type ProvTuple = (ProvenanceKind, Option<Address>, Option<Address>, u32, u64);

/// Stores provenance record number `seq` (at least 1) of token `id`.
///
/// Record 0, the mint, is not stored here: it is rebuilt from the metadata
/// (creator, mint ledger and time), so minting writes no record and a
/// token's origin is never forgotten. Later records go to a ring buffer of
/// `MAX_PROVENANCE` entries, record `seq` in slot
/// `(seq - 1) % MAX_PROVENANCE`: once the buffer is full each new record
/// overwrites the oldest in one write, with no separate removal and no head
/// index to maintain (the token's `prov_len` says where the buffer starts).
/// Storage per token is thus bounded, while the `minted`, `transferred` and
/// `metadata_updated` events carry the complete history for indexers.
pub fn write_provenance(
    env: &Env,
    id: u64,
    seq: u32,
    kind: ProvenanceKind,
    from: Option<Address>,
    to: Option<Address>,
) {
    let key = Key::Prov(id, (seq - 1) % MAX_PROVENANCE);
    let ledger = env.ledger();
    let record: ProvTuple = (
        kind,
        from,
        to,
        ledger.sequence(),
        teachlink_common::time::now(env),
    );
    if seq <= MAX_PROVENANCE {
        create(env, &key, &record);
    } else {
        update(env, &key, &record);
    }
}

/// Up to `limit` records of token `id`, oldest first, from sequence number
/// `start` on; records that already left the ring buffer are skipped.
pub fn read_provenance(
    env: &Env,
    id: u64,
    token: &Token,
    meta: &Meta,
    start: u32,
    limit: u32,
) -> Vec<ProvenanceRecord> {
    let mut page = Vec::new(env);
    if limit == 0 {
        return page;
    }
    if start == 0 {
        page.push_back(ProvenanceRecord {
            seq: 0,
            kind: ProvenanceKind::Mint,
            from: None,
            to: Some(meta.creator.clone()),
            ledger: meta.minted_ledger,
            timestamp: meta.minted_at,
        });
    }
    let oldest_kept = token.prov_len.saturating_sub(MAX_PROVENANCE).max(1);
    let first = start.max(oldest_kept);
    let end = first.saturating_add(limit - page.len()).min(token.prov_len);
    for seq in first..end {
        let key = Key::Prov(id, (seq - 1) % MAX_PROVENANCE);
        // Every slot below `prov_len` was written, so this always finds one.
        if let Some((kind, from, to, ledger, timestamp)) =
            env.storage().persistent().get::<_, ProvTuple>(&key)
        {
            page.push_back(ProvenanceRecord {
                seq,
                kind,
                from,
                to,
                ledger,
                timestamp,
            });
        }
    }
    page
}
