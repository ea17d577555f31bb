//! CSV as spreadsheets export it: a header row, then one claim a row.
//!
//! Columns are matched by name, ignoring case, spaces, `_` and `-`: `text`/`claim`,
//! `claimant`/`speaker`, `reported by`, `stance`, `date`, `url`, `quote`, `tags` (separated by
//! `;`), `verdict`, `verdict note`, `id`. `--map COLUMN=FIELD` names the field of any other
//! column (or `ignore`). RFC 4180 quoting, newlines inside quoted fields, and a UTF-8 byte-order
//! mark are handled by the `csv` crate's parser; a cell a spreadsheet neutralised with a leading
//! `'` (as factdesk's own CSV output does) gets it back. A row longer than the record limit
//! ([`crate::input::MAX_RECORD_BYTES`]) is refused as it is read. Factdesk's own `STATUS`
//! column (in capitals, as its CSV output writes it) is derived from verdicts and links, so it is
//! ignored without being named among the ignored columns: re-importing factdesk's own CSV says
//! nothing about it, while a spreadsheet's own "Status" column is still named (and can be read
//! with `--map`).

use std::io::{self, BufRead};

use super::{bad, in_field};
use crate::error::Error;
use crate::input::{Located, RecordError};
use crate::input::{MAX_RECORD_BYTES, too_long};
use crate::model::{
    ClaimRecord, NewClaim, Stance, VerdictKind, VerdictRecord, check_web_url, parse_date,
    parse_record_id,
};

/// The claim field a column fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `id`: the claim's full id, kept so a re-import matches the same claim.
    Id,
    /// `text` or `claim`: the claim's text, kept exactly as the cell holds it.
    Text,
    /// `claimant` or `speaker`: who made the claim.
    Claimant,
    /// `reported by`: who reported the claim.
    ReportedBy,
    /// `stance`: the claimant's stance word.
    Stance,
    /// `date`: when the claim was made, `YYYY-MM-DD`.
    Date,
    /// `url`: where the claim appeared (http or https).
    Url,
    /// `quote`: the claimant's exact words.
    Quote,
    /// `tags`: the claim's tags, separated by `;`.
    Tags,
    /// `verdict`: a verdict word, given to the row's claim.
    Verdict,
    /// `verdict note`: the verdict's rationale.
    VerdictNote,
    /// A column whose cells are not read: `--map COLUMN=ignore`, or a header that names no field.
    Ignore,
}

/// Header names as compared: lower case, without spaces, `_` or `-`.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

impl Field {
    /// The field a column header (or a `--map` target) names, if any.
    pub fn named(name: &str) -> Option<Field> {
        Some(match normalise(name).as_str() {
            "id" => Field::Id,
            "text" | "claim" => Field::Text,
            "claimant" | "speaker" => Field::Claimant,
            "reportedby" => Field::ReportedBy,
            "stance" => Field::Stance,
            "date" => Field::Date,
            "url" => Field::Url,
            "quote" => Field::Quote,
            "tags" => Field::Tags,
            "verdict" => Field::Verdict,
            "verdictnote" => Field::VerdictNote,
            "ignore" => Field::Ignore,
            _ => return None,
        })
    }
}

/// Parses a `--map COLUMN=FIELD` option.
pub fn parse_map(option: &str) -> Result<(String, Field), Error> {
    let Some((column, field)) = option.split_once('=') else {
        return Err(Error::usage(format!(
            "--map '{option}' is not COLUMN=FIELD"
        )));
    };
    let field = Field::named(field).ok_or_else(|| {
        Error::usage(format!(
            "--map '{option}': unknown field '{field}' (expected one of: text, claimant, \
             reported_by, stance, date, url, quote, tags, verdict, verdict_note, id, ignore)"
        ))
    })?;
    Ok((normalise(column), field))
}

/// The header of the column factdesk's CSV output derives from verdicts and links: nothing to
/// import, and nothing to note when it is left out.
const DERIVED_STATUS: &str = "STATUS";

/// Reads spreadsheet rows as claim records, each row within the record limit.
pub struct CsvReader<R: BufRead> {
    rows: Rows<R>,
    fields: Vec<Field>,
}

