//! The listings factdesk prints: claims, one claim explained, the dispute report, sources,
//! evidence, links and history — each as columns, as JSON, and where it reads better, as a
//! text layout of its own.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::common::{clip, or_empty, short_id, status_cell, when};
use super::graph::to_svg;
use super::html::Section;
use super::{Newlines, Table, Terminal, View, visible, write_prepared};
use crate::history::{Change, Edit, Event};
use crate::linker::Proposal;
use crate::model::{
    Claim, ClaimChange, Comment, Conflict, Evidence, ExplainedClaim, Link, LinkGraph,
    ProposedVerdict, RecordKind, SearchHit, SearchScope, Setting, SideItem, Source,
};

/// A value as the text layouts show it: `-` when empty.
fn shown(value: &str) -> &str {
    if value.is_empty() { "-" } else { value }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("model values serialise")
}

/// A list of claims.
pub struct ClaimList<'a>(pub &'a [Claim]);

impl View for ClaimList<'_> {
    fn empty(&self) -> &'static str {
        "No claims."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec![
                "ID", "STATUS", "CLAIMANT", "STANCE", "CLAIM", "DATE", "TAGS",
            ],
            rows: self
                .0
                .iter()
                .map(|c| {
                    vec![
                        short_id(&c.id).into(),
                        status_cell(c),
                        or_empty(&c.claimant),
                        c.stance.to_string(),
                        c.text.clone(),
                        or_empty(&c.date),
                        c.tags.join(", "),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// One item for or against a claim, on one line. The claimant says how they hold the claim when
/// they deny it ("claimant Yvette Cooper (denies)"); another claim says who made it, how they
/// hold it and its verdict ("claim 172c53e8 (Yvette Cooper, denies): …"), so a denial worded
/// like the allegation it answers never reads as the claim contradicting itself.
fn item_line(item: &SideItem) -> String {
    use crate::model::{ItemKind, Stance};
    match item.kind {
        ItemKind::Claimant => match item.stance {
            Some(Stance::Denies) => format!("claimant {} (denies)", item.text),
            _ => format!("claimant {}", item.text),
        },
        ItemKind::Claim => {
            let mut about: Vec<String> = item.claimant.iter().cloned().collect();
            about.extend(item.stance.map(|s| s.to_string()));
            let mut about = about.join(", ");
            if let Some(verdict) = item.verdict {
                about = if about.is_empty() {
                    verdict.to_string()
                } else {
                    format!("{about}; {verdict}")
                };
            }
            if about.is_empty() {
                format!("claim {}: {}", short_id(&item.id), item.text)
            } else {
                format!("claim {} ({about}): {}", short_id(&item.id), item.text)
            }
        }
        kind => format!("{kind} {}: {}", short_id(&item.id), item.text),
    }
}

fn item_lines(items: &[SideItem]) -> String {
    items.iter().map(item_line).collect::<Vec<_>>().join("\n")
}

/// One claim with everything known about it: why it has its status, evidence, links.
pub struct ClaimDetail<'a> {
    /// The claim, with the items for and against it.
    pub claim: &'a ExplainedClaim,
    /// The evidence on the claim.
    pub evidence: &'a [Evidence],
    /// The claim's live links, to and from other claims.
    pub links: &'a [Link],
    /// Who is working on the claim.
    pub assignee: Option<&'a str>,
    /// A verdict waiting for review.
    pub proposal: Option<&'a ProposedVerdict>,
    /// The discussion on the claim, oldest first.
    pub comments: &'a [Comment],
}

impl ClaimDetail<'_> {
    fn fields(&self) -> Vec<(&'static str, String)> {
        let c = &self.claim.claim;
        let verdict = match (&c.verdict, &c.verdict_rationale) {
            (Some(v), Some(why)) => format!("{v}: {why}"),
            (Some(v), None) => v.to_string(),
            _ => String::new(),
        };
        let mut fields = vec![
            ("id", c.id.clone()),
            ("text", c.text.clone()),
            ("claimant", or_empty(&c.claimant)),
            ("stance", c.stance.to_string()),
            ("reported by", or_empty(&c.reported_by)),
            ("date", or_empty(&c.date)),
            ("url", or_empty(&c.url)),
            ("quote", or_empty(&c.quote)),
            ("tags", c.tags.join(", ")),
            ("status", c.status.to_string()),
            ("verdict", verdict),
            (
                "proposed",
                self.proposal
                    .map(|p| {
                        format!(
                            "{}: {} (by {}, awaiting review)",
                            p.verdict, p.rationale, p.proposed_by
                        )
                    })
                    .unwrap_or_default(),
            ),
            ("assigned to", self.assignee.unwrap_or_default().to_string()),
            (
                "logged",
                format!("{} by {}", when(&c.created_at), c.created_by),
            ),
            ("for", item_lines(&self.claim.for_items)),
            ("against", item_lines(&self.claim.against_items)),
        ];
        // Only a retracted claim has the line, right after its status.
        if let Some(r) = &c.retracted {
            fields.insert(10, ("retracted", retraction_line(r)));
        }
        fields
    }
}

/// Who retracted a record, when and why, as one line.
fn retraction_line(r: &crate::model::Retraction) -> String {
    format!("{} by {}: {}", when(&r.at), r.by, r.note)
}

fn link_line(link: &Link, seen_from: &str) -> String {
    if link.from_id == seen_from {
        format!(
            "{} {} {}: {}",
            short_id(&link.id),
            link.relation,
            short_id(&link.to_id),
            link.to_text
        )
    } else {
        format!(
            "{} {} by {}: {}",
            short_id(&link.id),
            link.relation,
            short_id(&link.from_id),
            link.from_text
        )
    }
}

impl View for ClaimDetail<'_> {
    fn table(&self) -> Table {
        Table {
            headers: vec!["FIELD", "VALUE"],
            rows: self
                .fields()
                .into_iter()
                .map(|(k, v)| vec![k.to_string(), v])
                .collect(),
        }
    }

    fn json(&self) -> Value {
        let mut value = to_json(self.claim);
        value["evidence"] = to_json(&self.evidence);
        value["links"] = to_json(&self.links);
        value["assignee"] = json!(self.assignee);
        value["proposed_verdict"] = to_json(&self.proposal);
        value["comments"] = to_json(&self.comments);
        value
    }

    fn text(&self, out: &mut dyn Write, _terminal: Terminal) -> io::Result<()> {
        // Written as it goes, with no colour: every value shown visible.
        let out = &mut super::Visible::new(out, false);
        let c = &self.claim.claim;
        for (name, value) in self.fields() {
            if name == "for" || name == "against" {
                continue;
            }
            // Continuation lines of a multi-line value line up under its first line.
            writeln!(
                out,
                "{:<12} {}",
                format!("{name}:"),
                shown(&value).replace('\n', "\n             ")
            )?;
        }
        for (title, items) in [
            ("For", &self.claim.for_items),
            ("Against", &self.claim.against_items),
        ] {
            writeln!(out, "\n{title} ({}):", items.len())?;
            for item in items.iter() {
                writeln!(out, "  {}", item_line(item))?;
            }
        }
        writeln!(out, "\nEvidence ({}):", self.evidence.len())?;
        for e in self.evidence {
            let source = e.source.as_deref().unwrap_or("no source");
            let what = e
                .note
                .as_deref()
                .or(e.quote.as_deref())
                .or(e.url.as_deref())
                .unwrap_or("");
            let retracted = e
                .retracted
                .as_ref()
                .map(|r| format!(" [retracted {}]", retraction_line(r)))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} {} ({source}) {what}{retracted}",
                short_id(&e.id),
                e.stance
            )?;
        }
        writeln!(out, "\nLinks ({}):", self.links.len())?;
        for link in self.links {
            writeln!(out, "  {}", link_line(link, &c.id))?;
        }
        if !self.comments.is_empty() {
            writeln!(out, "\nComments ({}):", self.comments.len())?;
            for comment in self.comments {
                writeln!(
                    out,
                    "  {} {}: {}",
                    when(&comment.at),
                    comment.author,
                    comment.text
                )?;
            }
        }
        Ok(())
    }
}

