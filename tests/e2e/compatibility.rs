//! Stores and bundles written before the typed event vocabulary (factdesk at commit 64f9cc9,
//! schema 6) are read by this release unchanged: the store verifies (every stored hash, the
//! chain, and its tables equal what its log rebuilds), it reads back exactly as that release
//! printed it, and its bundle builds the same store elsewhere. The fixtures and the script that
//! wrote them (with that release's binary) are in `tests/fixtures/release-6/`.

use std::path::{Path, PathBuf};

use crate::{Desk, assert_verified};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/release-6")
        .join(name)
}

/// A desk whose store is a copy of the old release's store.
fn old_store() -> Desk {
    let desk = Desk::uninitialised_sqlite();
    std::fs::copy(fixture("store.db"), &desk.db).expect("copy the fixture store");
    desk
}

#[test]
fn a_store_written_by_the_previous_release_verifies_and_reads_back_the_same() {
    crate::sqlite_only!("a SQLite store written by the previous release");
    let desk = old_store();
    let events = std::fs::read_to_string(fixture("bundle.jsonl"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let verified = desk.ok(&["verify"]);
    let first = verified.lines().next().unwrap_or_default().to_string();
    assert!(
        first.starts_with(&format!(
            "Verified: {events} events, hashes intact, guards in place"
        )),
        "{verified}"
    );
    assert_verified(&verified, &first);
    for (args, expected) in [
        (&["history", "--format", "json"][..], "history.json"),
        (
            &["claim", "list", "--all", "--format", "json"],
            "claims.json",
        ),
        (
            &["report", "conflicts", "--format", "json"],
            "conflicts.json",
        ),
    ] {
        let listing = expected == "claims.json";
        let expected = std::fs::read_to_string(fixture(expected)).unwrap();
        let actual = desk.ok(args);
        if listing {
            assert_eq!(
                without_later_fields(&actual),
                serde_json::from_str::<serde_json::Value>(&expected).unwrap(),
                "factdesk {}",
                args.join(" ")
            );
        } else {
            assert_eq!(actual, expected, "factdesk {}", args.join(" "));
        }
    }
    // What this release adds: the claim whose verdict waits for review says so.
    let claims: serde_json::Value =
        serde_json::from_str(&desk.ok(&["claim", "list", "--all", "--format", "json"])).unwrap();
    let proposed: Vec<(&str, &str)> = claims
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| Some((c["id"].as_str()?, c["proposed_verdict"].as_str()?)))
        .collect();
    assert_eq!(
        proposed,
        vec![("2ffc826d-19f2-4b95-ae76-0145a764a057", "mixed")]
    );
}

/// A claim listing with the members added to the JSON contract since that release left out:
/// `proposed_verdict` (schema 8), written only when a verdict waits for review.
fn without_later_fields(listing: &str) -> serde_json::Value {
    let mut claims: serde_json::Value = serde_json::from_str(listing).unwrap();
    for claim in claims.as_array_mut().unwrap() {
        claim.as_object_mut().unwrap().remove("proposed_verdict");
    }
    claims
}

#[test]
fn a_bundle_written_by_the_previous_release_builds_the_same_store() {
    let desk = Desk::new();
    let bundle = fixture("bundle.jsonl");
    desk.ok(&["import", bundle.to_str().unwrap()]);
    let old = old_store();
    for args in [
        &["history", "--format", "json"][..],
        &["claim", "list", "--all", "--format", "json"],
        &["report", "conflicts", "--format", "json"],
        &["review", "queue", "--format", "json"],
    ] {
        assert_eq!(desk.ok(args), old.ok(args), "factdesk {}", args.join(" "));
    }
    let out = desk.ok(&["verify"]);
    assert!(
        out.starts_with("Verified: 33 events, hashes intact"),
        "{out}"
    );
}
