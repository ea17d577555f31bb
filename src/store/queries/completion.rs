//! What shell completion offers from a store: claim ids and source names starting with what
//! was typed. Reads only.

use super::Store;
use crate::error::Result;

impl Store {
    /// Claims whose id starts with `typed`, newest first, at most `limit`: (id, text).
    pub fn claims_with_id_prefix(
        &self,
        typed: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, text FROM claims WHERE substr(id, 1, length(?1)) = ?1
              ORDER BY created_at DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![typed, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sources whose name starts with `typed` (in any case), by name, at most `limit`.
    pub fn sources_with_name_prefix(&self, typed: &str, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(
            "SELECT name FROM sources WHERE substr(lower(name), 1, length(?1)) = lower(?1)
              ORDER BY name LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![typed, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
