//! schema.org ClaimReview: the markup fact-checkers publish and search engines read.
//!
//! Reading accepts a single ClaimReview object, an array of them, JSON-LD with `@graph`, or the
//! Google Fact Check Tools API shape (`{"claims": [{"text", "claimant", "claimDate",
//! "claimReview": [{"publisher", "url", "title", "reviewDate", "textualRating", …}]}]}`). Each
//! review becomes a claim (claimant, date, where it appeared) with the review as evidence (its
//! URL, the publisher as source, the textual rating in the note, and a stance from
//! [`rating_verdict`]: refuted → `refutes`, supported → `supports`, anything else → `context`).
//! With `with_verdicts`, the rating also becomes the claim's verdict. [`ClaimReviewReader`]
//! reads a document one record at a time, so a large document streams like JSONL and a record
//! over the limit is refused as it is read.
//!
//! Writing turns claims that have a verdict into ClaimReview JSON-LD with the fields Google marks
//! required (`claimReviewed`, `reviewRating.alternateName`, `url`) and the recommended ones the
//! store can fill, on the rating scale documented at [`rating_value`]. Publishers paste it into
//! a page's `<script type="application/ld+json">`, so [`write_document`] writes `<`, `>` and `&`
//! as JSON escapes: a claim reading `</script>` cannot end that element.

use std::io::{self, BufRead};

use serde_json::{Map, Value, json};

use super::bad;
use crate::input::{Located, RecordError};
use crate::input::{MAX_RECORD_BYTES, too_long};
use crate::model::{
    ClaimRecord, EvidenceRecord, EvidenceStance, NewClaim, NewEvidence, VerdictKind, VerdictRecord,
    parse_date,
};

/// The factdesk verdict a publisher's textual rating means, for the common ratings (PolitiFact,
/// Snopes, AFP, Full Fact, The Washington Post's Pinocchios, …); `None` when it is not one of them.
pub fn rating_verdict(rating: &str) -> Option<VerdictKind> {
    let key: String = rating
        .trim()
        .trim_end_matches(['.', '!'])
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(match key.as_str() {
        "true"
        | "supported"
        | "correct"
        | "accurate"
        | "mostly true"
        | "mostly correct"
        | "correct attribution"
        | "verified"
        | "geppetto checkmark" => VerdictKind::Supported,
        "half true" | "mixture" | "mixed" | "partly true" | "partly false" | "partially true"
        | "partially false" | "half truth" | "misleading" | "missing context"
        | "out of context" | "needs context" | "exaggerated" | "two pinocchios" => {
            VerdictKind::Mixed
        }
        "false"
        | "refuted"
        | "mostly false"
        | "pants on fire"
        | "pants on fire false"
        | "incorrect"
        | "inaccurate"
        | "fake"
        | "wrong"
        | "fabricated"
        | "hoax"
        | "scam"
        | "debunked"
        | "miscaptioned"
        | "misattributed"
        | "incorrect attribution"
        | "altered"
        | "three pinocchios"
        | "four pinocchios" => VerdictKind::Refuted,
        "unproven"
        | "unverified"
        | "unverifiable"
        | "no evidence"
        | "not enough evidence"
        | "unsupported"
        | "research in progress"
        | "undetermined" => VerdictKind::Unverifiable,
        _ => return None,
    })
}

/// The ClaimReview `ratingValue` of a verdict on factdesk's 1–5 scale (`worstRating` 1,
/// `bestRating` 5): refuted 1, mixed 3, supported 5. Unverifiable has no place on a
/// false-to-true scale, so it carries only its `alternateName`.
pub fn rating_value(verdict: VerdictKind) -> Option<u8> {
    match verdict {
        VerdictKind::Refuted => Some(1),
        VerdictKind::Mixed => Some(3),
        VerdictKind::Supported => Some(5),
        VerdictKind::Unverifiable => None,
    }
}

/// A name from a schema.org value that may be a string, a `{"name": …}` object, or an array
/// of either.
fn name_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("name").and_then(name_of),
        Value::Array(items) => items.iter().find_map(name_of),
        _ => None,
    }
    .map(|s| s.trim().to_string())
    .filter(|s| !s.is_empty())
}

