//! factdesk's bulk format: JSON Lines, one claim a line.
//!
//! ```json
//! {"text": "Iran supplied Russia with short-range ballistic missiles",
//!  "claimant": "U.S. and European officials", "reported_by": "The Wall Street Journal",
//!  "stance": "asserts", "date": "2024-09-06", "url": "https://…", "quote": "…", "tags": ["iran"],
//!  "evidence": [{"stance": "supports", "source": "U.S. officials", "note": "…"}],
//!  "verdict": {"verdict": "unverifiable", "note": "No public evidence yet"},
//!  "links": [{"relation": "contradicts", "to": "8b5229d0-48e7-4713-a6a8-0e0817f64a6f"}]}
//! ```
//!
//! (one line in a real file). Everything but `text` is optional. `id` (on claims, evidence and
//! links) and `created_at`/`created_by` (`given_at`/`given_by` on verdicts) are kept, so an
//! export imports back as the same records; `status` is accepted and ignored (it is derived).
//! Unknown fields are refused, so a misspelt field name is caught rather than dropped.

use std::io::{self, BufRead, Write};

use serde::{Deserialize, Serialize};

use super::{bad, in_field, logged_pair, url_field};
use crate::error::Error;
use crate::input::{Line, read_line, too_long};
use crate::input::{Located, RecordError};
use crate::model::{
    ClaimRecord, EvidenceRecord, EvidenceStance, LinkRecord, NewClaim, NewEvidence, Relation,
    Stance, VerdictKind, VerdictRecord, parse_date, parse_record_id,
};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonClaim {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claimant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reported_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quote: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<JsonEvidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verdict: Option<JsonVerdict>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<JsonLink>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_by: Option<String>,
    /// Derived, so never read; accepted so that files written by other tools from a factdesk
    /// report import cleanly.
    #[serde(default, skip_serializing)]
    #[allow(dead_code)]
    status: Option<serde::de::IgnoredAny>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEvidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    stance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quote: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_by: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonVerdict {
    verdict: String,
    #[serde(default)]
    note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    given_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    given_by: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLink {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    relation: String,
    to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_by: Option<String>,
}

/// Reads JSONL records one line at a time; memory stays bounded by [`crate::input::MAX_RECORD_BYTES`].
pub struct JsonlReader<R> {
    input: R,
    line: u64,
    buffer: Vec<u8>,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(input: R) -> Self {
        JsonlReader {
            input,
            line: 0,
            buffer: Vec::new(),
        }
    }

    /// Reads the next line into the buffer, at most [`crate::input::MAX_RECORD_BYTES`] of it; `None` at the
    /// end of the input, else whether the line was too long.
    fn next_line(&mut self) -> io::Result<Option<bool>> {
        let line = read_line(&mut self.input, &mut self.buffer)?;
        if line == Line::End {
            return Ok(None);
        }
        self.line += 1;
        Ok(Some(line == Line::TooLong))
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<Located<ClaimRecord>, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let cut = match self.next_line() {
                Ok(None) => return None,
                Ok(Some(cut)) => cut,
                Err(e) => {
                    return Some(Err(RecordError {
                        location: format!("line {}", self.line + 1),
                        reason: format!("cannot read the input: {e}"),
                        fatal: true,
                    }));
                }
            };
            let location = format!("line {}", self.line);
            if cut {
                return Some(Err(bad(&location, too_long())));
            }
            let Ok(text) = std::str::from_utf8(&self.buffer) else {
                return Some(Err(bad(&location, "not valid UTF-8")));
            };
            let text = text.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            return Some(
                parse_line(text)
                    .map(|value| Located {
                        location: location.clone(),
                        value,
                    })
                    .map_err(|reason| bad(&location, reason)),
            );
        }
    }
}

/// Parses one JSONL line into a record, naming the field when something is wrong.
pub fn parse_line(line: &str) -> Result<ClaimRecord, String> {
    // The fast path; only a line that fails is parsed again to find the path to its error.
    if let Ok(claim) = serde_json::from_str::<JsonClaim>(line) {
        return to_record(claim);
    }
    let mut deserializer = serde_json::Deserializer::from_str(line);
    let claim: JsonClaim = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // serde_json appends "at line 1 column N": on one line only the column helps.
        let message = match message.rfind(" at line 1 column ") {
            Some(at) => format!(
                "{} (column {})",
                &message[..at],
                &message[at + " at line 1 column ".len()..]
            ),
            None => message,
        };
        if inner.is_syntax() || inner.is_eof() {
            format!("invalid JSON: {message}")
        } else if message.starts_with("unknown field")
            || message.starts_with("missing field")
            || path == "."
        {
            // The path of an unknown field ends with the field itself; name only where it is.
            let parent = if message.starts_with("unknown field") {
                path.rfind(['.', '[']).map(|at| &path[..at]).unwrap_or(".")
            } else {
                path.as_str()
            };
            if parent == "." {
                message
            } else {
                format!("in `{parent}`: {message}")
            }
        } else {
            format!("field `{path}`: {message}")
        }
    })?;
    deserializer
        .end()
        .map_err(|e| format!("invalid JSON: {e}"))?;
    to_record(claim)
}

