//! One event of the history, in its two forms: [`WireEvent`], exactly as the events table holds
//! it and a bundle line carries it (the change as JSON), and [`Event`], the same event with its
//! change typed. Converting the one into the other is the only place a change's JSON is read.
//! The canonical order of events is the [`Ord`] of [`Event`].

use std::cmp::Ordering;

use serde_json::Value;

use super::change::{Action, Change, Phase};
use super::hash::{EventContent, event_hash};
use crate::model::RecordKind;

/// The member of a change that names the file an imported change came from.
const ORIGIN: &str = "import";

/// An event as stored and exchanged: the events table's columns, and a bundle line's members.
/// Its `change` is the JSON exactly as hashed, including members a newer factdesk may have
/// added; read it typed through [`Event::from_wire`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WireEvent {
    /// The event's id: a lowercase hyphenated UUID, the same in every store that holds the event.
    pub id: String,
    /// When the change was made: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`, from the store's hybrid logical
    /// clock.
    pub at: String,
    /// Who made the change, as their name was given.
    pub author: String,
    /// The action's stored name (`claim.add`).
    pub action: String,
    /// The kind of record the event touches (`claim`, `source`, …).
    pub record_kind: String,
    /// The id of the record it touches (a setting's key for `config.set`).
    pub record_id: String,
    /// The change as JSON, exactly as hashed: its action's members, and any a newer factdesk added.
    pub change: Value,
    /// SHA-256 of the event's canonical content, 64 lowercase hex digits.
    pub hash: String,
}

/// One event, typed: who changed what and when, and the change itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's id: a lowercase hyphenated UUID, the same in every store that holds the event.
    pub id: String,
    /// When it happened, in the stored form (`2024-09-06T12:00:00.000Z`).
    pub at: String,
    /// Who made the change, as their name was given.
    pub author: String,
    /// The id of the record it touches (a setting's key for `config.set`).
    pub record_id: String,
    /// What changed, typed by its action.
    pub change: Change,
    /// The file an imported change came from, when it did not come from a person typing it.
    pub origin: Option<String>,
    /// The event's hash as written or received (64 lowercase hex digits); `verify` checks it.
    pub hash: String,
    /// The change exactly as hashed and stored.
    payload: Value,
}

impl Event {
    /// A new event (its hash computed), for a change just decided.
    pub fn new(
        id: String,
        at: String,
        author: String,
        record_id: String,
        change: Change,
        origin: Option<String>,
    ) -> Event {
        let mut payload = change.to_payload();
        if let (Some(origin), Value::Object(members)) = (&origin, &mut payload) {
            members.insert(ORIGIN.into(), Value::from(origin.as_str()));
        }
        let action = change.action();
        let hash = event_hash(&EventContent {
            id: &id,
            at: &at,
            author: &author,
            action: action.as_str(),
            record_kind: action.record_kind().as_str(),
            record_id: &record_id,
            change: &payload,
        });
        Event {
            id,
            at,
            author,
            record_id,
            change,
            origin,
            hash,
            payload,
        }
    }

    /// Reads an event in its wire form: its action must be one this factdesk knows, with the
    /// record kind that action touches, and its change must hold what the action records. The
    /// hash is kept as given (checking it is `verify`'s and the bundle reader's job).
    pub fn from_wire(wire: WireEvent) -> Result<Event, String> {
        let Some(action) = Action::from_name(&wire.action) else {
            return Err(format!(
                "event {} has an action this factdesk does not know ('{}'): it was written by a \
                 newer factdesk",
                wire.id, wire.action
            ));
        };
        if wire.record_kind != action.record_kind().as_str() {
            return Err(format!(
                "event {} ({action}) has record kind '{}' (expected '{}')",
                wire.id,
                wire.record_kind,
                action.record_kind()
            ));
        }
        let change = Change::from_payload(action, &wire.change)
            .map_err(|e| format!("event {} ({action}): {e}", wire.id))?;
        let origin = wire
            .change
            .get(ORIGIN)
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(Event {
            id: wire.id,
            at: wire.at,
            author: wire.author,
            record_id: wire.record_id,
            change,
            origin,
            hash: wire.hash,
            payload: wire.change,
        })
    }

