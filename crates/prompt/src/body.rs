//! The paper's body as the prompt shows it: sections with their tables and captions, each piece
//! counted in tokens so the budget can cut by priority.

use paperbrief_core::SourceDoc;

use crate::tokens::count;

/// What a section is for; decides what is cut first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Appendix,
    RelatedWork,
    Other,
}

/// What a piece of a section is; prose goes first when a section is trimmed, then figure
/// captions, then tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Prose,
    Caption,
    Table,
}

/// One piece of a section: a paragraph, a table or a caption.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub(crate) text: String,
    pub(crate) tokens: usize,
    pub(crate) kind: Kind,
}

/// One section of the body.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub(crate) heading: String,
    pub(crate) level: u8,
    pub(crate) role: Role,
    pub(crate) heading_tokens: usize,
    pub(crate) pieces: Vec<Piece>,
}

impl Unit {
    pub(crate) fn tokens(&self) -> usize {
        if self.pieces.is_empty() {
            return 0;
        }
        // Each piece is followed by a blank line (about one token).
        self.heading_tokens + self.pieces.iter().map(|p| p.tokens + 1).sum::<usize>()
    }
}

fn piece(text: String, kind: Kind) -> Piece {
    Piece {
        tokens: count(&text),
        text,
        kind,
    }
}

/// Splits a document into units, in order. Subsections inherit their section's role.
pub(crate) fn units(doc: &SourceDoc) -> Vec<Unit> {
    let mut out = Vec::with_capacity(doc.sections.len() + 1);
    let mut parent_role = Role::Other;
    for (i, s) in doc.sections.iter().enumerate() {
        let own = role_of(&s.heading);
        let role = match (s.appendix, s.level <= 1, own) {
            (true, _, _) => Role::Appendix,
            (false, true, own) => {
                parent_role = own;
                own
            }
            (false, false, Role::Other) => parent_role,
            (false, false, own) => own,
        };
        let mut pieces: Vec<Piece> = s
            .text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| piece(p.to_owned(), Kind::Prose))
            .collect();
        pieces.extend(figures_and_tables(doc, |section| section == Some(i)));
        let heading = if s.heading.is_empty() {
            "(untitled)".to_owned()
        } else {
            s.heading.clone()
        };
        out.push(unit(heading, s.level, role, pieces));
    }
    // Tables and captions that belong to no section go in a trailing unit.
    let loose = figures_and_tables(doc, |section| {
        section.is_none_or(|i| i >= doc.sections.len())
    });
    if !loose.is_empty() {
        out.push(unit("Tables and figures".into(), 1, Role::Other, loose));
    }
    out
}

fn unit(heading: String, level: u8, role: Role, pieces: Vec<Piece>) -> Unit {
    let marks = "#".repeat(usize::from(level.clamp(1, 4)) + 1);
    Unit {
        heading_tokens: count(&format!("{marks} {heading}")) + 1,
        heading,
        level,
        role,
        pieces,
    }
}

/// The tables (caption and rows) and figure captions whose section `belongs` accepts.
fn figures_and_tables(doc: &SourceDoc, belongs: impl Fn(Option<usize>) -> bool) -> Vec<Piece> {
    let tables = doc.tables.iter().filter(|t| belongs(t.section)).map(|t| {
        let caption = if t.caption.is_empty() {
            "Table"
        } else {
            t.caption.as_str()
        };
        piece(
            format!("[{caption}]\n{}", t.text).trim_end().to_owned(),
            Kind::Table,
        )
    });
    let captions = doc
        .captions
        .iter()
        .filter(|c| belongs(c.section))
        .map(|c| piece(format!("[{}]", c.text), Kind::Caption));
    tables.chain(captions).collect()
}

/// Classifies a heading by its words (number stripped, case ignored).
fn role_of(heading: &str) -> Role {
    let h = heading.to_lowercase();
    if h.contains("appendix") || h.contains("supplementary") {
        Role::Appendix
    } else if [
        "related work",
        "prior work",
        "previous work",
        "literature review",
        "related research",
    ]
    .iter()
    .any(|k| h.contains(k))
    {
        Role::RelatedWork
    } else {
        Role::Other
    }
}

/// The body text of the units that have content left.
pub(crate) fn render(units: &[Unit]) -> String {
    let mut out = String::new();
    for u in units.iter().filter(|u| !u.pieces.is_empty()) {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&"#".repeat(usize::from(u.level.clamp(1, 4)) + 1));
        out.push(' ');
        out.push_str(&u.heading);
        for p in &u.pieces {
            out.push_str("\n\n");
            out.push_str(&p.text);
        }
    }
    out
}