fn to_record(claim: JsonClaim) -> Result<ClaimRecord, String> {
    let mut evidence = Vec::with_capacity(claim.evidence.len());
    for (i, e) in claim.evidence.into_iter().enumerate() {
        let f = |name: &str| format!("evidence[{i}].{name}");
        evidence.push(EvidenceRecord {
            id: e
                .id
                .as_deref()
                .map(|id| in_field(&f("id"), parse_record_id(id)))
                .transpose()?,
            evidence: NewEvidence {
                stance: in_field(&f("stance"), e.stance.parse::<EvidenceStance>())?,
                source: e.source,
                url: url_field(&f("url"), e.url)?,
                quote: e.quote,
                note: e.note,
            },
            logged: logged_pair(
                (&f("created_at"), e.created_at.as_deref()),
                (&f("created_by"), e.created_by.as_deref()),
            )?,
        });
    }
    let verdict = match claim.verdict {
        None => None,
        Some(v) => Some(VerdictRecord {
            verdict: in_field("verdict.verdict", v.verdict.parse::<VerdictKind>())?,
            rationale: if v.note.trim().is_empty() {
                return Err("field `verdict.note`: a verdict needs a rationale".into());
            } else {
                v.note
            },
            logged: logged_pair(
                ("verdict.given_at", v.given_at.as_deref()),
                ("verdict.given_by", v.given_by.as_deref()),
            )?,
        }),
    };
    let mut links = Vec::with_capacity(claim.links.len());
    for (i, l) in claim.links.into_iter().enumerate() {
        let f = |name: &str| format!("links[{i}].{name}");
        links.push(LinkRecord {
            id: l
                .id
                .as_deref()
                .map(|id| in_field(&f("id"), parse_record_id(id)))
                .transpose()?,
            relation: in_field(&f("relation"), l.relation.parse::<Relation>())?,
            to: in_field(&f("to"), parse_record_id(&l.to))?,
            note: l.note,
            logged: logged_pair(
                (&f("created_at"), l.created_at.as_deref()),
                (&f("created_by"), l.created_by.as_deref()),
            )?,
        });
    }
    if claim.text.trim().is_empty() {
        return Err("field `text`: claim text is empty".into());
    }
    Ok(ClaimRecord {
        id: claim
            .id
            .as_deref()
            .map(|id| in_field("id", parse_record_id(id)))
            .transpose()?,
        claim: NewClaim {
            text: claim.text,
            claimant: claim.claimant.filter(|s| !s.trim().is_empty()),
            reported_by: claim.reported_by.filter(|s| !s.trim().is_empty()),
            stance: claim
                .stance
                .as_deref()
                .map(|s| in_field("stance", s.parse::<Stance>()))
                .transpose()?,
            url: url_field("url", claim.url)?,
            quote: claim.quote.filter(|s| !s.trim().is_empty()),
            date: claim
                .date
                .as_deref()
                .map(|d| in_field("date", parse_date(d)))
                .transpose()?,
            tags: claim.tags,
        },
        logged: logged_pair(
            ("created_at", claim.created_at.as_deref()),
            ("created_by", claim.created_by.as_deref()),
        )?,
        evidence,
        verdict,
        links,
    })
}

