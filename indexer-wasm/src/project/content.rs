//! Owns the content (course NFT) contract's projection: [`ContentToken`]s, their approvals
//! and provenance, and how each content event changes them.

use serde::{Deserialize, Serialize};

use super::{Changes, Stamp, State};
use crate::decode::TeachLinkEvent as E;
use crate::types::{Address, Hash32};

/// What a provenance step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProvenanceKind {
    Mint,
    Transfer,
    MetadataUpdate,
}

/// One step in a token's history, from its events (the contract keeps only the newest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub kind: ProvenanceKind,
    pub from: Option<Address>,
    pub to: Option<Address>,
    pub stamp: Stamp,
}

/// Who may transfer a token for its owner, and until which ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenApproval {
    pub spender: Address,
    pub live_until: u32,
}

/// The metadata fixed at mint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MintInfo {
    pub title: String,
    pub licence: String,
    pub tags: Vec<String>,
    pub transferable: bool,
    pub royalty_bps: u32,
    pub stamp: Stamp,
}

/// A content token (course NFT).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentToken {
    pub id: u64,
    pub contract: Address,
    pub creator: Option<Address>,
    pub owner: Option<Address>,
    /// `None` when the mint was missed (retention gap).
    pub mint: Option<MintInfo>,
    /// Current uri and content hash (mint, then metadata updates).
    pub uri: Option<String>,
    pub content_hash: Option<Hash32>,
    pub approval: Option<TokenApproval>,
    pub provenance: Vec<Provenance>,
}

/// Applies one event of this contract; the others are left alone (the caller,
/// [`State::apply_event`], sends each event to its contract's module and has recorded
/// its id as applied).
pub(super) fn apply(state: &mut State, body: &E, contract: Address, stamp: Stamp) {
    match body {
        E::Minted {
            token_id,
            creator,
            title,
            content_hash,
            uri,
            licence,
            tags,
            transferable,
            royalty_bps,
        } => {
            let t = state
                .tokens
                .entry(*token_id)
                .or_insert_with(|| new_token(*token_id, contract));
            t.creator = Some(*creator);
            t.owner = Some(*creator);
            t.mint = Some(MintInfo {
                title: title.clone(),
                licence: licence.clone(),
                tags: tags.clone(),
                transferable: *transferable,
                royalty_bps: *royalty_bps,
                stamp,
            });
            t.uri = Some(uri.clone());
            t.content_hash = Some(*content_hash);
            t.provenance.push(Provenance {
                kind: ProvenanceKind::Mint,
                from: None,
                to: Some(*creator),
                stamp,
            });
        }
        E::Approved {
            token_id,
            owner,
            spender,
            live_until,
        } => {
            let t = state.token(*token_id, contract);
            t.owner = Some(*owner);
            t.approval = spender.map(|spender| TokenApproval {
                spender,
                live_until: *live_until,
            });
        }
        E::Transferred { token_id, from, to } => {
            let t = state.token(*token_id, contract);
            t.owner = Some(*to);
            // The contract clears the approval on every transfer.
            t.approval = None;
            t.provenance.push(Provenance {
                kind: ProvenanceKind::Transfer,
                from: Some(*from),
                to: Some(*to),
                stamp,
            });
        }
        E::MetadataUpdated {
            token_id,
            creator,
            uri,
            content_hash,
        } => {
            let t = state.token(*token_id, contract);
            t.creator = Some(*creator);
            t.uri = Some(uri.clone());
            t.content_hash = Some(*content_hash);
            t.provenance.push(Provenance {
                kind: ProvenanceKind::MetadataUpdate,
                from: Some(*creator),
                to: None,
                stamp,
            });
        }
        _ => {}
    }
}

/// Records the entities an event of this contract writes (kept in step with [`apply`]).
pub(super) fn changes(changes: &mut Changes, _contract: Address, body: &E) {
    match body {
        E::Minted { token_id, .. }
        | E::Approved { token_id, .. }
        | E::Transferred { token_id, .. }
        | E::MetadataUpdated { token_id, .. } => {
            changes.tokens.insert(*token_id);
        }
        _ => {}
    }
}

impl State {
    fn token(&mut self, id: u64, contract: Address) -> &mut ContentToken {
        let orphans = &mut self.orphans;
        let t = self
            .tokens
            .entry(id)
            .or_insert_with(|| new_token(id, contract));
        if t.mint.is_none() {
            *orphans = orphans.saturating_add(1);
        }
        t
    }
}

fn new_token(id: u64, contract: Address) -> ContentToken {
    ContentToken {
        id,
        contract,
        creator: None,
        owner: None,
        mint: None,
        uri: None,
        content_hash: None,
        approval: None,
        provenance: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn projects_every_content_event() {
        super::super::check_section("content");
    }
}