/// Disputed claims, each with what stands for and against it, and (for HTML) the graph of the
/// links between them.
pub struct DisputedReport<'a> {
    /// The disputed claims, oldest first, each with the items for and against it.
    pub claims: &'a [ExplainedClaim],
    /// The links among them, drawn on the HTML page; `None` leaves the drawing out.
    pub graph: Option<&'a LinkGraph>,
}

impl DisputedReport<'_> {
    fn about(c: &Claim) -> String {
        let mut about = vec![match &c.claimant {
            Some(claimant) => format!("{claimant} {}", c.stance),
            None => format!("no claimant ({})", c.stance),
        }];
        if let Some(by) = &c.reported_by {
            about.push(format!("reported by {by}"));
        }
        if let Some(date) = &c.date {
            about.push(date.clone());
        }
        if let Some(proposed) = c.proposed_verdict {
            about.push(format!("verdict proposed: {proposed}, awaiting review"));
        }
        about.join(" · ")
    }
}

impl View for DisputedReport<'_> {
    fn empty(&self) -> &'static str {
        "No disputed claims."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec![
                "ID",
                "CLAIM",
                "CLAIMANT",
                "REPORTED BY",
                "DATE",
                "FOR",
                "AGAINST",
            ],
            rows: self
                .claims
                .iter()
                .map(|e| {
                    let c = &e.claim;
                    let join = |items: &[SideItem]| {
                        items.iter().map(item_line).collect::<Vec<_>>().join("; ")
                    };
                    vec![
                        short_id(&c.id).into(),
                        c.text.clone(),
                        or_empty(&c.claimant),
                        or_empty(&c.reported_by),
                        or_empty(&c.date),
                        join(&e.for_items),
                        join(&e.against_items),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.claims)
    }

    fn html(&self) -> Vec<Section> {
        let mut sections = Vec::new();
        if let Some(graph) = self.graph.filter(|g| !g.claims.is_empty()) {
            sections.push(Section::Heading("How they are linked".into()));
            sections.push(Section::Svg(to_svg(graph)));
        }
        if !self.claims.is_empty() {
            sections.push(Section::Heading(super::plural(
                self.claims.len() as u64,
                "disputed claim",
                "disputed claims",
            )));
        }
        for e in self.claims {
            sections.push(Section::Card {
                title: format!("{}  {}", short_id(&e.claim.id), e.claim.text),
                about: Self::about(&e.claim),
                status: e.claim.status,
                for_items: e.for_items.iter().map(item_line).collect(),
                against_items: e.against_items.iter().map(item_line).collect(),
            });
        }
        sections
    }

    fn text(&self, out: &mut dyn Write, _terminal: Terminal) -> io::Result<()> {
        // Written as it goes, with no colour: every value shown visible.
        let out = &mut super::Visible::new(out, false);
        if self.claims.is_empty() {
            return writeln!(out, "{}", self.empty());
        }
        for (i, e) in self.claims.iter().enumerate() {
            let c = &e.claim;
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "{}  {}", short_id(&c.id), c.text)?;
            writeln!(out, "          {}", Self::about(c))?;
            for item in &e.for_items {
                writeln!(out, "  for      {}", item_line(item))?;
            }
            for item in &e.against_items {
                writeln!(out, "  against  {}", item_line(item))?;
            }
        }
        Ok(())
    }
}

