//! Checking one event's values as the command line checks the same change, before an event
//! that did not come from this store (an event bundle) is trusted.
//!
//! It owns the rules for what a stored event may hold: its id, time and author in their stored
//! forms, an action this factdesk knows with the record kind that action changes, a record id
//! of the right shape, and — per action — the fields of its typed change
//! (`crate::history::Change`; the operations in `store/desk/` decide them), each checked with
//! the same [`crate::model`] functions the commands use, with messages naming the field. Fields the writers always
//! write are required; fields they leave out when empty are optional, but a known field never
//! has a value no command would accept. Unknown extra fields are allowed: another factdesk may
//! add some, and the event's hash covers them.
//!
//! It validates values only: it must not touch the store (no SQL), check hashes (see
//! `integrity.rs`), or apply the desk's rules — review, who may approve, whether a record
//! exists or is created twice — which need the store. Every problem is one line naming the
//! event, its action and the problem, without a line number (the caller adds it): a field is
//! named by its path (``field `old.verdict`: …``) unless the command line's own message already
//! names it at the top of the change (an unknown verdict, an empty claim text).

use serde_json::{Map, Value};

use super::replay::known_actions;
use crate::error::Error;
use crate::history::{Action, WireEvent};
use crate::model::{
    EvidenceStance, Relation, SourceKind, Stance, VerdictKind, check_web_url, clean_source_name,
    clean_tag, optional_text, parse_date, validate_claim_text, validate_rationale,
};

/// A record id in its stored form, as an example in messages.
const EXAMPLE_ID: &str = "8b5229d0-48e7-4713-a6a8-0e0817f64a6f";

/// At most this many characters of a value are quoted in a message.
const SHOWN_CHARS: usize = 80;

type Check<T = ()> = Result<T, String>;

/// Checks one side (`old` or `new`) of an edited claim field.
type SideCheck = fn(&Fields, &str) -> Check;

/// Checks both sides (`old`, `new`) of each field of an edit that `c` holds.
fn check_edited(c: &Fields, edits: &[(&str, SideCheck)]) -> Check {
    for (field, check_side) in edits {
        if let Some(edit) = c.optional_object(field)? {
            for side in ["old", "new"] {
                check_side(&edit, side)?;
            }
        }
    }
    Ok(())
}

/// An edited URL: only the new one must be a web address (an edit may replace one set before
/// URLs had to be web addresses).
fn edited_url(e: &Fields, side: &str) -> Check {
    match e.nullable_text(side)? {
        Some(url) if side == "new" => e.field_check(side, web_url(url)),
        _ => Ok(()),
    }
}

/// Checks one event's values exactly as the command line checks the same change; the reason
/// for a refusal is one line naming the event id, the action and the problem.
pub(crate) fn check_event_values(event: &WireEvent) -> Result<(), String> {
    check(event).map_err(|problem| {
        one_line(&format!(
            "event {} ({}): {problem}",
            shown(&event.id),
            shown(&event.action)
        ))
    })
}

/// Checks a time in the exact stored form `YYYY-MM-DDTHH:MM:SS.sssZ`: a real instant, in UTC,
/// with milliseconds, written exactly as factdesk writes it (an event's `at`, and the
/// `created_at`, `given_at` and `proposed_at` inside changes).
pub(crate) fn check_stored_time(value: &str) -> Result<(), String> {
    let stored = chrono::DateTime::parse_from_rfc3339(value).ok().map(|at| {
        at.with_timezone(&chrono::Utc)
            .format(super::STORED_TIME)
            .to_string()
    });
    if stored.as_deref() != Some(value) {
        return Err(format!(
            "malformed time '{}' (expected the stored form YYYY-MM-DDTHH:MM:SS.sssZ, like \
             2024-09-07T12:00:00.000Z)",
            shown(value)
        ));
    }
    Ok(())
}

fn check(event: &WireEvent) -> Check {
    stored_uuid(&event.id).map_err(|e| in_field("id", e))?;
    check_stored_time(&event.at).map_err(|e| in_field("at", e))?;
    person(&event.author).map_err(|e| in_field("author", e))?;
    let Some(action) = Action::from_name(&event.action) else {
        return Err(format!(
            "unknown action '{}' (expected one of: {})",
            shown(&event.action),
            known_actions().join(", ")
        ));
    };
    let kind = action.record_kind().as_str();
    if event.record_kind != kind {
        return Err(format!(
            "record kind '{}' does not match action {} (expected '{kind}')",
            shown(&event.record_kind),
            event.action
        ));
    }
    if kind == "store" {
        setting_key(&event.record_id)?;
    } else {
        stored_uuid(&event.record_id).map_err(|e| in_field("record_id", e))?;
    }
    let Value::Object(members) = &event.change else {
        return Err(format!(
            "field `change`: expected a JSON object, not {}",
            json_kind(&event.change)
        ));
    };
    let c = Fields::top(members);
    if let Some(origin) = c.optional_text("import")? {
        c.field_check("import", nonempty(origin, "the file name is empty"))?;
    }
    match action {
        Action::SourceAdded => source_add(&c),
        Action::ClaimAdded => claim_add(&c),
        Action::ClaimEdited => claim_edit(&c),
        Action::EvidenceAdded => evidence_add(&c),
        Action::LinkAdded => link_add(&c),
        Action::LinkRemoved => link_ends(&c),
        Action::VerdictSet => verdict_set(&c),
        Action::VerdictCleared => verdict_clear(&c),
        Action::VerdictProposed => verdict_propose(&c),
        Action::ReviewApproved => review_approve(&c),
        Action::ReviewRejected => review_reject(&c),
        Action::ClaimAssigned => claim_assign(&c),
        Action::ClaimCommented => {
            let text = c.text("text")?;
            c.named_check("text", nonempty(text, "comment is empty"))
        }
        Action::SettingSet => config_set(&c, &event.record_id),
        Action::ClaimRetracted => retraction(&c, false),
        Action::ClaimRestored => restoration(&c, false),
        Action::EvidenceRetracted => retraction(&c, true),
        Action::EvidenceRestored => restoration(&c, true),
        Action::EvidenceEdited => evidence_edit(&c),
        Action::EvidenceMoved => {
            c.field_check("from", stored_uuid(c.text("from")?))?;
            c.field_check("to", stored_uuid(c.text("to")?))
        }
        Action::SourceEdited => source_edit(&c),
        Action::SourceRenamed => {
            for side in ["old", "new"] {
                c.named_check(side, source_name(c.text(side)?))?;
            }
            Ok(())
        }
        Action::SourceMerged => source_merge(&c, &event.record_id, "into"),
        Action::SourceUnmerged => source_merge(&c, &event.record_id, "from"),
    }
}

