//! The arXiv papers a page's bibliography cites: read from `ltx_bibliography` (dropped from the
//! text the model reads) by the forms references take — `arXiv:2501.01234`, `arxiv.org/abs/…`
//! (and `/pdf/`, `/html/`) links, and DataCite DOIs `10.48550/arXiv.2501.01234`. Each id once,
//! in order, without its version; the page's own id is left out by the caller.

use std::sync::LazyLock;

use paperbrief_core::ArxivId;
use regex::Regex;
use scraper::{ElementRef, Selector};

static BIBLIOGRAPHY: LazyLock<Selector> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Selector::parse(".ltx_bibliography").expect("static selector")
});

static ID: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(
        r"(?i)(?:arxiv[:\s]\s*|arxiv\.org/(?:abs|pdf|html)/|10\.48550/arxiv\.)(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?",
    )
    .expect("static regex")
});

/// The arXiv ids the bibliography of `article` cites, each once, in order.
pub(crate) fn cited(article: ElementRef<'_>) -> Vec<ArxivId> {
    let mut out: Vec<ArxivId> = Vec::new();
    for bib in article.select(&BIBLIOGRAPHY) {
        let text: String = bib.text().collect();
        let links: Vec<&str> = bib
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter_map(|e| e.value().attr("href"))
            .collect();
        for haystack in std::iter::once(text.as_str()).chain(links) {
            for m in ID.captures_iter(haystack) {
                let Some(id) = m.get(1).and_then(|g| ArxivId::parse(g.as_str()).ok()) else {
                    continue;
                };
                let id = id.unversioned();
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;

    #[test]
    fn every_form_of_an_arxiv_reference_is_read_once_without_its_version() {
        let page = Html::parse_document(
            r#"<article class="ltx_document"><p>Not a reference: arXiv:1111.11111.</p>
            <section class="ltx_bibliography"><ul>
            <li class="ltx_bibitem">A. B. Title. arXiv preprint arXiv:2501.01234v2, 2025.</li>
            <li class="ltx_bibitem">C. D. <a href="https://arxiv.org/abs/2404.02522">link</a> and again arXiv: 2501.01234.</li>
            <li class="ltx_bibitem">E. F. doi:10.48550/arXiv.2310.00001. Old: arXiv:hep-th/9901001. Not: arXiv:99999.</li>
            </ul></section></article>"#,
        );
        let article = page
            .select(&Selector::parse("article").unwrap())
            .next()
            .unwrap();
        let ids: Vec<String> = cited(article).iter().map(ToString::to_string).collect();
        assert_eq!(
            ids,
            ["2501.01234", "2310.00001", "hep-th/9901001", "2404.02522"]
        );
    }
}