    /// The event in its wire form.
    pub fn to_wire(&self) -> WireEvent {
        let action = self.action();
        WireEvent {
            id: self.id.clone(),
            at: self.at.clone(),
            author: self.author.clone(),
            action: action.as_str().to_string(),
            record_kind: action.record_kind().as_str().to_string(),
            record_id: self.record_id.clone(),
            change: self.payload.clone(),
            hash: self.hash.clone(),
        }
    }

    /// The action the event records.
    pub fn action(&self) -> Action {
        self.change.action()
    }

    /// The kind of record it touches.
    pub fn record_kind(&self) -> RecordKind {
        self.action().record_kind()
    }

    /// Its place in the canonical order before its time.
    pub fn phase(&self) -> Phase {
        self.action().phase()
    }

    /// The change exactly as hashed and stored (the typed change plus the origin, and any
    /// members a newer factdesk added).
    pub fn payload(&self) -> &Value {
        &self.payload
    }

    /// When and by whom the record was first logged: as an imported file said (the change's
    /// `at` and `by` members, e.g. `created_at`/`created_by`), else the event's own.
    pub fn logged<'a>(
        &'a self,
        at: Option<&'a String>,
        by: Option<&'a String>,
    ) -> (&'a str, &'a str) {
        match (at, by) {
            (Some(at), Some(by)) => (at, by),
            _ => (&self.at, &self.author),
        }
    }
}

/// The canonical order: [`Phase`], then time, then id — the same in every store, so two stores
/// holding the same events rebuild the same tables whatever order the events arrived in. The
/// SQL form used in queries is `store`'s `CANONICAL_ORDER`; a test holds the two together.
impl Ord for Event {
    fn cmp(&self, other: &Event) -> Ordering {
        (self.phase(), &self.at, &self.id).cmp(&(other.phase(), &other.at, &other.id))
    }
}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Event) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Eq for Event {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::change::{ClaimCommented, SettingSet};

    fn comment(id: &str, at: &str) -> Event {
        Event::new(
            id.into(),
            at.into(),
            "ana".into(),
            "8b5229d0-48e7-4713-a6a8-0e0817f64a6f".into(),
            Change::ClaimCommented(ClaimCommented { text: "A".into() }),
            None,
        )
    }

    #[test]
    fn an_event_survives_its_wire_form_and_keeps_members_it_does_not_know() {
        let event = Event::new(
            "0190a000-0000-7000-8000-000000000001".into(),
            "2024-09-06T12:00:00.000Z".into(),
            "ana".into(),
            "review.required".into(),
            Change::SettingSet(SettingSet {
                value: "true".into(),
                old: None,
            }),
            Some("desk.jsonl".into()),
        );
        let mut wire = event.to_wire();
        assert_eq!(
            wire.change.to_string(),
            r#"{"value":"true","old":null,"import":"desk.jsonl"}"#
        );
        assert_eq!(Event::from_wire(wire.clone()).unwrap(), event);
        // A member a newer factdesk added stays in the payload, and so in the hash.
        wire.change["newer"] = Value::from(1);
        let read = Event::from_wire(wire.clone()).unwrap();
        assert_eq!(read.change, event.change);
        assert_eq!(read.payload(), &wire.change);
        wire.action = "claim.delete".into();
        assert!(
            Event::from_wire(wire)
                .unwrap_err()
                .contains("newer factdesk")
        );
    }

    #[test]
    fn the_canonical_order_is_phase_then_time_then_id() {
        let later_comment = comment("b", "2024-09-02T00:00:00.000Z");
        let earlier_comment = comment("c", "2024-09-01T00:00:00.000Z");
        let same_time = comment("a", "2024-09-01T00:00:00.000Z");
        let source = Event::new(
            "z".into(),
            "2024-09-30T00:00:00.000Z".into(),
            "ana".into(),
            "s".into(),
            Change::SourceAdded(crate::history::change::SourceAdded {
                name: "Reuters".into(),
                kind: crate::model::SourceKind::Outlet,
                url: None,
                note: None,
                created_at: None,
                created_by: None,
            }),
            None,
        );
        let mut events = [later_comment, earlier_comment, source, same_time];
        events.sort();
        let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["z", "a", "c", "b"]);
    }
}
