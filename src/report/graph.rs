//! The link graph drawn three ways: Graphviz DOT, Mermaid, and an inline SVG for HTML reports.
//! Nodes are claims coloured by status; edges are links labelled by relation (`supports` is the
//! only directed relation, so it is the only one drawn with an arrow). All user text is escaped
//! for the language it lands in. DOT and Mermaid are also text people read on a terminal (`graph`
//! prints them), so their user text is first made [`visible`] — control, bidi and invisible
//! characters shown as `\e`, `\u{202e}` — and then quoted by the language's rules: the file
//! stays valid, and what it draws shows the escapes as text.

use std::fmt::Write as _;

use crate::model::{Claim, LinkGraph, Relation, Status};

use super::common::{escape_html, short_id, status_colour};
use super::visible::{Newlines, visible};

fn relation_style(relation: Relation) -> (&'static str, &'static str) {
    // (colour, dash pattern)
    match relation {
        Relation::Contradicts => ("#c62828", "6 4"),
        Relation::Supports => ("#2e7d32", ""),
        Relation::Duplicates => ("#455a64", "2 3"),
        Relation::Related => ("#9e9e9e", "1 4"),
    }
}

/// A node's label: its short id and the start of its text, made [`visible`] (cut first, so
/// that no escape is cut in two).
fn label(claim: &Claim, max: usize) -> String {
    let text: String = claim.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = text.chars().take(max).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!(
        "{} {}{more}",
        short_id(&claim.id),
        visible(&cut, Newlines::Escape)
    )
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
            dot_string(&visible(&claim.text, Newlines::Keep))
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

/// The lines of a node's label: its short id and as much of its text as `lines` lines of about
/// `per_line` characters hold, broken at spaces (a word longer than a line is cut).
fn label_lines(claim: &Claim, lines: usize, per_line: usize) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    let mut words = std::iter::once(short_id(&claim.id).to_string())
        .chain(claim.text.split_whitespace().map(str::to_string))
        .peekable();
    while let Some(word) = words.next() {
        let word: String = if word.chars().count() > per_line {
            word.chars().take(per_line - 1).chain(['…']).collect()
        } else {
            word
        };
        let current = out.last_mut().expect("a line");
        let fits =
            current.is_empty() || current.chars().count() + 1 + word.chars().count() <= per_line;
        if fits {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&word);
        } else if out.len() < lines {
            out.push(word);
        } else {
            // No room left: the last line ends with an ellipsis.
            let last = out.last_mut().expect("a line");
            while last.chars().count() + 1 > per_line {
                last.pop();
            }
            last.push('…');
            return out;
        }
        if words.peek().is_none() {
            break;
        }
    }
    out
}

