//! The seed story, built through the library: the Wall Street Journal's report that Iran
//! supplied Russia with short-range ballistic missiles, the Iranian Mission to the UN's denial
//! (as reported by Newsweek, 2024-09-06), the background claims of the same story, the link
//! between allegation and denial, and the evidence — then the dispute and unresolved reports;
//! then the desk's review: a reporter proposes a verdict, an editor approves it, and the store
//! is verified against its history.
//!
//! Run it with `cargo run --release --example iran_missiles` (add `-- --db PATH` to keep the
//! store in a file you can open with `factdesk --db PATH …` or `sqlite3` afterwards).

use std::io::{self, Write};
use std::path::PathBuf;

use factdesk::model::{
    EvidenceStance, NewClaim, NewEvidence, NewSource, Relation, SourceKind, Stance, VerdictKind,
};
use factdesk::report::{ClaimList, DisputedReport, Format, ReviewQueue, Terminal, render};
use factdesk::{NetworkFs, OpenMode, Store};

const ARTICLE: &str = "https://www.newsweek.com/iran-denies-supplying-missiles-russia-ukraine";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let mut store = match args.iter().position(|a| a == "--db") {
        Some(i) => Store::open(
            &PathBuf::from(&args[i + 1]),
            OpenMode::CreateIfMissing,
            NetworkFs::Refuse,
        )?,
        None => Store::open_in_memory()?,
    }
    .with_author("factdesk example");

    for (name, kind) in [
        ("The Wall Street Journal", SourceKind::Outlet),
        ("Newsweek", SourceKind::Outlet),
        ("U.S. and European officials", SourceKind::Anonymous),
        ("Iranian Mission to the UN", SourceKind::Government),
    ] {
        store.add_source(&NewSource {
            name: name.into(),
            kind,
            url: None,
            note: None,
        })?;
    }

    let allegation = store.add_claim(&NewClaim {
        text: "Iran supplied Russia with short-range ballistic missiles".into(),
        claimant: Some("U.S. and European officials".into()),
        reported_by: Some("The Wall Street Journal".into()),
        stance: Some(Stance::Asserts),
        date: Some("2024-09-06".into()),
        quote: Some(
            "a report cited U.S. and European officials alleging that the Islamic Republic had \
             provided Moscow with short-range ballistic missiles"
                .into(),
        ),
        url: Some(ARTICLE.into()),
        tags: vec!["iran".into(), "russia".into(), "ukraine".into()],
    })?;

    let denial = store.add_claim(&NewClaim {
        text: "Iran has not provided weapons to either side of the conflict in Ukraine".into(),
        claimant: Some("Iranian Mission to the UN".into()),
        reported_by: Some("Newsweek".into()),
        stance: Some(Stance::Asserts),
        date: Some("2024-09-06".into()),
        quote: Some(
            "Iran considers the provision of military assistance to the parties engaged in the \
             conflict ... to be inhumane."
                .into(),
        ),
        url: Some(ARTICLE.into()),
        tags: vec!["iran".into(), "russia".into(), "ukraine".into()],
    })?;

    store.add_claim(&NewClaim {
        text: "Iran has provided Russia with vast quantities of drones".into(),
        claimant: Some("U.S. and European officials".into()),
        reported_by: Some("Newsweek".into()),
        quote: Some(
            "U.S. and European officials have previously accused Iran of providing Russia with \
             vast quantities of drones"
                .into(),
        ),
        url: Some(ARTICLE.into()),
        tags: vec!["iran".into(), "drones".into()],
        ..NewClaim::default()
    })?;

    store.add_claim(&NewClaim {
        text: "Iran has sought to purchase Russian Sukhoi Su-35 jets".into(),
        reported_by: Some("Newsweek".into()),
        stance: Some(Stance::Neutral),
        url: Some(ARTICLE.into()),
        tags: vec!["iran".into(), "aircraft".into()],
        ..NewClaim::default()
    })?;

    store.add_link(
        &denial.id,
        &allegation.id,
        Relation::Contradicts,
        Some("Iran's answer to the WSJ report"),
    )?;

    store.add_evidence(
        &allegation.id,
        &NewEvidence {
            stance: EvidenceStance::Supports,
            source: Some("U.S. officials".into()),
            url: None,
            quote: None,
            note: Some("evidence shared with European allies (not public)".into()),
        },
    )?;
    store.add_evidence(
        &allegation.id,
        &NewEvidence {
            stance: EvidenceStance::Context,
            source: Some("Newsweek".into()),
            url: Some(ARTICLE.into()),
            quote: Some(
                "the Russian military has frequently been observed using unmanned aerial vehicles \
             bearing a close resemblance to Iran's Shahed line of loitering munitions"
                    .into(),
            ),
            note: None,
        },
    )?;

    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "== Disputed ==")?;
    render(
        &DisputedReport {
            claims: &store.disputed(None)?,
            graph: None,
        },
        Format::Table,
        &mut out,
        Terminal::default(),
    )?;
    writeln!(out, "\n== Unresolved (no verdict yet) ==")?;
    render(
        &ClaimList(&store.unresolved(None)?),
        Format::Table,
        &mut out,
        Terminal::default(),
    )?;

    // The desk's rule: a verdict stands once a second person has checked it.
    store.set_setting("review.required", "true")?;
    store.set_author("ana (reporter)");
    store.give_verdict(
        &allegation.id,
        VerdictKind::Unverifiable,
        "The officials' evidence has not been made public, and Iran denies the transfer",
    )?;
    writeln!(out, "\n== Waiting for review ==")?;
    render(
        &ReviewQueue(&store.review_queue()?),
        Format::Table,
        &mut out,
        Terminal::default(),
    )?;
    store.set_author("bo (editor)");
    let verdict = store.approve_verdict(&allegation.id, Some("Checked the sourcing"))?;
    let checked = store.verify()?;
    writeln!(
        out,
        "\n== Approved: the allegation is {verdict}. Verified {} events: {} ==",
        checked.events,
        if checked.problems.is_empty() {
            "the tables say what the history says".to_string()
        } else {
            checked.problems.join("; ")
        }
    )?;
    Ok(())
}
