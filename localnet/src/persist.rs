//! Owns the optional on-disk chain: the snapshot (the latest ledger header and every live and
//! archived entry with its TTL, rewritten after each ledger close) and beside it the history
//! (each closed ledger's LedgerCloseMeta, appended), so a restart resumes the same chain and
//! answers the same getTransaction, getTransactions, getEvents and getLedgers within the
//! retention window.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use soroban_env_host::xdr::{LedgerCloseMeta, LedgerEntry, LedgerHeader};

use crate::error::{LocalnetError, Result};
use crate::state::{key_of, LedgerState};
use crate::xdr_util::{from_xdr, to_xdr};

const MAGIC: &[u8; 12] = b"TLLOCALNET1\n";

/// What a snapshot file holds (as read back).
pub struct Snapshot {
    pub network_id: [u8; 32],
    pub header: LedgerHeader,
    pub hash: [u8; 32],
    pub close_time: u64,
    pub state: LedgerState,
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) -> Result<()> {
    let len =
        u32::try_from(b.len()).map_err(|_| LocalnetError::Invalid("entry too large".into()))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b);
    Ok(())
}

fn put_entries<'a>(
    out: &mut Vec<u8>,
    entries: impl ExactSizeIterator<Item = (&'a LedgerEntry, Option<u32>)>,
) -> Result<()> {
    out.extend_from_slice(&(entries.len() as u64).to_be_bytes());
    for (entry, live_until) in entries {
        put_bytes(out, &to_xdr(entry)?)?;
        match live_until {
            Some(l) => {
                out.push(1);
                out.extend_from_slice(&l.to_be_bytes());
            }
            None => out.push(0),
        }
    }
    Ok(())
}

/// Writes the snapshot atomically (temporary file, then rename), so a crash mid-write
/// leaves the previous snapshot intact.
pub fn save(
    path: &Path,
    network_id: &[u8; 32],
    header: &LedgerHeader,
    hash: &[u8; 32],
    close_time: u64,
    state: &LedgerState,
) -> Result<()> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(network_id);
    put_bytes(&mut out, &to_xdr(header)?)?;
    out.extend_from_slice(hash);
    out.extend_from_slice(&close_time.to_be_bytes());
    let live: Vec<_> = state
        .iter()
        .map(|(_, e)| (e.entry.as_ref(), e.live_until))
        .collect();
    put_entries(&mut out, live.into_iter())?;
    let archived: Vec<_> = state
        .iter_archived()
        .map(|(_, e)| (e.entry.as_ref(), e.live_until))
        .collect();
    put_entries(&mut out, archived.into_iter())?;
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&out)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

struct Reader {
    buf: Vec<u8>,
    pos: usize,
}

impl Reader {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or_else(|| LocalnetError::Invalid("state file is truncated".into()))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn bytes(&mut self) -> Result<Vec<u8>> {
        let len = u32::from_be_bytes(self.array()?) as usize;
        Ok(self.take(len)?.to_vec())
    }
    fn entries(&mut self) -> Result<Vec<(LedgerEntry, Option<u32>)>> {
        let n = u64::from_be_bytes(self.array()?);
        let mut out = Vec::new();
        for _ in 0..n {
            let entry: LedgerEntry = from_xdr(&self.bytes()?)?;
            let live_until = match self.array::<1>()?[0] {
                0 => None,
                _ => Some(u32::from_be_bytes(self.array()?)),
            };
            out.push((entry, live_until));
        }
        Ok(out)
    }
}

/// Reads a snapshot written by [`save`].
pub fn load(path: &Path) -> Result<Snapshot> {
    let mut buf = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut buf)?;
    let mut r = Reader { buf, pos: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return Err(LocalnetError::Invalid(format!(
            "{} is not a localnet state file",
            path.display()
        )));
    }
    let network_id = r.array()?;
    let header: LedgerHeader = from_xdr(&r.bytes()?)?;
    let hash = r.array()?;
    let close_time = u64::from_be_bytes(r.array()?);
    let mut state = LedgerState::default();
    for (entry, live_until) in r.entries()? {
        state.put(key_of(&entry), entry, live_until);
    }
    for (entry, live_until) in r.entries()? {
        state.put_archived(key_of(&entry), entry, live_until);
    }
    Ok(Snapshot {
        network_id,
        header,
        hash,
        close_time,
        state,
    })
}

/// The history file kept beside the state file `state` (`<state>.history`).
pub fn history_path(state: &Path) -> PathBuf {
    let mut name = OsString::from(state.as_os_str());
    name.push(".history");
    PathBuf::from(name)
}

fn history_record(meta: &LedgerCloseMeta) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    put_bytes(&mut out, &to_xdr(meta)?)?;
    Ok(out)
}

/// Appends one closed ledger to the history file, durably.
pub fn append_history(path: &Path, meta: &LedgerCloseMeta) -> Result<()> {
    let record = history_record(meta)?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(&record)?;
    f.sync_data()?;
    Ok(())
}

/// Replaces the history file with `metas`, atomically (temporary file, then rename).
pub fn write_history<'a>(
    path: &Path,
    metas: impl Iterator<Item = &'a LedgerCloseMeta>,
) -> Result<()> {
    let mut out = Vec::new();
    for meta in metas {
        out.extend(history_record(meta)?);
    }
    let mut tmp = OsString::from(path.as_os_str());
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&out)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Reads the history file, oldest ledger first; a missing file is an empty history. A record
/// cut short at the end (a crash mid-append) is dropped; anything else unreadable is an error.
pub fn read_history(path: &Path) -> Result<Vec<LedgerCloseMeta>> {
    let buf = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut r = Reader { buf, pos: 0 };
    let mut out = Vec::new();
    while r.pos < r.buf.len() {
        let Ok(bytes) = r.bytes() else {
            break;
        };
        out.push(
            from_xdr(&bytes).map_err(|e| {
                LocalnetError::Invalid(format!("{} is corrupt: {e}", path.display()))
            })?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_files_are_errors_not_panics() {
        let dir = std::env::temp_dir().join(format!("tl-persist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.state");
        for content in [&b""[..], b"nonsense", b"TLLOCALNET1\n\x00\x01", &[0xff; 64]] {
            std::fs::write(&path, content).unwrap();
            assert!(load(&path).is_err());
        }
        let mut truncated = MAGIC.to_vec();
        truncated.extend_from_slice(&[0; 32]);
        truncated.extend_from_slice(&u32::MAX.to_be_bytes());
        std::fs::write(&path, truncated).unwrap();
        assert!(load(&path).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
