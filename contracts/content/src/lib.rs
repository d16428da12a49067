//! Teaching content as NFTs: this contract owns the content tokens, their
//! owners and balances, approvals, royalty terms and provenance trail.
//!
//! Anyone mints their own content; the creator is the first owner and the
//! only one who may later change the token's uri or content hash. Tokens
//! minted as non-transferable stay with their creator. The storage layout,
//! cut for the cost of `mint` and `transfer`, is described in `storage.rs`.
//!
//! Not built on OpenZeppelin `stellar-tokens`: its soroban-sdk line (0.7.3 = sdk 26, 0.8 = sdk 28) does not match ours (27).
#![no_std]

mod error;
mod events;
mod storage;
mod types;

pub use error::Error;
pub use types::{
    Metadata, ProvenanceKind, ProvenanceRecord, MAX_PAGE, MAX_PROVENANCE, MAX_ROYALTY_BPS,
    MAX_TAGS, MAX_TITLE_LEN, MAX_URI_LEN,
};

use soroban_sdk::{contract, contractimpl, Address, BytesN, Env, String, Symbol, Vec};
use storage::{Meta, Token};
use teachlink_common::{access, events::Emit as _, pause, timelock, ttl};

#[contract]
pub struct ContentContract;

#[contractimpl]
impl ContentContract {
    // `timelock_delay`: seconds between proposing and running an upgrade
    // (at most `timelock::MAX_DELAY`).
    pub fn __constructor(env: Env, admin: Address, timelock_delay: u64) -> Result<(), Error> {
        timelock::set_delay(&env, timelock_delay)?;
        access::set_initial_admin(&env, &admin);
        Ok(())
    }

    /// Mints a token for `creator`, who becomes its first owner, and
    /// returns its id (sequential, from 1). `title` is 1 to
    /// `MAX_TITLE_LEN` bytes, `uri` 1 to `MAX_URI_LEN`, at most `MAX_TAGS`
    /// tags, `royalty_bps` at most `MAX_ROYALTY_BPS`; a token minted
    /// non-`transferable` stays with its creator.
    // Separate arguments rather than one struct: a struct argument is a map
    // the contract must unpack, which costs CPU on every mint, and its
    // unpacking is one more host import that every call of the Wasm pays for.
    #[allow(clippy::too_many_arguments)]
    pub fn mint(
        env: Env,
        creator: Address,
        title: String,
        content_hash: BytesN<32>,
        uri: String,
        licence: Symbol,
        tags: Vec<Symbol>,
        transferable: bool,
        royalty_bps: u32,
    ) -> Result<u64, Error> {
        pause::require_not_paused(&env)?;
        creator.require_auth();
        if title.is_empty() || title.len() > MAX_TITLE_LEN {
            return Err(Error::InvalidTitle);
        }
        check_uri(&uri)?;
        if tags.len() > MAX_TAGS {
            return Err(Error::TooManyTags);
        }
        if royalty_bps > MAX_ROYALTY_BPS {
            return Err(Error::InvalidRoyalty);
        }

        let id = storage::next_token_id(&env)?;
        let ledger = env.ledger();
        let meta = Meta {
            creator: creator.clone(),
            title: title.clone(),
            content_hash: content_hash.clone(),
            uri: uri.clone(),
            licence: licence.clone(),
            tags: tags.clone(),
            transferable,
            royalty_bps,
            minted_ledger: ledger.sequence(),
            minted_at: teachlink_common::time::now(&env),
        };
        storage::save_meta(&env, id, meta, true);
        storage::increase_balance(&env, &creator)?;
        ttl::extend_instance(&env);
        events::Minted {
            token_id: id,
            creator,
            title,
            content_hash,
            uri,
            licence,
            tags,
            transferable,
            royalty_bps,
        }
        .emit(&env);
        Ok(id)
    }