impl<R: BufRead> CsvReader<R> {
    /// Reads the header row and matches every column to a field. A header without a text column,
    /// or naming a field twice, is refused; columns that match nothing are returned by name so
    /// the caller can say they were ignored.
    pub fn new(input: R, maps: &[(String, Field)]) -> Result<(Self, Vec<String>), Error> {
        let mut rows = Rows::new(input);
        let headers: Vec<String> = match rows.next_row() {
            Err(e) => {
                return Err(Error::invalid(format!(
                    "line 1: cannot read the header row: {e}"
                )));
            }
            Ok(None) => Vec::new(),
            Ok(Some((_, Row::TooLong))) => {
                return Err(Error::invalid(format!("line 1: {}", too_long())));
            }
            Ok(Some((_, Row::Fields))) => rows
                .fields()
                .map_err(|_| Error::invalid("line 1: cannot read the header row: not valid UTF-8"))?
                .into_iter()
                .map(String::from)
                .collect(),
        };
        let mut fields = Vec::with_capacity(headers.len());
        let mut ignored = Vec::new();
        for header in &headers {
            let key = normalise(header);
            let field = maps
                .iter()
                .find(|(column, _)| *column == key)
                .map(|(_, f)| *f)
                .or_else(|| Field::named(header).filter(|f| *f != Field::Ignore));
            match field {
                Some(Field::Ignore) => {}
                Some(f) if fields.contains(&f) => {
                    return Err(Error::invalid(format!(
                        "line 1: column '{header}' fills {f:?} a second time; use --map '{header}=ignore'"
                    )));
                }
                Some(_) => {}
                None if header == DERIVED_STATUS => {}
                None => ignored.push(header.to_string()),
            }
            fields.push(field.unwrap_or(Field::Ignore));
        }
        if !fields.contains(&Field::Text) {
            return Err(Error::invalid(
                "line 1: no claim text column (name one 'text' or 'claim', or use --map COLUMN=text)",
            ));
        }
        Ok((CsvReader { rows, fields }, ignored))
    }
}

/// What [`Rows::next_row`] read.
enum Row {
    /// A row, its fields in [`Rows::fields`].
    Fields,
    /// A row longer than [`MAX_RECORD_BYTES`], read through to its end but not kept.
    TooLong,
}

/// CSV rows as the `csv` crate reads them (its parser, `csv_core`: RFC 4180 quoting, newlines
/// in quoted fields, any line end, a byte-order mark), but holding at most
/// [`MAX_RECORD_BYTES`] of a row: the `csv` crate's own reader keeps a whole row, however long,
/// before it can be refused.
struct Rows<R> {
    input: R,
    parser: csv_core::Reader,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// How much of `bytes` and `ends` the current row fills.
    len: (usize, usize),
}

impl<R: BufRead> Rows<R> {
    fn new(input: R) -> Self {
        Rows {
            input,
            parser: csv_core::Reader::new(),
            bytes: vec![0; 1024],
            ends: vec![0; 16],
            len: (0, 0),
        }
    }

    /// Reads the next row with the line it starts on; `None` at the end of the input.
    fn next_row(&mut self) -> io::Result<Option<(u64, Row)>> {
        use csv_core::ReadRecordResult::*;
        let line = self.parser.line();
        let (mut out, mut end) = (0, 0);
        let mut read = 0;
        let mut too_long = false;
        loop {
            let input = self.input.fill_buf()?;
            let (result, nin, nout, nend) =
                self.parser
                    .read_record(input, &mut self.bytes[out..], &mut self.ends[end..]);
            self.input.consume(nin);
            read += nin;
            out += nout;
            end += nend;
            if read > MAX_RECORD_BYTES {
                too_long = true;
            }
            match result {
                InputEmpty => {}
                // A row over the limit goes on being parsed, to find its end, into the same space.
                OutputFull if too_long => out = 0,
                OutputFull => {
                    let grown = (self.bytes.len() * 2).min(MAX_RECORD_BYTES + 1);
                    self.bytes.resize(grown, 0);
                }
                OutputEndsFull if too_long => end = 0,
                OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                Record => {
                    self.len = (out, end);
                    let row = if too_long { Row::TooLong } else { Row::Fields };
                    return Ok(Some((line, row)));
                }
                End => return Ok(None),
            }
        }
    }

