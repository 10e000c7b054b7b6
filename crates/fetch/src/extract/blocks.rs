//! LaTeXML blocks that are not running text: display equations, data tables, listings.

use scraper::ElementRef;

use super::text::{Inline, MAX_DEPTH, child_elements, has_class, math_tex, name};

/// Layout tables holding display equations (not data).
pub(crate) fn is_equation(el: ElementRef<'_>) -> bool {
    has_class(el, "ltx_equation")
        || has_class(el, "ltx_equationgroup")
        || has_class(el, "ltx_eqn_table")
}

/// A display equation: one `$$TeX$$` line per row, with its number.
pub(crate) fn equation(table: ElementRef<'_>) -> String {
    let mut lines = Vec::new();
    for row in table
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| name(*e) == "tr")
    {
        let tex: Vec<String> = row
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| name(*e) == "math")
            .map(math_tex)
            .filter(|t| !t.is_empty())
            .collect();
        let number = row
            .descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| has_class(*e, "ltx_tag_equation"))
            .map(Inline::plain);
        if tex.is_empty() {
            continue;
        }
        let mut line = format!("$${}$$", tex.join(" "));
        if let Some(n) = number.filter(|n| !n.is_empty()) {
            line.push(' ');
            line.push_str(&n);
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// The text of every top-level tabular inside `fig`, blank-line separated.
pub(crate) fn tables_in(fig: ElementRef<'_>) -> String {
    top_tabulars(fig)
        .map(table_text)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Tabulars inside `el` that are not nested in another tabular.
pub(crate) fn top_tabulars(el: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(move |e| {
            is_tabular(*e)
                && !e
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .take_while(|a| a.id() != el.id())
                    .any(is_tabular)
        })
}

fn is_tabular(e: ElementRef<'_>) -> bool {
    has_class(e, "ltx_tabular") && !is_equation(e)
}

/// A data table: one line per row, cells separated by ` | `; empty rows dropped.
pub(crate) fn table_text(table: ElementRef<'_>) -> String {
    let mut rows = Vec::new();
    collect_rows(table, &mut rows, 0);
    rows.join("\n")
}

fn collect_rows(el: ElementRef<'_>, rows: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for child in child_elements(el) {
        if name(child) == "tr" || has_class(child, "ltx_tr") {
            let cells: Vec<String> = child_elements(child)
                .filter(|c| matches!(name(*c), "td" | "th") || has_class(*c, "ltx_td"))
                .map(Inline::plain)
                .collect();
            if cells.iter().any(|c| !c.is_empty()) {
                rows.push(cells.join(" | "));
            }
        } else if !is_tabular(child) {
            collect_rows(child, rows, depth + 1);
        }
    }
}

/// A code listing: one line per `ltx_listingline`, as written.
pub(crate) fn listing(el: ElementRef<'_>) -> String {
    let lines = listing_lines(el);
    if lines.is_empty() {
        Inline::plain(el)
    } else {
        lines.join("\n")
    }
}

/// An algorithm's listing: one line per `ltx_listingline`, each with its number — LaTeXML's own
/// (`3:`) when it gave one, else counted here.
pub(crate) fn numbered_listing(el: ElementRef<'_>) -> String {
    let lines: Vec<String> = el
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| has_class(*e, "ltx_listingline"))
        .filter_map(|line| {
            let whole = Inline::plain(line);
            let tag = line
                .descendants()
                .filter_map(ElementRef::wrap)
                .find(|e| has_class(*e, "ltx_tag_listingline"))
                .map(Inline::plain)
                .filter(|t| !t.is_empty());
            match tag {
                Some(tag) => {
                    let rest = whole.strip_prefix(tag.as_str()).unwrap_or(&whole).trim();
                    Some(format!("{tag} {rest}").trim_end().to_owned())
                }
                None => (!whole.is_empty()).then_some(whole),
            }
        })
        .collect();
    if lines.is_empty() {
        return Inline::plain(el);
    }
    let numbered = el
        .descendants()
        .filter_map(ElementRef::wrap)
        .any(|e| has_class(e, "ltx_tag_listingline"));
    if numbered {
        return lines.join("\n");
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}: {l}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

fn listing_lines(el: ElementRef<'_>) -> Vec<String> {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| has_class(*e, "ltx_listingline"))
        .map(Inline::plain)
        .filter(|l| !l.is_empty())
        .collect()
}
