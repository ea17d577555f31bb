//! People's names: when two names are the same person, which names are refused, and which are
//! worth a note.
//!
//! The desk's four-eyes rule (a verdict needs a second person) is only as good as the test of
//! "a different person". A name is typed freely (`--as`, `FACTDESK_USER`, a bundle's author), so
//! `ana` must not become someone else by a look-alike spelling: another script's letters
//! (Cyrillic `а`), invisible or formatting characters (a zero-width space, a right-to-left
//! override), fullwidth forms, accents, or terminal escapes. Every comparison of people goes
//! through [`person_key`]; the stored name stays exactly as it was given. Sources are not
//! people in this sense: they keep their own, simpler key (`model::source_key`).

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_security::MixedScript;

use crate::error::Error;

/// The key people are compared by: two names with the same key are the same person.
///
/// Built in this order: terminal escape sequences are removed; the name is put in NFKD (so
/// fullwidth `ａｎａ` is `ana`, and `á` is `a` and an accent); then each character is folded on
/// its own by [`fold_char`]: control and format characters (zero-width spaces, joiners,
/// bidirectional controls) are dropped, letters are lower-cased, each is reduced to its
/// confusable prototype (Unicode TS #39, so Cyrillic `а` is Latin `a` and `0` is `o`), accents
/// and other combining marks are dropped (`a\u{301}na`, `ána` and `ana` are one person), and
/// every space is a plain space; last, runs of spaces become one, trimmed at both ends.
///
/// The key errs towards "same person": names that differ only by accents (`José`, `Jose`) or
/// by look-alike letters (`rn`, `m`) are one person. For the four-eyes rule that is the safe
/// side: the worst it does is ask a third person to review.
///
/// Folding one character at a time is what lets a shared store's server compute the very same
/// key from a table (`person_fold_table`, `schema/postgres/0003_person_fold.sql` and the files
/// after it), so the four-eyes rule it enforces on database logins compares names as this one
/// does.
pub fn person_key(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for c in strip_ansi_escapes::strip_str(name).nfkd() {
        folded.push_str(&fold_char(c));
    }
    folded
        .split(' ')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One character of a name in NFKD as [`person_key`] folds it: nothing for an invisible
/// character, a plain space for any space, else its lower case reduced to its confusable
/// prototype without combining marks (`Ѕ` → `s`, `m` → `rn`, `ς` → `o`, as `σ`) — and so on,
/// in NFKD, until nothing changes, since a prototype's lower case may have a prototype of its
/// own (`∆` → `Δ` → `δ` → `ẟ`, as `Δ` itself folds) and a prototype may decompose (`%` →
/// `°/₀` → `°/o`): what a name folds to folds to itself.
pub fn fold_char(c: char) -> String {
    let mut folded = fold_once(c);
    // Two rounds at most in Unicode 16; the bound only guards against a cycle.
    for _ in 0..8 {
        let again: String = folded.chars().nfkd().map(fold_once).collect();
        if again == folded {
            break;
        }
        folded = again;
    }
    folded
}

/// One round of [`fold_char`].
fn fold_once(c: char) -> String {
    if is_invisible(c) {
        return String::new();
    }
    if c.is_whitespace() {
        return " ".to_owned();
    }
    // Case folding, not context: a final sigma is a sigma (Unicode's CaseFolding.txt).
    let lower: String = c
        .to_lowercase()
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .collect();
    unicode_security::skeleton(&lower)
        .filter(|c| !is_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Every character whose fold differs from itself, with what it folds to, in code point order:
/// the table a shared store's server folds names by. A character NFKD decomposes is folded as
/// its decomposition is, so a server whose Unicode is older than this one's (it leaves a newer
/// character whole) still gives it the same key; Hangul syllables, which every NFKD decomposes
/// by rule, are left out. It walks every code point (seconds in a debug build): only the shared
/// schema's generator and its test call it.
#[cfg(test)]
pub(crate) fn person_fold_table() -> Vec<(char, String)> {
    (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .filter(|c| !('\u{ac00}'..='\u{d7a3}').contains(c))
        .filter_map(|c| {
            let folded: String = std::iter::once(c).nfkd().map(fold_char).collect();
            (folded != c.to_string()).then_some((c, folded))
        })
        .collect()
}

/// Whether two names are the same person (see [`person_key`]).
pub fn same_person(a: &str, b: &str) -> bool {
    person_key(a) == person_key(b)
}

/// Checks a person's name as given: refused when it holds a control character (a line break, a
/// terminal escape) or when nothing is left of it once invisible characters are left out. The
/// message is one line, the name quoted with its invisible characters spelled out.
pub fn check_person_name(name: &str) -> Result<(), Error> {
    if name.trim().is_empty() {
        return Err(Error::invalid("name is empty"));
    }
    // Printable ASCII (the common case, checked for every event of a bundle) has no invisible
    // or control character, and a name with one visible character keeps it in its key.
    if name.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Ok(());
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "name '{}' holds a control character",
            shown_name(name)
        )));
    }
    if person_key(name).is_empty() {
        return Err(Error::invalid(format!(
            "name '{}' is empty once invisible characters are left out",
            shown_name(name)
        )));
    }
    Ok(())
}