    /// Moves `token_id` from its owner `from` to `to`; clears the approval.
    pub fn transfer(env: Env, from: Address, to: Address, token_id: u64) -> Result<(), Error> {
        pause::require_not_paused(&env)?;
        from.require_auth();
        let token = storage::load_token(&env, token_id)?;
        if token.owner != from {
            return Err(Error::NotOwner);
        }
        move_token(&env, token_id, token, from, to)
    }

    /// Lets `spender` (none: nobody) transfer `token_id` until ledger
    /// `live_until_ledger` included, replacing any earlier approval.
    pub fn approve(
        env: Env,
        owner: Address,
        spender: Option<Address>,
        token_id: u64,
        live_until_ledger: u32,
    ) -> Result<(), Error> {
        pause::require_not_paused(&env)?;
        owner.require_auth();
        let mut token = storage::load_token(&env, token_id)?;
        if token.owner != owner {
            return Err(Error::NotOwner);
        }
        let live_until = match &spender {
            Some(spender) => {
                if *spender == owner {
                    return Err(Error::InvalidSpender);
                }
                if !token.transferable {
                    return Err(Error::NotTransferable);
                }
                if live_until_ledger < env.ledger().sequence() {
                    return Err(Error::InvalidExpiration);
                }
                live_until_ledger
            }
            None => 0,
        };
        token.approved = spender.clone();
        token.live_until = live_until;
        storage::save_token(&env, token_id, &token);
        ttl::extend_instance(&env);
        events::Approved {
            token_id,
            owner,
            spender,
            live_until,
        }
        .emit(&env);
        Ok(())
    }

    /// Moves `token_id` from `from` to `to` on behalf of its approved
    /// `spender`; clears the approval.
    pub fn transfer_from(
        env: Env,
        spender: Address,
        from: Address,
        to: Address,
        token_id: u64,
    ) -> Result<(), Error> {
        pause::require_not_paused(&env)?;
        spender.require_auth();
        let token = storage::load_token(&env, token_id)?;
        if token.owner != from {
            return Err(Error::NotOwner);
        }
        if token.approved.as_ref() != Some(&spender) {
            return Err(Error::NotApproved);
        }
        if token.live_until < env.ledger().sequence() {
            return Err(Error::ApprovalExpired);
        }
        move_token(&env, token_id, token, from, to)
    }

    /// The creator replaces the token's `uri` and/or `content_hash` (none:
    /// keep); the change enters the provenance trail.
    pub fn update_metadata(
        env: Env,
        creator: Address,
        token_id: u64,
        uri: Option<String>,
        content_hash: Option<BytesN<32>>,
    ) -> Result<(), Error> {
        pause::require_not_paused(&env)?;
        creator.require_auth();
        if uri.is_none() && content_hash.is_none() {
            return Err(Error::NothingToUpdate);
        }
        let mut meta = storage::load_meta(&env, token_id)?;
        if meta.creator != creator {
            return Err(Error::NotCreator);
        }
        if let Some(uri) = uri {
            check_uri(&uri)?;
            meta.uri = uri;
        }
        if let Some(content_hash) = content_hash {
            meta.content_hash = content_hash;
        }
        let mut token =
            storage::stored_token(&env, token_id).unwrap_or_else(|| Token::minted(&meta));
        let seq = token.prov_len;
        token.prov_len = seq.checked_add(1).ok_or(Error::Overflow)?;

        let event = events::MetadataUpdated {
            token_id,
            creator: creator.clone(),
            uri: meta.uri.clone(),
            content_hash: meta.content_hash.clone(),
        };
        storage::save_meta(&env, token_id, meta, false);
        storage::save_token(&env, token_id, &token);
        storage::write_provenance(
            &env,
            token_id,
            seq,
            ProvenanceKind::MetadataUpdate,
            Some(creator),
            None,
        );
        ttl::extend_instance(&env);
        event.emit(&env);
        Ok(())
    }

    // ---- queries ----

    pub fn owner_of(env: Env, token_id: u64) -> Result<Address, Error> {
        match storage::stored_token(&env, token_id) {
            Some(token) => Ok(token.owner),
            None => Ok(storage::load_meta(&env, token_id)?.creator),
        }
    }