/// `source.edit` (sources.rs `edit_source`): each changed field as `{"old": …, "new": …}` —
/// `kind`, `url`, `note`.
fn source_edit(c: &Fields) -> Check {
    if c.members.is_empty() {
        return Err("the edit changes nothing".into());
    }
    let edits: [(&str, SideCheck); 3] = [
        ("kind", |e, side| match e.nullable_text(side)? {
            Some(kind) => e.named_check(side, word::<SourceKind>(kind, "source kind")),
            None => Ok(()),
        }),
        ("url", edited_url),
        ("note", |e, side| e.nullable_text(side).map(drop)),
    ];
    check_edited(c, &edits)
}

/// `source.merge` / `source.unmerge` (sources.rs): the other source's id (`into` / `from`) and
/// its name; a source is never merged into itself.
fn source_merge(c: &Fields, own: &str, other: &str) -> Check {
    let id = c.text(other)?;
    c.field_check(other, stored_uuid(id))?;
    if id == own {
        return Err(format!(
            "field `{other}`: a source cannot be merged into itself"
        ));
    }
    let name = format!("{other}_name");
    c.named_check(&name, source_name(c.text(&name)?))
}

// ---- The changes, action by action (the fields their writers put in them) ----

/// `source.add` (sources.rs): `name`, `kind`; optional `url`, `note`, `created_at`/`created_by`.
fn source_add(c: &Fields) -> Check {
    let name = c.text("name")?;
    c.named_check("name", source_name(name))?;
    c.named_check("kind", word::<SourceKind>(c.text("kind")?, "source kind"))?;
    // The store keeps a URL and note as given; the command line leaves blank ones out.
    if let Some(url) = c.optional_text("url")? {
        c.field_check("url", web_url(url))?;
    }
    c.optional_text("note")?;
    c.logged("created_at", "created_by")
}

/// `claim.add` (claims.rs `ClaimAdded`): `text`, `stance`; optional `claimant`,
/// `reported_by`, `url`, `quote`, `date`, `tags`, `created_at`/`created_by`.
fn claim_add(c: &Fields) -> Check {
    c.named_check("text", validated(validate_claim_text(c.text("text")?)))?;
    c.named_check("stance", word::<Stance>(c.text("stance")?, "stance"))?;
    for field in ["claimant", "reported_by"] {
        if let Some(name) = c.optional_text(field)? {
            c.field_check(field, source_name(name))?;
        }
    }
    if let Some(url) = c.optional_text("url")? {
        c.field_check("url", web_url(url))?;
    }
    c.optional_text("quote")?;
    if let Some(date) = c.optional_text("date")? {
        c.named_check("date", claim_date(date))?;
    }
    if c.get("tags").is_some() {
        c.tags("tags")?;
    }
    c.logged("created_at", "created_by")
}

/// `claim.edit` (claims.rs `edit_claim`): each changed field as `{"old": …, "new": …}` —
/// `text`, `stance`, `url`, `quote`, `date`, `claimant`, `reported_by` — and non-empty
/// `tags_added`/`tags_removed`. Both sides are checked like the field (the old one is what the
/// writer's store held, which was checked when it was set).
fn claim_edit(c: &Fields) -> Check {
    if c.members.is_empty() {
        return Err("the edit changes nothing".into());
    }
    let edits: [(&str, SideCheck); 7] = [
        ("text", |e, side| {
            e.named_check(side, validated(validate_claim_text(e.text(side)?)))
        }),
        ("stance", |e, side| {
            e.named_check(side, word::<Stance>(e.text(side)?, "stance"))
        }),
        ("url", edited_url),
        ("quote", |e, side| e.nullable_text(side).map(drop)),
        ("date", |e, side| match e.nullable_text(side)? {
            Some(date) => e.named_check(side, claim_date(date)),
            None => Ok(()),
        }),
        ("claimant", |e, side| match e.nullable_text(side)? {
            Some(name) => e.field_check(side, source_name(name)),
            None => Ok(()),
        }),
        ("reported_by", |e, side| match e.nullable_text(side)? {
            Some(name) => e.field_check(side, source_name(name)),
            None => Ok(()),
        }),
    ];
    check_edited(c, &edits)?;
    for field in ["tags_added", "tags_removed"] {
        if c.get(field).is_some() && c.tags(field)? == 0 {
            return Err(in_field(field, "the list is empty"));
        }
    }
    Ok(())
}

/// `evidence.add` (evidence.rs): `claim`, `stance`; optional `source`, `url`, `quote`, `note`
/// (the store leaves blank ones out), `created_at`/`created_by`.
fn evidence_add(c: &Fields) -> Check {
    c.field_check("claim", stored_uuid(c.text("claim")?))?;
    c.named_check(
        "stance",
        word::<EvidenceStance>(c.text("stance")?, "evidence stance"),
    )?;
    if let Some(name) = c.optional_text("source")? {
        c.field_check("source", source_name(name))?;
    }
    for field in ["url", "quote", "note"] {
        if let Some(value) = c.optional_text(field)? {
            c.field_check(field, not_blank(value))?;
        }
    }
    if let Some(url) = c.optional_text("url")? {
        c.field_check("url", web_url(url))?;
    }
    c.logged("created_at", "created_by")
}

/// `link.add` (links.rs): `from`, `relation`, `to`; optional `note` (never blank),
/// `created_at`/`created_by`, and `linker` (`{"score": number, "reason": text}`) when the link
/// was the linker's proposal.
fn link_add(c: &Fields) -> Check {
    link_ends(c)?;
    if let Some(note) = c.optional_text("note")? {
        c.field_check("note", not_blank(note))?;
    }
    if let Some(linker) = c.optional_object("linker")? {
        let score = linker.required("score")?;
        if !score.is_number() {
            return Err(in_field(
                &linker.path("score"),
                format!("expected a number, not {}", json_kind(score)),
            ));
        }
        linker.text("reason")?;
    }
    c.logged("created_at", "created_by")
}

/// The two claims and the relation of a link (`link.add`, and `link.remove`, which repeats
/// them): two different claims.
fn link_ends(c: &Fields) -> Check {
    let from = c.text("from")?;
    c.field_check("from", stored_uuid(from))?;
    c.named_check(
        "relation",
        word::<Relation>(c.text("relation")?, "relation"),
    )?;
    let to = c.text("to")?;
    c.field_check("to", stored_uuid(to))?;
    if from == to {
        return Err(format!("cannot link claim {} to itself", &from[..8]));
    }
    Ok(())
}

