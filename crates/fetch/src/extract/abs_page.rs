//! arXiv's abstract page (`/abs/{id}`): `citation_*` meta tags first, the visible page second.

use std::sync::LazyLock;

use scraper::{Html, Selector};

use super::AbstractInfo;
use super::text::{Inline, normalize};

#[allow(clippy::expect_used)]
fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

static META: LazyLock<Selector> = LazyLock::new(|| sel("meta[name]"));
static OG_URL: LazyLock<Selector> = LazyLock::new(|| sel(r#"meta[property="og:url"]"#));
static TITLE: LazyLock<Selector> = LazyLock::new(|| sel("h1.title"));
static AUTHORS: LazyLock<Selector> = LazyLock::new(|| sel("div.authors a"));
static ABSTRACT: LazyLock<Selector> = LazyLock::new(|| sel("blockquote.abstract"));
static COMMENTS: LazyLock<Selector> = LazyLock::new(|| sel("td.tablecell.comments"));
static HTML_LINK: LazyLock<Selector> = LazyLock::new(|| sel("a#latexml-download-link"));

/// Whether the document is an arXiv abstract page.
pub(crate) fn is_abs_page(doc: &Html) -> bool {
    doc.select(&ABSTRACT).next().is_some()
        || doc
            .select(&META)
            .any(|m| m.value().attr("name") == Some("citation_arxiv_id"))
}

/// Reads an abstract page; `None` if it is not one.
pub(crate) fn extract(doc: &Html) -> Option<AbstractInfo> {
    if !is_abs_page(doc) {
        return None;
    }
    let meta = |name: &str| -> Vec<String> {
        doc.select(&META)
            .filter(|m| m.value().attr("name") == Some(name))
            .filter_map(|m| m.value().attr("content"))
            .map(normalize)
            .filter(|s| !s.is_empty())
            .collect()
    };
    let strip = |s: String, label: &str| {
        s.strip_prefix(label)
            .map(|r| r.trim().to_owned())
            .unwrap_or(s)
    };
    let title = meta("citation_title").into_iter().next().or_else(|| {
        doc.select(&TITLE)
            .next()
            .map(|t| strip(Inline::plain(t), "Title:"))
    })?;
    let mut authors: Vec<String> = meta("citation_author")
        .iter()
        .map(|a| flip_name(a))
        .collect();
    if authors.is_empty() {
        authors = doc
            .select(&AUTHORS)
            .map(Inline::plain)
            .filter(|a| !a.is_empty())
            .collect();
    }
    let abstract_text = meta("citation_abstract").into_iter().next().or_else(|| {
        doc.select(&ABSTRACT)
            .next()
            .map(|a| strip(Inline::plain(a), "Abstract:"))
    })?;
    let id = doc
        .select(&OG_URL)
        .filter_map(|m| m.value().attr("content"))
        .find_map(|u| u.rsplit("/abs/").next().map(str::to_owned))
        .or_else(|| meta("citation_arxiv_id").into_iter().next());
    Some(AbstractInfo {
        id,
        title,
        authors,
        abstract_text,
        comments: doc
            .select(&COMMENTS)
            .next()
            .map(Inline::plain)
            .filter(|c| !c.is_empty()),
        has_html: doc.select(&HTML_LINK).next().is_some(),
    })
}

/// `"Paval, Sandro"` → `"Sandro Paval"`; names without a comma are kept.
fn flip_name(name: &str) -> String {
    match name.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() => {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => name.trim().to_owned(),
    }
}
