//! Terminal-safe text: what keeps hostile text (a tweet, a pasted article, a colleague's
//! bundle) from driving the reader's terminal. Control characters (C0, DEL, C1), bidirectional
//! overrides and isolates, zero-width and other invisible format characters, and line or
//! paragraph separators are shown escaped and visible — `\e`, `\r`, `\t`, `\u{202e}` — never
//! interpreted. [`visible()`] escapes one value (a table cell, a field); [`Visible`] guards a whole
//! stream of human-readable output, letting through only the colour codes factdesk itself
//! writes when colour is on.
//!
//! This module only changes how text is shown: it must not be used on JSON, CSV or any format
//! meant to be read back (those keep the text exactly, escaped by their own rules), and the
//! stored text is never changed.

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether a value's line breaks are part of the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Newlines {
    /// Kept: a multi-line cell or paragraph.
    Keep,
    /// Escaped as `\n`: the value must stay on one line (errors, one-line notes).
    Escape,
}

/// How `c` is shown when it must not reach the terminal as it is; `None` when it may.
/// Newline and tab are left to the caller.
fn escaped(c: char) -> Option<Cow<'static, str>> {
    let invisible = matches!(c,
        // bidirectional marks, embeddings, overrides and isolates
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        // zero-width and invisible format characters
        | '\u{00ad}' | '\u{034f}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}'
        | '\u{206a}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}'
        // line and paragraph separators, which some terminals take as line breaks
        | '\u{2028}' | '\u{2029}');
    match c {
        '\u{1b}' => Some("\\e".into()),
        '\r' => Some("\\r".into()),
        '\n' => Some("\\n".into()),
        '\t' => Some("\\t".into()),
        c if c.is_control() || invisible => Some(format!("\\u{{{:x}}}", c as u32).into()),
        _ => None,
    }
}

/// `text` as it may be shown on a terminal: every control, bidi and invisible character
/// escaped (tabs too: they would break a table's columns); line breaks kept or escaped.
pub fn visible(text: &str, newlines: Newlines) -> Cow<'_, str> {
    let keep = |c: char| c == '\n' && newlines == Newlines::Keep;
    if !text.chars().any(|c| !keep(c) && escaped(c).is_some()) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match escaped(c).filter(|_| !keep(c)) {
            Some(shown) => out.push_str(&shown),
            None => out.push(c),
        }
    }
    out.into()
}

/// A writer for human-readable output that escapes, as [`visible()`] does, whatever reaches it —
/// except newlines and tabs (the layout's own) and, when `colour` is on, the SGR colour codes
/// (`ESC [ digits ; … m`) factdesk's tables and highlights write. Every other escape sequence
/// (clearing the screen, setting the title, hyperlinks, moving the cursor) is shown as text.
pub struct Visible<'a> {
    inner: &'a mut dyn Write,
    colour: bool,
    /// Bytes held back: the start of a UTF-8 character or an escape sequence cut by a write.
    pending: Vec<u8>,
}

/// The longest colour code let through; anything longer is shown as text.
const LONGEST_SGR: usize = 32;

impl<'a> Visible<'a> {
    /// Writes to `inner` visibly, letting colour codes through only when `colour` is on.
    pub fn new(inner: &'a mut dyn Write, colour: bool) -> Self {
        Visible {
            inner,
            colour,
            pending: Vec::new(),
        }
    }

    /// The writer underneath, for output meant to be read back exactly (JSON, CSV, bundles,
    /// files in other formats); what is held back is written first.
    pub fn raw(&mut self) -> io::Result<&mut dyn Write> {
        self.drain(true)?;
        Ok(&mut *self.inner)
    }

    /// Whether colour codes are let through.
    pub fn colour(&self) -> bool {
        self.colour
    }