/// `verdict.set` (claims.rs `put_verdict`): `verdict`, `rationale`; optional `old` (the verdict
/// it replaced) and `given_at`/`given_by` (imports).
fn verdict_set(c: &Fields) -> Check {
    verdict_and_rationale(c)?;
    if let Some(old) = c.optional_object("old")? {
        given_verdict(&old, "given_at", "given_by")?;
    }
    c.logged("given_at", "given_by")
}

/// `verdict.clear` (claims.rs `clear_verdict`): `old` (the verdict withdrawn) and `note`.
fn verdict_clear(c: &Fields) -> Check {
    given_verdict(&c.object("old")?, "given_at", "given_by")?;
    let note = c.text("note")?;
    c.named_check(
        "note",
        nonempty(
            note,
            "withdrawing a verdict needs a reason: give --note with it",
        ),
    )
}

/// `verdict.propose` (team.rs `give_verdict`): `verdict`, `rationale`, and `old` (the proposal
/// it replaced, or null).
fn verdict_propose(c: &Fields) -> Check {
    verdict_and_rationale(c)?;
    if let Some(old) = c.nullable_object("old")? {
        given_verdict(&old, "proposed_at", "proposed_by")?;
    }
    Ok(())
}

/// `review.approve` (team.rs): `verdict`, `rationale`, `proposed_at`, `proposed_by`; optional
/// `note` (never blank).
fn review_approve(c: &Fields) -> Check {
    given_verdict(c, "proposed_at", "proposed_by")?;
    if let Some(note) = c.optional_text("note")? {
        c.field_check("note", not_blank(note))?;
    }
    Ok(())
}

/// `review.reject` (team.rs): `verdict`, `rationale`, `proposed_by`, `note`.
fn review_reject(c: &Fields) -> Check {
    verdict_and_rationale(c)?;
    c.field_check("proposed_by", person(c.text("proposed_by")?))?;
    let note = c.text("note")?;
    c.named_check(
        "note",
        nonempty(
            note,
            "sending a verdict back needs a reason: give --note with it",
        ),
    )
}

/// `claim.assign` (team.rs `assign_claim`): `assignee` and `old`, each a name or null.
fn claim_assign(c: &Fields) -> Check {
    for field in ["assignee", "old"] {
        if let Some(name) = c.nullable_text(field)? {
            c.field_check(field, person(name))?;
        }
    }
    Ok(())
}

/// `evidence.edit` (evidence.rs `edit_evidence`): `claim`, and at least one of `stance`,
/// `source`, `url`, `quote`, `note`, each `{old, new}`.
fn evidence_edit(c: &Fields) -> Check {
    c.field_check("claim", stored_uuid(c.text("claim")?))?;
    if c.members.len() < 2 {
        return Err("the edit changes nothing".into());
    }
    let edits: [(&str, SideCheck); 5] = [
        ("stance", |e, side| {
            e.named_check(
                side,
                word::<EvidenceStance>(e.text(side)?, "evidence stance"),
            )
        }),
        ("source", |e, side| match e.nullable_text(side)? {
            Some(name) => e.field_check(side, source_name(name)),
            None => Ok(()),
        }),
        ("url", edited_url),
        ("quote", |e, side| e.nullable_text(side).map(drop)),
        ("note", |e, side| e.nullable_text(side).map(drop)),
    ];
    check_edited(c, &edits)
}

/// `claim.retract` / `evidence.retract` (retract.rs): `note`, never blank; evidence names its
/// `claim` too.
fn retraction(c: &Fields, evidence: bool) -> Check {
    if evidence {
        c.field_check("claim", stored_uuid(c.text("claim")?))?;
    }
    c.named_check("note", nonempty(c.text("note")?, "the reason is empty"))
}

/// `claim.restore` / `evidence.restore` (retract.rs): an optional `note`, never blank;
/// evidence names its `claim` too.
fn restoration(c: &Fields, evidence: bool) -> Check {
    if evidence {
        c.field_check("claim", stored_uuid(c.text("claim")?))?;
    }
    if let Some(note) = c.optional_text("note")? {
        c.field_check("note", not_blank(note))?;
    }
    Ok(())
}

/// `config.set` (team.rs `set_setting`): `value` and `old` (the value replaced, or null).
fn config_set(c: &Fields, key: &str) -> Check {
    c.named_check("value", setting_value(key, c.text("value")?))?;
    if let Some(old) = c.nullable_text("old")? {
        c.field_check("old", setting_value(key, old))?;
    }
    Ok(())
}

/// A verdict with its rationale, both required.
fn verdict_and_rationale(c: &Fields) -> Check {
    c.named_check(
        "verdict",
        word::<VerdictKind>(c.text("verdict")?, "verdict"),
    )?;
    c.named_check(
        "rationale",
        validated(validate_rationale(c.text("rationale")?)),
    )
}

/// A verdict as given or proposed: the verdict, its rationale, and when and by whom (the
/// fields `at` and `by`), all required.
fn given_verdict(c: &Fields, at: &str, by: &str) -> Check {
    verdict_and_rationale(c)?;
    c.field_check(at, check_stored_time(c.text(at)?))?;
    c.field_check(by, person(c.text(by)?))
}

// ---- Values ----

/// A UUID exactly as factdesk writes one (`uuid::Uuid::to_string`: lowercase, hyphenated).
fn stored_uuid(value: &str) -> Check {
    match uuid::Uuid::try_parse(value) {
        Ok(id) if id.to_string() == value => Ok(()),
        _ => Err(format!(
            "'{}' is not a UUID in stored form (lowercase and hyphenated, like {EXAMPLE_ID})",
            shown(value)
        )),
    }
}

/// One of the model's words (a stance, a verdict, …), written exactly as stored: the command
/// line's parsing accepts any case and surrounding spaces, the store keeps the word itself.
fn word<T>(value: &str, what: &str) -> Check
where
    T: std::str::FromStr<Err = Error> + std::fmt::Display,
{
    let parsed: T = value.parse().map_err(|e: Error| e.to_string())?;
    if parsed.to_string() != value {
        return Err(format!(
            "{what} '{}' is not written in its stored form '{parsed}'",
            shown(value)
        ));
    }
    Ok(())
}

/// A source name in the form the store keeps (`clean_source_name`: trimmed, not empty).
fn source_name(name: &str) -> Check {
    let clean = clean_source_name(name).map_err(|e| e.to_string())?;
    if clean != name {
        return Err(format!(
            "source name '{}' is not in its cleaned form '{}'",
            shown(name),
            shown(&clean)
        ));
    }
    Ok(())
}

/// A tag in the form the store keeps (`clean_tag`: trimmed, not empty).
fn tag(value: &str) -> Check {
    let clean = clean_tag(value).map_err(|e| e.to_string())?;
    if clean != value {
        return Err(format!(
            "tag '{}' is not in its cleaned form '{}'",
            shown(value),
            shown(&clean)
        ));
    }
    Ok(())
}

