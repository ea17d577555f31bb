//! `factdesk ingest FILE`: the attributed statements of an article (a file, or `-` for standard
//! input, at most 16 MiB) as numbered candidate claims, the links the linker proposes between
//! them, and, with `--accept` (all of them) or `--accept 1,3` (those chosen), the candidates
//! logged as claims in one transaction — each with its quote, the article's date and address,
//! and as its reporter the outlet the article names for it, else `--reported-by`, else
//! `--source` — followed by the linker's proposals for each: against the claims the store held
//! before the article, and against the statements before it in the article as the preview
//! compares them, so that logging takes time in proportion to the article's length.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{Context, Ui};
use crate::error::{Error, Result};
use crate::ingest::{Statement, statements};
use crate::linker::thresholds::{ALL_PAIRS_UP_TO, ARTICLE_PROPOSAL_SCORE, COMPARED_WITH_AT_LEAST};
use crate::linker::{self, AnalyzedCandidate, Candidate, Proposal, WEIGHTS};
use crate::model::{ClaimRecord, NewClaim, Relation};
use crate::report::{Table, View, proposal_line};
use crate::store::{ImportOptions, LinkQuery, Located};

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The article, as plain text ("-" for standard input; at most 16 MiB).
    file: PathBuf,
    /// Who published the article (the claims' reporter unless --reported-by says otherwise).
    #[arg(long, value_name = "NAME")]
    source: String,
    /// Who reported the claims, when not the publisher (a candidate the article says another
    /// outlet reported first keeps that outlet).
    #[arg(long, value_name = "NAME")]
    reported_by: Option<String>,
    /// The article's address, kept on every claim.
    #[arg(long)]
    url: Option<String>,
    /// The article's date (YYYY-MM-DD), kept as the date of every claim the article does not
    /// say is older ("have previously accused").
    #[arg(long)]
    date: Option<String>,
    /// Log the candidates as claims: all of them, or those numbered (as the preview shows them,
    /// from 1), e.g. --accept 1,3.
    #[arg(long, value_name = "N,N…", num_args = 0..=1)]
    accept: Option<Option<String>>,
}

