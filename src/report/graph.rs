//! The link graph drawn three ways: Graphviz DOT, Mermaid, and an inline SVG for HTML reports.
//! Nodes are claims coloured by status; edges are links labelled by relation (`supports` is the
//! only directed relation, so it is the only one drawn with an arrow). All user text is escaped
//! for the language it lands in.

use std::fmt::Write as _;

use crate::model::{Claim, LinkGraph, Relation, Status};

use super::views::short_id;

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

fn relation_style(relation: Relation) -> (&'static str, &'static str) {
    // (colour, dash pattern)
    match relation {
        Relation::Contradicts => ("#c62828", "6 4"),
        Relation::Supports => ("#2e7d32", ""),
        Relation::Duplicates => ("#455a64", "2 3"),
        Relation::Related => ("#9e9e9e", "1 4"),
    }
}

/// A node's label: its short id and the start of its text.
fn label(claim: &Claim, max: usize) -> String {
    let text: String = claim.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = text.chars().take(max).collect();
    let cut = if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    };
    format!("{} {cut}", short_id(&claim.id))
}

fn dot_string(text: &str) -> String {
    format!(
        "\"{}\"",
        text.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

/// Graphviz DOT.
pub fn to_dot(graph: &LinkGraph) -> String {
    let mut out = String::from(
        "digraph claims {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontcolor=white, fontname=\"Helvetica\"];\n",
    );
    for claim in &graph.claims {
        let _ = writeln!(
            out,
            "  {} [label={}, fillcolor=\"{}\", tooltip={}];",
            dot_string(short_id(&claim.id)),
            dot_string(&format!("{}\n{}", label(claim, 40), claim.status)),
            status_colour(claim.status),
            dot_string(&claim.text)
        );
    }
    for link in &graph.links {
        let (colour, dash) = relation_style(link.relation);
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, color=\"{colour}\", fontcolor=\"{colour}\"{}{}];",
            dot_string(short_id(&link.from_id)),
            dot_string(short_id(&link.to_id)),
            dot_string(link.relation.as_str()),
            if dash.is_empty() {
                ""
            } else {
                ", style=dashed"
            },
            if link.relation.is_symmetric() {
                ", dir=none"
            } else {
                ""
            }
        );
    }
    out.push_str("}\n");
    out
}

/// Mermaid (a `graph LR` flowchart), for Markdown pages that render it.
pub fn to_mermaid(graph: &LinkGraph) -> String {
    let mermaid_text = |t: &str| {
        t.replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
    };
    let mut out = String::from("graph LR\n");
    for claim in &graph.claims {
        let _ = writeln!(
            out,
            "  c{}[\"{}<br/>{}\"]",
            short_id(&claim.id),
            mermaid_text(&label(claim, 40)),
            claim.status
        );
    }
    for link in &graph.links {
        let arrow = if link.relation.is_symmetric() {
            "---"
        } else {
            "-->"
        };
        let _ = writeln!(
            out,
            "  c{} {arrow}|{}| c{}",
            short_id(&link.from_id),
            link.relation,
            short_id(&link.to_id)
        );
    }
    for status in Status::ALL {
        if graph.claims.iter().any(|c| c.status == *status) {
            let members: Vec<String> = graph
                .claims
                .iter()
                .filter(|c| c.status == *status)
                .map(|c| format!("c{}", short_id(&c.id)))
                .collect();
            let _ = writeln!(
                out,
                "  classDef {status} fill:{},color:#fff",
                status_colour(*status)
            );
            let _ = writeln!(out, "  class {} {status}", members.join(","));
        }
    }
    out
}

/// Escapes text for HTML and SVG.
pub fn escape_html(text: &str) -> String {
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

/// An inline SVG drawing: claims on a circle (one claim: in the middle), links as lines with
/// their relation written at the middle, a legend of the statuses drawn.
pub fn to_svg(graph: &LinkGraph) -> String {
    let n = graph.claims.len().max(1);
    let radius = if n == 1 {
        0.0
    } else {
        (90.0 * n as f64 / std::f64::consts::TAU).max(140.0)
    };
    let (node_w, node_h) = (240.0, 46.0);
    let width = 2.0 * radius + node_w + 40.0;
    let height = 2.0 * radius + node_h + 80.0;
    let (cx, cy) = (width / 2.0, (height - 30.0) / 2.0);
    let position = |i: usize| {
        let angle = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (cx + radius * angle.cos(), cy + radius * angle.sin())
    };
    let index = |id: &str| graph.claims.iter().position(|c| c.id == id);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-label=\"Link graph of {} claims\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">",
        graph.claims.len()
    );
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#2e7d32\"/></marker></defs>\n");
    for link in &graph.links {
        let (Some(a), Some(b)) = (index(&link.from_id), index(&link.to_id)) else {
            continue;
        };
        let ((x1, y1), (x2, y2)) = (position(a), position(b));
        let (colour, dash) = relation_style(link.relation);
        let marker = if link.relation.is_symmetric() {
            ""
        } else {
            " marker-end=\"url(#arrow)\""
        };
        let _ = writeln!(
            out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"{marker}/>\n<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{colour}\" text-anchor=\"middle\" font-style=\"italic\">{}</text>",
            (x1 + x2) / 2.0,
            (y1 + y2) / 2.0 - 4.0,
            link.relation
        );
    }
    for (i, claim) in graph.claims.iter().enumerate() {
        let (x, y) = position(i);
        let _ = writeln!(
            out,
            "<g><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{node_w}\" height=\"{node_h}\" rx=\"8\" fill=\"{}\"/><text x=\"{x:.1}\" y=\"{:.1}\" fill=\"#fff\" text-anchor=\"middle\">{}</text><text x=\"{x:.1}\" y=\"{:.1}\" fill=\"#fff\" text-anchor=\"middle\" font-weight=\"bold\">{}</text></g>",
            escape_html(&claim.text),
            x - node_w / 2.0,
            y - node_h / 2.0,
            status_colour(claim.status),
            y - 4.0,
            escape_html(&label(claim, 28)),
            y + 13.0,
            claim.status
        );
    }
    let mut legend_x = 10.0;
    for status in Status::ALL
        .iter()
        .filter(|s| graph.claims.iter().any(|c| c.status == **s))
    {
        let _ = writeln!(
            out,
            "<rect x=\"{legend_x:.0}\" y=\"{:.0}\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\"/><text x=\"{:.0}\" y=\"{:.0}\">{status}</text>",
            height - 22.0,
            status_colour(*status),
            legend_x + 16.0,
            height - 12.0
        );
        legend_x += 100.0;
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Link, Stance};

    fn claim(id: &str, text: &str, status: Status) -> Claim {
        Claim {
            id: id.into(),
            text: text.into(),
            claimant: None,
            reported_by: None,
            stance: Stance::Asserts,
            status,
            verdict: None,
            verdict_rationale: None,
            url: None,
            quote: None,
            date: None,
            tags: vec![],
            created_at: String::new(),
            created_by: String::new(),
        }
    }

    fn graph() -> LinkGraph {
        let a = claim("aaaaaaaa-1", "Iran supplied \"missiles\"", Status::Disputed);
        let b = claim("bbbbbbbb-2", "<script>alert(1)</script>", Status::Refuted);
        let link = Link {
            id: "l".into(),
            from_id: b.id.clone(),
            from_text: b.text.clone(),
            relation: Relation::Contradicts,
            to_id: a.id.clone(),
            to_text: a.text.clone(),
            note: None,
            created_at: String::new(),
            created_by: String::new(),
        };
        LinkGraph {
            claims: vec![a, b],
            links: vec![link],
            truncated: false,
        }
    }

    #[test]
    fn dot_and_mermaid_label_edges_and_colour_nodes() {
        let dot = to_dot(&graph());
        assert!(dot.contains("\"aaaaaaaa\" [label=\"aaaaaaaa Iran supplied \\\"missiles\\\"\\ndisputed\", fillcolor=\"#ef6c00\""), "{dot}");
        assert!(dot.contains("\"bbbbbbbb\" -> \"aaaaaaaa\" [label=\"contradicts\", color=\"#c62828\", fontcolor=\"#c62828\", style=dashed, dir=none];"), "{dot}");
        let mermaid = to_mermaid(&graph());
        assert!(
            mermaid.contains("  cbbbbbbbb ---|contradicts| caaaaaaaa\n"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains(
                "cbbbbbbbb[\"bbbbbbbb #lt;script#gt;alert(1)#lt;/script#gt;<br/>refuted\"]"
            ),
            "{mermaid}"
        );
        assert!(
            mermaid.contains(
                "classDef disputed fill:#ef6c00,color:#fff\n  class caaaaaaaa disputed\n"
            ),
            "{mermaid}"
        );
    }

    #[test]
    fn the_svg_escapes_user_text() {
        let svg = to_svg(&graph());
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg.contains("Iran supplied &quot;missiles&quot;"));
        assert_eq!(svg.matches("<line ").count(), 1);
    }
}
