//! Reading what people import within bounded memory: the one record limit every import format
//! applies — a JSONL line, a CSV row, a ClaimReview item, an event bundle's line — and a line
//! reader that holds at most that much of a line, so that a huge record is refused while it is
//! read, not after it has been read whole; and the limit of an article for `ingest`, which is a
//! whole text rather than one record (16 MiB: a long report with room to spare), with a reader
//! of a whole input (a file or standard input) that holds at most that much. It also names where a
//! record was found ([`Located`]) and why one could not be read ([`RecordError`]), which every
//! bulk reader reports and the store's import uses.

use std::io::{self, BufRead, Read};

use serde::Serialize;

/// The largest record an import reads: a bigger one is refused, never held in memory.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Why a record over [`MAX_RECORD_BYTES`] is refused.
pub fn too_long() -> String {
    format!("the record is longer than {} MiB", MAX_RECORD_BYTES >> 20)
}

/// A value with where it was found in the input ("line 12", "record 3").
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// Where the value was found ("line 12", "record 3").
    pub location: String,
    /// The value read there.
    pub value: T,
}

/// A record that could not be read or written, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordError {
    /// Where the record is ("line 12", "record 3").
    pub location: String,
    /// What is wrong with it, on one line.
    pub reason: String,
    /// The input itself failed (an I/O error): nothing after it can be read, so even
    /// `skip_invalid` stops the import.
    #[serde(skip)]
    pub fatal: bool,
}

impl RecordError {
    /// A bad record: the import can go on past it with `skip_invalid`.
    pub fn new(location: impl Into<String>, reason: impl Into<String>) -> Self {
        RecordError {
            location: location.into(),
            reason: reason.into(),
            fatal: false,
        }
    }
}

/// What [`read_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// The end of the input: nothing was read.
    End,
    /// A line, in the buffer with its `\n` (none on a last line without one).
    Whole,
    /// A line longer than [`MAX_RECORD_BYTES`], read through to its end but not kept.
    TooLong,
}

/// Reads the next line into `buffer` (cleared first), holding at most [`MAX_RECORD_BYTES`] and
/// its line end: a longer line is skipped to its end without being kept.
pub fn read_line<R: BufRead + ?Sized>(input: &mut R, buffer: &mut Vec<u8>) -> io::Result<Line> {
    buffer.clear();
    let read = input
        .take(MAX_RECORD_BYTES as u64 + 1)
        .read_until(b'\n', buffer)?;
    if read == 0 {
        return Ok(Line::End);
    }
    if buffer.len() <= MAX_RECORD_BYTES || buffer.last() == Some(&b'\n') {
        return Ok(Line::Whole);
    }
    buffer.clear();
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(end) => {
                input.consume(end + 1);
                break;
            }
            None => {
                let len = available.len();
                input.consume(len);
            }
        }
    }
    Ok(Line::TooLong)
}

/// The largest article `ingest` reads: a bigger one is refused, never held in memory. An
/// article is not one record of a bulk format but a whole text of many statements (a 5 MB
/// report is read in seconds), so its limit is its own; each statement found in it is far
/// shorter.
pub const MAX_ARTICLE_BYTES: usize = 16 << 20;

/// Reads an article whole, holding at most [`MAX_ARTICLE_BYTES`] and one byte more: a longer
/// input is refused (`None`) as soon as that much is read.
pub fn read_article<R: Read>(input: R) -> io::Result<Option<Vec<u8>>> {
    read_at_most(input, MAX_ARTICLE_BYTES)
}

/// Reads an input whole, holding at most `limit` bytes and one more: `None` if it is longer.
fn read_at_most<R: Read>(input: R, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let mut buffer = Vec::new();
    input.take(limit as u64 + 1).read_to_end(&mut buffer)?;
    Ok((buffer.len() <= limit).then_some(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_over_the_limit_is_refused_after_reading_one_byte_more() {
        let exact = vec![b'a'; MAX_ARTICLE_BYTES];
        assert_eq!(
            read_article(&exact[..]).unwrap().map(|r| r.len()),
            Some(MAX_ARTICLE_BYTES)
        );
        let mut reader = std::io::Cursor::new(vec![b'a'; MAX_ARTICLE_BYTES + 100]);
        assert_eq!(read_article(&mut reader).unwrap(), None);
        assert_eq!(reader.position(), MAX_ARTICLE_BYTES as u64 + 1);
    }

    #[test]
    fn an_article_is_not_held_to_the_record_limit() {
        // A 5 MB article is a long report, not an oversized record.
        let five_megabytes = vec![b'a'; 5_000_000];
        assert!(five_megabytes.len() > MAX_RECORD_BYTES);
        assert_eq!(
            read_article(&five_megabytes[..]).unwrap().map(|r| r.len()),
            Some(5_000_000)
        );
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_without_being_kept() {
        let mut input = b"first\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 1));
        input.extend_from_slice(b"\nlast");
        let mut input = &input[..];
        let mut buffer = Vec::new();
        let mut got = Vec::new();
        loop {
            let line = read_line(&mut input, &mut buffer).unwrap();
            got.push((line, String::from_utf8(buffer.clone()).unwrap()));
            if line == Line::End {
                break;
            }
        }
        assert_eq!(
            got,
            vec![
                (Line::Whole, "first\n".into()),
                (Line::TooLong, String::new()),
                (Line::Whole, "last".into()),
                (Line::End, String::new()),
            ]
        );
        // Exactly the limit, with or without its line end, is a whole line.
        let exact = vec![b'y'; MAX_RECORD_BYTES];
        assert_eq!(
            read_line(&mut &exact[..], &mut buffer).unwrap(),
            Line::Whole
        );
    }
}
