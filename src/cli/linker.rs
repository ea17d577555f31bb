//! `factdesk linker …`: upkeep of the linker's own data — `linker index` gives every claim its
//! vector from the configured sentence-embedding model (`linker.model`).
//!
//! It parses arguments, shows progress and reports what was done; it must not hold the
//! indexing itself (that is the store's `index_embeddings`).

use std::io::{self, IsTerminal};

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, Ui};
use crate::error::{Error, Result};
use crate::report::plural;

#[derive(Debug, Subcommand)]
pub enum LinkerCommand {
    /// Embed every claim that has no vector of the configured model (`linker.model`), in
    /// batches each committed on its own: a run cut short keeps what it did, and the next run
    /// does the rest. Needs a build with the `semantic` feature.
    #[command(after_help = "Examples:\n  factdesk linker index")]
    Index,
}

pub fn run(cmd: LinkerCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        LinkerCommand::Index => index(ctx, ui),
    }
}

fn index(ctx: &Context, ui: &mut Ui) -> Result<()> {
    let mut store = ctx.open()?;
    if ctx.linker_model(&store)?.is_none() {
        return Err(Error::invalid(
            "no embedding model is set: set one with `factdesk config set linker.model DIR` \
             (or linker.model in the user config)",
        ));
    }
    if cfg!(not(feature = "semantic")) {
        return Err(Error::invalid(super::context::NOT_BUILT_IN));
    }
    drop(store);
    store = ctx.open_linking(ui)?;
    let bar = if io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} claims embedded ({eta} left)")
            .expect("valid template"),
    );
    let started = std::time::Instant::now();
    let summary = store.index_embeddings(&mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    let summary = summary?;
    let removed = (summary.removed > 0).then(|| {
        format!(
            "removed {} an earlier factdesk computed with this model",
            plural(summary.removed as u64, "vector", "vectors")
        )
    });
    let line = if summary.embedded == 0 {
        format!(
            "All {} already have a vector of model {}; {}",
            plural(summary.already as u64, "claim", "claims"),
            summary.model,
            removed.as_deref().unwrap_or("nothing to do")
        )
    } else {
        let seconds = started.elapsed().as_secs_f64();
        writeln!(
            ui.err,
            "factdesk: embedded {} in {seconds:.1} s ({:.0} claims/s)",
            plural(summary.embedded as u64, "claim", "claims"),
            summary.embedded as f64 / seconds.max(1e-9)
        )?;
        format!(
            "Embedded {} with model {} ({} had a vector already){}",
            plural(summary.embedded as u64, "claim", "claims"),
            summary.model,
            summary.already,
            removed.map(|note| format!("; {note}")).unwrap_or_default()
        )
    };
    ui.confirm(&line, &summary)
}
