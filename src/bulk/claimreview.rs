//! schema.org ClaimReview: the markup fact-checkers publish and search engines read.
//!
//! Reading accepts a single ClaimReview object, an array of them, JSON-LD with `@graph`, or the
//! Google Fact Check Tools API shape (`{"claims": [{"text", "claimant", "claimDate",
//! "claimReview": [{"publisher", "url", "title", "reviewDate", "textualRating", …}]}]}`). Each
//! review becomes a claim (claimant, date, where it appeared) with the review as evidence (its
//! URL, the publisher as source, the textual rating in the note, and a stance from
//! [`rating_verdict`]: refuted → `refutes`, supported → `supports`, anything else → `context`).
//! With `with_verdicts`, the rating also becomes the claim's verdict.
//!
//! Writing turns claims that have a verdict into ClaimReview JSON-LD with the fields Google marks
//! required (`claimReviewed`, `reviewRating.alternateName`, `url`) and the recommended ones the
//! store can fill, on the rating scale documented at [`rating_value`]. Publishers paste it into
//! a page's `<script type="application/ld+json">`, so [`write_document`] writes `<`, `>` and `&`
//! as JSON escapes: a claim reading `</script>` cannot end that element.

use serde_json::{Map, Value, json};

use super::bad;
use crate::model::{
    ClaimRecord, EvidenceRecord, EvidenceStance, NewClaim, NewEvidence, VerdictKind, VerdictRecord,
    parse_date,
};
use crate::store::{Located, RecordError};

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

/// Reads every claim in a ClaimReview document.
pub fn read(
    document: &str,
    with_verdicts: bool,
) -> Result<Vec<Result<Located<ClaimRecord>, RecordError>>, crate::Error> {
    let value: Value = serde_json::from_str(document).map_err(|e| {
        crate::Error::invalid(format!(
            "invalid JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let mut out = Vec::new();
    if let Some(claims) = value.get("claims").and_then(Value::as_array) {
        // The Google Fact Check Tools API shape.
        for (i, claim) in claims.iter().enumerate() {
            let location = format!("claims[{i}]");
            out.push(
                api_claim(claim, with_verdicts)
                    .map(|value| Located {
                        location: location.clone(),
                        value,
                    })
                    .map_err(|r| bad(&location, r)),
            );
        }
        return Ok(out);
    }
    let items: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(o) => match o.get("@graph").and_then(Value::as_array) {
            Some(graph) => graph.iter().collect(),
            None => vec![&value],
        },
        _ => {
            return Err(crate::Error::invalid(
                "not ClaimReview JSON: expected an object or an array",
            ));
        }
    };
    for (i, item) in items.into_iter().enumerate() {
        let location = format!("record {}", i + 1);
        out.push(
            claim_review(item, with_verdicts)
                .map(|value| Located {
                    location: location.clone(),
                    value,
                })
                .map_err(|r| bad(&location, r)),
        );
    }
    Ok(out)
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
