//! Turning fetched pages into [`SourceDoc`]s: LaTeXML full text, abstract pages, Atom feeds,
//! and recognising the pages that mean "no full text here".
//!
//! Everything here is synchronous and CPU-bound (`scraper::Html` is not `Send`): async callers
//! run it on the blocking pool.

mod abs_page;
mod atom;
mod blocks;
mod cites;
mod classify;
mod figure;
mod latexml;
mod paragraphs;
mod people;
mod text;

use paperbrief_core::{ArxivId, Caption, KeyFigure, Section, SourceDoc, SourceKind, Table};
use scraper::Html;
use serde::Serialize;

pub use atom::parse_feed;
pub use figure::FigureCandidate;

/// A paper's content as read from a LaTeXML page, before it is tied to an id and URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extracted {
    /// The paper's id when the page names it (asset paths such as `2602.07040v1/x1.png`).
    #[serde(skip)]
    pub id: Option<ArxivId>,
    /// Title.
    pub title: String,
    /// Authors.
    pub authors: Vec<String>,
    /// Affiliations, in page order, each once.
    pub affiliations: Vec<String>,
    /// Abstract.
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// Figure captions.
    pub captions: Vec<Caption>,
    /// Tables.
    pub tables: Vec<Table>,
    /// The key figure, as the page writes it.
    #[serde(skip)]
    pub figure: Option<FigureCandidate>,
    /// The page's `<base href>`, which relative image paths resolve against.
    #[serde(skip)]
    pub base_href: Option<String>,
    /// The arXiv papers the bibliography cites.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<ArxivId>,
}

/// What an abstract page or an export-API entry says about a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AbstractInfo {
    /// The id as the page gives it, usually with its version (`2508.16190v1`).
    pub id: Option<String>,
    /// Title.
    pub title: String,
    /// Authors, "First Last".
    pub authors: Vec<String>,
    /// Abstract.
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// The author's comments ("12 pages, code at …"), when given.
    pub comments: Option<String>,
    /// Whether the page links an HTML version.
    pub has_html: bool,
}

/// What a fetched page turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A LaTeXML document with real content.
    FullText(Extracted),
    /// A LaTeXML page whose conversion failed (only errors, no text).
    ConversionFailed(String),
    /// arXiv's "No HTML for '…'" page (served with 200 or 404).
    NoHtml,
    /// An abstract page.
    Abstract(AbstractInfo),
    /// An export-API Atom feed.
    Feed(Vec<AbstractInfo>),
    /// None of the above.
    Unknown(String),
}

impl Parsed {
    /// A short name of the kind of page, for messages.
    pub fn label(&self) -> &'static str {
        match self {
            Self::FullText(_) => "arXiv HTML",
            Self::ConversionFailed(_) => "failed HTML conversion",
            Self::NoHtml => "\"No HTML\" page",
            Self::Abstract(_) => "abstract page",
            Self::Feed(_) => "export-API feed",
            Self::Unknown(_) => "unrecognised page",
        }
    }
}

/// Below this many characters of body text, a LaTeXML page with no title and no abstract is a
/// failed conversion.
const MIN_BODY_CHARS: usize = 200;

/// Recognises and parses any page paperbrief reads.
pub fn parse_document(text: &str) -> Parsed {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    let prolog = head
        .char_indices()
        .take_while(|(i, _)| *i < 500)
        .map(|(_, c)| c)
        .collect::<String>();
    if head.starts_with("<?xml") && prolog.contains("<feed") || head.starts_with("<feed") {
        return match parse_feed(text) {
            Ok(entries) => Parsed::Feed(entries),
            Err(e) => Parsed::Unknown(e.to_string()),
        };
    }
    if let Some(depth) = too_deep(text) {
        return Parsed::Unknown(format!("markup nested deeper than {depth} levels; refused"));
    }
    let doc = Html::parse_document(text);
    if let Some(extracted) = latexml::extract(&doc) {
        let body: usize = extracted.sections.iter().map(|s| s.text.len()).sum();
        if extracted.title.is_empty() && extracted.abstract_text.is_empty() && body < MIN_BODY_CHARS
        {
            return Parsed::ConversionFailed(format!(
                "LaTeXML page with no title, no abstract and {body} characters of text"
            ));
        }
        return Parsed::FullText(extracted);
    }
    if let Some(info) = abs_page::extract(&doc) {
        return Parsed::Abstract(info);
    }
    if is_no_html(text) {
        return Parsed::NoHtml;
    }
    Parsed::Unknown("neither an arXiv HTML paper, an abstract page nor an Atom feed".into())
}

