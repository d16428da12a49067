//! Owns the store's record of the chain it was indexed from (`meta.network_identity`):
//! opaque JSON to this crate, written and checked by the server before indexing resumes.

use crate::db::Param;
use crate::{SqlError, SqlStore};

impl SqlStore {
    /// The recorded chain identity; `None` before the first record.
    pub async fn network_identity(&self) -> Result<Option<String>, SqlError> {
        let text = self
            .pool
            .text(
                "SELECT COALESCE(network_identity, '') FROM meta WHERE id = 1",
                &[],
            )
            .await?;
        Ok(text.filter(|t| !t.is_empty()))
    }

    /// Records the chain identity (replacing any earlier record).
    pub async fn set_network_identity(&self, identity: &str) -> Result<(), SqlError> {
        let mut tx = self.pool.begin_write().await?;
        tx.execute(
            "UPDATE meta SET network_identity = $1 WHERE id = 1",
            &[Param::Text(identity.to_string())],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