/// A list of sources.
pub struct SourceList<'a>(pub &'a [Source]);

impl View for SourceList<'_> {
    fn empty(&self) -> &'static str {
        "No sources."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec![
                "ID", "NAME", "KIND", "CLAIMS", "REPORTED", "EVIDENCE", "URL",
            ],
            rows: self
                .0
                .iter()
                .map(|s| {
                    vec![
                        short_id(&s.id).into(),
                        s.name.clone(),
                        s.kind.to_string(),
                        s.claims_made.to_string(),
                        s.claims_reported.to_string(),
                        s.evidence_items.to_string(),
                        or_empty(&s.url),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// One source.
pub struct SourceDetail<'a>(pub &'a Source);

impl View for SourceDetail<'_> {
    fn table(&self) -> Table {
        let s = self.0;
        let mut rows = vec![
            ("id", s.id.clone()),
            ("name", s.name.clone()),
            ("kind", s.kind.to_string()),
            ("url", or_empty(&s.url)),
            ("note", or_empty(&s.note)),
            ("claims made", s.claims_made.to_string()),
            ("claims reported", s.claims_reported.to_string()),
            ("evidence items", s.evidence_items.to_string()),
        ];
        // Other names it answers to (merged sources, names before a rename), when it has any.
        if !s.aliases.is_empty() {
            rows.push(("aliases", s.aliases.join(", ")));
        }
        rows.push((
            "added",
            format!("{} by {}", when(&s.created_at), s.created_by),
        ));
        Table {
            headers: vec!["FIELD", "VALUE"],
            rows: rows
                .into_iter()
                .map(|(k, v)| vec![k.to_string(), v])
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(self.0)
    }

    fn text(&self, out: &mut dyn Write, _terminal: Terminal) -> io::Result<()> {
        // Written as it goes, with no colour: every value shown visible.
        let out = &mut super::Visible::new(out, false);
        for row in self.table().rows {
            writeln!(out, "{:<16} {}", format!("{}:", row[0]), shown(&row[1]))?;
        }
        Ok(())
    }
}

/// The evidence on a claim.
pub struct EvidenceList<'a>(pub &'a [Evidence]);

impl View for EvidenceList<'_> {
    fn empty(&self) -> &'static str {
        "No evidence on this claim."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec![
                "ID", "STANCE", "SOURCE", "NOTE", "QUOTE", "URL", "ADDED", "BY",
            ],
            rows: self
                .0
                .iter()
                .map(|e| {
                    let stance = match &e.retracted {
                        Some(_) => format!("{} (retracted)", e.stance),
                        None => e.stance.to_string(),
                    };
                    vec![
                        short_id(&e.id).into(),
                        stance,
                        or_empty(&e.source),
                        or_empty(&e.note),
                        or_empty(&e.quote),
                        or_empty(&e.url),
                        when(&e.created_at),
                        e.created_by.clone(),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// The links of a claim.
pub struct LinkList<'a>(pub &'a [Link]);

impl View for LinkList<'_> {
    fn empty(&self) -> &'static str {
        "No links on this claim."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec!["ID", "FROM", "RELATION", "TO", "NOTE", "ADDED", "BY"],
            rows: self
                .0
                .iter()
                .map(|l| {
                    vec![
                        short_id(&l.id).into(),
                        format!("{} {}", short_id(&l.from_id), clip(&l.from_text, 50)),
                        l.relation.to_string(),
                        format!("{} {}", short_id(&l.to_id), clip(&l.to_text, 50)),
                        or_empty(&l.note),
                        when(&l.created_at),
                        l.created_by.clone(),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// Entries of the history.
pub struct EventList<'a>(pub &'a [Event]);

impl View for EventList<'_> {
    fn empty(&self) -> &'static str {
        "No history."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec!["AT", "AUTHOR", "ACTION", "RECORD", "CHANGE"],
            rows: self
                .0
                .iter()
                .map(|e| {
                    vec![
                        when(&e.at),
                        e.author.clone(),
                        e.action().to_string(),
                        match e.record_kind() {
                            RecordKind::Store => format!("setting {}", e.record_id),
                            kind => format!("{kind} {}", short_id(&e.record_id)),
                        },
                        describe_event(e),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|e| {
                    json!({
                        "id": e.id,
                        "at": e.at,
                        "author": e.author,
                        "action": e.action().as_str(),
                        "record_kind": e.record_kind(),
                        "record": e.record_id,
                        "change": e.payload(),
                    })
                })
                .collect(),
        )
    }
}

/// The linker's proposals: ranked claims, each with a relation, a score and the reason.
pub struct ProposalList<'a>(pub &'a [Proposal]);

impl View for ProposalList<'_> {
    fn empty(&self) -> &'static str {
        "No related claims found."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec!["ID", "RELATION", "SCORE", "CLAIMANT", "CLAIM", "REASON"],
            rows: self
                .0
                .iter()
                .map(|p| {
                    vec![
                        short_id(&p.id).into(),
                        format!("{}?", p.relation),
                        format!("{:.2}", p.score),
                        or_empty(&p.claimant),
                        p.text.clone(),
                        p.reason.clone(),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// One proposal as a line under a newly logged claim.
pub fn proposal_line(p: &Proposal) -> String {
    let claimant = p
        .claimant
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    format!(
        "{}  {}?  \"{}\"{claimant}  {:.2}",
        short_id(&p.id),
        p.relation,
        clip(&p.text, 80),
        p.score
    )
}

/// The changed fields of an edit, each as `field: old → new` (clipped; `-` when empty).
fn edit_parts(fields: &[(&str, Option<Edit<String>>)]) -> Vec<String> {
    let side = |v: Option<&str>| v.map(|t| clip(t, 40)).unwrap_or_else(|| "-".into());
    fields
        .iter()
        .filter_map(|(field, diff)| {
            let diff = diff.as_ref()?;
            Some(format!(
                "{field}: {} → {}",
                side(diff.old.as_deref()),
                side(diff.new.as_deref())
            ))
        })
        .collect()
}

/// A one-line, human summary of what an event changed.
pub fn describe_event(event: &Event) -> String {
    let short = |id: &str| short_id(id).to_string();
    let with_note = |line: String, note: &Option<String>| match note {
        Some(note) => format!("{line} ({})", clip(note, 60)),
        None => line,
    };
    match &event.change {
        Change::SourceAdded(s) => format!("{} ({})", s.name, s.kind),
        Change::ClaimAdded(c) => {
            let who = c
                .claimant
                .as_ref()
                .map(|n| format!(" — {n} {}", c.stance))
                .unwrap_or_default();
            format!("\"{}\"{who}", clip(&c.text, 60))
        }
        Change::ClaimEdited(edit) => {
            let mut parts = edit_parts(&[
                ("text", edit.text.clone()),
                ("stance", edit.stance.as_ref().map(Edit::as_text)),
                ("url", edit.url.clone()),
                ("quote", edit.quote.clone()),
                ("date", edit.date.clone()),
                ("claimant", edit.claimant.clone()),
                ("reported_by", edit.reported_by.clone()),
            ]);
            for (sign, tags) in [('+', &edit.tags_added), ('-', &edit.tags_removed)] {
                if !tags.is_empty() {
                    let tags: Vec<String> = tags.iter().map(|t| format!("{sign}{t}")).collect();
                    parts.push(format!("tags {}", tags.join(" ")));
                }
            }
            parts.join("; ")
        }
        Change::VerdictSet(v) => {
            let was = v
                .old
                .as_ref()
                .map(|old| format!(" (was {})", old.verdict))
                .unwrap_or_default();
            format!("{}{was}: {}", v.verdict, clip(&v.rationale, 60))
        }
        Change::VerdictCleared(v) => {
            format!("withdrew {}: {}", v.old.verdict, clip(&v.note, 60))
        }
        Change::EvidenceAdded(e) => {
            let what = [&e.note, &e.quote, &e.url]
                .into_iter()
                .find_map(|v| v.as_deref())
                .unwrap_or("");
            let source = e
                .source
                .as_ref()
                .map(|n| format!(" from {n}"))
                .unwrap_or_default();
            format!(
                "{} claim {}{source}: {}",
                e.stance,
                short(&e.claim),
                clip(what, 50)
            )
        }
        Change::LinkAdded(l) => with_note(
            format!("{} {} {}", short(&l.from), l.relation, short(&l.to)),
            &l.note,
        ),
        Change::LinkRemoved(l) => {
            format!("removed {} {} {}", short(&l.from), l.relation, short(&l.to))
        }
        Change::ClaimCommented(c) => format!("\"{}\"", clip(&c.text, 70)),
        Change::ClaimRetracted(r) => format!("retracted: {}", clip(&r.note, 60)),
        Change::ClaimRestored(r) => with_note("restored".into(), &r.note),
        Change::EvidenceRetracted(r) => {
            format!(
                "retracted from claim {}: {}",
                short(&r.claim),
                clip(&r.note, 50)
            )
        }
        Change::EvidenceRestored(r) => {
            with_note(format!("restored to claim {}", short(&r.claim)), &r.note)
        }
        Change::EvidenceEdited(edit) => {
            let parts = edit_parts(&[
                ("stance", edit.stance.as_ref().map(Edit::as_text)),
                ("source", edit.source.clone()),
                ("url", edit.url.clone()),
                ("quote", edit.quote.clone()),
                ("note", edit.note.clone()),
            ]);
            format!("on claim {}: {}", short(&edit.claim), parts.join("; "))
        }
        Change::EvidenceMoved(m) => {
            format!(
                "moved from claim {} to claim {}",
                short(&m.from),
                short(&m.to)
            )
        }
        Change::ClaimAssigned(a) => match &a.assignee {
            Some(name) => format!("assigned to {name}"),
            None => format!("unassigned (was {})", a.old.as_deref().unwrap_or("")),
        },
        Change::VerdictProposed(p) => {
            format!("proposed {}: {}", p.verdict, clip(&p.rationale, 60))
        }
        Change::ReviewApproved(r) => with_note(
            format!("approved {} proposed by {}", r.verdict, r.proposed_by),
            &r.note,
        ),
        Change::ReviewRejected(r) => format!(
            "sent back {} proposed by {}: {}",
            r.verdict,
            r.proposed_by,
            clip(&r.note, 60)
        ),
        Change::SettingSet(s) => format!("{} = {}", event.record_id, s.value),
        Change::SourceEdited(edit) => edit_parts(&[
            ("kind", edit.kind.as_ref().map(Edit::as_text)),
            ("url", edit.url.clone()),
            ("note", edit.note.clone()),
        ])
        .join("; "),
        Change::SourceRenamed(r) => format!("renamed {} → {}", r.old, r.new),
        Change::SourceMerged(m) => format!("merged into {} ({})", m.into_name, short(&m.into)),
        Change::SourceUnmerged(u) => {
            format!("unmerged from {} ({})", u.from_name, short(&u.from))
        }
    }
}

/// Proposed verdicts waiting for a reviewer, oldest first.
pub struct ReviewQueue<'a>(pub &'a [ProposedVerdict]);

impl View for ReviewQueue<'_> {
    fn empty(&self) -> &'static str {
        "No verdicts are waiting for review."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec!["CLAIM", "TEXT", "PROPOSED", "RATIONALE", "BY", "SINCE"],
            rows: self
                .0
                .iter()
                .map(|p| {
                    vec![
                        short_id(&p.claim_id).into(),
                        clip(&p.text, 60),
                        p.verdict.to_string(),
                        clip(&p.rationale, 60),
                        match &p.proposed_from {
                            Some(file) => format!("{} from {file}", p.proposed_by),
                            None => p.proposed_by.clone(),
                        },
                        when(&p.proposed_at),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// A person's own setting (the store path, the user name) with where its value came from.
pub struct PersonalSetting {
    /// The setting's name (`store`, `user`).
    pub key: &'static str,
    /// Its effective value.
    pub value: String,
    /// Where that value came from (`flag --db`, `environment FACTDESK_USER`, the user config,
    /// `default`, …).
    pub from: String,
    /// What the setting is, in a few words.
    pub meaning: &'static str,
}

/// Every effective setting and where it comes from: the person's own, then the desk's.
pub struct SettingList<'a> {
    /// The person's own settings: the store file and the user name.
    pub personal: &'a [PersonalSetting],
    /// Each known desk setting with its default and what it means.
    pub known: &'a [(&'a str, &'a str, &'a str)],
    /// The desk settings set in the store; `None` when there is no store to read them from.
    pub set: Option<&'a [Setting]>,
}

impl SettingList<'_> {
    fn rows(&self) -> Vec<(String, String, String, String)> {
        let personal = self.personal.iter().map(|p| {
            (
                p.key.to_string(),
                p.value.clone(),
                p.from.clone(),
                p.meaning.to_string(),
            )
        });
        let set = self.set.unwrap_or_default();
        let no_store = self.set.is_none();
        personal
            .chain(self.known.iter().map(|(key, default, meaning)| {
                match set.iter().find(|s| s.key == *key) {
                    Some(s) => (
                        s.key.clone(),
                        s.value.clone(),
                        format!("store (set by {} {})", s.set_by, when(&s.set_at)),
                        meaning.to_string(),
                    ),
                    None => (
                        key.to_string(),
                        default.to_string(),
                        if no_store {
                            "default (no store to read)".into()
                        } else {
                            "default".into()
                        },
                        meaning.to_string(),
                    ),
                }
            }))
            .collect()
    }
}

impl View for SettingList<'_> {
    fn table(&self) -> Table {
        Table {
            headers: vec!["SETTING", "VALUE", "FROM", "MEANING"],
            rows: self
                .rows()
                .into_iter()
                .map(|(k, v, from, meaning)| vec![k, v, from, meaning])
                .collect(),
        }
    }

    fn json(&self) -> Value {
        Value::Array(
            self.rows()
                .into_iter()
                .map(|(key, value, from, _)| json!({ "key": key, "value": value, "from": from }))
                .collect(),
        )
    }
}

/// Search results: where each matched, the fragment, and the claim it belongs to. The table
/// and CSV hold the fragment as stored; the human layout shows its matched words in bold where
/// tables may use colour, between `[` and `]` otherwise — added after the text is made
/// [`visible()`], so no text can fake them.
pub struct SearchResults<'a>(pub &'a [SearchHit]);

impl SearchResults<'_> {
    fn scope_and_claim(h: &SearchHit) -> [String; 3] {
        [
            match h.scope {
                SearchScope::Claims => "claim",
                SearchScope::Evidence => "evidence",
                SearchScope::Sources => "source",
                SearchScope::Comments => "comment",
            }
            .to_string(),
            h.claim_id
                .as_deref()
                .map(short_id)
                .unwrap_or("-")
                .to_string(),
            h.status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into()),
        ]
    }
}