    /// The fields of the row just read.
    fn fields(&self) -> Result<Vec<&str>, std::str::Utf8Error> {
        let (out, end) = self.len;
        let bytes = &self.bytes[..out];
        let mut start = 0;
        self.ends[..end]
            .iter()
            .map(|&stop| {
                let field = std::str::from_utf8(&bytes[start..stop]);
                start = stop;
                field
            })
            .collect()
    }
}

/// A cell without the apostrophe a spreadsheet-safe export put in front of a formula-like value
/// (or of a value that itself starts with an apostrophe and a formula sign: see
/// [`crate::report::spreadsheet_safe`]).
fn unneutralised(value: &str) -> &str {
    const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
    match value.strip_prefix('\'') {
        Some(rest)
            if rest.starts_with(FORMULA)
                || rest
                    .strip_prefix('\'')
                    .is_some_and(|r| r.starts_with(FORMULA)) =>
        {
            rest
        }
        _ => value,
    }
}

/// A cell's value: trimmed, empty as none, un-neutralised.
fn cell(value: &str) -> Option<String> {
    let value = unneutralised(value.trim());
    (!value.is_empty()).then(|| value.to_string())
}

impl<R: BufRead> Iterator for CsvReader<R> {
    type Item = Result<Located<ClaimRecord>, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, row) = match self.rows.next_row() {
            Ok(row) => row?,
            Err(e) => {
                return Some(Err(RecordError {
                    location: format!("line {}", self.rows.parser.line()),
                    reason: format!("cannot read the input: {e}"),
                    fatal: true,
                }));
            }
        };
        let location = format!("line {line}");
        if let Row::TooLong = row {
            return Some(Err(bad(&location, too_long())));
        }
        let Ok(fields) = self.rows.fields() else {
            return Some(Err(bad(&location, "not valid UTF-8")));
        };
        Some(
            self.record(&fields)
                .map(|value| Located {
                    location: location.clone(),
                    value,
                })
                .map_err(|reason| bad(&location, reason)),
        )
    }
}

impl<R: BufRead> CsvReader<R> {
    fn record(&self, row: &[&str]) -> Result<ClaimRecord, String> {
        let mut record = ClaimRecord::default();
        let mut verdict: Option<VerdictKind> = None;
        let mut verdict_note: Option<String> = None;
        let mut text: Option<String> = None;
        for (field, raw) in self.fields.iter().zip(row.iter()) {
            let Some(value) = cell(raw) else { continue };
            match field {
                // The text is kept exactly as the cell holds it, untrimmed.
                Field::Text => text = Some(unneutralised(raw).to_string()),
                Field::Id => record.id = Some(in_field("id", parse_record_id(&value))?),
                Field::Claimant => record.claim.claimant = Some(value),
                Field::ReportedBy => record.claim.reported_by = Some(value),
                Field::Stance => {
                    record.claim.stance = Some(in_field("stance", value.parse::<Stance>())?)
                }
                Field::Date => record.claim.date = Some(in_field("date", parse_date(&value))?),
                Field::Url => {
                    record.claim.url = Some(in_field("url", check_web_url(&value).map(|()| value))?)
                }
                Field::Quote => record.claim.quote = Some(value),
                Field::Tags => {
                    record.claim.tags = value
                        .split(';')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(String::from)
                        .collect();
                }
                Field::Verdict => {
                    verdict = Some(in_field("verdict", value.parse::<VerdictKind>())?)
                }
                Field::VerdictNote => verdict_note = Some(value),
                Field::Ignore => {}
            }
        }
        let Some(text) = text else {
            return Err("field `text`: claim text is empty".into());
        };
        record.claim = NewClaim {
            text,
            ..record.claim
        };
        record.verdict = match (verdict, verdict_note) {
            (Some(verdict), Some(rationale)) => Some(VerdictRecord {
                verdict,
                rationale,
                logged: None,
            }),
            (Some(_), None) => {
                return Err("field `verdict note`: a verdict needs a rationale".into());
            }
            (None, Some(_)) => {
                return Err("field `verdict`: a verdict note without a verdict".into());
            }
            (None, None) => None,
        };
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        input: &str,
        maps: &[(String, Field)],
    ) -> Vec<Result<Located<ClaimRecord>, RecordError>> {
        CsvReader::new(input.as_bytes(), maps).unwrap().0.collect()
    }

