//! Tamper evidence: the hash every event carries, and `verify`, which checks the hashes, the
//! event log's append-only guards, and that the tables equal what the event log rebuilds.
//!
//! An event's hash is SHA-256 over its canonical content: a JSON array of a format tag, the id,
//! time, author, action, record kind, record id and the change with its object keys sorted —
//! so the same event hashes the same in every store, whatever whitespace or key order its
//! JSON text has. This module computes and checks; it never changes the store.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Tags the hashed content, so a later change to what is hashed is a new tag, not a collision.
const HASH_FORMAT: &str = "factdesk.event/1";

/// The parts of an event that its hash covers.
pub(crate) struct EventContent<'a> {
    pub id: &'a str,
    pub at: &'a str,
    pub author: &'a str,
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_id: &'a str,
    pub change: &'a Value,
}

/// A copy of `value` whose objects list their keys in sorted order.
fn sorted_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted_keys(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// The hash of an event's canonical content, as 64 lowercase hex digits.
pub(crate) fn event_hash(event: &EventContent) -> String {
    let canonical = Value::Array(vec![
        HASH_FORMAT.into(),
        event.id.into(),
        event.at.into(),
        event.author.into(),
        event.action.into(),
        event.record_kind.into(),
        event.record_id.into(),
        sorted_keys(event.change),
    ]);
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Registers `factdesk_event_hash(id, at, author, action, record_kind, record_id, change)` on a
/// connection: the migration that added hashes computes them with it, and `verify` rechecks
/// every stored hash in one query.
pub(crate) fn register_functions(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        "factdesk_event_hash",
        7,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text = |i: usize| ctx.get::<String>(i);
            let change: Value = serde_json::from_str(&text(6)?)
                .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
            Ok(event_hash(&EventContent {
                id: &text(0)?,
                at: &text(1)?,
                author: &text(2)?,
                action: &text(3)?,
                record_kind: &text(4)?,
                record_id: &text(5)?,
                change: &change,
            }))
        },
    )
    .map_err(|e| Error::store(format!("cannot register factdesk's SQL functions: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn content(change: &Value) -> EventContent<'_> {
        EventContent {
            id: "0190a000-0000-7000-8000-000000000001",
            at: "2024-09-07T12:00:00.000Z",
            author: "ana",
            action: "claim.add",
            record_kind: "claim",
            record_id: "5b1e0c7d-0000-4000-8000-000000000000",
            change,
        }
    }

    #[test]
    fn the_hash_ignores_key_order_but_not_content() {
        let a = json!({"text": "Iran supplied missiles", "stance": "asserts", "tags": ["x"]});
        let b: Value = serde_json::from_str(
            r#"{ "tags":["x"], "stance":"asserts", "text":"Iran supplied missiles" }"#,
        )
        .unwrap();
        assert_eq!(event_hash(&content(&a)), event_hash(&content(&b)));
        assert_eq!(event_hash(&content(&a)).len(), 64);
        let edited = json!({"text": "Iran supplied drones", "stance": "asserts", "tags": ["x"]});
        assert_ne!(event_hash(&content(&a)), event_hash(&content(&edited)));
        let mut other_author = content(&a);
        other_author.author = "bo";
        assert_ne!(event_hash(&content(&a)), event_hash(&other_author));
    }
}
