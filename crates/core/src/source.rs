//! `SourceDoc`: what paperbrief read of a paper, ready to be put in a prompt.

use serde::{Deserialize, Serialize};

use crate::arxiv_id::ArxivId;

/// Where the text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    /// The arXiv HTML (LaTeXML) full text.
    Html,
    /// Only the abstract (arXiv abstract page, export API, or the HF list).
    Abs,
}

impl SourceKind {
    /// The label the report shows after `阅读来源`.
    pub fn report_label(self) -> &'static str {
        match self {
            Self::Html => "HTML",
            Self::Abs => "ArXiv Abs",
        }
    }
}

/// One section (or subsection) of the paper, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The heading with its number, e.g. `3.1 Encoder and Decoder Stacks`.
    pub heading: String,
    /// 1 for a section, 2 for a subsection, 3 for a subsubsection.
    pub level: u8,
    /// The section's own text (not its subsections'): paragraphs separated by a blank line,
    /// math as `$TeX$`, footnotes at the end of their paragraph.
    pub text: String,
    /// Whether the section is part of an appendix.
    pub appendix: bool,
    /// The section element's id on the page (`S3.SS2`, `A1`); empty when it has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub anchor: String,
    /// Where paragraphs with their own element id (`S3.SS2.p1`) start in `text`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paragraphs: Vec<TextAnchor>,
}

/// Whether `id` may be kept as an element id to link to (`S4.T2`, `S3.SS2.p1`, `A1`): 1 to 100
/// ASCII letters, digits, `.`, `_`, `:` or `-`, as LaTeXML writes them. Anything else from a page
/// is dropped, so an anchor can never break out of a link.
pub fn is_element_id(id: &str) -> bool {
    (1..=100).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// A paragraph's element id and where its text starts in its section's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextAnchor {
    /// Byte offset into [`Section::text`].
    pub at: usize,
    /// The element id on the page.
    pub id: String,
}

/// A figure or table caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caption {
    /// Index into [`SourceDoc::sections`] of the section holding it, if any.
    pub section: Option<usize>,
    /// The caption text including its tag, e.g. `Figure 1: The Transformer`.
    pub text: String,
    /// The figure element's id on the page (`S3.F1`); empty when it has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub anchor: String,
}

/// A data table: its caption and its cells, one row per line, cells separated by ` | `.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Index into [`SourceDoc::sections`] of the section holding it, if any.
    pub section: Option<usize>,
    /// The caption including its tag, e.g. `Table 2: BLEU scores`; may be empty.
    pub caption: String,
    /// The rows.
    pub text: String,
    /// The table element's id on the page (`S4.T2`); empty when it has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub anchor: String,
}

/// What was read of one paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDoc {
    /// Full text or abstract only.
    pub kind: SourceKind,
    /// The paper, with the version that was read when known.
    pub id: ArxivId,
    /// The URL the text was read from.
    pub url: String,
    /// The title.
    pub title: String,
    /// Author names.
    pub authors: Vec<String>,
    /// Affiliations as the page names them (cleaned, each once); empty when unknown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<String>,
    /// The abstract.
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// Sections in document order; empty for an abstract-only source.
    pub sections: Vec<Section>,
    /// Figure captions (table captions are on the tables).
    pub captions: Vec<Caption>,
    /// Data tables.
    pub tables: Vec<Table>,
    /// The figure that shows the paper at a glance, when the page has a raster one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<KeyFigure>,
    /// The arXiv papers its bibliography cites (without versions), each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<ArxivId>,
}

/// A paper's key figure as its page gives it: the overview-like figure, else the first one with
/// a raster image. Read from the page, never from the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFigure {
    /// The image's absolute `http(s)` URL, resolved against the page's final URL.
    pub url: String,
    /// The caption as text (math as TeX), tag included (`Figure 1: …`).
    pub caption: String,
    /// The figure element's id on the page (`S3.F1`), for links to it; empty when it has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub anchor: String,
}

impl SourceDoc {
    /// Every piece of text the model is shown, joined: used to check that a brief's numbers
    /// come from the paper.
    pub fn full_text(&self) -> String {
        let mut out = String::with_capacity(self.text_len() + 64);
        for part in [self.title.as_str(), self.abstract_text.as_str()] {
            out.push_str(part);
            out.push('\n');
        }
        for s in &self.sections {
            out.push_str(&s.heading);
            out.push('\n');
            out.push_str(&s.text);
            out.push('\n');
        }
        for c in &self.captions {
            out.push_str(&c.text);
            out.push('\n');
        }
        for t in &self.tables {
            out.push_str(&t.caption);
            out.push('\n');
            out.push_str(&t.text);
            out.push('\n');
        }
        out
    }

    /// Total bytes of text, a cheap size measure.
    pub fn text_len(&self) -> usize {
        self.title.len()
            + self.abstract_text.len()
            + self
                .sections
                .iter()
                .map(|s| s.heading.len() + s.text.len())
                .sum::<usize>()
            + self.captions.iter().map(|c| c.text.len()).sum::<usize>()
            + self
                .tables
                .iter()
                .map(|t| t.caption.len() + t.text.len())
                .sum::<usize>()
    }
}
