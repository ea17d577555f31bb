//! `factdesk ingest FILE`: the attributed statements of an article as candidate claims, the links
//! the linker proposes between them, and, with `--accept`, each logged as a claim (its quote
//! kept, the article as its reporter) with the linker's proposals against the store.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{Context, Ui};
use crate::error::{Error, Result};
use crate::ingest::{Statement, statements};
use crate::linker::{self, Candidate, WEIGHTS};
use crate::model::{NewClaim, Relation};
use crate::report::{Table, TableView, proposal_line};
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

/// Links the linker proposes between the statements themselves: (from, to, relation, score, reason).
fn proposals_between(found: &[Statement]) -> Vec<(usize, usize, Relation, f64, String)> {
    let mut out = Vec::new();
    for (i, statement) in found.iter().enumerate() {
        let others: Vec<Candidate> = found
            .iter()
            .enumerate()
            .filter(|(j, _)| *j < i)
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
        let analyzed = linker::analyze(&statement.text);
        for proposal in linker::rank(&analyzed, statement.stance, None, &others, WEIGHTS) {
            if proposal.score >= PROPOSAL_SCORE && proposal.relation != Relation::Related {
                let j: usize = proposal.id.parse().expect("an index");
                out.push((i, j, proposal.relation, proposal.score, proposal.reason));
            }
        }
    }
    out
}

pub fn run(args: IngestArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    super::check_url_flag("--url", args.url.as_deref())?;
    let article = std::fs::read_to_string(&args.file)
        .map_err(|e| Error::invalid(format!("cannot read '{}': {e}", args.file.display())))?;
    let found = statements(&article);
    if !args.accept {
        let table = Table {
            headers: vec!["#", "CLAIMANT", "STANCE", "CLAIM"],
            rows: found
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
        };
        let links = proposals_between(&found);
        let json = serde_json::json!({
            "statements": found,
            "proposed_links": links.iter().map(|(i, j, relation, score, reason)| serde_json::json!({
                "from": i + 1, "to": j + 1, "relation": relation, "score": score, "reason": reason,
            })).collect::<Vec<_>>(),
        });
        ui.show(
            "Statements found",
            &TableView {
                table,
                json,
                empty: "No attributed statements found.",
            },
        )?;
        if ui.format == crate::report::Format::Table && !links.is_empty() {
            writeln!(ui.out, "\nProposed links between them:")?;
            for (i, j, relation, score, reason) in &links {
                writeln!(
                    ui.out,
                    "  #{} {relation}? #{}  {score:.2}  {reason}",
                    i + 1,
                    j + 1
                )?;
            }
        }
        if ui.format == crate::report::Format::Table && !found.is_empty() {
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
