//! `factdesk graph [ID]`: the link graph around a claim, or around the disputed claims, as
//! Graphviz DOT (the default), Mermaid, JSON, or an HTML page with the graph drawn in SVG.

use clap::Args;

use super::OutputArgs;
use super::{AsOfArgs, Context, Ui};
use crate::error::Result;
use crate::report::graph::{to_dot, to_mermaid, to_svg};
use crate::report::html::{Section, write_page};
use crate::report::{Format, write_json};

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The claim at the centre (id or unique prefix); without it, the disputed claims and what
    /// they link to.
    claim_id: Option<String>,
    /// How many links out from the claim to follow.
    #[arg(long, value_name = "N", default_value_t = 2)]
    depth: usize,
    /// At most this many claims in the graph.
    #[arg(long, value_name = "N", default_value_t = 100)]
    limit: usize,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    as_of: AsOfArgs,
}

pub fn run(args: GraphArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let offered = [Format::Dot, Format::Mermaid, Format::Json, Format::Html];
    let format = match ctx.format {
        None => Format::Dot,
        Some(f) if offered.contains(&f) => f,
        Some(f) => return Err(f.unsupported("graph", &offered)),
    };
    let graph = ctx.open_as_of(&args.as_of)?.link_graph(
        args.claim_id.as_deref(),
        args.depth,
        args.limit,
    )?;
    if graph.truncated {
        writeln!(
            ui.err,
            "(the graph was cut at {}; use --limit N for more)",
            crate::report::plural(args.limit as u64, "claim", "claims")
        )?;
    }
    ui.to_file(args.output.output.as_deref(), |ui| {
        match format {
            Format::Dot => ui.out.raw()?.write_all(to_dot(&graph).as_bytes())?,
            Format::Mermaid => ui.out.raw()?.write_all(to_mermaid(&graph).as_bytes())?,
            Format::Json => write_json(
                &serde_json::to_value(&graph).expect("model values serialise"),
                ui.out.raw()?,
            )?,
            _ => {
                let title = match &args.claim_id {
                    Some(id) => format!("Claims linked to {id}"),
                    None => "Disputed claims and their links".to_string(),
                };
                let sections = [Section::Svg(to_svg(&graph))];
                write_page(&title, &ui.page_meta, &sections, ui.out.raw()?)?;
            }
        }
        Ok(())
    })
}