/// A URL from a value that may be a string, a `{"url": …}` object, or an array of either.
fn url_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("url").and_then(url_of),
        Value::Array(items) => items.iter().find_map(url_of),
        _ => None,
    }
    .filter(|s| !s.trim().is_empty())
}

/// The calendar date at the start of a schema.org date or date-time, if it is one.
fn date_of(value: Option<&Value>) -> Option<String> {
    let text = value?.as_str()?;
    parse_date(text.get(..10)?).ok()
}

fn text(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// One review as evidence on its claim (and the verdict its rating means).
fn review_evidence(
    review: &Map<String, Value>,
) -> (EvidenceRecord, Option<VerdictKind>, Option<String>) {
    let publisher = review
        .get("publisher")
        .or_else(|| review.get("author"))
        .and_then(name_of);
    let rating = text(review, "textualRating").or_else(|| {
        review
            .get("reviewRating")
            .and_then(|r| r.get("alternateName"))
            .and_then(Value::as_str)
            .map(String::from)
    });
    let verdict = rating.as_deref().and_then(rating_verdict);
    let title = text(review, "title")
        .or_else(|| text(review, "name"))
        .or_else(|| text(review, "headline"));
    let mut note = match &rating {
        Some(rating) => format!("Rated '{rating}'"),
        None => "Fact-check review (no rating)".to_string(),
    };
    if let Some(p) = &publisher {
        note.push_str(&format!(" by {p}"));
    }
    if let Some(t) = &title {
        note.push_str(&format!(": {t}"));
    }
    let stance = match verdict {
        Some(VerdictKind::Refuted) => EvidenceStance::Refutes,
        Some(VerdictKind::Supported) => EvidenceStance::Supports,
        _ => EvidenceStance::Context,
    };
    let evidence = EvidenceRecord {
        id: None,
        evidence: NewEvidence {
            stance,
            source: publisher.clone(),
            url: text(review, "url"),
            quote: None,
            note: Some(note),
        },
        logged: None,
    };
    let rationale = rating.map(|r| match &publisher {
        Some(p) => format!("Imported ClaimReview rating '{r}' from {p}"),
        None => format!("Imported ClaimReview rating '{r}'"),
    });
    (evidence, verdict, rationale)
}

/// Reads every claim in a ClaimReview document held in memory (see [`ClaimReviewReader`]);
/// a document that is not JSON, or not ClaimReview, is an error.
pub fn read(
    document: &str,
    with_verdicts: bool,
) -> Result<Vec<Result<Located<ClaimRecord>, RecordError>>, crate::Error> {
    let mut out = Vec::new();
    for item in ClaimReviewReader::new(document.as_bytes(), with_verdicts) {
        match item {
            Err(e) if e.fatal => {
                return Err(crate::Error::invalid(format!(
                    "{}: {}",
                    e.location, e.reason
                )));
            }
            item => out.push(item),
        }
    }
    Ok(out)
}

/// Where the reader is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the document's first value.
    Start,
    /// In the array of reviews (the document itself, or its `@graph`) or of API claims (its
    /// `claims`); `inside_object` when it is a member of the document's object.
    InArray {
        api: bool,
        inside_object: bool,
        read: usize,
    },
    /// In the document's object after its array of records: the other members are skipped.
    RestOfObject {
        api: bool,
    },
    /// After the document's value: only white space may follow.
    End,
    Done,
}

/// Reads the claims of a ClaimReview document one record at a time: each review (or API claim)
/// is held in memory alone, and one longer than the record limit
/// ([`crate::input::MAX_RECORD_BYTES`]) is refused as it is read and skipped to its end. The
/// document around the records is only scanned, never held.
pub struct ClaimReviewReader<R> {
    input: R,
    with_verdicts: bool,
    state: State,
    /// The line the reader is on, for errors in the document's structure.
    line: u64,
    item: Vec<u8>,
}

/// Why scanning stopped: the input failed, or the document is not JSON.
enum Stop {
    Io(io::Error),
    Syntax(String),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

impl<R: BufRead> ClaimReviewReader<R> {
    pub fn new(input: R, with_verdicts: bool) -> Self {
        ClaimReviewReader {
            input,
            with_verdicts,
            state: State::Start,
            line: 1,
            item: Vec::new(),
        }
    }

