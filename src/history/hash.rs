//! Hashing events and chaining them: the hash every event carries and the link of a store's
//! hash chain. An event's hash is SHA-256 over its canonical content: a JSON array of a format
//! tag, the id, time, author, action, record kind, record id and the change with its object
//! keys sorted — so the same event hashes the same in every store, whatever whitespace or key
//! order its JSON text has. A chain link is SHA-256 over a tag, the previous link and the
//! event's hash. Pure computation: checking a store's hashes is `store`'s `verify`.

use std::io::Write;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Tags the hashed content, so a later change to what is hashed is a new tag, not a collision.
const HASH_FORMAT: &str = "factdesk.event/1";

/// The parts of an event that its hash covers.
pub struct EventContent<'a> {
    /// The event's id.
    pub id: &'a str,
    /// Its time, in the stored form.
    pub at: &'a str,
    /// Who made the change.
    pub author: &'a str,
    /// The action's stored name (`claim.add`).
    pub action: &'a str,
    /// The kind of record it touches (`claim`).
    pub record_kind: &'a str,
    /// The id of the record it touches.
    pub record_id: &'a str,
    /// The change's JSON as stored; its keys are sorted when it is hashed.
    pub change: &'a Value,
}

impl<'a> EventContent<'a> {
    /// The hashed parts of an event in its wire form.
    pub fn of(event: &'a super::WireEvent) -> Self {
        EventContent {
            id: &event.id,
            at: &event.at,
            author: &event.author,
            action: &event.action,
            record_kind: &event.record_kind,
            record_id: &event.record_id,
            change: &event.change,
        }
    }
}

/// Writes `value` as JSON with every object's keys in sorted order: the canonical form that is
/// hashed. It writes straight into the hasher, copying nothing.
fn write_canonical(value: &Value, out: &mut impl std::io::Write) -> std::io::Result<()> {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.write_all(b"{")?;
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, key)?;
                out.write_all(b":")?;
                write_canonical(&map[key], out)?;
            }
            out.write_all(b"}")
        }
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_canonical(item, out)?;
            }
            out.write_all(b"]")
        }
        scalar => Ok(serde_json::to_writer(&mut *out, scalar)?),
    }
}

/// The hash of an event's canonical content, as 64 lowercase hex digits: SHA-256 of the JSON
/// array `[format tag, id, at, author, action, record kind, record id, change]`, the change's
/// keys sorted, without spaces.
pub fn event_hash(event: &EventContent) -> String {
    let mut hasher = Sha256::new();
    let head = [
        HASH_FORMAT,
        event.id,
        event.at,
        event.author,
        event.action,
        event.record_kind,
        event.record_id,
    ];
    let written = (|| -> std::io::Result<()> {
        hasher.write_all(b"[")?;
        for part in head {
            serde_json::to_writer(&mut hasher, part)?;
            hasher.write_all(b",")?;
        }
        write_canonical(event.change, &mut hasher)?;
        hasher.write_all(b"]")
    })();
    written.expect("writing to a hasher cannot fail");
    hex(&hasher.finalize())
}

/// Tags the chained content, as [`HASH_FORMAT`] tags an event's.
const CHAIN_FORMAT: &str = "factdesk.chain/1";

/// The next link of a store's hash chain: SHA-256 of the chain tag, a newline, the previous
/// link (empty before the first event), a newline and the event's hash, as 64 hex digits.
pub fn chain_hash(previous: &str, event_hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(CHAIN_FORMAT.as_bytes());
    hasher.update(b"\n");
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(event_hash.as_bytes());
    hex(&hasher.finalize())
}

/// Lowercase hex digits of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(HEX[usize::from(byte >> 4)] as char);
        hex.push(HEX[usize::from(byte & 0x0f)] as char);
    }
    hex
}
