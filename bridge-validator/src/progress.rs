//! Owns what a daemon must not forget across restarts: the source chain cursor and the
//! transfers still to be attested, saved together in one file, atomically (write a
//! temporary file, sync it, rename it over the old one). A restart resumes after the cursor
//! with the same pending work, so nothing seen is lost and nothing is attested twice.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::statement::Statement;

/// The persisted state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The last source chain event position read (a getEvents cursor).
    pub cursor: Option<String>,
    /// Statements derived from the source chain and not yet accepted by the destination.
    pub pending: Vec<Statement>,
    /// Transfers that reached the destination (by anyone's submission).
    pub done: u64,
    /// Transfers given up: expired or undeliverable.
    pub dropped: u64,
}

impl Progress {
    /// The saved progress, or a fresh one when the file does not exist.
    pub fn load(path: &Path) -> Result<Progress> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| state_error(path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Progress::default()),
            Err(e) => Err(state_error(path, e)),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp: PathBuf = {
            let mut name = path.as_os_str().to_owned();
            name.push(".tmp");
            name.into()
        };
        let json = serde_json::to_vec_pretty(self).map_err(|e| state_error(path, e))?;
        let mut file = std::fs::File::create(&tmp).map_err(|e| state_error(&tmp, e))?;
        file.write_all(&json).map_err(|e| state_error(&tmp, e))?;
        file.sync_all().map_err(|e| state_error(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| state_error(path, e))
    }

    /// Adds work unless it is already pending.
    pub fn add(&mut self, statement: Statement) -> bool {
        if self.pending.contains(&statement) {
            return false;
        }
        self.pending.push(statement);
        true
    }

    pub fn remove(&mut self, statement: &Statement) {
        self.pending.retain(|s| s != statement);
    }
}

fn state_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::State {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_atomically_and_refuses_a_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("validator.json");
        assert_eq!(Progress::load(&path).unwrap(), Progress::default());

        let mut p = Progress {
            cursor: Some("0000004294971392-0000000001".into()),
            ..Progress::default()
        };
        assert!(p.add(Statement::Completion { nonce: 3 }));
        assert!(!p.add(Statement::Completion { nonce: 3 }));
        p.save(&path).unwrap();
        assert_eq!(Progress::load(&path).unwrap(), p);
        assert!(!dir.path().join("validator.json.tmp").exists());

        std::fs::write(&path, b"{\"cursor\": 12").unwrap();
        assert!(matches!(Progress::load(&path), Err(Error::State { .. })));
    }
}