    /// Escapes and writes what is pending; at the `end`, also what might have continued.
    fn drain(&mut self, end: bool) -> io::Result<()> {
        let data = std::mem::take(&mut self.pending);
        let mut out = String::with_capacity(data.len() + 16);
        let mut rest = &data[..];
        while !rest.is_empty() {
            let (text, bad, tail) = match std::str::from_utf8(rest) {
                Ok(text) => (text, 0, &rest[rest.len()..]),
                Err(e) => {
                    let valid = e.valid_up_to();
                    let text = std::str::from_utf8(&rest[..valid]).expect("checked");
                    match e.error_len() {
                        Some(len) => (text, len, &rest[valid + len..]),
                        // A character cut by the write: wait for its other bytes.
                        None if !end => {
                            self.pending = rest[valid..].to_vec();
                            (text, 0, &rest[rest.len()..])
                        }
                        None => (text, rest.len() - valid, &rest[rest.len()..]),
                    }
                }
            };
            let mut chars = text.char_indices().peekable();
            while let Some((at, c)) = chars.next() {
                if c == '\u{1b}' && self.colour {
                    let sequence = &text[at..];
                    match sgr_length(sequence) {
                        Some(len) => {
                            out.push_str(&sequence[..len]);
                            while chars.peek().is_some_and(|(next, _)| *next < at + len) {
                                chars.next();
                            }
                            continue;
                        }
                        // Possibly a colour code cut by the write: wait for the rest.
                        None if !end
                            && bad == 0
                            && tail.is_empty()
                            && self.pending.is_empty()
                            && sequence.len() < LONGEST_SGR
                            && could_become_sgr(sequence) =>
                        {
                            self.pending = sequence.as_bytes().to_vec();
                            break;
                        }
                        None => {}
                    }
                }
                match escaped(c).filter(|_| c != '\n' && c != '\t') {
                    Some(shown) => out.push_str(&shown),
                    None => out.push(c),
                }
            }
            for _ in 0..bad {
                out.push('\u{fffd}');
            }
            rest = tail;
        }
        self.inner.write_all(out.as_bytes())
    }
}

/// The length of the SGR colour code `text` starts with (`ESC [ [0-9;]* m`), if it does.
fn sgr_length(text: &str) -> Option<usize> {
    let body = text.strip_prefix("\u{1b}[")?;
    let digits = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(digits) == Some(&b'm') && digits + 3 <= LONGEST_SGR).then_some(digits + 3)
}

/// Whether `text` (an escape sequence cut short) may still become an SGR code.
fn could_become_sgr(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 1
        || (bytes[1] == b'[' && bytes[2..].iter().all(|b| b.is_ascii_digit() || *b == b';'))
}

impl Write for Visible<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.drain(false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl Drop for Visible<'_> {
    fn drop(&mut self) {
        let _ = self.drain(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}[2Jb\u{1b}]0;title\u{7}c\u{1b}]8;;http://x\u{1b}\\d\re\u{2}f\u{3}\
                           g\u{7f}h\u{9b}i\u{202e}j\u{2066}k\u{200b}l\u{feff}m\u{2028}n\to\np";

    #[test]
    fn every_class_of_hidden_character_is_shown_escaped() {
        assert_eq!(
            visible(HOSTILE, Newlines::Keep),
            "a\\e[2Jb\\e]0;title\\u{7}c\\e]8;;http://x\\e\\d\\re\\u{2}f\\u{3}g\\u{7f}h\\u{9b}\
             i\\u{202e}j\\u{2066}k\\u{200b}l\\u{feff}m\\u{2028}n\\to\np"
        );
        assert!(visible(HOSTILE, Newlines::Escape).ends_with("n\\to\\np"));
        assert!(matches!(
            visible("Iran denies — «no missiles» 🚀", Newlines::Escape),
            Cow::Borrowed(_)
        ));
    }

    fn guarded(colour: bool, writes: &[&[u8]]) -> String {
        let mut out = Vec::new();
        {
            let mut visible = Visible::new(&mut out, colour);
            for w in writes {
                visible.write_all(w).unwrap();
            }
            visible.flush().unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_stream_keeps_its_layout_and_colour_codes_only_when_colour_is_on() {
        let text = "\u{1b}[33mdisputed\u{1b}[0m\tx\u{1b}[2J\u{1b}]0;t\u{7}\n";
        assert_eq!(
            guarded(true, &[text.as_bytes()]),
            "\u{1b}[33mdisputed\u{1b}[0m\tx\\e[2J\\e]0;t\\u{7}\n"
        );
        assert_eq!(
            guarded(false, &[text.as_bytes()]),
            "\\e[33mdisputed\\e[0m\tx\\e[2J\\e]0;t\\u{7}\n"
        );
    }

    #[test]
    fn characters_and_colour_codes_cut_by_a_write_are_put_back_together() {
        let text = "é\u{1b}[1mbold\u{1b}[0m \u{202e}";
        let bytes = text.as_bytes();
        for cut in 1..bytes.len() {
            assert_eq!(
                guarded(true, &[&bytes[..cut], &bytes[cut..]]),
                "é\u{1b}[1mbold\u{1b}[0m \\u{202e}",
                "cut at {cut}"
            );
        }
        // A lone escape at the very end is shown, not swallowed.
        assert_eq!(guarded(true, &[b"x\x1b"]), "x\\e");
        assert_eq!(guarded(false, &[b"bad \xff byte"]), "bad \u{fffd} byte");
    }
}
