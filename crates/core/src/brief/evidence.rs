//! Where a number of a brief is stated in the paper: the element of the page read that holds it
//! (`S4.T2`, `S3.SS2.p1`) and a label a reader knows it by (表 2, §3.2, 图 3, 附录 A).
//!
//! The places of a [`SourceDoc`] are visited most specific first — tables, then figure captions,
//! then paragraphs, then title and abstract — each in document order, so a number gets the
//! first occurrence of the most specific kind. Every anchor is an element id the page carries;
//! the abstract, which has none, and papers read from the abstract get an empty anchor.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::source::{Section, SourceDoc, SourceKind};

/// A number a brief quotes, and where the paper states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The number as the brief writes it (`38%`, `1.7 倍`).
    pub text: String,
    /// The element id on the page read (`S4.T2`); empty for the abstract.
    #[serde(default)]
    pub anchor: String,
    /// What a reader calls the place: `表 2`, `§3.2`, `图 3`, `附录 A`, `摘要`.
    pub label: String,
}

/// One place of the paper: its anchor and label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub(crate) anchor: String,
    pub(crate) label: String,
}

/// A piece of the paper's text and the place it belongs to: `anchors` are (byte offset, id)
/// where a more specific element starts inside `text` (a section's paragraphs).
pub(crate) struct Piece<'a> {
    pub(crate) text: &'a str,
    pub(crate) place: Place,
    pub(crate) anchors: Vec<(usize, &'a str)>,
}

/// The pieces of `doc`, most specific kind first.
pub(crate) fn pieces(doc: &SourceDoc) -> Vec<Piece<'_>> {
    let abs = doc.kind == SourceKind::Abs;
    let place = |anchor: &str, label: String| Place {
        anchor: if abs {
            String::new()
        } else {
            anchor.to_owned()
        },
        label: if abs { "摘要".to_owned() } else { label },
    };
    let mut out = Vec::new();
    for t in &doc.tables {
        let label = tagged(&t.caption, &TABLE_TAG, "表").unwrap_or_else(|| "表格".into());
        for text in [untagged(&t.caption, &TABLE_TAG), t.text.as_str()] {
            out.push(Piece {
                text,
                place: place(&t.anchor, label.clone()),
                anchors: Vec::new(),
            });
        }
    }
    for c in &doc.captions {
        let label = tagged(&c.text, &FIGURE_TAG, "图")
            .or_else(|| tagged(&c.text, &ALGORITHM_TAG, "算法"))
            .unwrap_or_else(|| "图".into());
        let text = untagged(untagged(&c.text, &FIGURE_TAG), &ALGORITHM_TAG);
        out.push(Piece {
            text,
            place: place(&c.anchor, label),
            anchors: Vec::new(),
        });
    }
    for s in &doc.sections {
        let label = section_label(s);
        // The heading's own number (`3.5 Positional Encoding`) is not a number the paper states.
        out.push(Piece {
            text: untagged(&s.heading, number_pattern(s)),
            place: place(&s.anchor, label.clone()),
            anchors: Vec::new(),
        });
        out.push(Piece {
            text: &s.text,
            place: place(&s.anchor, label),
            anchors: if abs {
                Vec::new()
            } else {
                s.paragraphs.iter().map(|p| (p.at, p.id.as_str())).collect()
            },
        });
    }
    for text in [&doc.title, &doc.abstract_text] {
        out.push(Piece {
            text,
            place: place("", "摘要".into()),
            anchors: Vec::new(),
        });
    }
    out
}

#[allow(clippy::expect_used)]
fn tag(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

static TABLE_TAG: LazyLock<Regex> =
    LazyLock::new(|| tag(r"^(?i:table|tab\.)\s*([A-Z](?:\.\d+)*|\d+(?:\.\d+)*)\b"));
static FIGURE_TAG: LazyLock<Regex> =
    LazyLock::new(|| tag(r"^(?i:figure|fig\.)\s*([A-Z](?:\.\d+)*|\d+(?:\.\d+)*)\b"));
static ALGORITHM_TAG: LazyLock<Regex> =
    LazyLock::new(|| tag(r"^(?i:algorithm)\s*([A-Z](?:\.\d+)*|\d+(?:\.\d+)*)\b"));
static SECTION_NUMBER: LazyLock<Regex> = LazyLock::new(|| tag(r"^(\d+(?:\.\d+)*)(?:[\s.:]|$)"));
/// In an appendix, letters number sections too (`A.1`, `Appendix B`).
static APPENDIX_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| tag(r"^(?i:appendix\s+)?([A-Z](?:\.\d+)*|\d+(?:\.\d+)*)(?:[\s.:]|$)"));

/// `text` after the tag `pattern` finds at its start (`Table 2`, `3.5`): a label's number is
/// not a result.
fn untagged<'a>(text: &'a str, pattern: &Regex) -> &'a str {
    let trimmed = text.trim_start();
    pattern
        .captures(trimmed)
        .and_then(|c| c.get(1))
        .map_or(text, |m| &trimmed[m.end()..])
}

fn number_pattern(s: &Section) -> &'static Regex {
    if s.appendix {
        &APPENDIX_NUMBER
    } else {
        &SECTION_NUMBER
    }
}

/// `表 2` from `Table 2: …`, as `zh` plus the caption's number.
fn tagged(caption: &str, pattern: &Regex, zh: &str) -> Option<String> {
    let number = pattern.captures(caption.trim_start())?.get(1)?.as_str();
    Some(format!("{zh} {number}"))
}

/// `§3.2` for `3.2 Attention`, `附录 A.1` for an appendix's `A.1 Details`; `正文` or `附录` when
/// the heading has no number.
fn section_label(s: &Section) -> String {
    let number = number_pattern(s)
        .captures(s.heading.trim())
        .and_then(|c| c.get(1))
        .map(|m| m.as_str());
    match (number, s.appendix) {
        (Some(n), true) => format!("附录 {n}"),
        (Some(n), false) => format!("§{n}"),
        (None, true) => "附录".into(),
        (None, false) => "正文".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: &str, appendix: bool) -> Section {
        Section {
            heading: heading.into(),
            level: 1,
            text: String::new(),
            appendix,
            anchor: String::new(),
            paragraphs: Vec::new(),
        }
    }

    #[test]
    fn labels_name_places_as_readers_do() {
        assert_eq!(tagged("Table 2: BLEU", &TABLE_TAG, "表").unwrap(), "表 2");
        assert_eq!(tagged("TABLE A.3. x", &TABLE_TAG, "表").unwrap(), "表 A.3");
        assert_eq!(tagged("Fig. 3 (a)", &FIGURE_TAG, "图").unwrap(), "图 3");
        assert!(tagged("The results", &TABLE_TAG, "表").is_none());
        assert_eq!(section_label(&section("3.2 Attention", false)), "§3.2");
        assert_eq!(section_label(&section("4 Results", false)), "§4");
        assert_eq!(section_label(&section("A.1 Details", true)), "附录 A.1");
        assert_eq!(section_label(&section("Appendix B Proofs", true)), "附录 B");
        assert_eq!(section_label(&section("Introduction", false)), "正文");
        assert_eq!(section_label(&section("Appendix", true)), "附录");
        // Outside an appendix, a heading starting with "A" is not numbered.
        assert_eq!(section_label(&section("A Simple Method", false)), "正文");
    }
}