impl View for SearchResults<'_> {
    fn empty(&self) -> &'static str {
        "Nothing matches."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec!["IN", "CLAIM", "STATUS", "MATCH"],
            rows: self
                .0
                .iter()
                .map(|h| {
                    let mut row = Self::scope_and_claim(h).to_vec();
                    row.push(h.fragment.clone());
                    row
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }

    fn text(&self, out: &mut dyn Write, terminal: Terminal) -> io::Result<()> {
        if self.0.is_empty() {
            return writeln!(out, "{}", self.empty());
        }
        let (on, off) = if terminal.color {
            ("\x1b[1m", "\x1b[0m")
        } else {
            ("[", "]")
        };
        let mut table = self.table();
        for (row, hit) in table.rows.iter_mut().zip(self.0) {
            for cell in row.iter_mut() {
                *cell = super::shown_cell(cell);
            }
            let shown: String = hit
                .parts
                .iter()
                .map(|part| {
                    let text =
                        visible(&part.text.replace('\n', " "), Newlines::Escape).into_owned();
                    if part.hit {
                        format!("{on}{text}{off}")
                    } else {
                        text
                    }
                })
                .collect();
            *row.last_mut().expect("a MATCH column") = shown;
        }
        write_prepared(&table, out, terminal)
    }
}

