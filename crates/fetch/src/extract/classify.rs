//! What LaTeXML elements are: sections, headings, front matter, page chrome, leaf blocks.

use scraper::ElementRef;

use super::text::{has_class, name};

/// A `<section>` that is a section of the paper (not a run-in `\\paragraph`).
pub(crate) fn is_section(el: ElementRef<'_>) -> bool {
    name(el) == "section" && !has_class(el, "ltx_paragraph") && !has_class(el, "ltx_subparagraph")
}

/// A LaTeXML title heading (`h1`–`h6` with `ltx_title`).
pub(crate) fn is_heading(el: ElementRef<'_>) -> bool {
    matches!(name(el), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") && has_class(el, "ltx_title")
}

/// Authors, abstract, dates, keywords, table of contents: not body text.
pub(crate) fn is_front_matter(el: ElementRef<'_>) -> bool {
    [
        "ltx_authors",
        "ltx_abstract",
        "ltx_dates",
        "ltx_keywords",
        "ltx_classification",
        "ltx_TOC",
    ]
    .iter()
    .any(|c| has_class(el, c))
}

/// Page chrome and content that is not the paper's text.
pub(crate) fn is_chrome(el: ElementRef<'_>) -> bool {
    matches!(
        name(el),
        "nav" | "header" | "footer" | "script" | "style" | "noscript" | "button" | "form"
    ) || [
        "ltx_bibliography",
        // Bibliography entries wherever they stand (saved and spliced pages have them loose).
        "ltx_biblist",
        "ltx_bibitem",
        "ltx_bibblock",
        "ltx_acknowledgements",
        "ltx_acknowledgement",
        "ltx_pagination",
        "ltx_page_navbar",
        "ltx_page_logo",
        "ltx_TOC",
        "ltx_ERROR",
    ]
    .iter()
    .any(|c| has_class(el, c))
}

/// Blocks rendered as a whole: lists, tables, listings.
pub(crate) fn is_leaf_block(el: ElementRef<'_>) -> bool {
    matches!(name(el), "ul" | "ol" | "dl" | "table") || has_class(el, "ltx_listing")
}

/// Strips a leading section number or tag ("3.1 ", "Appendix A ", "IV. ").
pub(crate) fn strip_number(heading: &str) -> &str {
    let h = heading.trim();
    let h = h
        .strip_prefix("Appendix ")
        .map_or(h, |rest| rest.split_once(' ').map_or(rest, |(_, r)| r));
    match h.split_once(' ') {
        Some((first, rest))
            if first
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c.is_ascii_uppercase())
                && first.len() <= 6 =>
        {
            rest
        }
        _ => h,
    }
}