/// A claim's date: a real date written `YYYY-MM-DD` (`parse_date`, which keeps it unchanged).
fn claim_date(value: &str) -> Check {
    let date = parse_date(value).map_err(|e| e.to_string())?;
    if date != value {
        return Err(format!("malformed date '{}'", shown(value)));
    }
    Ok(())
}

/// A person's name (an author, who made or proposed something, an assignee): not empty, and
/// one line of text with something visible in it (`person::check_person_name`, as for `--as`).
fn person(name: &str) -> Check {
    validated(crate::person::check_person_name(name))
}

/// A web address (`model::check_web_url`, as on the command line): http or https only.
fn web_url(value: &str) -> Check {
    validated(check_web_url(value))
}

/// A setting this factdesk knows (`config set`'s own check).
fn setting_key(key: &str) -> Check {
    super::team::check_setting_key(key).map_err(|e| e.to_string())
}

/// A setting's value as stored: what `config set` stores, exactly (it takes `yes` or `ON` from
/// a person, but writes `true`).
fn setting_value(key: &str, value: &str) -> Check {
    match super::team::clean_setting(key, value) {
        Ok(stored) if stored == value => Ok(()),
        _ => Err(format!(
            "setting '{key}' is true or false, not '{}'",
            shown(value)
        )),
    }
}

/// Text the store leaves out when blank (`optional_text`): present means not blank.
fn not_blank(value: &str) -> Check {
    match optional_text(Some(value.to_string())) {
        Some(_) => Ok(()),
        None => Err("blank (the store leaves a blank value out)".into()),
    }
}

/// Text that must not be blank, refused with the command line's message.
fn nonempty(value: &str, message: &str) -> Check {
    if value.trim().is_empty() {
        return Err(message.into());
    }
    Ok(())
}

/// A model validation's error as a message.
fn validated(result: Result<(), Error>) -> Check {
    result.map_err(|e| e.to_string())
}

// ---- Reading a change's fields ----

/// The members of a change (or of an object inside it, at `prefix`), read with the path of
/// each field for messages.
struct Fields<'a> {
    members: &'a Map<String, Value>,
    /// Empty for the change itself; `old.`, `text.`, … inside it.
    prefix: String,
}

impl<'a> Fields<'a> {
    fn top(members: &'a Map<String, Value>) -> Self {
        Fields {
            members,
            prefix: String::new(),
        }
    }

    fn path(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    fn get(&self, field: &str) -> Option<&'a Value> {
        self.members.get(field)
    }

    fn required(&self, field: &str) -> Check<&'a Value> {
        self.get(field)
            .ok_or_else(|| format!("missing field `{}`", self.path(field)))
    }

    fn string(&self, field: &str, value: &'a Value) -> Check<&'a str> {
        value.as_str().ok_or_else(|| {
            in_field(
                &self.path(field),
                format!("expected a string, not {}", json_kind(value)),
            )
        })
    }

    /// A required string.
    fn text(&self, field: &str) -> Check<&'a str> {
        self.string(field, self.required(field)?)
    }

    /// A string the writers leave out when there is none (null is not written).
    fn optional_text(&self, field: &str) -> Check<Option<&'a str>> {
        self.get(field).map(|v| self.string(field, v)).transpose()
    }

    /// A field the writers always write, as a string or null.
    fn nullable_text(&self, field: &str) -> Check<Option<&'a str>> {
        match self.required(field)? {
            Value::Null => Ok(None),
            value => self.string(field, value).map(Some),
        }
    }

    fn nested(&self, field: &str, value: &'a Value) -> Check<Fields<'a>> {
        match value {
            Value::Object(members) => Ok(Fields {
                members,
                prefix: format!("{}.", self.path(field)),
            }),
            other => Err(in_field(
                &self.path(field),
                format!("expected an object, not {}", json_kind(other)),
            )),
        }
    }

    /// A required object.
    fn object(&self, field: &str) -> Check<Fields<'a>> {
        self.nested(field, self.required(field)?)
    }

    /// An object the writers leave out when there is none.
    fn optional_object(&self, field: &str) -> Check<Option<Fields<'a>>> {
        self.get(field).map(|v| self.nested(field, v)).transpose()
    }

    /// A field the writers always write, as an object or null.
    fn nullable_object(&self, field: &str) -> Check<Option<Fields<'a>>> {
        match self.required(field)? {
            Value::Null => Ok(None),
            value => self.nested(field, value).map(Some),
        }
    }

    /// A list of tags, each in its stored form and none twice; returns how many.
    fn tags(&self, field: &str) -> Check<usize> {
        let path = self.path(field);
        let items = match self.required(field)? {
            Value::Array(items) => items,
            other => {
                return Err(in_field(
                    &path,
                    format!("expected a list, not {}", json_kind(other)),
                ));
            }
        };
        let mut seen: Vec<&str> = Vec::with_capacity(items.len());
        for item in items {
            let Some(value) = item.as_str() else {
                return Err(in_field(
                    &path,
                    format!("expected a list of strings, found {}", json_kind(item)),
                ));
            };
            tag(value).map_err(|e| in_field(&path, e))?;
            if seen.contains(&value) {
                return Err(in_field(
                    &path,
                    format!("tag '{}' is listed twice", shown(value)),
                ));
            }
            seen.push(value);
        }
        Ok(items.len())
    }

    /// `at` and `by` as imports write them (`created_at`/`created_by`, `given_at`/`given_by`):
    /// both or neither, a stored time and a name.
    fn logged(&self, at: &str, by: &str) -> Check {
        match (self.optional_text(at)?, self.optional_text(by)?) {
            (None, None) => Ok(()),
            (Some(time), Some(name)) => {
                self.field_check(at, check_stored_time(time))?;
                self.field_check(by, person(name))
            }
            (Some(_), None) => Err(in_field(&self.path(by), format!("needed with `{at}`"))),
            (None, Some(_)) => Err(in_field(&self.path(at), format!("needed with `{by}`"))),
        }
    }

    /// A problem with a field, named by its path.
    fn field_check(&self, field: &str, result: Check) -> Check {
        result.map_err(|e| in_field(&self.path(field), e))
    }

    /// A problem whose message already names what is wrong (an unknown verdict, an empty claim
    /// text), as the command line gives it: named by its path only inside a nested object.
    fn named_check(&self, field: &str, result: Check) -> Check {
        if self.prefix.is_empty() {
            result
        } else {
            self.field_check(field, result)
        }
    }
}

// ---- Messages ----