/// Writes one record as one JSONL line.
pub fn write_record(out: &mut dyn Write, record: &ClaimRecord) -> Result<(), Error> {
    let c = &record.claim;
    let json = JsonClaim {
        id: record.id.clone(),
        text: c.text.clone(),
        claimant: c.claimant.clone(),
        reported_by: c.reported_by.clone(),
        stance: c.stance.map(|s| s.to_string()),
        date: c.date.clone(),
        url: c.url.clone(),
        quote: c.quote.clone(),
        tags: c.tags.clone(),
        evidence: record
            .evidence
            .iter()
            .map(|e| JsonEvidence {
                id: e.id.clone(),
                stance: e.evidence.stance.to_string(),
                source: e.evidence.source.clone(),
                url: e.evidence.url.clone(),
                quote: e.evidence.quote.clone(),
                note: e.evidence.note.clone(),
                created_at: e.logged.as_ref().map(|l| l.at.clone()),
                created_by: e.logged.as_ref().map(|l| l.by.clone()),
            })
            .collect(),
        verdict: record.verdict.as_ref().map(|v| JsonVerdict {
            verdict: v.verdict.to_string(),
            note: v.rationale.clone(),
            given_at: v.logged.as_ref().map(|l| l.at.clone()),
            given_by: v.logged.as_ref().map(|l| l.by.clone()),
        }),
        links: record
            .links
            .iter()
            .map(|l| JsonLink {
                id: l.id.clone(),
                relation: l.relation.to_string(),
                to: l.to.clone(),
                note: l.note.clone(),
                created_at: l.logged.as_ref().map(|x| x.at.clone()),
                created_by: l.logged.as_ref().map(|x| x.by.clone()),
            })
            .collect(),
        created_at: record.logged.as_ref().map(|l| l.at.clone()),
        created_by: record.logged.as_ref().map(|l| l.by.clone()),
        status: None,
    };
    serde_json::to_writer(&mut *out, &json).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::MAX_RECORD_BYTES;

    fn read(input: &str) -> Vec<Result<Located<ClaimRecord>, RecordError>> {
        JsonlReader::new(input.as_bytes()).collect()
    }

    fn reasons(input: &str) -> Vec<String> {
        read(input)
            .into_iter()
            .map(|r| match r {
                Ok(r) => format!("{}: ok", r.location),
                Err(e) => format!("{}: {}", e.location, e.reason),
            })
            .collect()
    }

    #[test]
    fn a_full_record_reads_and_writes_back_the_same() {
        let line = r#"{"id":"8b5229d0-48e7-4713-a6a8-0e0817f64a6f","text":"Iran has not provided weapons","claimant":"Iranian Mission to the UN","reported_by":"Newsweek","stance":"asserts","date":"2024-09-06","url":"https://n.example","quote":"inhumane","tags":["iran"],"evidence":[{"id":"a00f7a6f-0000-4000-8000-000000000000","stance":"refutes","source":"WSJ","note":"officials say otherwise","created_at":"2024-09-07T12:00:00.000Z","created_by":"ana"}],"verdict":{"verdict":"unverifiable","note":"No public evidence","given_at":"2024-09-08T09:00:00.000Z","given_by":"ben"},"links":[{"id":"61144371-0000-4000-8000-000000000000","relation":"contradicts","to":"b03d7692-3b0a-4d43-a965-5677a6f05ad8","note":"answer"}],"created_at":"2024-09-07T12:00:00.000Z","created_by":"ana"}"#;
        let record = parse_line(line).unwrap();
        assert_eq!(record.claim.stance, Some(Stance::Asserts));
        assert_eq!(record.evidence[0].evidence.stance, EvidenceStance::Refutes);
        assert_eq!(record.links[0].relation, Relation::Contradicts);
        let mut out = Vec::new();
        write_record(&mut out, &record).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), format!("{line}\n"));
    }

    #[test]
    fn bad_lines_name_the_line_and_the_field() {
        let input = concat!(
            "{\"text\": \"ok\"}\n",
            "\n",
            "{\"text\": \"x\", \"stance\": \"alleges\"}\n",
            "{\"claimant\": \"nobody\"}\n",
            "{\"text\": 5}\n",
            "{\"text\": \"x\", \"evidence\": [{\"stance\": \"proves\"}]}\n",
            "{\"text\": \"x\", \"claimnt\": \"typo\"}\n",
            "{\"text\": \"x\", \"date\": \"06/09/2024\"}\n",
            "{\"text\": \"x\", \"verdict\": {\"verdict\": \"refuted\"}}\n",
            "{\"text\": \"   \"}\n",
            "{\"text\": \"x\", \"created_at\": \"2024-09-07T12:00:00Z\", \"created_by\": \"\\u200b\"}\n",
            "{\"text\": \"unterminated\n",
        );
        assert_eq!(
            reasons(input),
            vec![
                "line 1: ok",
                "line 3: field `stance`: unknown stance 'alleges' (expected one of: asserts, denies, questions, neutral)",
                "line 4: missing field `text` (column 22)",
                "line 5: field `text`: invalid type: integer `5`, expected a string (column 10)",
                "line 6: field `evidence[0].stance`: unknown evidence stance 'proves' (expected one of: supports, refutes, context)",
                "line 7: unknown field `claimnt`, expected one of `id`, `text`, `claimant`, `reported_by`, `stance`, `date`, `url`, `quote`, `tags`, `evidence`, `verdict`, `links`, `created_at`, `created_by`, `status` (column 23)",
                "line 8: field `date`: malformed date '06/09/2024' (expected a real date written YYYY-MM-DD)",
                "line 9: field `verdict.note`: a verdict needs a rationale",
                "line 10: field `text`: claim text is empty",
                "line 11: field `created_by`: name '\\u{200b}' is empty once invisible characters are left out",
                "line 12: invalid JSON: EOF while parsing a string (column 22)",
            ]
        );
    }

    #[test]
    fn invalid_utf8_and_overlong_lines_are_bad_records_not_crashes() {
        let mut input = b"{\"text\": \"caf\xe9\"}\n".to_vec();
        input.extend_from_slice(b"{\"text\": \"");
        input.extend(std::iter::repeat_n(b'a', MAX_RECORD_BYTES + 10));
        input.extend_from_slice(b"\"}\n{\"text\": \"after\"}\n");
        let got: Vec<String> = JsonlReader::new(&input[..])
            .map(|r| match r {
                Ok(r) => format!("{}: {}", r.location, r.value.claim.text),
                Err(e) => format!("{}: {}", e.location, e.reason),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                "line 1: not valid UTF-8",
                "line 2: the record is longer than 1 MiB",
                "line 3: after"
            ]
        );
    }
}
