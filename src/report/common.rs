//! The helpers every writer in `report` shares, so that none of them borrows from another: how
//! values are abbreviated for the eye (short ids, clipped text, times in the reader's zone) and
//! the full-values mode that turns abbreviation off for faithful copies (CSV, Markdown); how
//! text is escaped for HTML and SVG; and the colour each status is drawn in.
//!
//! It depends on nothing else in `report`: the views, the graph drawings, the HTML page and the
//! summaries use it; it must not use them.

use crate::model::Status;

/// The short form of an id shown in tables: its first 8 characters, as git abbreviates hashes.
pub fn short_id(id: &str) -> &str {
    if full_values() {
        return id;
    }
    &id[..id.len().min(8)]
}

thread_local! {
    /// Whether the views are building rows for a faithful copy (CSV, Markdown) rather than a
    /// table for the eye: see [`with_full_values`].
    static FULL_VALUES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn full_values() -> bool {
    FULL_VALUES.with(|full| full.get())
}

/// Runs `build` with every abbreviation off — whole ids, whole texts, stored UTC times — for
/// the formats that are a faithful copy of the data (CSV, Markdown); only the table abbreviates.
pub fn with_full_values<T>(build: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            FULL_VALUES.with(|full| full.set(self.0));
        }
    }
    let _restore = Restore(FULL_VALUES.with(|full| full.replace(true)));
    build()
}

/// A stored UTC time as people read it in tables: in their own time zone (`TZ`, else the
/// system's), to the minute, `2024-09-06 14:00`. JSON and exports keep the stored UTC time.
pub fn when(at: &str) -> String {
    if full_values() {
        return at.to_string();
    }
    when_in(at, &chrono::Local)
}

/// [`when`] in a given time zone; a value that is not a stored time is shown as it is.
fn when_in<Z: chrono::TimeZone>(at: &str, zone: &Z) -> String
where
    Z::Offset: std::fmt::Display,
{
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => t.with_timezone(zone).format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => at.get(..16).unwrap_or(at).replacen('T', " ", 1),
    }
}

/// Cuts text to `max` characters for a one-line summary, marking the cut with `…`.
pub fn clip(text: &str, max: usize) -> String {
    if full_values() {
        return text.to_string();
    }
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The colour a status is drawn in (fill), chosen to read on white and in print.
pub fn status_colour(status: Status) -> &'static str {
    match status {
        Status::Supported => "#2e7d32",
        Status::Refuted => "#c62828",
        Status::Mixed => "#6a1b9a",
        Status::Unverifiable => "#616161",
        Status::Disputed => "#ef6c00",
        Status::Unresolved => "#1565c0",
    }
}

/// Escapes text for HTML and SVG: control, bidi and invisible characters shown (as
/// `report::visible` shows them), then the markup escaped.
pub fn escape_html(text: &str) -> String {
    // Control, bidi and invisible characters are shown, as everywhere people read (a reversed
    // name in a page misleads as much as in a terminal); then the markup is escaped.
    let text = super::visible::visible(text, super::visible::Newlines::Keep);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A missing value as a cell: empty (aligned tables and text layouts show it as `-`).
pub fn or_empty(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// A claim's status as a listing shows it, marking a verdict that waits for review and a
/// retracted claim (listed only with `--include-retracted`):
/// `unresolved (proposed: refuted)`, `disputed (retracted)`.
pub fn status_cell(claim: &crate::model::Claim) -> String {
    let mut cell = claim.status.to_string();
    if let Some(proposed) = claim.proposed_verdict {
        cell.push_str(&format!(" (proposed: {proposed})"));
    }
    if claim.retracted.is_some() {
        cell.push_str(" (retracted)");
    }
    cell
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_shows_control_and_bidi_characters_and_escapes_markup() {
        assert_eq!(
            super::escape_html("<b>\u{202e}ana\u{1b}[2J</b>\nnext"),
            "&lt;b&gt;\\u{202e}ana\\e[2J&lt;/b&gt;\nnext"
        );
    }

    use super::*;

    #[test]
    fn clipping_keeps_one_line_and_marks_the_cut() {
        assert_eq!(clip("a\nb   c", 10), "a b c");
        assert_eq!(clip("abcdefghij", 5), "abcd…");
        assert_eq!(
            when_in("2024-09-06T12:34:56.789Z", &chrono::Utc),
            "2024-09-06 12:34"
        );
        let kolkata = chrono::FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        assert_eq!(
            when_in("2024-09-06T22:34:56.789Z", &kolkata),
            "2024-09-07 04:04"
        );
    }
}