    #[test]
    fn a_spreadsheet_export_with_bom_quotes_newlines_tags_and_a_formula_cell() {
        let input = "\u{feff}Claim,Speaker,Reported By,Stance,Date,Tags,Verdict,Verdict Note,Notes\r\n\
            \"Iran supplied Russia with \"\"ballistic\"\" missiles\nsays WSJ\",U.S. officials,WSJ,asserts,2024-09-06,iran; russia ;,unverifiable,\"No public evidence\",x\r\n\
            '=1+1,Someone,,,,,,,\r\n";
        let records: Vec<ClaimRecord> = read(input, &[])
            .into_iter()
            .map(|r| r.unwrap().value)
            .collect();
        assert_eq!(
            records[0].claim.text,
            "Iran supplied Russia with \"ballistic\" missiles\nsays WSJ"
        );
        assert_eq!(records[0].claim.claimant.as_deref(), Some("U.S. officials"));
        assert_eq!(records[0].claim.tags, vec!["iran", "russia"]);
        assert_eq!(
            records[0].verdict.as_ref().unwrap().verdict,
            VerdictKind::Unverifiable
        );
        assert_eq!(records[1].claim.text, "=1+1");
        let (_, ignored) = CsvReader::new(input.as_bytes(), &[]).unwrap();
        assert_eq!(ignored, vec!["Notes"]);
    }

    #[test]
    fn factdesks_own_status_column_is_ignored_without_a_note() {
        // What `claim list --format csv` writes: STATUS is derived, nothing to import.
        let own = "ID,STATUS,CLAIMANT,STANCE,CLAIM,DATE,TAGS\n";
        let (_, ignored) = CsvReader::new(own.as_bytes(), &[]).unwrap();
        assert_eq!(ignored, Vec::<String>::new());
        // A spreadsheet's own "Status" column may be anything: it is still named, and it can
        // still be read with --map.
        let (_, ignored) = CsvReader::new("Claim,Status\n".as_bytes(), &[]).unwrap();
        assert_eq!(ignored, vec!["Status"]);
        let maps = vec![
            parse_map("STATUS=verdict").unwrap(),
            parse_map("NOTE=verdict_note").unwrap(),
        ];
        let sheet = "CLAIM,STATUS,NOTE\nX,refuted,checked\n";
        let (mut reader, ignored) = CsvReader::new(sheet.as_bytes(), &maps).unwrap();
        assert_eq!(ignored, Vec::<String>::new());
        let record = reader.next().unwrap().unwrap().value;
        assert_eq!(record.verdict.unwrap().verdict, VerdictKind::Refuted);
    }

    #[test]
    fn mapped_columns_and_row_errors_with_their_line() {
        let input = "Statement,Who,stance\nA,X,asserts\nB,Y,alleges\n";
        let maps = vec![
            parse_map("statement=text").unwrap(),
            parse_map("Who=claimant").unwrap(),
        ];
        let got: Vec<String> = read(input, &maps)
            .into_iter()
            .map(|r| match r {
                Ok(r) => format!(
                    "{}: {} by {}",
                    r.location,
                    r.value.claim.text,
                    r.value.claim.claimant.unwrap()
                ),
                Err(e) => format!("{}: {}", e.location, e.reason),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                "line 2: A by X",
                "line 3: field `stance`: unknown stance 'alleges' (expected one of: asserts, denies, questions, neutral)"
            ]
        );
    }

    #[test]
    fn a_header_without_text_is_refused() {
        let err = CsvReader::new("who,when\nx,y\n".as_bytes(), &[])
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "line 1: no claim text column (name one 'text' or 'claim', or use --map COLUMN=text)"
        );
        assert!(parse_map("nonsense").is_err());
        assert!(parse_map("a=b").is_err());
    }
}