    /// How many tokens `owner` holds.
    pub fn balance(env: Env, owner: Address) -> u32 {
        storage::balance(&env, &owner)
    }

    pub fn token_uri(env: Env, token_id: u64) -> Result<String, Error> {
        Ok(storage::load_meta(&env, token_id)?.uri)
    }

    pub fn metadata(env: Env, token_id: u64) -> Result<Metadata, Error> {
        let meta = storage::load_meta(&env, token_id)?;
        Ok(Metadata {
            creator: meta.creator,
            title: meta.title,
            content_hash: meta.content_hash,
            uri: meta.uri,
            licence: meta.licence,
            tags: meta.tags,
            transferable: meta.transferable,
            royalty_bps: meta.royalty_bps,
        })
    }

    /// The creator, who receives the royalty on a sale at `sale_price`, and
    /// the royalty amount (rounded down).
    pub fn royalty_info(
        env: Env,
        token_id: u64,
        sale_price: i128,
    ) -> Result<(Address, i128), Error> {
        if sale_price < 0 {
            return Err(Error::InvalidPrice);
        }
        let meta = storage::load_meta(&env, token_id)?;
        let amount = sale_price
            .checked_mul(i128::from(meta.royalty_bps))
            .ok_or(Error::Overflow)?
            / i128::from(MAX_ROYALTY_BPS);
        Ok((meta.creator, amount))
    }

    /// The address that may currently transfer `token_id` for its owner;
    /// none if there is no such token, no approval, or it expired.
    pub fn approved(env: Env, token_id: u64) -> Option<Address> {
        let token = storage::stored_token(&env, token_id)?;
        if token.live_until < env.ledger().sequence() {
            return None;
        }
        token.approved
    }

    /// Up to `limit` (at most `MAX_PAGE`) provenance records, oldest first,
    /// from sequence number `start` on (0 is the mint). Storage keeps the
    /// mint and the newest `MAX_PROVENANCE` later records; older ones are
    /// skipped (the events still have them). To page on, pass one past the
    /// last `seq` returned.
    pub fn provenance(
        env: Env,
        token_id: u64,
        start: u32,
        limit: u32,
    ) -> Result<Vec<ProvenanceRecord>, Error> {
        if limit > MAX_PAGE {
            return Err(Error::InvalidLimit);
        }
        let meta = storage::load_meta(&env, token_id)?;
        let token = storage::stored_token(&env, token_id).unwrap_or_else(|| Token::minted(&meta));
        Ok(storage::read_provenance(
            &env, token_id, &token, &meta, start, limit,
        ))
    }

    // ---- administration (delegated to teachlink-common) ----
}

teachlink_common::admin_entry_points!(ContentContract, Error);

fn check_uri(uri: &String) -> Result<(), Error> {
    if uri.is_empty() || uri.len() > MAX_URI_LEN {
        return Err(Error::InvalidUri);
    }
    Ok(())
}

/// The part of `transfer` and `transfer_from` after the caller is cleared.
fn move_token(
    env: &Env,
    id: u64,
    mut token: Token,
    from: Address,
    to: Address,
) -> Result<(), Error> {
    if !token.transferable {
        return Err(Error::NotTransferable);
    }
    if to == from {
        return Err(Error::SelfTransfer);
    }
    let seq = token.prov_len;
    token.owner = to.clone();
    token.approved = None;
    token.live_until = 0;
    token.prov_len = seq.checked_add(1).ok_or(Error::Overflow)?;

    storage::save_token(env, id, &token);
    storage::decrease_balance(env, &from)?;
    storage::increase_balance(env, &to)?;
    storage::write_provenance(
        env,
        id,
        seq,
        ProvenanceKind::Transfer,
        Some(from.clone()),
        Some(to.clone()),
    );
    ttl::extend_instance(env);
    events::Transferred {
        token_id: id,
        from,
        to,
    }
    .emit(env);
    Ok(())
}

#[cfg(test)]
mod test;