/// The candidates `--accept` chose, by their numbers from 1 (`None` for all of them): each a
/// number of a candidate, each once, or a one-line error naming the problem.
fn chosen(list: Option<&str>, count: usize) -> Result<Vec<usize>> {
    let Some(list) = list else {
        return Ok((0..count).collect());
    };
    let shown = crate::model::shown_value(list);
    let bad = |why: String| Error::usage(format!("--accept '{shown}': {why}"));
    if list.trim().is_empty() {
        return Err(bad(
            "expected candidate numbers as the preview shows them, like 1,3".into(),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for item in list.split(',').map(str::trim) {
        let n: usize = match item.parse() {
            Ok(n) if !item.starts_with('+') => n,
            _ if item.is_empty() => return Err(bad("an empty item between commas".into())),
            _ => {
                return Err(bad(format!(
                    "'{}' is not a candidate number (give numbers as the preview shows them, like 1,3)",
                    crate::model::shown_value(item)
                )));
            }
        };
        if n == 0 {
            return Err(bad("candidates are numbered from 1".into()));
        }
        if n > count {
            return Err(bad(match count {
                0 => "the article has no candidates".into(),
                1 => format!("there is no candidate {n}: the article has 1"),
                _ => format!("there is no candidate {n}: the article has {count}"),
            }));
        }
        if !seen.insert(n) {
            return Err(bad(format!("candidate {n} is named twice")));
        }
        out.push(n - 1);
    }
    Ok(out)
}

/// Reads the article from its file, or from standard input for "-", holding at most
/// [`MAX_ARTICLE_BYTES`](crate::input::MAX_ARTICLE_BYTES) (16 MiB).
fn read_article(file: &std::path::Path) -> Result<String> {
    let name = file.display();
    let cannot = |why: String| Error::invalid(format!("cannot read '{name}': {why}"));
    let read = if file.as_os_str() == "-" {
        crate::input::read_article(io::stdin().lock())
    } else {
        let opened = std::fs::File::open(file).map_err(|e| cannot(e.to_string()))?;
        crate::input::read_article(opened)
    };
    let bytes = read.map_err(|e| cannot(e.to_string()))?.ok_or_else(|| {
        cannot(format!(
            "the article is longer than {} MiB",
            crate::input::MAX_ARTICLE_BYTES >> 20
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| cannot("it is not UTF-8 text".into()))
}

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
            // Statements not logged yet have no vectors: they are compared by their words.
            similarity: None,
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
        .filter(|p| p.score >= ARTICLE_PROPOSAL_SCORE && p.relation != Relation::Related);
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

/// How many proposals `--accept` shows under each claim it logs.
const SHOWN_PER_CLAIM: usize = 3;

/// The links `--accept` proposes for each chosen statement (logged as `ids`), best first: the
/// store's claims as they were before the article, as `link suggest` finds them for the
/// statement's text, stance and date; and the statements before it in the article, as the
/// preview compares them (in a long article the nearest ones, see [`compared_with`]). Asking
/// the store after logging would have had each statement's full-text query rank every other
/// statement of the article sharing a word with it: time growing with the square of the
/// article. This way each statement costs one query on the store it was added to, and a
/// bounded number of comparisons.
fn proposals_for(
    store: &crate::store::Store,
    found: &[Statement],
    chosen: &[usize],
    ids: &[String],
    date: Option<&str>,
) -> Result<Vec<Vec<Proposal>>> {
    let shown = |p: &Proposal| p.score >= ARTICLE_PROPOSAL_SCORE && p.relation != Relation::Related;
    let mut out = Vec::with_capacity(chosen.len());
    for &i in chosen {
        let statement = &found[i];
        let query = LinkQuery::Dated(
            statement.text.clone(),
            statement.stance,
            date.filter(|_| !statement.earlier).map(str::to_string),
        );
        let mut proposals = store.suggest_links(&query, SHOWN_PER_CLAIM)?;
        proposals.retain(shown);
        out.push(proposals);
    }
    // Where each chosen statement is among the logged ones.
    let logged_as: HashMap<usize, usize> =
        chosen.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    for link in proposals_between(found) {
        let (Some(&from), Some(&to)) = (
            logged_as.get(&(link.from - 1)),
            logged_as.get(&(link.to - 1)),
        ) else {
            continue;
        };
        let other = &found[link.to - 1];
        out[from].push(Proposal {
            id: ids[to].clone(),
            text: other.text.clone(),
            claimant: Some(other.claimant.clone()),
            relation: link.relation,
            score: link.score,
            reason: link.reason,
        });
    }
    for proposals in &mut out {
        proposals.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        proposals.truncate(SHOWN_PER_CLAIM);
    }
    Ok(out)
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
            headers: vec!["#", "CLAIMANT", "STANCE", "REPORTED BY", "CLAIM"],
            rows: self
                .statements
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    vec![
                        (i + 1).to_string(),
                        s.claimant.clone(),
                        s.stance.to_string(),
                        s.reported_by.clone().unwrap_or_default(),
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
    // The same date rule as `claim add --date`, checked before anything is read or written.
    let date = crate::model::optional_text(args.date.clone())
        .map(|d| crate::model::parse_date(&d))
        .transpose()?;
    let article = read_article(&args.file)?;
    let mut found = statements(&article);
    drop(article);
    // Each candidate's reporter: the outlet the article names for it, else the article's.
    let reporter = args
        .reported_by
        .clone()
        .and_then(|r| crate::model::optional_text(Some(r)))
        .unwrap_or_else(|| args.source.clone());
    for statement in &mut found {
        statement
            .reported_by
            .get_or_insert_with(|| reporter.clone());
    }
    let Some(accept) = &args.accept else {
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
                "\n(nothing logged; run again with --accept to log them all, or --accept 1,3 to log those numbered)"
            )?;
        }
        return Ok(());
    };
    let chosen = chosen(accept.as_deref(), found.len())?;
    // A logged statement is a record like an imported one, held to the same limit (an article
    // is allowed more, being many statements).
    if let Some(&i) = chosen
        .iter()
        .find(|&&i| found[i].text.len() + found[i].quote.len() > crate::input::MAX_RECORD_BYTES)
    {
        return Err(Error::invalid(format!(
            "candidate {}: {}; nothing was logged",
            i + 1,
            crate::input::too_long()
        )));
    }
    let mut store = ctx.open_linking(ui)?;
    let ids: Vec<String> = chosen.iter().map(|_| crate::store::new_id()).collect();
    let proposals = proposals_for(&store, &found, &chosen, &ids, date.as_deref())?;
    let from_stdin = args.file.as_os_str() == "-";
    let origin = if from_stdin {
        "-".to_string()
    } else {
        args.file
            .file_name()
            .map_or_else(|| "-".into(), |n| n.to_string_lossy().into_owned())
    };
    let records = chosen.iter().zip(&ids).map(|(&i, id)| {
        let statement = &found[i];
        Ok(Located {
            location: format!("candidate {}", i + 1),
            value: ClaimRecord {
                id: Some(id.clone()),
                claim: NewClaim {
                    text: statement.text.clone(),
                    claimant: Some(statement.claimant.clone()),
                    reported_by: statement.reported_by.clone(),
                    stance: Some(statement.stance),
                    url: crate::model::optional_text(args.url.clone()),
                    quote: Some(statement.quote.clone()),
                    // A statement the article dates before itself keeps no date.
                    date: date.clone().filter(|_| !statement.earlier),
                    tags: Vec::new(),
                },
                logged: None,
                evidence: Vec::new(),
                verdict: None,
                links: Vec::new(),
            },
        })
    });
    let mut named: Vec<&str> = Vec::new();
    for &i in &chosen {
        let statement = &found[i];
        for name in [
            Some(statement.claimant.as_str()),
            statement.reported_by.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            if !named
                .iter()
                .any(|n| crate::model::source_key(n) == crate::model::source_key(name))
            {
                named.push(name);
            }
        }
    }
    let named: Vec<Option<&str>> = named.into_iter().map(Some).collect();
    let notes = super::source::resemblance_notes(&store, &named)?;
    // All the chosen candidates are logged in one transaction, or none is: the store's import,
    // whose events name the article.
    store.import(
        records,
        &ImportOptions {
            origin,
            dry_run: false,
            skip_invalid: false,
            trust_verdicts: false,
        },
    )?;
    super::source::print_notes(ui, &notes)?;
    for ((id, &i), proposals) in ids.iter().zip(&chosen).zip(&proposals) {
        let statement = &found[i];
        writeln!(
            ui.out,
            "{id}  {}  {}: {}",
            statement.stance, statement.claimant, statement.text
        )?;
        for proposal in proposals {
            writeln!(ui.out, "    possibly: {}", proposal_line(proposal))?;
        }
    }
    let name = if from_stdin {
        "standard input".to_string()
    } else {
        args.file.display().to_string()
    };
    writeln!(
        ui.out,
        "Logged {} from {name}.",
        crate::report::plural(chosen.len() as u64, "claim", "claims"),
    )?;
    Ok(())
}