/// The scripts a name mixes (`["Cyrillic", "Latin"]`), when it mixes any: such a name is worth
/// a note, as it is usually a look-alike of a name in one script. Names that are one script by
/// UTS #39's augmented script sets (Japanese kanji with kana, Korean hangul with hanja) do not
/// count, nor do digits, punctuation and spaces, which belong to every script.
pub fn mixed_scripts(name: &str) -> Option<Vec<&'static str>> {
    let visible: String = name.chars().filter(|c| !is_invisible(*c)).collect();
    if visible.as_str().is_single_script() {
        return None;
    }
    let mut scripts: Vec<&'static str> = visible
        .chars()
        .map(|c| c.script())
        .filter(|s| !matches!(s, Script::Common | Script::Inherited | Script::Unknown))
        .map(Script::full_name)
        .collect();
    scripts.sort_unstable();
    scripts.dedup();
    (scripts.len() > 1).then_some(scripts)
}

/// A name as quoted in a message or note: control, format and other invisible characters are
/// spelled out (`\n`, `\u{200b}`), so the message shows what was typed and cannot act on a terminal.
/// A long name is cut at 80 characters, marked with `…`.
pub fn shown_name(name: &str) -> String {
    let mut shown: String = name
        .chars()
        .take(80)
        .map(|c| {
            if c.is_control() || is_invisible(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if name.chars().nth(80).is_some() {
        shown.push('…');
    }
    shown
}

/// Control characters, format characters (zero-width spaces and joiners, bidirectional
/// controls, the byte-order mark) and the other default-ignorable code points (fillers,
/// variation selectors): none of them shows, so none of them tells two people apart.
fn is_invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control | GeneralCategory::Format
    ) || is_default_ignorable(c)
}

/// Unicode's Default_Ignorable_Code_Point characters that are not format characters: the
/// Hangul and halfwidth fillers, the Mongolian free variation selectors, variation selectors and
/// the unassigned rest of the ignorable ranges.
fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{34f}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{2065}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fff8}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// Combining marks that sit on the letter before them (accents, enclosing circles).
fn is_mark(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_printable_ascii_name_passes_and_has_a_key() {
        // The fast path of `check_person_name` assumes this of every printable ASCII name.
        for b in 0x21u8..0x7f {
            let name = format!(" {} ", b as char);
            assert!(check_person_name(&name).is_ok(), "{name:?}");
            assert!(!person_key(&name).is_empty(), "{name:?}");
        }
        assert!(check_person_name("   ").is_err());
    }

    /// Spellings that are `ana` to a reader, and must be to the four-eyes rule.
    const ANA: &[&str] = &[
        "ana",
        "Ana",
        "ANA",
        "  ana\t",
        "\u{ff41}\u{ff4e}\u{ff41}",    // fullwidth
        "\u{430}na",                   // Cyrillic а
        "ana\u{200b}",                 // zero-width space
        "a\u{200d}na",                 // zero-width joiner
        "\u{feff}ana",                 // byte-order mark
        "\u{202e}ana",                 // right-to-left override
        "\u{2066}ana\u{2069}",         // bidi isolate
        "a\u{301}na",                  // combining acute
        "\u{e1}na",                    // precomposed á
        "an\u{0363}a",                 // combining Latin small a
        "ana\u{1b}[8m",                // terminal escape (hidden text)
        "\u{1b}[1mana\u{1b}[0m",       // terminal escape (bold)
        "ana\u{3164}",                 // Hangul filler
        "ana\u{fe0f}",                 // variation selector
        "\u{1d41a}\u{1d427}\u{1d41a}", // mathematical bold
        "\u{3b1}na",                   // Greek α
    ];

    #[test]
    fn look_alike_spellings_are_the_same_person() {
        for name in ANA {
            assert_eq!(person_key(name), "ana", "{name:?}");
            assert!(same_person(name, "ana"), "{name:?}");
        }
        assert!(same_person("Ana Maria", "ana  maria"));
        assert!(same_person("bo", "b0"));
        assert!(same_person("José", "jose"));
    }

    #[test]
    fn a_final_sigma_is_a_sigma() {
        // Lower case in context would make the last `Σ` a `ς`, and `ΑΝΑΣ` another person than
        // `ανασ`; case folding does not.
        assert!(same_person("ΑΝΑΣ", "ανασ"));
        assert!(same_person("ανας", "ανασ"));
    }

    #[test]
    fn a_look_alike_of_a_prototypes_lower_case_is_the_same_person() {
        // `∆` (increment) is drawn as `Δ`, `ᗰ` as `M`, `ᑎ` as `N`: one round of folding took
        // them to `δ`, `m` and `ո`, where `Δ`, `M` and `N` go on to `ẟ`, `rn` and `n`.
        assert!(same_person("\u{2206}na", "\u{394}na"));
        assert!(same_person("\u{15f0}ary", "Mary"));
        assert!(same_person("\u{144e}ina", "Nina"));
        assert_eq!(person_key("50%"), person_key("50\u{b0}/0"));
    }

    #[test]
    fn what_a_name_folds_to_folds_to_itself() {
        FOLD_TABLE.with(|table| {
            for c in table.keys() {
                let key = person_key(&c.to_string());
                assert_eq!(person_key(&key), key, "U+{:04X}", u32::from(*c));
            }
        });
    }

    proptest::proptest! {
        /// What a shared store's server computes: NFKD, then each character looked up in the
        /// fold table (kept as it is when absent), then single spaces.
        #[test]
        fn the_fold_table_gives_every_name_its_key(name in "\\PC{0,16}") {
            let folded: String = FOLD_TABLE.with(|table| {
                name.nfkd()
                    .map(|c| table.get(&c).cloned().unwrap_or_else(|| c.to_string()))
                    .collect()
            });
            let key = folded.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(key, person_key(&name));
        }
    }

    thread_local! {
        static FOLD_TABLE: std::collections::HashMap<char, String> =
            person_fold_table().into_iter().collect();
    }

    #[test]
    fn different_names_are_different_people() {
        for other in [
            "anna",
            "bo",
            "ana-maria",
            "ana maria",
            "an",
            "na",
            "nana",
            "ina",
            "and",
        ] {
            assert!(!same_person("ana", other), "{other:?}");
        }
        assert!(!same_person("bo", "bob"));
        assert!(!same_person("cy", "cyd"));
        // One person in each script is still one person: Japanese and Korean names are kept.
        assert!(!same_person("山田", "田中"));
        assert_eq!(person_key("山田"), "山田");
    }

    #[test]
    fn names_with_nothing_visible_or_a_control_character_are_refused() {
        for empty in ["", "   "] {
            assert_eq!(
                check_person_name(empty).unwrap_err().to_string(),
                "name is empty"
            );
        }
        assert_eq!(
            check_person_name("\u{200b}\u{202e}")
                .unwrap_err()
                .to_string(),
            "name '\\u{200b}\\u{202e}' is empty once invisible characters are left out"
        );
        assert_eq!(
            check_person_name("ana\nbo").unwrap_err().to_string(),
            "name 'ana\\nbo' holds a control character"
        );
        assert_eq!(
            check_person_name("ana\u{1b}[8m").unwrap_err().to_string(),
            "name 'ana\\u{1b}[8m' holds a control character"
        );
        for fine in ["ana", "\u{430}na", "Zoë", "山田 太郎", "ana\u{200b}"] {
            assert!(check_person_name(fine).is_ok(), "{fine:?}");
        }
    }

    #[test]
    fn names_that_mix_scripts_are_found() {
        assert_eq!(mixed_scripts("\u{430}na"), Some(vec!["Cyrillic", "Latin"]));
        assert_eq!(mixed_scripts("\u{3b1}na"), Some(vec!["Greek", "Latin"]));
        for single in [
            "ana",
            "Zoë",
            "ana-maria 2",
            "\u{430}\u{43d}\u{430}",
            "山田たろう",
            "ana\u{200b}",
        ] {
            assert_eq!(mixed_scripts(single), None, "{single:?}");
        }
    }
}
