//! Owns the ledger state: the live map of LedgerKey → entry (with live-until ledger for
//! contract data/code), the archive of evicted persistent entries, and snapshots of both
//! that the host and the simulator read.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use soroban_env_host::storage::{EntryWithLiveUntil, SnapshotSource};
use soroban_env_host::xdr::{ContractDataDurability, LedgerEntry, LedgerEntryData, LedgerKey};
use soroban_env_host::HostError;

/// One stored entry. `live_until` is `Some` exactly for ContractData/ContractCode, as the
/// host requires TTL metadata for those and rejects it for everything else.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEntry {
    pub entry: Arc<LedgerEntry>,
    pub live_until: Option<u32>,
}

/// Whether a key's entries carry a TTL (contract data and code do; classic entries don't).
pub fn has_ttl(key: &LedgerKey) -> bool {
    matches!(key, LedgerKey::ContractData(_) | LedgerKey::ContractCode(_))
}

/// Whether a key is a temporary contract-data key (deleted, never archived, when it expires).
pub fn is_temporary(key: &LedgerKey) -> bool {
    matches!(key, LedgerKey::ContractData(k) if k.durability == ContractDataDurability::Temporary)
}

/// The whole ledger state. Cloned copy-on-write (the node keeps it in an `Arc`), so a
/// simulation can read a consistent snapshot while the next ledger is being applied.
#[derive(Clone, Debug, Default)]
pub struct LedgerState {
    live: BTreeMap<LedgerKey, StoredEntry>,
    /// Persistent entries whose TTL ran out and that were evicted at a ledger close. They can
    /// only come back through RestoreFootprint or an invocation that marks them restored.
    archived: BTreeMap<LedgerKey, StoredEntry>,
}

impl LedgerState {
    /// A live entry, expired or not (the caller decides what expiry means for it).
    pub fn get(&self, key: &LedgerKey) -> Option<&StoredEntry> {
        self.live.get(key)
    }

    /// A live entry that has not expired as of `ledger_seq`.
    pub fn get_live(&self, key: &LedgerKey, ledger_seq: u32) -> Option<&StoredEntry> {
        self.live
            .get(key)
            .filter(|e| e.live_until.is_none_or(|l| l >= ledger_seq))
    }

    /// An archived (evicted) persistent entry.
    pub fn get_archived(&self, key: &LedgerKey) -> Option<&StoredEntry> {
        self.archived.get(key)
    }

    /// An entry that is archived, or live but expired: it needs restoring before use.
    pub fn get_needing_restore(&self, key: &LedgerKey, ledger_seq: u32) -> Option<&StoredEntry> {
        if is_temporary(key) {
            return None;
        }
        match self.live.get(key) {
            Some(e) if e.live_until.is_some_and(|l| l < ledger_seq) => Some(e),
            Some(_) => None,
            None => self.archived.get(key),
        }
    }

    /// Inserts or replaces a live entry (and forgets any archived copy of it).
    pub fn put(&mut self, key: LedgerKey, entry: LedgerEntry, live_until: Option<u32>) {
        self.archived.remove(&key);
        self.live.insert(
            key,
            StoredEntry {
                entry: Arc::new(entry),
                live_until,
            },
        );
    }

    /// Changes only the live-until ledger of a live entry.
    pub fn set_live_until(&mut self, key: &LedgerKey, live_until: u32) {
        if let Some(e) = self.live.get_mut(key) {
            e.live_until = Some(live_until);
        }
    }

    /// Deletes a live entry.
    pub fn remove(&mut self, key: &LedgerKey) -> Option<StoredEntry> {
        self.live.remove(key)
    }

    /// Evicts everything whose TTL ended before `ledger_seq`: temporary entries are deleted,
    /// persistent ones move to the archive. Returns the evicted keys (for LedgerCloseMeta).
    pub fn evict_expired(&mut self, ledger_seq: u32) -> Vec<LedgerKey> {
        let expired: Vec<LedgerKey> = self
            .live
            .iter()
            .filter(|(_, e)| e.live_until.is_some_and(|l| l < ledger_seq))
            .map(|(k, _)| k.clone())
            .collect();
        for key in &expired {
            if let Some(e) = self.live.remove(key) {
                if !is_temporary(key) {
                    self.archived.insert(key.clone(), e);
                }
            }
        }
        expired
    }

    /// Number of live entries (for tests and health output).
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether there are no live entries.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// Number of archived entries.
    pub fn archived_len(&self) -> usize {
        self.archived.len()
    }

    /// Iterates over archived entries.
    pub fn iter_archived(&self) -> impl Iterator<Item = (&LedgerKey, &StoredEntry)> {
        self.archived.iter()
    }

    /// Puts an entry straight into the archive (loading a saved state).
    pub fn put_archived(&mut self, key: LedgerKey, entry: LedgerEntry, live_until: Option<u32>) {
        self.archived.insert(
            key,
            StoredEntry {
                entry: Arc::new(entry),
                live_until,
            },
        );
    }

    /// Iterates over live entries.
    pub fn iter(&self) -> impl Iterator<Item = (&LedgerKey, &StoredEntry)> {
        self.live.iter()
    }
}

/// Builds the key of an entry (the XDR crate knows the mapping for every entry type).
pub fn key_of(entry: &LedgerEntry) -> LedgerKey {
    entry.to_key()
}

/// Whether the entry is a contract code entry (those go to the module cache).
pub fn is_code(entry: &LedgerEntry) -> bool {
    matches!(entry.data, LedgerEntryData::ContractCode(_))
}

/// A read-only view of one state version for the host and the simulator. It serves live
/// entries with their TTL, and archived persistent entries with their old (expired) TTL so
/// that recording mode can plan an automatic restore, as stellar-rpc's snapshot does.
pub struct Snapshot {
    pub state: Arc<LedgerState>,
}

impl SnapshotSource for Snapshot {
    fn get(&self, key: &Rc<LedgerKey>) -> Result<Option<EntryWithLiveUntil>, HostError> {
        let found = self
            .state
            .live
            .get(key.as_ref())
            .or_else(|| self.state.archived.get(key.as_ref()));
        Ok(found.map(|e| (Rc::new((*e.entry).clone()), e.live_until)))
    }
}