/// An inline SVG drawing that scales to the page's width: claims on a circle (one claim: in the
/// middle) far enough apart that no two nodes overlap, links as lines with their relation
/// written where no node covers it, a legend of the statuses drawn.
pub fn to_svg(graph: &LinkGraph) -> String {
    const LINES: usize = 3;
    const PER_LINE: usize = 38;
    let n = graph.claims.len().max(1);
    let (node_w, node_h) = (250.0_f64, 16.0 * (LINES as f64 + 1.0) + 12.0);
    // Two nodes whose centres are farther apart than a node's diagonal cannot overlap, and on
    // a circle the nearest neighbours are the closest pair.
    let gap = 24.0;
    let radius = if n == 1 {
        0.0
    } else {
        (node_w.hypot(node_h) + gap) / (2.0 * (std::f64::consts::PI / n as f64).sin())
    };
    let width = 2.0 * radius + node_w + 40.0;
    let height = 2.0 * radius + node_h + 80.0;
    let (cx, cy) = (width / 2.0, (height - 30.0) / 2.0);
    let position = |i: usize| {
        let angle = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (cx + radius * angle.cos(), cy + radius * angle.sin())
    };
    let under_a_node = |x: f64, y: f64| {
        (0..graph.claims.len()).any(|i| {
            let (nx, ny) = position(i);
            (x - nx).abs() < node_w / 2.0 + 30.0 && (y - ny).abs() < node_h / 2.0 + 8.0
        })
    };
    let index = |id: &str| graph.claims.iter().position(|c| c.id == id);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"100%\" style=\"max-width: {width:.0}px; height: auto\" role=\"img\" aria-label=\"Link graph of {}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
        super::plural(graph.claims.len() as u64, "claim", "claims")
    );
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#2e7d32\"/></marker></defs>\n");
    let mut edge_labels = String::new();
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
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"{marker}/>"
        );
        // The label goes at the first point along the line, from its middle outwards, that no
        // node covers; it is drawn after the nodes, on a white halo.
        let (lx, ly) = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]
            .into_iter()
            .map(|t| (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t))
            .find(|(x, y)| !under_a_node(*x, *y))
            .unwrap_or(((x1 + x2) / 2.0, (y1 + y2) / 2.0));
        let _ = writeln!(
            edge_labels,
            "<text x=\"{lx:.1}\" y=\"{:.1}\" fill=\"{colour}\" stroke=\"#fff\" stroke-width=\"4\" paint-order=\"stroke\" text-anchor=\"middle\" font-style=\"italic\">{}</text>",
            ly + 4.0,
            link.relation
        );
    }
    for (i, claim) in graph.claims.iter().enumerate() {
        let (x, y) = position(i);
        let top = y - node_h / 2.0;
        let mut texts = String::new();
        for (line, text) in label_lines(claim, LINES, PER_LINE).iter().enumerate() {
            let _ = write!(
                texts,
                "<text x=\"{x:.1}\" y=\"{:.1}\" fill=\"#fff\" text-anchor=\"middle\">{}</text>",
                top + 18.0 + 16.0 * line as f64,
                escape_html(text)
            );
        }
        let _ = writeln!(
            out,
            "<g><title>{}</title><rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{node_w}\" height=\"{node_h}\" rx=\"8\" fill=\"{}\"/>{texts}<text x=\"{x:.1}\" y=\"{:.1}\" fill=\"#fff\" text-anchor=\"middle\" font-weight=\"bold\">{}</text></g>",
            escape_html(&claim.text),
            x - node_w / 2.0,
            status_colour(claim.status),
            top + node_h - 10.0,
            claim.status
        );
    }
    out.push_str(&edge_labels);
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
            proposed_verdict: None,
            retracted: None,
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

    /// The rectangles (x, y, width, height) of an SVG's nodes, and the points of its edge labels.
    fn layout(svg: &str) -> (Vec<[f64; 4]>, Vec<(f64, f64)>) {
        let number = |text: &str, key: &str| -> f64 {
            let start = text.find(&format!(" {key}=\"")).unwrap() + key.len() + 3;
            text[start..].split('"').next().unwrap().parse().unwrap()
        };
        let nodes = svg
            .split("<rect ")
            .skip(1)
            .filter(|r| r.contains("rx=\"8\""))
            .map(|r| {
                let r = format!(" {r}");
                [
                    number(&r, "x"),
                    number(&r, "y"),
                    number(&r, "width"),
                    number(&r, "height"),
                ]
            })
            .collect();
        let labels = svg
            .split("<text ")
            .skip(1)
            .filter(|t| t.contains("font-style=\"italic\""))
            .map(|t| {
                let t = format!(" {t}");
                (number(&t, "x"), number(&t, "y"))
            })
            .collect();
        (nodes, labels)
    }

    #[test]
    fn nodes_never_overlap_and_edge_labels_sit_clear_of_them() {
        for n in [2, 3, 5, 8, 13, 30, 60] {
            let claims: Vec<Claim> = (0..n)
                .map(|i| {
                    claim(
                        &format!("{i:08}-x"),
                        "Iran supplied Russia with short-range ballistic missiles, officials say",
                        Status::Disputed,
                    )
                })
                .collect();
            let links = (0..n)
                .map(|i| Link {
                    id: format!("l{i}"),
                    from_id: claims[i].id.clone(),
                    from_text: String::new(),
                    relation: Relation::Contradicts,
                    to_id: claims[(i + 1) % n].id.clone(),
                    to_text: String::new(),
                    note: None,
                    created_at: String::new(),
                    created_by: String::new(),
                })
                .collect();
            let svg = to_svg(&LinkGraph {
                claims,
                links,
                truncated: false,
            });
            assert!(
                svg.contains("width=\"100%\""),
                "the drawing does not take the page's width"
            );
            let (nodes, labels) = layout(&svg);
            assert_eq!(nodes.len(), n);
            for (i, a) in nodes.iter().enumerate() {
                for b in &nodes[i + 1..] {
                    let apart = a[0] + a[2] <= b[0]
                        || b[0] + b[2] <= a[0]
                        || a[1] + a[3] <= b[1]
                        || b[1] + b[3] <= a[1];
                    assert!(apart, "{n} nodes: {a:?} overlaps {b:?}");
                }
            }
            assert_eq!(labels.len(), n);
            for (x, y) in labels {
                let covered = nodes
                    .iter()
                    .any(|r| x > r[0] && x < r[0] + r[2] && y > r[1] && y < r[1] + r[3]);
                assert!(
                    !covered,
                    "{n} nodes: a label at ({x}, {y}) sits under a node"
                );
            }
        }
    }

    #[test]
    fn a_node_shows_three_lines_of_its_claim() {
        let text = claim(
            "12345678-x",
            "Iran has transferred hundreds of Fath-360 close-range ballistic missiles to Russia, according to U.S. intelligence assessments",
            Status::Disputed,
        );
        assert_eq!(
            label_lines(&text, 3, 38),
            vec![
                "12345678 Iran has transferred hundreds",
                "of Fath-360 close-range ballistic",
                "missiles to Russia, according to U.S.…",
            ]
        );
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