fn in_field(path: &str, problem: impl std::fmt::Display) -> String {
    format!("field `{path}`: {problem}")
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A value as quoted in a message: cut at [`SHOWN_CHARS`] characters.
fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_string(),
    }
}

/// A message on one line: control characters (a newline in a name or a value) are escaped.
fn one_line(message: &str) -> String {
    message
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linker::Proposal;
    use crate::model::{
        ClaimEdit, ClaimRecord, EvidenceRecord, LinkRecord, Logged, NewClaim, NewEvidence,
        NewSource, VerdictRecord,
    };
    use crate::store::replay::EVENT_COLUMNS;
    use crate::store::testing::at;
    use crate::store::{ImportOptions, Located, REVIEW_REQUIRED, Store};
    use serde_json::json;

    const IMPORTED_A: &str = "aaaaaaaa-0000-4000-8000-000000000001";
    const IMPORTED_B: &str = "bbbbbbbb-0000-4000-8000-000000000002";

    fn logged(at: &str, by: &str) -> Option<Logged> {
        Some(Logged {
            at: at.into(),
            by: by.into(),
        })
    }

    /// A store in which every action has been written, most of them in every shape their
    /// writers produce (with and without optional fields, `old` null and not).
    fn busy_store() -> Store {
        let mut store = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(at(1));
        store
            .add_source(&NewSource {
                name: "  Newsweek ".into(),
                kind: SourceKind::Outlet,
                url: Some("https://newsweek.example".into()),
                note: Some("weekly".into()),
            })
            .unwrap();
        let a = store
            .log_claim(&NewClaim {
                text: "Iran supplied Russia with ballistic missiles".into(),
                claimant: Some(" U.S. officials ".into()),
                reported_by: Some("newsweek".into()),
                stance: Some(Stance::Asserts),
                url: Some("https://wsj.example/1".into()),
                quote: Some("missiles were delivered".into()),
                date: Some("2024-09-06".into()),
                tags: vec![" iran ".into(), "russia".into(), "iran".into()],
            })
            .unwrap();
        let b = store
            .log_claim(&NewClaim {
                text: "Iran has not provided weapons to either side".into(),
                ..NewClaim::default()
            })
            .unwrap();
        store
            .add_evidence(
                &a,
                &NewEvidence {
                    stance: EvidenceStance::Supports,
                    source: Some(" Reuters ".into()),
                    url: Some("https://reuters.example".into()),
                    quote: Some("shipment seen".into()),
                    note: Some("satellite photos".into()),
                },
            )
            .unwrap();
        store
            .add_evidence(
                &b,
                &NewEvidence {
                    stance: EvidenceStance::Context,
                    source: Some("  ".into()),
                    url: Some(" ".into()),
                    quote: None,
                    note: None,
                },
            )
            .unwrap();
        store.set_clock(at(2));
        let link = store
            .add_link(&b, &a, Relation::Contradicts, Some("the denial"))
            .unwrap();
        store.add_link(&a, &b, Relation::Related, None).unwrap();
        store.remove_link(&link.id).unwrap();
        store
            .record_proposal(
                &a,
                &b,
                &Proposal {
                    id: b.clone(),
                    text: "Iran has not provided weapons to either side".into(),
                    claimant: None,
                    relation: Relation::Contradicts,
                    score: 0.87,
                    reason: "shares: iran, weapons".into(),
                },
                None,
            )
            .unwrap();
        store
            .edit_claim(
                &a,
                &ClaimEdit {
                    text: Some("Iran supplied Russia with short-range missiles".into()),
                    claimant: Some(Some("Pentagon".into())),
                    reported_by: Some(None),
                    stance: Some(Stance::Questions),
                    url: Some(None),
                    quote: Some(Some("short-range".into())),
                    date: Some(Some("2024-09-07".into())),
                    add_tags: vec!["missiles".into()],
                    remove_tags: vec!["russia".into()],
                },
            )
            .unwrap();
        store
            .edit_claim(
                &a,
                &ClaimEdit {
                    claimant: Some(None),
                    reported_by: Some(Some("Newsweek".into())),
                    url: Some(Some("https://wsj.example/2".into())),
                    quote: Some(None),
                    date: Some(None),
                    ..ClaimEdit::default()
                },
            )
            .unwrap();
        store.set_clock(at(3));
        store
            .set_verdict(&a, VerdictKind::Mixed, "Some shipments, not all")
            .unwrap();
        store
            .give_verdict(&a, VerdictKind::Supported, "Officials confirmed it")
            .unwrap();
        store
            .clear_verdict(&a, "Retracted by the officials")
            .unwrap();
        store.set_setting(REVIEW_REQUIRED, "yes").unwrap();
        store
            .give_verdict(&b, VerdictKind::Refuted, "Shipping records")
            .unwrap();
        store
            .give_verdict(&b, VerdictKind::Refuted, " Shipping records, again ")
            .unwrap();
        store.set_author("bo");
        store.approve_verdict(&b, Some(" checked ")).unwrap();
        store
            .give_verdict(&a, VerdictKind::Unverifiable, "Nothing public")
            .unwrap();
        store.set_author("ana");
        store.reject_verdict(&a, "Ask the Pentagon first").unwrap();
        store.set_setting(REVIEW_REQUIRED, "off").unwrap();
        store.assign_claim(&a, Some(" Bo ")).unwrap();
        store.assign_claim(&a, Some("Cy")).unwrap();
        store.assign_claim(&a, None).unwrap();
        store
            .comment_claim(&a, "  Ask the Pentagon for the date \n")
            .unwrap();

        // A bulk import: every change names the file, and carries the file's own times.
        let record = ClaimRecord {
            id: Some(IMPORTED_A.into()),
            claim: NewClaim {
                text: "Imported claim".into(),
                claimant: Some("Snopes".into()),
                tags: vec!["imported".into()],
                ..NewClaim::default()
            },
            logged: logged("2024-01-02T03:04:05.678Z", "carla"),
            evidence: vec![EvidenceRecord {
                id: None,
                evidence: NewEvidence {
                    stance: EvidenceStance::Refutes,
                    source: Some("AP".into()),
                    url: None,
                    quote: None,
                    note: Some("fact check".into()),
                },
                logged: logged("2024-01-03T00:00:00.000Z", "dan"),
            }],
            verdict: Some(VerdictRecord {
                verdict: VerdictKind::Refuted,
                rationale: "Rated false".into(),
                logged: logged("2024-01-04T00:00:00.000Z", "eve"),
            }),
            links: vec![LinkRecord {
                id: None,
                relation: Relation::Duplicates,
                to: IMPORTED_B.into(),
                note: Some("same story".into()),
                logged: logged("2024-01-05T00:00:00.000Z", "fay"),
            }],
        };
        let other = ClaimRecord {
            id: Some(IMPORTED_B.into()),
            claim: NewClaim {
                text: "Imported twin".into(),
                ..NewClaim::default()
            },
            ..ClaimRecord::default()
        };
        let records = [record, other].into_iter().enumerate().map(|(i, value)| {
            Ok(Located {
                location: format!("line {}", i + 1),
                value,
            })
        });
        store.set_clock(at(4));
        store
            .import(
                records,
                &ImportOptions {
                    origin: "claims.jsonl".into(),
                    dry_run: false,
                    skip_invalid: false,
                    trust_verdicts: false,
                },
            )
            .unwrap();
        // Corrections: a junk claim retracted, restored with a reason and retracted again;
        // evidence retracted and restored without one.
        store.set_clock(at(5));
        let junk = store
            .log_claim(&NewClaim {
                text: "Junk candidate".into(),
                ..NewClaim::default()
            })
            .unwrap();
        store.retract_claim(&junk, "not a claim").unwrap();
        store.restore_claim(&junk, Some("it was one")).unwrap();
        store.retract_claim(&junk, "not a claim after all").unwrap();
        let misplaced = store
            .add_evidence(
                &b,
                &NewEvidence {
                    stance: EvidenceStance::Refutes,
                    source: None,
                    url: None,
                    quote: None,
                    note: Some("meant for the other claim".into()),
                },
            )
            .unwrap();
        store
            .retract_evidence(&misplaced.id, "wrong claim")
            .unwrap();
        store.restore_evidence(&misplaced.id, None).unwrap();
        store
            .edit_evidence(
                &misplaced.id,
                &crate::store::EvidenceEdit {
                    stance: Some(EvidenceStance::Context),
                    source: Some(Some("Pentagon".into())),
                    note: Some(None),
                    ..Default::default()
                },
            )
            .unwrap();
        store.move_evidence(&misplaced.id, &a).unwrap();
        // Sources corrected: edited, a typo renamed, merged into the right one and back.
        store
            .edit_source(
                "newsweek",
                &crate::store::SourceEdit {
                    kind: Some(SourceKind::Organization),
                    note: Some(None),
                    ..Default::default()
                },
            )
            .unwrap();
        store
            .add_source(&NewSource {
                name: "Pentagn".into(),
                kind: SourceKind::Government,
                url: None,
                note: None,
            })
            .unwrap();
        store.rename_source("Pentagn", "Pentagon press").unwrap();
        store
            .merge_sources(&["Pentagon press".to_string()], "Pentagon")
            .unwrap();
        store.unmerge_source("pentagn").unwrap();
        store
    }

    fn events(store: &Store) -> Vec<WireEvent> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY pk");
        let mut stmt = store.conn().prepare(&sql).unwrap();
        stmt.query_map([], |r| crate::store::replay::wire_from_row(r, 0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// The first event of an action in the busy store whose change satisfies `pick`.
    fn event_where(action: &str, pick: impl Fn(&Value) -> bool) -> WireEvent {
        events(&busy_store())
            .into_iter()
            .find(|e| e.action == action && pick(&e.change))
            .unwrap_or_else(|| panic!("no {action} event as wanted"))
    }

    fn event(action: &str) -> WireEvent {
        event_where(action, |_| true)
    }

    /// Why the event, changed by `change`, is refused — without the `event … (action): `
    /// prefix, which is checked once here.
    fn refused(mut event: WireEvent, change: impl FnOnce(&mut WireEvent)) -> String {
        change(&mut event);
        let err = check_event_values(&event).expect_err("the changed event should be refused");
        let prefix = format!("event {} ({}): ", event.id, event.action);
        assert!(!err.contains('\n'), "{err}");
        match err.strip_prefix(&prefix) {
            Some(reason) => reason.to_string(),
            None => err,
        }
    }

    #[test]
    fn every_event_a_real_store_writes_passes() {
        let events = events(&busy_store());
        for event in &events {
            assert_eq!(check_event_values(event), Ok(()), "{event:?}");
        }
        let mut written: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        written.sort();
        written.dedup();
        let mut every = known_actions();
        every.sort();
        assert_eq!(written, every, "the busy store should write every action");
        // The shapes the writers produce only sometimes are there too.
        let has = |action: &str, field: &str| {
            events
                .iter()
                .any(|e| e.action == action && e.change.get(field).is_some())
        };
        for (action, field) in [
            ("claim.add", "created_at"),
            ("claim.add", "import"),
            ("source.add", "created_by"),
            ("evidence.add", "created_at"),
            ("link.add", "linker"),
            ("link.add", "created_by"),
            ("verdict.set", "given_at"),
            ("verdict.set", "old"),
            ("review.approve", "note"),
            ("claim.restore", "note"),
        ] {
            assert!(has(action, field), "no {action} with {field}");
        }
        assert!(
            events
                .iter()
                .any(|e| e.action == "verdict.propose" && e.change["old"].is_object())
        );
        assert!(
            events
                .iter()
                .any(|e| e.action == "claim.assign" && e.change["assignee"].is_null())
        );
    }

    #[test]
    fn values_no_command_would_accept_are_refused_with_the_commands_message() {
        let verdict = event("verdict.set");
        assert_eq!(
            refused(verdict.clone(), |e| e.change["verdict"] = json!("banana")),
            "unknown verdict 'banana' (expected one of: supported, refuted, mixed, unverifiable)"
        );
        assert_eq!(
            refused(verdict.clone(), |e| e.change["verdict"] = json!("Refuted")),
            "verdict 'Refuted' is not written in its stored form 'refuted'"
        );
        assert_eq!(
            refused(verdict.clone(), |e| {
                e.change.as_object_mut().unwrap().remove("rationale");
            }),
            "missing field `rationale`"
        );
        assert_eq!(
            refused(verdict, |e| e.change["rationale"] = json!(" ")),
            "a verdict needs a rationale: give --note with the reasons"
        );

        let setting = event("config.set");
        assert_eq!(
            refused(setting.clone(), |e| e.change["value"] = json!("banana")),
            "setting 'review.required' is true or false, not 'banana'"
        );
        // The command line reads "yes", but stores "true".
        assert_eq!(
            refused(setting.clone(), |e| e.change["value"] = json!("yes")),
            "setting 'review.required' is true or false, not 'yes'"
        );
        assert_eq!(
            refused(setting, |e| e.record_id = "review.requird".into()),
            "unknown setting 'review.requird' (known: review.required, linker.model)"
        );

        let claim = event("claim.add");
        assert_eq!(
            refused(claim.clone(), |e| e.record_id = "x\"];evil".into()),
            "field `record_id`: 'x\"];evil' is not a UUID in stored form (lowercase and \
             hyphenated, like 8b5229d0-48e7-4713-a6a8-0e0817f64a6f)"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.at = "garbage-time".into()),
            "field `at`: malformed time 'garbage-time' (expected the stored form \
             YYYY-MM-DDTHH:MM:SS.sssZ, like 2024-09-07T12:00:00.000Z)"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.change["date"] = json!("2024-02-30")),
            "malformed date '2024-02-30' (expected a real date written YYYY-MM-DD)"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.author = " ".into()),
            "field `author`: name is empty"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.change["tags"] = json!(["iran", ""])),
            "field `tags`: tag is empty"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.change["text"] = json!(" \n ")),
            "claim text is empty"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.change["text"] = json!(5)),
            "field `text`: expected a string, not a number"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.record_kind = "link".into()),
            "record kind 'link' does not match action claim.add (expected 'claim')"
        );
        assert_eq!(
            refused(claim, |e| e.change["claimant"] = json!(" Officials")),
            "field `claimant`: source name ' Officials' is not in its cleaned form 'Officials'"
        );

        let link = event("link.add");
        let from = link.change["from"].as_str().unwrap().to_string();
        assert_eq!(
            refused(link, |e| e.change["to"] = json!(from)),
            format!("cannot link claim {} to itself", &from[..8])
        );
    }

    #[test]
    fn the_event_itself_must_be_in_stored_form() {
        let claim = event("claim.add");
        let upper = claim.id.to_uppercase();
        assert!(
            refused(claim.clone(), |e| e.id = upper).starts_with("field `id`: '"),
            "an upper-case id is not the stored form"
        );
        for at in [
            "2024-09-07T12:00:00Z",
            "2024-09-07T12:00:00.000+00:00",
            "2024-09-07 12:00:00.000Z",
            "2024-02-30T12:00:00.000Z",
        ] {
            let reason = refused(claim.clone(), |e| e.at = at.into());
            assert!(
                reason.starts_with("field `at`: malformed time"),
                "{at}: {reason}"
            );
        }
        assert_eq!(
            refused(claim.clone(), |e| e.author = "ana\nbo".into()),
            "field `author`: name 'ana\\nbo' holds a control character"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.author = "\u{200b}\u{202e}".into()),
            "field `author`: name '\\u{200b}\\u{202e}' is empty once invisible characters are \
             left out"
        );
        assert_eq!(
            refused(claim.clone(), |e| e.action = "claim.delete".into()),
            format!(
                "unknown action 'claim.delete' (expected one of: {})",
                known_actions().join(", ")
            )
        );
        assert_eq!(
            refused(claim.clone(), |e| e.change = json!(["text"])),
            "field `change`: expected a JSON object, not a list"
        );
        assert_eq!(
            refused(event("config.set"), |e| e.record_kind = "claim".into()),
            "record kind 'claim' does not match action config.set (expected 'store')"
        );
        // Unknown extra fields are another factdesk's: allowed.
        let mut extra = claim;
        extra.change["summary"] = json!({ "any": ["shape", 1] });
        assert_eq!(check_event_values(&extra), Ok(()));
    }

    #[test]
    fn each_action_refuses_a_bad_value_in_each_kind_of_field() {
        let source = event_where("source.add", |c| c.get("url").is_some());
        assert_eq!(
            refused(source.clone(), |e| e.change["kind"] = json!("tabloid")),
            "unknown source kind 'tabloid' (expected one of: outlet, government, official, \
             organization, person, anonymous, other)"
        );
        assert_eq!(
            refused(source.clone(), |e| e.change["name"] = json!("")),
            "source name is empty"
        );
        assert_eq!(
            refused(source.clone(), |e| e.change["url"] = Value::Null),
            "field `url`: expected a string, not null"
        );
        // Issue 11: a URL is a web address in every door, bundles too.
        assert_eq!(
            refused(source, |e| e.change["url"] = json!("javascript:alert(1)")),
            "field `url`: URL 'javascript:alert(1)' is not an http or https address"
        );
        assert_eq!(
            refused(event("claim.add"), |e| e.change["url"] = json!("data:,x")),
            "field `url`: URL 'data:,x' is not an http or https address"
        );

        let evidence = event_where("evidence.add", |c| c.get("note").is_some());
        assert_eq!(
            refused(evidence.clone(), |e| e.change["claim"] = json!("b03d")),
            "field `claim`: 'b03d' is not a UUID in stored form (lowercase and hyphenated, \
             like 8b5229d0-48e7-4713-a6a8-0e0817f64a6f)"
        );
        assert_eq!(
            refused(evidence.clone(), |e| e.change["stance"] = json!("maybe")),
            "unknown evidence stance 'maybe' (expected one of: supports, refutes, context)"
        );
        assert_eq!(
            refused(evidence.clone(), |e| e.change["note"] = json!("  ")),
            "field `note`: blank (the store leaves a blank value out)"
        );
        assert_eq!(
            refused(evidence.clone(), |e| e.change["source"] = json!("")),
            "field `source`: source name is empty"
        );
        assert_eq!(
            refused(evidence, |e| e.change["url"] = json!("file:///etc/passwd")),
            "field `url`: URL 'file:///etc/passwd' is not an http or https address"
        );

        let link = event_where("link.add", |c| c.get("linker").is_some());
        assert_eq!(
            refused(link.clone(), |e| e.change["relation"] = json!("hates")),
            "unknown relation 'hates' (expected one of: contradicts, supports, duplicates, \
             related)"
        );
        assert_eq!(
            refused(link.clone(), |e| e.change["linker"]["score"] =
                json!("high")),
            "field `linker.score`: expected a number, not a string"
        );
        assert_eq!(
            refused(link, |e| e.change["from"] = json!("nope")),
            "field `from`: 'nope' is not a UUID in stored form (lowercase and hyphenated, \
             like 8b5229d0-48e7-4713-a6a8-0e0817f64a6f)"
        );
        assert_eq!(
            refused(event("link.remove"), |e| {
                e.change.as_object_mut().unwrap().remove("to");
            }),
            "missing field `to`"
        );

        let edit = event_where("claim.edit", |c| c.get("text").is_some());
        assert_eq!(
            refused(edit.clone(), |e| e.change["text"]["new"] = json!("")),
            "field `text.new`: claim text is empty"
        );
        let mut url_edit = edit.clone();
        url_edit.change["url"] = json!({ "old": "javascript:x()", "new": "https://ok.example" });
        assert_eq!(
            check_event_values(&url_edit),
            Ok(()),
            "an old bad URL may be replaced"
        );
        assert_eq!(
            refused(url_edit, |e| e.change["url"]["new"] =
                json!("javascript:x()")),
            "field `url.new`: URL 'javascript:x()' is not an http or https address"
        );
        assert_eq!(
            refused(edit.clone(), |e| e.change["stance"]["new"] =
                json!("shouts")),
            "field `stance.new`: unknown stance 'shouts' (expected one of: asserts, denies, \
             questions, neutral)"
        );
        assert_eq!(
            refused(edit.clone(), |e| e.change["date"]["new"] =
                json!("2024-02-30")),
            "field `date.new`: malformed date '2024-02-30' (expected a real date written \
             YYYY-MM-DD)"
        );
        assert_eq!(
            refused(edit.clone(), |e| {
                e.change["claimant"].as_object_mut().unwrap().remove("new");
            }),
            "missing field `claimant.new`"
        );
        assert_eq!(
            refused(edit.clone(), |e| e.change["url"] =
                json!("https://x.example")),
            "field `url`: expected an object, not a string"
        );
        assert_eq!(
            refused(edit.clone(), |e| e.change["tags_added"] =
                json!([" missiles"])),
            "field `tags_added`: tag ' missiles' is not in its cleaned form 'missiles'"
        );
        assert_eq!(
            refused(edit.clone(), |e| e.change["tags_removed"] = json!([])),
            "field `tags_removed`: the list is empty"
        );
        assert_eq!(
            refused(edit, |e| e.change = json!({})),
            "the edit changes nothing"
        );

        let imported = event_where("verdict.set", |c| c.get("given_at").is_some());
        assert_eq!(
            refused(imported.clone(), |e| e.change["given_at"] =
                json!("yesterday")),
            "field `given_at`: malformed time 'yesterday' (expected the stored form \
             YYYY-MM-DDTHH:MM:SS.sssZ, like 2024-09-07T12:00:00.000Z)"
        );
        assert_eq!(
            refused(imported.clone(), |e| e.change["given_by"] = json!("")),
            "field `given_by`: name is empty"
        );
        assert_eq!(
            refused(imported.clone(), |e| {
                e.change.as_object_mut().unwrap().remove("given_by");
            }),
            "field `given_by`: needed with `given_at`"
        );
        assert_eq!(
            refused(imported, |e| e.change["import"] = json!("")),
            "field `import`: the file name is empty"
        );
        let created = event_where("claim.add", |c| c.get("created_at").is_some());
        assert_eq!(
            refused(created, |e| e.change["created_at"] = json!("2024-01-02")),
            "field `created_at`: malformed time '2024-01-02' (expected the stored form \
             YYYY-MM-DDTHH:MM:SS.sssZ, like 2024-09-07T12:00:00.000Z)"
        );
        let replaced = event_where("verdict.set", |c| c.get("old").is_some());
        assert_eq!(
            refused(replaced, |e| e.change["old"]["verdict"] = json!("banana")),
            "field `old.verdict`: unknown verdict 'banana' (expected one of: supported, \
             refuted, mixed, unverifiable)"
        );

        assert_eq!(
            refused(event("verdict.clear"), |e| e.change["note"] = json!("")),
            "withdrawing a verdict needs a reason: give --note with it"
        );
        assert_eq!(
            refused(event("verdict.clear"), |e| e.change["old"] = Value::Null),
            "field `old`: expected an object, not null"
        );
        let proposal = event_where("verdict.propose", |c| c["old"].is_object());
        assert_eq!(
            refused(proposal, |e| e.change["old"]["proposed_at"] = json!("soon")),
            "field `old.proposed_at`: malformed time 'soon' (expected the stored form \
             YYYY-MM-DDTHH:MM:SS.sssZ, like 2024-09-07T12:00:00.000Z)"
        );
        assert_eq!(
            refused(event("verdict.propose"), |e| {
                e.change.as_object_mut().unwrap().remove("old");
            }),
            "missing field `old`"
        );
        let approval = event("review.approve");
        assert_eq!(
            refused(approval.clone(), |e| e.change["proposed_by"] = json!(" ")),
            "field `proposed_by`: name is empty"
        );
        assert_eq!(
            refused(approval, |e| e.change["proposed_at"] = json!(20240907)),
            "field `proposed_at`: expected a string, not a number"
        );
        assert_eq!(
            refused(event("review.reject"), |e| {
                e.change.as_object_mut().unwrap().remove("note");
            }),
            "missing field `note`"
        );
        assert_eq!(
            refused(event("claim.assign"), |e| e.change["assignee"] = json!("")),
            "field `assignee`: name is empty"
        );
        assert_eq!(
            refused(event("claim.assign"), |e| e.change["old"] = json!(false)),
            "field `old`: expected a string, not a boolean"
        );
        assert_eq!(
            refused(event("claim.comment"), |e| e.change["text"] = json!(" ")),
            "comment is empty"
        );
        assert_eq!(
            refused(event("claim.retract"), |e| e.change["note"] = json!("")),
            "the reason is empty"
        );
        assert_eq!(
            refused(event("claim.retract"), |e| {
                e.change.as_object_mut().unwrap().remove("note");
            }),
            "missing field `note`"
        );
        assert_eq!(
            refused(event("evidence.retract"), |e| e.change["claim"] =
                json!("b03d")),
            refused(event("evidence.add"), |e| e.change["claim"] = json!("b03d"))
        );
        assert_eq!(
            refused(event("claim.restore"), |e| e.change["note"] = json!("  ")),
            "field `note`: blank (the store leaves a blank value out)"
        );
    }

    #[test]
    fn stored_times_are_exactly_as_factdesk_writes_them() {
        for good in [
            "2024-09-07T12:00:00.000Z",
            "2024-02-29T23:59:59.999Z",
            "0000-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
        ] {
            assert_eq!(check_stored_time(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "garbage-time",
            "2024-09-07",
            "2024-09-07T12:00:00Z",
            "2024-09-07T12:00:00.0Z",
            "2024-09-07T12:00:00.0000Z",
            "2024-09-07T12:00:00.000+00:00",
            "2024-09-07T14:00:00.000+02:00",
            "2024-09-07t12:00:00.000z",
            "2024-09-07 12:00:00.000Z",
            " 2024-09-07T12:00:00.000Z",
            "2023-02-29T12:00:00.000Z",
            "2024-09-07T24:00:00.000Z",
        ] {
            assert!(check_stored_time(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn messages_stay_on_one_line_and_short() {
        let mut claim = event("claim.add");
        claim.id = format!("x\n{}", "y".repeat(100));
        let err = check_event_values(&claim).unwrap_err();
        assert!(!err.contains('\n'), "{err}");
        assert!(err.chars().count() < 300, "{err}");
        assert!(err.contains('…'), "{err}");
    }
}