/// Pages nested deeper than this are refused before parsing: the HTML parser's cost grows with
/// the square of the depth, and no real paper comes close (LaTeXML pages stay under 40).
const MAX_NESTING: usize = 2_000;

/// A cheap scan of the tags: `Some(limit)` when elements nest deeper than [`MAX_NESTING`].
/// Void elements and elements whose end tag HTML lets authors omit are not counted, so sloppy
/// but harmless markup is never refused.
fn too_deep(text: &str) -> Option<usize> {
    const UNCOUNTED: &[&str] = &[
        "p",
        "li",
        "td",
        "th",
        "tr",
        "dt",
        "dd",
        "option",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "param",
        "mprescripts",
        "none",
    ];
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if len == 0 {
            continue;
        }
        let name = text[start..start + len].to_ascii_lowercase();
        if UNCOUNTED.contains(&name.as_str()) {
            continue;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(bytes.len(), |p| start + p);
        let self_closing = end > 0 && bytes.get(end - 1) == Some(&b'/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            if depth > MAX_NESTING {
                return Some(MAX_NESTING);
            }
        }
    }
    None
}

fn memchr_lt(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'<')
}

fn is_no_html(text: &str) -> bool {
    [
        "No HTML for '",
        "HTML is not available for the source",
        "No content available",
    ]
    .iter()
    .any(|m| text.contains(m))
}

impl Extracted {
    /// Ties the content to a paper: a full-text [`SourceDoc`] read from `url`, whose final URL
    /// (after redirects) was `page_url`; the key figure's image is resolved against it.
    pub fn into_source(self, id: ArxivId, url: String, page_url: &str) -> SourceDoc {
        let figure = self
            .figure
            .and_then(|f| resolve_figure(f, self.base_href.as_deref(), page_url));
        SourceDoc {
            kind: SourceKind::Html,
            url,
            title: self.title,
            authors: self.authors,
            affiliations: self.affiliations,
            abstract_text: self.abstract_text,
            sections: self.sections,
            captions: self.captions,
            tables: self.tables,
            figure,
            cites: self
                .cites
                .into_iter()
                .filter(|c| c.base() != id.base())
                .collect(),
            id,
        }
    }
}

/// The figure with its image URL resolved as a browser would: against the page's `<base>`, if
/// any, resolved against the page's URL. Only `http(s)` images are kept (no `data:`, no
/// `javascript:`); whether the URL may be fetched is decided when it is.
fn resolve_figure(
    figure: FigureCandidate,
    base_href: Option<&str>,
    page_url: &str,
) -> Option<KeyFigure> {
    let page = url::Url::parse(page_url).ok()?;
    let base = match base_href {
        Some(href) => page.join(href).ok()?,
        None => page,
    };
    let image = base.join(&figure.src).ok()?;
    matches!(image.scheme(), "http" | "https").then(|| KeyFigure {
        url: image.to_string(),
        caption: figure.caption,
        anchor: figure.anchor,
    })
}

impl AbstractInfo {
    /// An abstract-only [`SourceDoc`]; the authors' comments, when given, become a section.
    pub fn into_source(self, id: ArxivId, url: String) -> SourceDoc {
        let sections = self
            .comments
            .map(|c| {
                vec![Section {
                    heading: "Comments".into(),
                    level: 1,
                    text: c,
                    appendix: false,
                    anchor: String::new(),
                    paragraphs: Vec::new(),
                }]
            })
            .unwrap_or_default();
        SourceDoc {
            kind: SourceKind::Abs,
            id,
            url,
            title: self.title,
            authors: self.authors,
            affiliations: Vec::new(),
            abstract_text: self.abstract_text,
            sections,
            captions: Vec::new(),
            tables: Vec::new(),
            figure: None,
            cites: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests;