    fn consume(&mut self, n: usize) {
        let buffered = self.input.fill_buf().unwrap_or_default();
        self.line += buffered[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        self.input.consume(n);
    }

    fn skip_space(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buffered = self.input.fill_buf()?;
            let Some(at) = buffered.iter().position(|b| !b.is_ascii_whitespace()) else {
                if buffered.is_empty() {
                    return Ok(None);
                }
                let all = buffered.len();
                self.consume(all);
                continue;
            };
            let next = buffered[at];
            self.consume(at);
            return Ok(Some(next));
        }
    }

    /// Expects `byte` next (after white space) and consumes it.
    fn expect(&mut self, byte: u8, what: &str) -> Result<(), Stop> {
        match self.skip_space()? {
            Some(b) if b == byte => {
                self.consume(1);
                Ok(())
            }
            Some(b) => Err(Stop::Syntax(format!(
                "expected {what}, found `{}`",
                char::from(b)
            ))),
            None => Err(Stop::Syntax(format!("expected {what}, found the end"))),
        }
    }

    /// Reads one JSON value into `self.item` (cleared first), keeping at most the record limit
    /// of it; returns whether it all fit. Only its extent is found here: serde_json checks it.
    fn read_value(&mut self) -> Result<bool, Stop> {
        self.item.clear();
        let mut fits = true;
        let first = self
            .skip_space()?
            .ok_or_else(|| Stop::Syntax("expected a value, found the end".into()))?;
        let scalar = !matches!(first, b'"' | b'{' | b'[');
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let mut started = false;
        loop {
            let buffered = self.input.fill_buf()?;
            if buffered.is_empty() {
                if scalar && started {
                    return Ok(fits);
                }
                return Err(Stop::Syntax("the document ends inside a value".into()));
            }
            let mut end = None;
            for (i, &b) in buffered.iter().enumerate() {
                if scalar {
                    if b.is_ascii_whitespace() || matches!(b, b',' | b']' | b'}') {
                        end = Some(i);
                        break;
                    }
                    continue;
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let n = end.unwrap_or(buffered.len());
            if fits && self.item.len() + n <= MAX_RECORD_BYTES {
                self.item.extend_from_slice(&buffered[..n]);
            } else if fits {
                fits = false;
                self.item = Vec::new();
            }
            started = true;
            self.consume(n);
            if end.is_some() {
                return Ok(fits);
            }
        }
    }

    /// The record in `self.item`, read as a ClaimReview (or an API claim).
    fn record(&self, api: bool, location: String) -> Result<Located<ClaimRecord>, RecordError> {
        let value: Value = serde_json::from_slice(&self.item).map_err(|e| RecordError {
            location: location.clone(),
            reason: format!("invalid JSON: {e}"),
            fatal: true,
        })?;
        let read = if api {
            api_claim(&value, self.with_verdicts)
        } else {
            claim_review(&value, self.with_verdicts)
        };
        read.map(|value| Located {
            location: location.clone(),
            value,
        })
        .map_err(|r| bad(&location, r))
    }

    /// Scans the members of the document's object, from after its `{` (`first`) or after a
    /// member, up to the next array of records (returning the state that reads it) or the
    /// object's end. `found` says whether an array of API claims (or reviews) was read already.
    /// The other members are kept in `members`, while they fit, in case the object is itself
    /// one ClaimReview.
    fn scan_members(
        &mut self,
        mut first: bool,
        found: Option<bool>,
        members: &mut Option<Vec<u8>>,
    ) -> Result<Option<State>, Stop> {
        loop {
            match self.skip_space()? {
                Some(b'}') => {
                    self.consume(1);
                    return Ok(None);
                }
                Some(b',') if !first => self.consume(1),
                _ if !first => return Err(Stop::Syntax("expected `,` or `}`".into())),
                _ => {}
            }
            first = false;
            if self.skip_space()? != Some(b'"') {
                return Err(Stop::Syntax("expected a member's name".into()));
            }
            self.read_value()?;
            let name_json = std::mem::take(&mut self.item);
            let name: String = serde_json::from_slice(&name_json)
                .map_err(|e| Stop::Syntax(format!("a member's name: {e}")))?;
            self.expect(b':', "`:`")?;
            let array_next = self.skip_space()? == Some(b'[');
            let api = match name.as_str() {
                "claims" if array_next => Some(true),
                "@graph" if array_next => Some(false),
                _ => None,
            };
            match (api, found) {
                (Some(api), None) => {
                    self.consume(1);
                    return Ok(Some(State::InArray {
                        api,
                        inside_object: true,
                        read: 0,
                    }));
                }
                // Google's `claims` come before any `@graph`; reviews read first cannot be
                // taken back.
                (Some(true), Some(false)) => {
                    return Err(Stop::Syntax(
                        "the document has both `@graph` and `claims`: import them one at a time"
                            .into(),
                    ));
                }
                _ => {}
            }
            let fits = self.read_value()?;
            if let Some(kept) = members {
                if fits && kept.len() + name_json.len() + self.item.len() + 2 <= MAX_RECORD_BYTES {
                    if kept.len() > 1 {
                        kept.push(b',');
                    }
                    kept.extend_from_slice(&name_json);
                    kept.push(b':');
                    kept.extend_from_slice(&self.item);
                } else {
                    *members = None;
                }
            }
        }
    }

    /// The next record, or `None` at the document's end.
    fn next_record(&mut self) -> Result<Option<Result<Located<ClaimRecord>, RecordError>>, Stop> {
        loop {
            match self.state {
                State::Start => match self.skip_space()? {
                    Some(b'[') => {
                        self.consume(1);
                        self.state = State::InArray {
                            api: false,
                            inside_object: false,
                            read: 0,
                        };
                    }
                    Some(b'{') => {
                        self.consume(1);
                        let mut members = Some(b"{".to_vec());
                        if let Some(state) = self.scan_members(true, None, &mut members)? {
                            self.state = state;
                            continue;
                        }
                        // No array of records: the object is one ClaimReview.
                        self.state = State::End;
                        let location = "record 1".to_string();
                        let Some(mut object) = members else {
                            return Ok(Some(Err(bad(&location, too_long()))));
                        };
                        object.push(b'}');
                        self.item = object;
                        return Ok(Some(self.record(false, location)));
                    }
                    Some(_) => {
                        return Err(Stop::Syntax(
                            "not ClaimReview JSON: expected an object or an array".into(),
                        ));
                    }
                    None => return Err(Stop::Syntax("the document is empty".into())),
                },
                State::InArray {
                    api,
                    inside_object,
                    read,
                } => {
                    match self.skip_space()? {
                        Some(b']') => {
                            self.consume(1);
                            self.state = if inside_object {
                                State::RestOfObject { api }
                            } else {
                                State::End
                            };
                            continue;
                        }
                        Some(b',') if read > 0 => self.consume(1),
                        _ if read > 0 => return Err(Stop::Syntax("expected `,` or `]`".into())),
                        _ => {}
                    }
                    self.state = State::InArray {
                        api,
                        inside_object,
                        read: read + 1,
                    };
                    let location = if api {
                        format!("claims[{read}]")
                    } else {
                        format!("record {}", read + 1)
                    };
                    if !self.read_value()? {
                        return Ok(Some(Err(bad(&location, too_long()))));
                    }
                    return Ok(Some(self.record(api, location)));
                }
                State::RestOfObject { api } => {
                    self.state = match self.scan_members(false, Some(api), &mut None)? {
                        Some(state) => state,
                        None => State::End,
                    };
                }
                State::End => {
                    if self.skip_space()?.is_some() {
                        return Err(Stop::Syntax("more after the document's end".into()));
                    }
                    self.state = State::Done;
                }
                State::Done => return Ok(None),
            }
        }
    }
}

impl<R: BufRead> Iterator for ClaimReviewReader<R> {
    type Item = Result<Located<ClaimRecord>, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_record() {
            Ok(Some(Err(e))) if e.fatal => {
                self.state = State::Done;
                Some(Err(e))
            }
            Ok(record) => record,
            Err(stop) => {
                self.state = State::Done;
                let reason = match stop {
                    Stop::Io(e) => format!("cannot read the input: {e}"),
                    Stop::Syntax(what) => format!("invalid JSON: {what}"),
                };
                Some(Err(RecordError {
                    location: format!("line {}", self.line),
                    reason,
                    fatal: true,
                }))
            }
        }
    }
}

fn api_claim(claim: &Value, with_verdicts: bool) -> Result<ClaimRecord, String> {
    let o = claim.as_object().ok_or("expected an object")?;
    let claim_text = text(o, "text").ok_or("field `text`: claim text is empty")?;
    let mut record = ClaimRecord {
        claim: NewClaim {
            text: claim_text,
            claimant: text(o, "claimant"),
            date: date_of(o.get("claimDate")),
            ..NewClaim::default()
        },
        ..ClaimRecord::default()
    };
    let reviews = o
        .get("claimReview")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for review in &reviews {
        let review = review
            .as_object()
            .ok_or("field `claimReview`: expected objects")?;
        let (evidence, verdict, rationale) = review_evidence(review);
        record.evidence.push(evidence);
        if with_verdicts
            && record.verdict.is_none()
            && let (Some(verdict), Some(rationale)) = (verdict, rationale)
        {
            record.verdict = Some(VerdictRecord {
                verdict,
                rationale,
                logged: None,
            });
        }
    }
    Ok(record)
}

fn claim_review(item: &Value, with_verdicts: bool) -> Result<ClaimRecord, String> {
    let o = item.as_object().ok_or("expected a ClaimReview object")?;
    let kind = o.get("@type").map(|t| t.to_string()).unwrap_or_default();
    if !kind.contains("ClaimReview") && !o.contains_key("claimReviewed") {
        return Err(format!(
            "field `@type`: not a ClaimReview ({})",
            if kind.is_empty() { "none" } else { &kind }
        ));
    }
    let reviewed = text(o, "claimReviewed").ok_or("field `claimReviewed`: claim text is empty")?;
    let item = o.get("itemReviewed").and_then(Value::as_object);
    let claimant = item.and_then(|i| i.get("author")).and_then(name_of);
    let date = item.and_then(|i| date_of(i.get("datePublished")));
    let url = item
        .and_then(|i| i.get("appearance").or_else(|| i.get("firstAppearance")))
        .and_then(url_of);
    let (evidence, verdict, rationale) = review_evidence(o);
    Ok(ClaimRecord {
        claim: NewClaim {
            text: reviewed,
            claimant,
            date,
            url,
            ..NewClaim::default()
        },
        evidence: vec![evidence],
        verdict: match (with_verdicts, verdict, rationale) {
            (true, Some(verdict), Some(rationale)) => Some(VerdictRecord {
                verdict,
                rationale,
                logged: None,
            }),
            _ => None,
        },
        ..ClaimRecord::default()
    })
}

/// Who publishes the reviews, and where each review lives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Publisher {
    pub name: Option<String>,
    pub url: Option<String>,
    /// The review's address, with `{id}` standing for the claim's id.
    pub review_url: Option<String>,
}

/// A claim as a ClaimReview object, or the required fields it lacks.
pub fn review_of(record: &ClaimRecord, publisher: &Publisher) -> Result<Value, Vec<&'static str>> {
    let mut missing = Vec::new();
    let id = record.id.as_deref().unwrap_or_default();
    let url = publisher
        .review_url
        .as_ref()
        .map(|template| template.replace("{id}", id));
    if url.is_none() {
        missing.push("url (give --review-url)");
    }
    let Some(verdict) = &record.verdict else {
        missing.push("reviewRating (the claim has no verdict)");
        return Err(missing);
    };
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut rating = json!({
        "@type": "Rating",
        "alternateName": capitalised(verdict.verdict.as_str()),
        "worstRating": 1,
        "bestRating": 5,
    });
    if let Some(value) = rating_value(verdict.verdict) {
        rating["ratingValue"] = json!(value);
    }
    let mut claim = json!({ "@type": "Claim" });
    if let Some(claimant) = &record.claim.claimant {
        claim["author"] = json!({ "@type": "Organization", "name": claimant });
    }
    if let Some(date) = &record.claim.date {
        claim["datePublished"] = json!(date);
    }
    if let Some(appeared) = &record.claim.url {
        claim["appearance"] = json!([{ "@type": "CreativeWork", "url": appeared }]);
    }
    let mut review = json!({
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": record.claim.text,
        "reviewRating": rating,
        "itemReviewed": claim,
        "reviewBody": verdict.rationale,
    });
    if let Some(name) = &publisher.name {
        let mut author = json!({ "@type": "Organization", "name": name });
        if let Some(url) = &publisher.url {
            author["url"] = json!(url);
        }
        review["author"] = author;
    }
    if let Some(logged) = &verdict.logged {
        review["datePublished"] = json!(&logged.at[..10]);
    }
    Ok(review)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The JSON-LD document around a list of reviews.
pub fn document(reviews: Vec<Value>) -> Value {
    json!({ "@context": "https://schema.org", "@graph": reviews })
}

/// Writes a document as pretty JSON, safe to paste into an HTML `<script>` element (see
/// [`script_safe`]), followed by a newline.
pub fn write_document(document: &Value, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(document)?;
    writeln!(out, "{}", script_safe(&text))
}

/// JSON text with `<`, `>` and `&` (and the line and paragraph separators, line breaks to
/// older JavaScript) written as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`: the same
/// JSON value, but an HTML parser never sees `</script>` or `<!--` in it. Those characters
/// occur in JSON text only inside strings, and never as part of an escape, so replacing each
/// one is exactly escaping it.
pub fn script_safe(json: &str) -> String {
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            c => safe.push(c),
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_safe_inside_a_script_element_and_reads_back_the_same() {
        let value = json!({ "claimReviewed": "</script><script>x()</script> & \\< \u{2028}" });
        let mut out = Vec::new();
        write_document(&value, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\n  \"claimReviewed\": \"\\u003c/script\\u003e\\u003cscript\\u003ex()\\u003c/script\\u003e \\u0026 \\\\\\u003c \\u2028\"\n}\n"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }

    #[test]
    fn common_ratings_map_to_verdicts() {
        assert_eq!(rating_verdict("False"), Some(VerdictKind::Refuted));
        assert_eq!(rating_verdict("Mostly false."), Some(VerdictKind::Refuted));
        assert_eq!(rating_verdict("Pants on Fire!"), Some(VerdictKind::Refuted));
        assert_eq!(rating_verdict("Half-True"), Some(VerdictKind::Mixed));
        assert_eq!(rating_verdict("Misleading"), Some(VerdictKind::Mixed));
        assert_eq!(rating_verdict("TRUE"), Some(VerdictKind::Supported));
        assert_eq!(rating_verdict("Unproven"), Some(VerdictKind::Unverifiable));
        assert_eq!(rating_verdict("Satire"), None);
    }

    #[test]
    fn the_api_shape_becomes_claims_with_reviews_as_evidence() {
        let doc = r#"{"claims": [{"text": "Iran supplied missiles", "claimant": "Officials", "claimDate": "2024-09-06T00:00:00Z",
            "claimReview": [{"publisher": {"name": "Snopes", "site": "snopes.com"}, "url": "https://snopes.example/1",
            "title": "Did Iran?", "reviewDate": "2024-09-10T00:00:00Z", "textualRating": "Mostly False", "languageCode": "en"}]},
            {"claimant": "Nobody"}]}"#;
        let got = read(doc, true).unwrap();
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.location, "claims[0]");
        let r = &first.value;
        assert_eq!(r.claim.date.as_deref(), Some("2024-09-06"));
        assert_eq!(r.evidence[0].evidence.stance, EvidenceStance::Refutes);
        assert_eq!(r.evidence[0].evidence.source.as_deref(), Some("Snopes"));
        assert_eq!(
            r.evidence[0].evidence.note.as_deref(),
            Some("Rated 'Mostly False' by Snopes: Did Iran?")
        );
        assert_eq!(r.verdict.as_ref().unwrap().verdict, VerdictKind::Refuted);
        assert_eq!(
            got[1].as_ref().unwrap_err().reason,
            "field `text`: claim text is empty"
        );
        assert!(
            read(doc, false).unwrap()[0]
                .as_ref()
                .unwrap()
                .value
                .verdict
                .is_none()
        );
    }

    /// Each record's location and claim text, or its error.
    fn outline(document: &[u8]) -> Vec<String> {
        ClaimReviewReader::new(document, false)
            .map(|r| match r {
                Ok(r) => format!("{}: {}", r.location, r.value.claim.text),
                Err(e) => format!(
                    "{}: {}{}",
                    e.location,
                    e.reason,
                    if e.fatal { " (fatal)" } else { "" }
                ),
            })
            .collect()
    }

    #[test]
    fn every_document_shape_streams_its_records() {
        let review = |text: &str| {
            json!({"@type": "ClaimReview", "claimReviewed": text, "reviewRating": {"alternateName": "False"}})
                .to_string()
        };
        let (a, b) = (review("A [x] {y}, \"quoted\""), review("B"));
        assert_eq!(
            outline(format!("[{a}, {b}]").as_bytes()),
            vec!["record 1: A [x] {y}, \"quoted\"", "record 2: B"]
        );
        assert_eq!(outline(b"[]"), Vec::<String>::new());
        assert_eq!(
            outline(a.as_bytes()),
            vec!["record 1: A [x] {y}, \"quoted\""]
        );
        assert_eq!(
            outline(
                format!(r#"{{"@context": {{"x": [1, "]"]}}, "@graph": [{a},{b}], "note": 5}}"#)
                    .as_bytes()
            ),
            vec!["record 1: A [x] {y}, \"quoted\"", "record 2: B"]
        );
        assert_eq!(
            outline(br#"{"nextPageToken": "t", "claims": [{"text": "C", "claimReview": []}, {"claimant": "x"}], "@graph": [1]}"#),
            vec!["claims[0]: C", "claims[1]: field `text`: claim text is empty"]
        );
        assert_eq!(
            outline(br#"{"claims": 5, "@type": "ClaimReview", "claimReviewed": "D"}"#),
            vec!["record 1: D"]
        );
    }

    #[test]
    fn broken_documents_stop_the_import_and_a_huge_record_is_skipped() {
        assert_eq!(
            outline(b""),
            vec!["line 1: invalid JSON: the document is empty (fatal)"]
        );
        assert_eq!(
            outline(b"5"),
            vec![
                "line 1: invalid JSON: not ClaimReview JSON: expected an object or an array (fatal)"
            ]
        );
        assert_eq!(
            outline(b"[{\"claimReviewed\": \"A\"}\n{\"claimReviewed\": \"B\"}]"),
            vec![
                "record 1: A",
                "line 2: invalid JSON: expected `,` or `]` (fatal)"
            ]
        );
        assert_eq!(
            outline(b"[{\"claimReviewed\": \"A\"},\n  {\"claimReviewed\": \"B"),
            vec![
                "record 1: A",
                "line 2: invalid JSON: the document ends inside a value (fatal)"
            ]
        );
        assert_eq!(
            outline(b"[{\"claimReviewed\": tru}]"),
            vec!["record 1: invalid JSON: expected ident at line 1 column 22 (fatal)"]
        );
        let mut huge = b"[{\"claimReviewed\": \"".to_vec();
        huge.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES));
        huge.extend_from_slice(b"\"}, {\"claimReviewed\": \"after\"}]");
        assert_eq!(
            outline(&huge),
            vec![
                "record 1: the record is longer than 1 MiB",
                "record 2: after"
            ]
        );
    }

    #[test]
    fn a_written_review_reads_back_as_the_same_claim_and_verdict() {
        let record = ClaimRecord {
            id: Some("b03d7692-3b0a-4d43-a965-5677a6f05ad8".into()),
            claim: NewClaim {
                text: "Iran supplied Russia with missiles".into(),
                claimant: Some("Officials".into()),
                date: Some("2024-09-06".into()),
                url: Some("https://wsj.example".into()),
                ..NewClaim::default()
            },
            verdict: Some(VerdictRecord {
                verdict: VerdictKind::Refuted,
                rationale: "No transfer seen".into(),
                logged: None,
            }),
            ..ClaimRecord::default()
        };
        let publisher = Publisher {
            name: Some("Desk".into()),
            url: None,
            review_url: Some("https://desk.example/{id}".into()),
        };
        let review = review_of(&record, &publisher).unwrap();
        assert_eq!(
            review["url"],
            "https://desk.example/b03d7692-3b0a-4d43-a965-5677a6f05ad8"
        );
        assert_eq!(review["reviewRating"]["ratingValue"], 1);
        let back = read(&document(vec![review]).to_string(), true)
            .unwrap()
            .remove(0)
            .unwrap()
            .value;
        assert_eq!(back.claim.text, record.claim.text);
        assert_eq!(back.claim.claimant, record.claim.claimant);
        assert_eq!(back.claim.date, record.claim.date);
        assert_eq!(back.claim.url, record.claim.url);
        assert_eq!(back.verdict.unwrap().verdict, VerdictKind::Refuted);
        assert_eq!(
            review_of(&record, &Publisher::default()).unwrap_err(),
            vec!["url (give --review-url)"]
        );
    }
}