/// Changes to the same field made without seeing each other, found in the history.
pub struct ConflictList<'a>(pub &'a [Conflict]);

fn value_or_cleared(value: &Option<String>) -> String {
    value
        .as_deref()
        .map_or_else(|| "(cleared)".into(), |v| clip(v, 40))
}

impl View for ConflictList<'_> {
    fn empty(&self) -> &'static str {
        "No conflicts: no change overwrote one its author had not seen."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec!["RECORD", "FIELD", "STANDS", "OVERWROTE", "SETTLED"],
            rows: self
                .0
                .iter()
                .map(|c| {
                    vec![
                        match c.record_kind {
                            RecordKind::Store => format!("setting {}", c.record_id),
                            kind => format!("{kind} {}", short_id(&c.record_id)),
                        },
                        c.field.clone(),
                        format!(
                            "{} ({} {})",
                            value_or_cleared(&c.kept),
                            c.kept_by,
                            when(&c.kept_at)
                        ),
                        format!(
                            "{} ({} {})",
                            value_or_cleared(&c.overwritten),
                            c.overwritten_by,
                            when(&c.overwritten_at)
                        ),
                        c.settled_by
                            .as_deref()
                            .map_or_else(|| "open".into(), |by| format!("by {by}")),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// What changed between two moments.
pub struct ChangeList<'a>(pub &'a [ClaimChange]);

impl View for ChangeList<'_> {
    fn empty(&self) -> &'static str {
        "Nothing changed."
    }

    fn table(&self) -> Table {
        Table {
            headers: vec!["AT", "CLAIM", "TEXT", "CHANGE", "BY"],
            rows: self
                .0
                .iter()
                .map(|c| {
                    let none = || "-".to_string();
                    let change = match c.change.as_str() {
                        "added" => format!("added ({})", c.after.clone().unwrap_or_else(none)),
                        "verdict" => match (&c.before, &c.after) {
                            (None, Some(after)) => format!("verdict given: {after}"),
                            (Some(before), None) => format!("verdict withdrawn (was {before})"),
                            (before, after) => format!(
                                "verdict {} → {}",
                                before.clone().unwrap_or_else(none),
                                after.clone().unwrap_or_else(none)
                            ),
                        },
                        "retracted" => {
                            format!("retracted: {}", c.after.clone().unwrap_or_else(none))
                        }
                        "restored" => "restored".to_string(),
                        other => format!(
                            "{other} {} → {}",
                            c.before.clone().unwrap_or_else(none),
                            c.after.clone().unwrap_or_else(none)
                        ),
                    };
                    vec![
                        when(&c.at),
                        short_id(&c.claim_id).into(),
                        clip(&c.text, 60),
                        change,
                        c.by.join(", "),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str, change: Value) -> Event {
        let kind = crate::history::Action::from_name(action)
            .unwrap()
            .record_kind();
        Event::from_wire(crate::history::WireEvent {
            id: "e".into(),
            at: "2024-09-06T12:00:00.000Z".into(),
            author: "ana".into(),
            action: action.into(),
            record_kind: kind.to_string(),
            record_id: "1a2b3c4d-0000".into(),
            change,
            hash: String::new(),
        })
        .unwrap()
    }

    #[test]
    fn events_read_as_one_line_each() {
        let edit = event(
            "claim.edit",
            json!({"stance": {"old": "asserts", "new": "denies"}, "tags_added": ["iran"]}),
        );
        assert_eq!(
            describe_event(&edit),
            "stance: asserts → denies; tags +iran"
        );
        let verdict = event(
            "verdict.set",
            json!({"verdict": "refuted", "rationale": "No", "old": {"verdict": "mixed",
                "rationale": "Partly", "given_at": "2024-09-05T12:00:00.000Z", "given_by": "bo"}}),
        );
        assert_eq!(describe_event(&verdict), "refuted (was mixed): No");
        let link = event(
            "link.add",
            json!({"from": "aaaaaaaa-1", "relation": "contradicts", "to": "bbbbbbbb-2", "note": "answer"}),
        );
        assert_eq!(
            describe_event(&link),
            "aaaaaaaa contradicts bbbbbbbb (answer)"
        );
    }
}
