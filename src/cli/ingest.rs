//! `factdesk ingest FILE`: the attributed statements of an article as candidate claims, the links
//! the linker proposes between them, and, with `--accept`, each logged as a claim (its quote
//! kept, the article as its reporter) with the linker's proposals against the store.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{Context, Ui};
use crate::error::{Error, Result};
use crate::ingest::{Statement, statements};
use crate::linker::{self, AnalyzedCandidate, Candidate, WEIGHTS};
use crate::model::{NewClaim, Relation};
use crate::report::{Table, View, proposal_line};
use crate::store::LinkQuery;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The article, as plain text.
    file: PathBuf,
    /// Who published the article (the claims' reporter unless --reported-by says otherwise).
    #[arg(long, value_name = "NAME")]
    source: String,
    /// Who reported the claims, when not the publisher.
    #[arg(long, value_name = "NAME")]
    reported_by: Option<String>,
    /// The article's address, kept on every claim.
    #[arg(long)]
    url: Option<String>,
    /// Log every statement found as a claim.
    #[arg(long)]
    accept: bool,
}

/// The score a link between two statements of one article needs to be proposed.
const PROPOSAL_SCORE: f64 = 0.3;

/// In an article with up to this many statements, every statement is compared with every one
/// before it.
const ALL_PAIRS_UP_TO: usize = 200;

/// In a longer text, each statement is compared with the nearest ones before it, as many as
/// keeps the comparisons within those of an article of [`ALL_PAIRS_UP_TO`] statements, but at
/// least this many: finding the links takes time in proportion to the text's length, not to its
/// square.
const COMPARED_WITH_AT_LEAST: usize = 10;

/// How many of the statements before it each of `count` statements is compared with.
fn compared_with(count: usize) -> usize {
    if count <= ALL_PAIRS_UP_TO {
        count
    } else {
        (ALL_PAIRS_UP_TO * ALL_PAIRS_UP_TO / count).max(COMPARED_WITH_AT_LEAST)
    }
}

/// A link the linker proposes between two statements, by their numbers (from 1) in the article.
#[derive(Debug, Serialize)]
struct ProposedLink {
    from: usize,
    to: usize,
    relation: Relation,
    score: f64,
    reason: String,
}

/// Links the linker proposes between the statements themselves.
fn proposals_between(found: &[Statement]) -> Vec<ProposedLink> {
    let candidates: Vec<Candidate> = found
        .iter()
        .enumerate()
        .map(|(j, s)| Candidate {
            id: j.to_string(),
            text: s.text.clone(),
            context: None,
            claimant: Some(s.claimant.clone()),
            stance: s.stance,
            date: None,
            bm25: 1.0,
        })
        .collect();
    // Each statement is analyzed once, and only the analyses of the statements it is compared
    // with are kept.
    let compared_with = compared_with(found.len());
    let mut window: VecDeque<AnalyzedCandidate> = VecDeque::with_capacity(compared_with);
    let mut out = Vec::new();
    for (i, (statement, candidate)) in found.iter().zip(&candidates).enumerate() {
        let query = AnalyzedCandidate::new(candidate);
        let proposals = linker::rank_related(
            &linker::Query {
                text: &query.text,
                stance: statement.stance,
                claimant: Some(&statement.claimant),
                date: None,
            },
            window.make_contiguous(),
            WEIGHTS,
        )
        .into_iter()
        .filter(|p| p.score >= PROPOSAL_SCORE && p.relation != Relation::Related);
        for proposal in proposals {
            let j: usize = proposal.id.parse().expect("an index");
            out.push(ProposedLink {
                from: i + 1,
                to: j + 1,
                relation: proposal.relation,
                score: proposal.score,
                reason: proposal.reason,
            });
        }
        if window.len() == compared_with {
            window.pop_front();
        }
        if compared_with > 0 {
            window.push_back(query);
        }
    }
    out
}

/// What `ingest` found, before anything is logged.
#[derive(Serialize)]
struct Preview {
    statements: Vec<Statement>,
    proposed_links: Vec<ProposedLink>,
}

impl View for Preview {
    fn table(&self) -> Table {
        Table {
            headers: vec!["#", "CLAIMANT", "STANCE", "CLAIM"],
            rows: self
                .statements
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    vec![
                        (i + 1).to_string(),
                        s.claimant.clone(),
                        s.stance.to_string(),
                        s.text.clone(),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("statements serialise")
    }

    /// Straight from the statements: a huge article's preview is never built as one value.
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }

    fn empty(&self) -> &'static str {
        "No attributed statements found."
    }
}

pub fn run(args: IngestArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    super::check_url_flag("--url", args.url.as_deref())?;
    let article = std::fs::read_to_string(&args.file)
        .map_err(|e| Error::invalid(format!("cannot read '{}': {e}", args.file.display())))?;
    let found = statements(&article);
    drop(article);
    if !args.accept {
        let preview = Preview {
            proposed_links: proposals_between(&found),
            statements: found,
        };
        ui.show("Statements found", &preview)?;
        if ui.format == crate::report::Format::Table && !preview.proposed_links.is_empty() {
            writeln!(ui.out, "\nProposed links between them:")?;
            for link in &preview.proposed_links {
                writeln!(
                    ui.out,
                    "  #{} {}? #{}  {:.2}  {}",
                    link.from, link.relation, link.to, link.score, link.reason
                )?;
            }
        }
        if ui.format == crate::report::Format::Table && !preview.statements.is_empty() {
            writeln!(
                ui.out,
                "\n(nothing logged; run again with --accept to log them)"
            )?;
        }
        return Ok(());
    }
    let mut store = ctx.open()?;
    let reported_by = args
        .reported_by
        .clone()
        .unwrap_or_else(|| args.source.clone());
    let mut logged = Vec::new();
    for statement in &found {
        let claim = store.add_claim(&NewClaim {
            text: statement.text.clone(),
            claimant: Some(statement.claimant.clone()),
            reported_by: Some(reported_by.clone()),
            stance: Some(statement.stance),
            url: crate::model::optional_text(args.url.clone()),
            quote: Some(statement.quote.clone()),
            ..NewClaim::default()
        })?;
        writeln!(
            ui.out,
            "{}  {}  {}: {}",
            claim.id, statement.stance, statement.claimant, statement.text
        )?;
        for proposal in store.suggest_links(&LinkQuery::Claim(claim.id.clone()), 3)? {
            if proposal.score >= PROPOSAL_SCORE && proposal.relation != Relation::Related {
                writeln!(ui.out, "    possibly: {}", proposal_line(&proposal))?;
            }
        }
        logged.push(claim.id);
    }
    writeln!(
        ui.out,
        "Logged {} from {}.",
        crate::report::plural(logged.len() as u64, "claim", "claims"),
        args.file.display()
    )?;
    Ok(())
}
